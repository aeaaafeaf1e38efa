//! Running a `wasi:cli` command component, or a preview 1 command module,
//! with vfd, as `vfd run` does.
//!
//! For hosts that want the common case in one call; an embedder with its
//! own store data wires [`add_to_linker`](crate::add_to_linker) itself
//! (see `examples/host/src/bin/embed.rs`).

use crate::run_limits::MemoryLimiter;
use crate::{RunLimits, VfdCtx, VfdView};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxView, WasiView};

/// A store's data for a command: wasmtime-wasi's context and vfd's.
pub struct CommandCtx {
    /// The WASI context (arguments, environment, wasi:cli stdio...).
    pub wasi: WasiCtx,
    /// WASI's resources.
    pub table: ResourceTable,
    /// vfd's descriptors.
    pub vfd: VfdCtx,
}

impl WasiView for CommandCtx {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl VfdView for CommandCtx {
    fn vfd(&mut self) -> &mut VfdCtx {
        &mut self.vfd
    }
}

/// A run's store data: the command's context and the store's limiter.
struct Limited {
    ctx: CommandCtx,
    limits: MemoryLimiter,
}

impl WasiView for Limited {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        self.ctx.ctx()
    }
}

impl VfdView for Limited {
    fn vfd(&mut self) -> &mut VfdCtx {
        &mut self.ctx.vfd
    }
}

/// A store for one run within `limits`.
fn store(engine: &Engine, wasi: WasiCtx, vfd: VfdCtx, limits: &RunLimits) -> Store<Limited> {
    let ctx = CommandCtx {
        wasi,
        table: ResourceTable::new(),
        vfd,
    };
    let data = Limited {
        ctx,
        limits: limits.memory_limiter(),
    };
    let mut store = Store::new(engine, data);
    store.limiter(|data| &mut data.limits);
    store
}

/// Run `component` as a wasi:cli command to its end, with wasmtime-wasi
/// p2 and vfd linked, and return its exit status: 0 for success, else the
/// status it exited with (WASI 0.2 reports any failure as 1).
///
/// The guest's descriptors are released (and, in dev mode, the ones it
/// left open are reported) before this returns. A trap is an error.
pub fn run_command(
    engine: &Engine,
    component: &Component,
    wasi: WasiCtx,
    vfd: VfdCtx,
) -> wasmtime::Result<i32> {
    run_command_within(engine, component, wasi, vfd, &RunLimits::default())
}

/// [`run_command`] within `limits`, on an engine made for them
/// ([`RunLimits::engine`]). A guest stopped by a limit ends in an error
/// that [`LimitReached::of`](crate::LimitReached::of) names.
pub fn run_command_within(
    engine: &Engine,
    component: &Component,
    wasi: WasiCtx,
    vfd: VfdCtx,
    limits: &RunLimits,
) -> wasmtime::Result<i32> {
    let mut linker = Linker::<Limited>::new(engine);
    crate::add_to_linker_with_wasi(&mut linker)?;
    let mut store = store(engine, wasi, vfd, limits);
    // Armed first: instantiation runs the guest's start functions.
    let watchdog = limits.arm(&mut store)?;
    let command = Command::instantiate(&mut store, component, &linker)?;
    let result = command.wasi_cli_run().call_run(&mut store);
    drop(watchdog);
    let result = result.map_err(|e| store.data().limits.explain(e));
    drop(store);
    match result {
        Ok(Ok(())) => Ok(0),
        Ok(Err(())) => Ok(1),
        Err(e) => exit_status(e),
    }
}

/// The status a guest passed to `exit`, or the error that ended it.
fn exit_status(error: wasmtime::Error) -> wasmtime::Result<i32> {
    match error.downcast_ref::<I32Exit>() {
        Some(exit) => Ok(exit.0),
        None => Err(error),
    }
}

/// Run `module`, a preview 1 command module (`wasm32-wasip1`), to its end:
/// its `_start` with [`p1`](crate::p1) linked over `vfd` and `wasi`
/// (arguments, environment, clocks, randomness). Returns its exit status:
/// what it passed to `proc_exit`, or 0 if `_start` returned.
///
/// Build `vfd` with [`preopen_mounts`](crate::VfdCtxBuilder::preopen_mounts)
/// for the program to find its directories. A trap is an error.
pub fn run_module(
    engine: &Engine,
    module: &wasmtime::Module,
    wasi: WasiCtx,
    vfd: VfdCtx,
) -> wasmtime::Result<i32> {
    run_module_within(engine, module, wasi, vfd, &RunLimits::default())
}

/// [`run_module`] within `limits`, on an engine made for them
/// ([`RunLimits::engine`]). A guest stopped by a limit ends in an error
/// that [`LimitReached::of`](crate::LimitReached::of) names.
pub fn run_module_within(
    engine: &Engine,
    module: &wasmtime::Module,
    wasi: WasiCtx,
    vfd: VfdCtx,
    limits: &RunLimits,
) -> wasmtime::Result<i32> {
    let mut linker = wasmtime::Linker::<Limited>::new(engine);
    crate::p1::add_to_linker(&mut linker)?;
    let mut store = store(engine, wasi, vfd, limits);
    let watchdog = limits.arm(&mut store)?;
    let instance = linker.instantiate(&mut store, module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    let result = start.call(&mut store, ());
    drop(watchdog);
    let result = result.map_err(|e| store.data().limits.explain(e));
    drop(store);
    match result {
        Ok(()) => Ok(0),
        Err(e) => exit_status(e),
    }
}
