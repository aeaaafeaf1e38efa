//! The five columns: how each runs one workload once and reads its result.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use vfd_bench_workloads::{Row, UNSUPPORTED};
use vfd_host::{MountPerms, VfdCtx};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::bindings::sync::Command as WasiCommand;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::Options;

/// Where the guests see the scratch directory.
pub const GUEST_DIR: &str = "/data";

/// One column of the table.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Native,
    Vfd,
    /// The vfd workload composed with the wasm build of the layer, run by
    /// wasmtime-wasi p2 alone, as `wasmtime run` would run it.
    Composed,
    P2,
    P1,
}

/// The columns, in table order.
pub const COLUMNS: [Column; 5] = [
    Column {
        name: "native",
        kind: Kind::Native,
    },
    Column {
        name: "vfd",
        kind: Kind::Vfd,
    },
    Column {
        name: "vfd composed",
        kind: Kind::Composed,
    },
    Column {
        name: "wasmtime-wasi p2",
        kind: Kind::P2,
    },
    Column {
        name: "wasmtime-wasi p1",
        kind: Kind::P1,
    },
];

/// Indexes into [`COLUMNS`].
pub const NATIVE: usize = 0;
pub const VFD: usize = 1;
pub const COMPOSED: usize = 2;
pub const P2: usize = 3;
pub const P1: usize = 4;

impl Column {
    /// Whether this column can do `row` at all.
    pub fn runs(&self, row: &Row) -> bool {
        match self.kind {
            Kind::Native | Kind::Vfd | Kind::Composed => true,
            Kind::P2 => row.p2,
            Kind::P1 => row.p1,
        }
    }
}

