//! Wiring vfd into a wasmtime `Linker`, as wasmtime-wasi does.

use crate::VfdCtx;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine};

/// Gives vfd's host functions the [`VfdCtx`] inside a `Store`'s data, as
/// `WasiView` does for wasmtime-wasi.
pub trait VfdView: Send {
    /// The guest's descriptor context.
    fn vfd(&mut self) -> &mut VfdCtx;
}

/// Add every `vfd:posix` interface to `linker`, next to wasmtime-wasi's.
pub fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    use crate::bindings::vfd::posix::{handles, pipes, poll, sockets, types};
    types::add_to_linker::<T, HasSelf<VfdCtx>>(linker, T::vfd)?;
    // By hand, so that writes take the guest's bytes without a copy.
    crate::descriptors_linker::add_to_linker(linker)?;
    handles::add_to_linker::<T, HasSelf<VfdCtx>>(linker, T::vfd)?;
    pipes::add_to_linker::<T, HasSelf<VfdCtx>>(linker, T::vfd)?;
    sockets::add_to_linker::<T, HasSelf<VfdCtx>>(linker, T::vfd)?;
    poll::add_to_linker::<T, HasSelf<VfdCtx>>(linker, T::vfd)
}

/// The engine configuration vfd is tuned for: the component model without
/// the concurrency machinery, which more than doubles the cost of each
/// guest-to-host call (about 90 ns instead of 210 ns on a 2-vCPU machine)
/// and which neither wasmtime-wasi p2's sync bindings nor vfd need.
pub fn engine_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.concurrency_support(false);
    config
}

/// An engine with [`engine_config`].
pub fn engine() -> wasmtime::Result<Engine> {
    Engine::new(&engine_config())
}
