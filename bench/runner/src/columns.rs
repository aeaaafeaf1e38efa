//! The six columns: how each runs one workload once and reads its result.

use anyhow::{Context, Result, bail};
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::Command;
use vfd_bench_workloads::{Row, UNSUPPORTED};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Module};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::{Options, child};

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
    /// The std workload built for wasm32-wasip1 (the same bytes as the p1
    /// column) on vfd's preview 1.
    VfdP1,
}

/// The columns, in table order.
pub const COLUMNS: [Column; 6] = [
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
    Column {
        name: "vfd p1",
        kind: Kind::VfdP1,
    },
];

/// Indexes into [`COLUMNS`].
pub const NATIVE: usize = 0;
pub const VFD: usize = 1;
pub const COMPOSED: usize = 2;
pub const P2: usize = 3;
pub const P1: usize = 4;
pub const VFD_P1: usize = 5;

impl Kind {
    /// The wasm columns, by the name a child run is given on its command
    /// line (see [`crate::child`]).
    const WASM: [(Kind, &'static str); 5] = [
        (Kind::Vfd, "vfd"),
        (Kind::Composed, "composed"),
        (Kind::P2, "p2"),
        (Kind::P1, "p1"),
        (Kind::VfdP1, "vfd-p1"),
    ];

    pub fn arg(self) -> &'static str {
        Kind::WASM
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("native", |(_, name)| name)
    }

    pub fn from_arg(arg: &str) -> Option<Kind> {
        Kind::WASM.iter().find(|(_, n)| *n == arg).map(|(k, _)| *k)
    }

    /// Where the compiled guest of a wasm column is kept for child runs.
    pub fn artifact(self, compiled: &Path) -> PathBuf {
        compiled.join(format!("{}.cwasm", self.arg()))
    }
}

impl Column {
    /// Whether this column can do `row` at all.
    pub fn runs(&self, row: &Row) -> bool {
        match self.kind {
            Kind::Native | Kind::Vfd | Kind::Composed => true,
            Kind::P2 => row.p2,
            Kind::P1 | Kind::VfdP1 => row.p1,
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
/// see [`crate::child`]), which loads the guest compiled here. A process that
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
    /// The compiled guests, in a directory of their own: the scratch
    /// directory is the guests' `/data`, and a guest must not be able to
    /// replace the native code the next run loads.
    compiled: tempfile::TempDir,
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
        let p1 = vfd_host::compile::with_joined_threads(|| Module::from_file(&engine, &opts.p1))
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot compile {}", opts.p1.display()))?;
        let dir = tempfile::Builder::new()
            .prefix("vfd-bench-compiled-")
            .tempdir()
            .context("cannot make a directory for the compiled guests")?;
        for (kind, compiled) in [
            (Kind::Vfd, vfd.serialize()),
            (Kind::Composed, composed.serialize()),
            (Kind::P2, p2.serialize()),
            (Kind::P1, p1.serialize()),
            (Kind::VfdP1, p1.serialize()),
        ] {
            let path = kind.artifact(dir.path());
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
            compiled: dir,
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
                c.arg(child::FLAG)
                    .arg(kind.arg())
                    .arg(row.name)
                    .arg(iterations.to_string())
                    .arg(&self.scratch)
                    .arg(self.compiled.path());
                c
            }
        };
        // stdout is a file, as a shell's `> file` makes it: what the
        // println row writes to, and where the workload's result line goes
        // last.
        let mut stdout = tempfile::tempfile().context("cannot make the run's stdout")?;
        let status = command
            .stdout(stdout.try_clone()?)
            .stderr(std::process::Stdio::inherit())
            .status()
            .with_context(|| format!("cannot run {:?}", command.get_program()))?;
        if !status.success() {
            bail!("the workload failed ({status})");
        }
        let mut out = Vec::new();
        stdout.seek(std::io::SeekFrom::Start(0))?;
        stdout.read_to_end(&mut out)?;
        parse(&out)
    }
}

/// The vfd workload at `path` composed with the wasm layer embedded in
/// vfd-host, as `vfd compose` makes it, and compiled.
fn compose(engine: &Engine, path: &Path) -> Result<Component> {
    let guest = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let layer = vfd_cli::compose::require_embedded_layer()?;
    let composed = vfd_cli::compose::compose(&guest, layer)
        .with_context(|| format!("cannot compose {} with the layer", path.display()))?;
    vfd_host::compile::new(engine, &composed)
        .map_err(anyhow::Error::from)
        .context("cannot compile the composed vfd workload")
}

/// A workload's result, its last line: a number, or [`UNSUPPORTED`].
fn parse(out: &[u8]) -> Result<Option<f64>> {
    let text = String::from_utf8_lossy(out);
    let line = text.trim_end().lines().last().unwrap_or_default();
    if line == UNSUPPORTED {
        return Ok(None);
    }
    let value = line
        .parse()
        .with_context(|| format!("unexpected workload output {line:?}"))?;
    Ok(Some(value))
}
