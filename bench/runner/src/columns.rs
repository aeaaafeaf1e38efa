//! The five columns: how each runs one workload once and reads its result.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use vfd_bench_workloads::{Row, UNSUPPORTED};
use vfd_host::{MountPerms, VfdCtx};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Module, Store};
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

impl Kind {
    /// The wasm columns, by the name a child run is given on its command
    /// line (see [`run_child`]).
    const WASM: [(Kind, &'static str); 4] = [
        (Kind::Vfd, "vfd"),
        (Kind::Composed, "composed"),
        (Kind::P2, "p2"),
        (Kind::P1, "p1"),
    ];

    fn arg(self) -> &'static str {
        Kind::WASM
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("native", |(_, name)| name)
    }

    fn from_arg(arg: &str) -> Option<Kind> {
        Kind::WASM.iter().find(|(_, n)| *n == arg).map(|(k, _)| *k)
    }

    /// Where the compiled guest of a wasm column is kept for child runs.
    fn artifact(self, scratch: &Path) -> PathBuf {
        scratch.join(format!("{}.cwasm", self.arg()))
    }
}

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

/// Everything compiled once: one engine configuration for every wasm
/// column, so the columns differ in the interface only.
///
/// Each run of a wasm column is a process of its own (this program again,
/// see [`run_child`]), which loads the guest compiled here. A process that
/// has run wasmtime-wasi has its tokio threads, and one that has compiled
/// has rayon's: a second thread sharing the descriptor table makes Linux
/// take a file reference, and for read, write and lseek the file's
/// position lock, on every call. In a process of its own each column has
/// exactly the threads its runtime makes, as under `vfd run` or
/// `wasmtime run`, and the native column none.
pub struct Columns {
    pub engine: Engine,
    native: PathBuf,
    pub vfd: Component,
    pub p2: Component,
    pub p2_linker: Linker<P2State>,
    scratch: PathBuf,
    /// This program, for the child runs.
    exe: PathBuf,
}

impl Columns {
    pub fn new(opts: &Options, scratch: &Path) -> Result<Columns> {
        let engine = Engine::new(&vfd_host::engine_config())?;
        let load = |path: &Path| {
            vfd_host::compile::from_file(&engine, path)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot compile {}", path.display()))
        };
        let vfd = load(&opts.vfd)?;
        let composed = compose(&engine, &opts.vfd)?;
        let p2 = load(&opts.p2)?;
        let p1 = Module::from_file(&engine, &opts.p1)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot compile {}", opts.p1.display()))?;
        for (kind, compiled) in [
            (Kind::Vfd, vfd.serialize()),
            (Kind::Composed, composed.serialize()),
            (Kind::P2, p2.serialize()),
            (Kind::P1, p1.serialize()),
        ] {
            let path = kind.artifact(scratch);
            std::fs::write(&path, compiled.map_err(anyhow::Error::from)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        let mut p2_linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut p2_linker)?;
        Ok(Columns {
            engine,
            native: opts.native.clone(),
            vfd,
            p2,
            p2_linker,
            scratch: scratch.to_owned(),
            exe: std::env::current_exe().context("cannot find this program")?,
        })
    }

    /// Run `row` once in `column`: the workload's number, or `None` if it
    /// reported the row as unsupported.
    pub fn run(&self, column: Column, row: &Row, iterations: u64) -> Result<Option<f64>> {
        let mut command = match column.kind {
            Kind::Native => {
                let mut c = Command::new(&self.native);
                c.arg(row.name)
                    .arg(iterations.to_string())
                    .arg(&self.scratch);
                c
            }
            kind => {
                let mut c = Command::new(&self.exe);
                c.arg(CHILD_FLAG)
                    .arg(kind.arg())
                    .arg(row.name)
                    .arg(iterations.to_string())
                    .arg(&self.scratch);
                c
            }
        };
        let output = command
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("cannot run {:?}", command.get_program()))?;
        if !output.status.success() {
            bail!("the workload failed ({})", output.status);
        }
        parse(&output.stdout)
    }
}

/// The first argument of a child run: `vfd-bench --child KIND ROW
/// ITERATIONS SCRATCH`.
pub const CHILD_FLAG: &str = "--child";