/// The store data of the p2 column: wasmtime-wasi alone.
pub struct P2State {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl P2State {
    pub fn new(wasi: WasiCtx) -> P2State {
        P2State {
            wasi,
            table: ResourceTable::new(),
        }
    }
}

impl WasiView for P2State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Everything compiled once: one engine for every wasm column, so the
/// columns differ in the interface only.
pub struct Columns {
    pub engine: Engine,
    native: PathBuf,
    pub vfd: Component,
    composed: Component,
    pub p2: Component,
    p1: Module,
    pub p2_linker: Linker<P2State>,
    p1_linker: wasmtime::Linker<WasiP1Ctx>,
    scratch: PathBuf,
}

impl Columns {
    pub fn new(opts: &Options, scratch: &Path) -> Result<Columns> {
        let engine = Engine::new(&vfd_host::engine_config())?;
        let load = |path: &Path| {
            Component::from_file(&engine, path)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot compile {}", path.display()))
        };
        let vfd = load(&opts.vfd)?;
        let composed = compose(&engine, &opts.vfd)?;
        let p2 = load(&opts.p2)?;
        let p1 = Module::from_file(&engine, &opts.p1)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot compile {}", opts.p1.display()))?;
        let mut p2_linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut p2_linker)?;
        let mut p1_linker = wasmtime::Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut p1_linker, |s| s)?;
        Ok(Columns {
            engine,
            native: opts.native.clone(),
            vfd,
            composed,
            p2,
            p1,
            p2_linker,
            p1_linker,
            scratch: scratch.to_owned(),
        })
    }

    /// Run `row` once in `column`: the workload's number, or `None` if it
    /// reported the row as unsupported.
    pub fn run(&self, column: Column, row: &Row, iterations: u64) -> Result<Option<f64>> {
        let iterations = iterations.to_string();
        let out = match column.kind {
            Kind::Native => {
                let output = Command::new(&self.native)
                    .arg(row.name)
                    .arg(&iterations)
                    .arg(&self.scratch)
                    .stderr(std::process::Stdio::inherit())
                    .output()
                    .with_context(|| format!("cannot run {}", self.native.display()))?;
                if !output.status.success() {
                    bail!("the native workload failed ({})", output.status);
                }
                output.stdout
            }
            Kind::Vfd => {
                let out = MemoryOutputPipe::new(4096);
                let wasi = self.wasi(&out, "vfd-workload", row, &iterations).build();
                let vfd = VfdCtx::builder()
                    .mount(&self.scratch, GUEST_DIR, MountPerms::ReadWrite)?
                    .allow_connect("127.0.0.1:*")?
                    .allow_listen("127.0.0.1:*")?
                    .build()?;
                let status = vfd_host::run_command(&self.engine, &self.vfd, wasi, vfd)?;
                exited(status)?;
                out.contents().to_vec()
            }
            Kind::Composed => self.run_p2(&self.composed, "vfd-workload", row, &iterations)?,
            Kind::P2 => self.run_p2(&self.p2, "std-workload", row, &iterations)?,
            Kind::P1 => {
                let out = MemoryOutputPipe::new(4096);
                let wasi = self
                    .wasi(&out, "std-workload", row, &iterations)
                    .preopened_dir(&self.scratch, GUEST_DIR, FsPerms::ReadWrite)?
                    .build_p1();
                let mut store = Store::new(&self.engine, wasi);
                let instance = self.p1_linker.instantiate(&mut store, &self.p1)?;
                let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
                let status = match start.call(&mut store, ()) {
                    Ok(()) => 0,
                    Err(e) => exit_status(e)?,
                };
                exited(status)?;
                out.contents().to_vec()
            }
        };
        parse(&out)
    }

    /// Run `component` as a wasi:cli command under wasmtime-wasi p2 alone,
    /// with the scratch directory preopened (`--dir`), and return its
    /// output.
    fn run_p2(
        &self,
        component: &Component,
        program: &str,
        row: &Row,
        iterations: &str,
    ) -> Result<Vec<u8>> {
        let out = MemoryOutputPipe::new(4096);
        let wasi = self
            .wasi(&out, program, row, iterations)
            .preopened_dir(&self.scratch, GUEST_DIR, FsPerms::ReadWrite)?
            .build();
        let mut store = Store::new(&self.engine, P2State::new(wasi));
        let command = WasiCommand::instantiate(&mut store, component, &self.p2_linker)?;
        let status = match command.wasi_cli_run().call_run(&mut store) {
            Ok(Ok(())) => 0,
            Ok(Err(())) => 1,
            Err(e) => exit_status(e)?,
        };
        exited(status)?;
        Ok(out.contents().to_vec())
    }

    /// A WASI context as the wasmtime CLI makes one: arguments, stdout
    /// captured, stderr inherited, blocking file I/O on the calling
    /// thread, the loopback network allowed.
    fn wasi(
        &self,
        out: &MemoryOutputPipe,
        program: &str,
        row: &Row,
        iterations: &str,
    ) -> WasiCtxBuilder {
        let mut b = WasiCtxBuilder::new();
        // Before any preopen: each preopened directory takes the setting
        // when it is added.
        b.allow_blocking_current_thread(true)
            .args(&[program, row.name, iterations, GUEST_DIR])
            .stdout(out.clone())
            .inherit_stderr()
            .inherit_network()
            .allow_tcp(true);
        b
    }
}

/// The vfd workload at `path` composed with the wasm layer embedded in
/// vfd-host, as `vfd compose` makes it, and compiled.
fn compose(engine: &Engine, path: &Path) -> Result<Component> {
    let guest = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let layer = vfd_host::compose::require_embedded_layer()?;
    let composed = vfd_host::compose::compose(&guest, layer)
        .with_context(|| format!("cannot compose {} with the layer", path.display()))?;
    Component::new(engine, &composed)
        .map_err(anyhow::Error::from)
        .context("cannot compile the composed vfd workload")
}

/// The status carried by a `proc_exit`/`exit` trap, or the trap itself.
fn exit_status(e: wasmtime::Error) -> Result<i32> {
    match e.downcast_ref::<I32Exit>() {
        Some(exit) => Ok(exit.0),
        None => Err(e.into()),
    }
}

fn exited(status: i32) -> Result<()> {
    if status != 0 {
        bail!("the guest exited with status {status}");
    }
    Ok(())
}

/// A workload's one line: a number, or [`UNSUPPORTED`].
fn parse(out: &[u8]) -> Result<Option<f64>> {
    let text = String::from_utf8_lossy(out);
    let line = text.trim();
    if line == UNSUPPORTED {
        return Ok(None);
    }
    let value = line
        .parse()
        .with_context(|| format!("unexpected workload output {line:?}"))?;
    Ok(Some(value))
}
