//! Running a `wasi:cli` command component, or a preview 1 command module,
//! with vfd, as `vfd run` does.
//!
//! For hosts that want the common case in one call; an embedder with its
//! own store data wires [`add_to_linker`](crate::add_to_linker) itself
//! (see `examples/host/src/bin/embed.rs`).

use crate::{VfdCtx, VfdView};
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
    let mut linker = Linker::<CommandCtx>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    crate::add_to_linker(&mut linker)?;
    let data = CommandCtx {
        wasi,
        table: ResourceTable::new(),
        vfd,
    };
    let mut store = Store::new(engine, data);
    let command = Command::instantiate(&mut store, component, &linker)?;
    let result = command.wasi_cli_run().call_run(&mut store);
    drop(store);
    match result {
        Ok(Ok(())) => Ok(0),
        Ok(Err(())) => Ok(1),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => Ok(exit.0),
            None => Err(e),
        },
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
    let mut linker = wasmtime::Linker::<CommandCtx>::new(engine);
    crate::p1::add_to_linker(&mut linker)?;
    let data = CommandCtx {
        wasi,
        table: ResourceTable::new(),
        vfd,
    };
    let mut store = Store::new(engine, data);
    let instance = linker.instantiate(&mut store, module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    let result = start.call(&mut store, ());
    drop(store);
    match result {
        Ok(()) => Ok(0),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => Ok(exit.0),
            None => Err(e),
        },
    }
}