/// A child run: one wasm column runs `row` once, from the guest
/// [`Columns::new`] compiled into `scratch`, and its output goes to
/// stdout.
pub fn run_child(args: &[String]) -> Result<()> {
    let [kind, row, iterations, scratch] = args else {
        bail!("usage: vfd-bench {CHILD_FLAG} KIND ROW ITERATIONS SCRATCH");
    };
    let kind = Kind::from_arg(kind).with_context(|| format!("no wasm column called {kind}"))?;
    let row = vfd_bench_workloads::find(row).with_context(|| format!("no row called {row}"))?;
    let run = ChildRun {
        engine: Engine::new(&vfd_host::engine_config())?,
        row,
        iterations,
        scratch: Path::new(scratch),
        out: MemoryOutputPipe::new(4096),
    };
    let artifact = kind.artifact(run.scratch);
    let status = match kind {
        Kind::Native => bail!("the native column is not a child run"),
        Kind::P1 => {
            // SAFETY: written by `Columns::new` of the same program, with
            // the same engine configuration, for this run.
            let module = unsafe { Module::deserialize_file(&run.engine, &artifact) }?;
            run.p1(&module)?
        }
        _ => {
            // SAFETY: as for p1 above.
            let component = unsafe { Component::deserialize_file(&run.engine, &artifact) }?;
            match kind {
                Kind::Vfd => run.vfd(&component)?,
                Kind::Composed => run.p2(&component, "vfd-workload")?,
                _ => run.p2(&component, "std-workload")?,
            }
        }
    };
    exited(status)?;
    std::io::stdout().write_all(&run.out.contents())?;
    Ok(())
}

/// One run of a wasm column, in a child process.
struct ChildRun<'a> {
    engine: Engine,
    row: &'a Row,
    iterations: &'a str,
    scratch: &'a Path,
    /// The guest's stdout: the workload's one line.
    out: MemoryOutputPipe,
}

impl ChildRun<'_> {
    /// The vfd workload through vfd-host: its exit status.
    fn vfd(&self, component: &Component) -> Result<i32> {
        let wasi = self.wasi("vfd-workload").build();
        let vfd = VfdCtx::builder()
            .mount(self.scratch, GUEST_DIR, MountPerms::ReadWrite)?
            .allow_connect("127.0.0.1:*")?
            .allow_listen("127.0.0.1:*")?
            .build()?;
        Ok(vfd_host::run_command(&self.engine, component, wasi, vfd)?)
    }

    /// A core module under wasmtime-wasi p1.
    fn p1(&self, module: &Module) -> Result<i32> {
        let wasi = self.wasi_with_dir("std-workload")?.build_p1();
        let mut linker = wasmtime::Linker::new(&self.engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s| s)?;
        let mut store = Store::new(&self.engine, wasi);
        let instance = linker.instantiate(&mut store, module)?;
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
        match start.call(&mut store, ()) {
            Ok(()) => Ok(0),
            Err(e) => exit_status(e),
        }
    }

    /// `component` as a wasi:cli command under wasmtime-wasi p2 alone.
    fn p2(&self, component: &Component, program: &str) -> Result<i32> {
        let wasi = self.wasi_with_dir(program)?.build();
        let mut linker = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        let mut store = Store::new(&self.engine, P2State::new(wasi));
        let command = WasiCommand::instantiate(&mut store, component, &linker)?;
        match command.wasi_cli_run().call_run(&mut store) {
            Ok(Ok(())) => Ok(0),
            Ok(Err(())) => Ok(1),
            Err(e) => exit_status(e),
        }
    }

    /// A WASI context as the wasmtime CLI makes one: arguments, stdout
    /// captured, stderr inherited, blocking file I/O on the calling
    /// thread, the loopback network allowed.
    fn wasi(&self, program: &str) -> WasiCtxBuilder {
        let mut b = WasiCtxBuilder::new();
        // Before any preopen: each preopened directory takes the setting
        // when it is added.
        b.allow_blocking_current_thread(true)
            .args(&[program, self.row.name, self.iterations, GUEST_DIR])
            .stdout(self.out.clone())
            .inherit_stderr()
            .inherit_network()
            .allow_tcp(true);
        b
    }

    /// [`wasi`](Self::wasi) with the scratch directory preopened, as
    /// `--dir` does.
    fn wasi_with_dir(&self, program: &str) -> Result<WasiCtxBuilder> {
        let mut b = self.wasi(program);
        b.preopened_dir(self.scratch, GUEST_DIR, FsPerms::ReadWrite)?;
        Ok(b)
    }
}

/// The vfd workload at `path` composed with the wasm layer embedded in
/// vfd-host, as `vfd compose` makes it, and compiled.
fn compose(engine: &Engine, path: &Path) -> Result<Component> {
    let guest = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let layer = vfd_host::compose::require_embedded_layer()?;
    let composed = vfd_host::compose::compose(&guest, layer)
        .with_context(|| format!("cannot compose {} with the layer", path.display()))?;
    vfd_host::compile::new(engine, &composed)
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
