//! Running a component under wasmtime-wasi p2 and nothing else, as
//! `wasmtime run` does: how the tests run a guest composed with the wasm
//! layer, with no vfd host code in the process's wasm linker.

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::p2::bindings::sync::Command as WasiCommand;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxView, WasiView};

/// A store's data with WASI alone: what `wasmtime run` gives a component.
struct Plain {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Plain {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Run a wasi:cli command under wasmtime-wasi p2 and nothing else, and
/// return its exit status as `vfd_host::run_command` does.
pub fn run_plain(engine: &Engine, component: &Component, wasi: WasiCtx) -> wasmtime::Result<i32> {
    let mut linker = Linker::<Plain>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    let data = Plain {
        wasi,
        table: ResourceTable::new(),
    };
    let mut store = Store::new(engine, data);
    let command = WasiCommand::instantiate(&mut store, component, &linker)?;
    match command.wasi_cli_run().call_run(&mut store) {
        Ok(Ok(())) => Ok(0),
        Ok(Err(())) => Ok(1),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => Ok(exit.0),
            None => Err(e),
        },
    }
}
