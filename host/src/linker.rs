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

/// Wires one generated host method into a `LinkerInstance` `$inst` as
/// `bindgen!` does: `$trait` is the generated trait, then the WIT name, then
/// the method with its parameters and their types (those of the WIT, or it
/// does not compile). For the interfaces vfd wires by hand, which are all
/// of them: so that each call is traced here, once ([`trace`](crate::trace)).
macro_rules! wire {
    ($inst:ident, $trait:ident, $name:literal, $method:ident($($arg:ident: $ty:ty),*)) => {
        $inst.func_wrap(
            $name,
            |mut store: wasmtime::StoreContextMut<'_, T>, ($($arg,)*): ($($ty,)*)| {
                let vfd = store.data_mut().vfd();
                if !$crate::trace::enabled() && !$crate::trace::table_requested() {
                    return Ok(($trait::$method(vfd, $($arg),*),));
                }
                vfd.answer_table_request();
                #[allow(unused_mut)]
                let mut args = $crate::trace::Args::default();
                $( args.push(stringify!($arg), &$arg); )*
                let start = std::time::Instant::now();
                let result = $trait::$method(vfd, $($arg),*);
                $crate::trace::emit($name, args, &result, start.elapsed());
                Ok((result,))
            },
        )?;
    };
    // A call that can wait in the host: made again, with the same
    // arguments, when a table request interrupted it (see
    // `trace::request_table`).
    ($inst:ident, $trait:ident, restart $name:literal, $method:ident($($arg:ident: $ty:ty),*)) => {
        $inst.func_wrap(
            $name,
            |mut store: wasmtime::StoreContextMut<'_, T>, ($($arg,)*): ($($ty,)*)| {
                let vfd = store.data_mut().vfd();
                vfd.answer_table_request();
                let traced = $crate::trace::enabled();
                #[allow(unused_mut)]
                let mut args = $crate::trace::Args::default();
                if traced {
                    $( args.push(stringify!($arg), &$arg); )*
                }
                let start = std::time::Instant::now();
                let result = loop {
                    let result = $trait::$method(vfd, $($crate::trace::Again::again(&$arg)),*);
                    if !$crate::trace::interrupted(&result) {
                        break result;
                    }
                    vfd.answer_table_request();
                };
                if traced {
                    $crate::trace::emit($name, args, &result, start.elapsed());
                }
                Ok((result,))
            },
        )?;
    };
}
pub(crate) use wire;

/// Add every `vfd:posix` interface to `linker`, next to wasmtime-wasi's.
pub fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    use crate::bindings::vfd::posix::types;
    types::add_to_linker::<T, HasSelf<VfdCtx>>(linker, T::vfd)?;
    // By hand, so that writes take the guest's bytes without a copy, and
    // every call is traced in one place.
    crate::descriptors_linker::add_to_linker(linker)?;
    crate::handles_linker::add_to_linker(linker)?;
    crate::io_linker::add_to_linker(linker)
}

/// wasmtime-wasi's preview 2 interfaces (`add_to_linker_sync`) and vfd's,
/// with the guest's `wasi:cli` stdin, stdout and stderr served by vfd's
/// descriptors 0, 1 and 2: a component's `println!` and `eprintln!` follow
/// a `dup2` onto 1 or 2 and go nowhere once the number is closed, and
/// `std::io::stdin()` reads whatever fd 0 is, as on Linux. What
/// [`run_command`](crate::run_command) and `vfd run` link; the way to link
/// vfd beside WASI.
///
/// vfd defines those functions again over wasmtime-wasi's, with the
/// linker's shadowing allowed for that moment and then turned off (a
/// setting the caller made before is not kept: `Linker` has no getter). A
/// later `add_to_linker` of wasmtime-wasi with shadowing allowed would undo
/// them. Readiness of stdin (`subscribe`) waits on tokio's reactor: a host
/// that runs wasmtime-wasi on a runtime of its own needs one with I/O
/// enabled, as wasmtime-wasi's own is.
///
/// [`add_to_linker`] links vfd's interfaces alone, for a linker whose
/// WASI is wired otherwise; the guest's `wasi:cli` stdio then stays the
/// `WasiCtx`'s, a path of its own beside vfd's 0, 1 and 2.
pub fn add_to_linker_with_wasi<T: VfdView + wasmtime_wasi::WasiView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_sync(linker)?;
    add_to_linker(linker)?;
    crate::wasi_stdio::add_to_linker(linker)
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Data(VfdCtx);

    impl VfdView for Data {
        fn vfd(&mut self) -> &mut VfdCtx {
            &mut self.0
        }
    }

    /// Every function of the interfaces wired by hand is defined, by name:
    /// defining any of them again is refused. Their types need no test
    /// here: each `wire!` line hands its arguments to the generated trait
    /// method, whose parameter types are the WIT's, so a wrong type does
    /// not compile; and wasmtime checks the hand-typed writes against the
    /// imports of every guest that writes.
    #[test]
    fn every_function_of_the_hand_wired_interfaces_is_defined() {
        let mut resolve = wit_parser::Resolve::default();
        let (pkg, _) = resolve
            .push_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../wit"))
            .unwrap();
        let engine = crate::engine().unwrap();
        let mut linker = Linker::<Data>::new(&engine);
        crate::descriptors_linker::add_to_linker(&mut linker).unwrap();
        crate::handles_linker::add_to_linker(&mut linker).unwrap();
        crate::io_linker::add_to_linker(&mut linker).unwrap();
        let interfaces = [
            ("descriptors", 20),
            ("handles", 6),
            ("pipes", 2),
            ("sockets", 12),
            ("poll", 1),
        ];
        for (name, at_least) in interfaces {
            let iface = resolve.packages[pkg].interfaces[name];
            let id = resolve.id_of(iface).unwrap();
            let functions = &resolve.interfaces[iface].functions;
            assert!(functions.len() >= at_least, "{id}: {}", functions.len());
            let mut inst = linker.instance(&id).unwrap();
            for function in functions.keys() {
                let again = inst.func_wrap(function, |_, (): ()| Ok(()));
                assert!(again.is_err(), "{id}: `{function}` is not defined");
            }
        }
    }
}
