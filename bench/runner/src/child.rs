//! A child run: one run of a wasm column, in a process of its own.
//!
//! The benchmark runs this program again for each run of a wasm column
//! (see [`crate::columns::Columns`]), so that the run has only the threads
//! its runtime starts. The guest was compiled once by the parent; the
//! child loads it.

use anyhow::{Context, Result, bail};
use std::path::Path;
use vfd_bench_workloads::Row;
use vfd_host::{MountPerms, VfdCtx};
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Module, Store};
use wasmtime_wasi::p2::bindings::sync::Command as WasiCommand;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

use crate::columns::{GUEST_DIR, Kind, P2State};

/// The first argument of a child run: `vfd-bench --child KIND ROW
/// ITERATIONS SCRATCH COMPILED`.
pub const FLAG: &str = "--child";

/// A child run: one wasm column runs `row` once, with the guest
/// [`Columns::new`](crate::columns::Columns::new) compiled into
/// `COMPILED`, and its output goes to stdout.
pub fn run(args: &[String]) -> Result<()> {
    let [kind, row, iterations, scratch, compiled] = args else {
        bail!("usage: vfd-bench {FLAG} KIND ROW ITERATIONS SCRATCH COMPILED");
    };
    let kind = Kind::from_arg(kind).with_context(|| format!("no wasm column called {kind}"))?;
    let row = vfd_bench_workloads::find(row).with_context(|| format!("no row called {row}"))?;
    let run = ChildRun {
        engine: Engine::new(&vfd_host::engine_config())?,
        row,
        iterations,
        scratch: Path::new(scratch),
    };
    let artifact = kind.artifact(Path::new(compiled));
    let status = match kind {
        Kind::Native => bail!("the native column is not a child run"),
        Kind::P1 | Kind::VfdP1 => {
            // SAFETY: written by `Columns::new` of the same program, with
            // the same engine configuration, into a private directory that
            // no guest has mounted.
            let module = unsafe { Module::deserialize_file(&run.engine, &artifact) }?;
            if kind == Kind::P1 {
                run.p1(&module)?
            } else {
                run.vfd_p1(&module)?
            }
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
    exited(status)
}

/// One run of a wasm column, in a child process.
struct ChildRun<'a> {
    engine: Engine,
    row: &'a Row,
    iterations: &'a str,
    scratch: &'a Path,
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

    /// A core module on vfd's preview 1. Its stdout is vfd's fd 1: this
    /// process's, lent, as for the vfd column.
    fn vfd_p1(&self, module: &Module) -> Result<i32> {
        let wasi = self.wasi("std-workload").build();
        let vfd = VfdCtx::builder()
            .mount(self.scratch, GUEST_DIR, MountPerms::ReadWrite)?
            .preopen_mounts(true)
            .build()?;
        Ok(vfd_host::run_module(&self.engine, module, wasi, vfd)?)
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

    /// A WASI context as the wasmtime CLI makes one: arguments, stdio
    /// inherited (this process's stdout is a file, as `wasmtime run >
    /// file` gives it), blocking file I/O on the calling thread, the
    /// loopback network allowed.
    fn wasi(&self, program: &str) -> WasiCtxBuilder {
        let mut b = WasiCtxBuilder::new();
        // Before any preopen: each preopened directory takes the setting
        // when it is added.
        b.allow_blocking_current_thread(true)
            .args(&[program, self.row.name, self.iterations, GUEST_DIR])
            .inherit_stdout()
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
