//! WASI preview 1 (`wasi_snapshot_preview1`) on vfd's descriptor table,
//! for core modules built for `wasm32-wasip1` (Rust std, C with wasi-libc,
//! Zig, AssemblyScript...), unmodified.
//!
//! The same [`VfdCtx`](crate::VfdCtx) serves components and modules: the
//! same table (lowest free numbers, the limit), open descriptions, mounts,
//! read-only rules, network policy and handed-in objects. Preview 1's
//! numbers *are* the table's numbers: fd 1 is the guest's fd 1, and a
//! listener handed in at 3 is what `sock_accept(3)` accepts on.
//!
//! - **Preopens.** A preview 1 program finds its directories by asking
//!   `fd_prestat_get` from 3 upward until `EBADF`; build the context with
//!   [`VfdCtxBuilder::preopen_mounts`](crate::VfdCtxBuilder::preopen_mounts)
//!   so that the mounts are at 3, 4, ... in the order given.
//! - **Memory.** Reads land straight in the guest's memory and writes take
//!   the guest's bytes in place: one copy, as natively, and no allocation
//!   unless a call has two or more non-empty buffers.
//! - **Errors.** Every error is an errno. A pointer or length outside the
//!   guest's memory is `EFAULT`, as Linux answers a bad pointer, where
//!   wasmtime-wasi traps; nothing a guest sends can panic the host.
//! - **Arguments, environment, clocks and randomness** come from
//!   wasmtime-wasi's [`WasiCtx`](wasmtime_wasi::WasiCtx), as they do for a
//!   component, so one store data type serves both kinds of guest.
//!
//! - **What preview 1 lacks** (`dup`, `dup2`, pipes, socket pairs,
//!   poll(2)...) is offered as vfd's own import module, `vfd`, on the
//!   same table (see [`VFD_MODULE`] for its ABI).
//!
//! What differs from wasmtime-wasi's preview 1 and from Linux is listed in
//! the README ("Unmodified WASI programs").
//!
//! # References
//! - [WASI preview 1](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md)

mod args;
mod clocks;
mod fd;
mod memory;
mod path;
mod poll;
mod readdir;
mod rights;
mod rw;
mod sock;
mod vfd;

pub use vfd::VFD_MODULE;

use crate::VfdView;
use memory::Mem;
use wasmtime::{Caller, Extern, Linker};
use wasmtime_wasi::WasiView;

/// The module name preview 1 programs import from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// A preview 1 errno: WASI's number for the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Errno(u16);

impl Errno {
    /// A pointer or length outside the guest's memory. No WIT call has
    /// pointers, so vfd's common errno list does not have it.
    const FAULT: Errno = Errno(21);
    /// A string argument that is not UTF-8.
    const ILSEQ: Errno = Errno(25);
    const BADF: Errno = Errno(vfd_core::Errno::Badf.wasi());
    const INVAL: Errno = Errno(vfd_core::Errno::Inval.wasi());
    const NOTSUP: Errno = Errno(vfd_core::Errno::Notsup.wasi());
    const NOTDIR: Errno = Errno(vfd_core::Errno::Notdir.wasi());
    const NAMETOOLONG: Errno = Errno(vfd_core::Errno::Nametoolong.wasi());
    const OVERFLOW: Errno = Errno(vfd_core::Errno::Overflow.wasi());
    const INTR: Errno = Errno(vfd_core::Errno::Intr.wasi());
}

impl From<vfd_core::Errno> for Errno {
    fn from(e: vfd_core::Errno) -> Self {
        Errno(e.wasi())
    }
}

impl From<crate::bindings::Errno> for Errno {
    fn from(e: crate::bindings::Errno) -> Self {
        vfd_core::Errno::from(e).into()
    }
}

impl From<rustix::io::Errno> for Errno {
    fn from(e: rustix::io::Errno) -> Self {
        crate::bindings::Errno::from(e).into()
    }
}

impl From<std::io::Error> for Errno {
    fn from(e: std::io::Error) -> Self {
        crate::errno::from_io(e).into()
    }
}

type Result<T> = std::result::Result<T, Errno>;

/// Runs one call with the guest's memory and the store's data, and turns
/// its outcome into preview 1's return value (0 or the errno). When calls
/// are traced, `traced` gives the call's arguments by name for its event.
///
/// The memory is the module's exported `memory`, looked up at each call
/// as wasmtime-wasi does; a module without one gets `EFAULT` from every
/// call that has a pointer (a shared memory is not supported).
fn call<T: VfdView, const N: usize>(
    caller: &mut Caller<'_, T>,
    name: &str,
    traced: impl FnOnce() -> [(&'static str, i128); N],
    mut f: impl FnMut(&mut Mem<'_>, &mut T) -> Result<()>,
) -> i32 {
    let start = crate::trace::enabled().then(std::time::Instant::now);
    let memory = match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => Some(memory),
        _ => None,
    };
    let errno = loop {
        caller.data_mut().vfd().answer_table_request();
        let result = match memory {
            Some(memory) => {
                let (bytes, data) = memory.data_and_store_mut(&mut *caller);
                f(&mut Mem(bytes), data)
            }
            None => f(&mut Mem(&mut []), caller.data_mut()),
        };
        match result {
            Ok(()) => break 0,
            // A call a table request interrupted did nothing: made again.
            Err(Errno::INTR) if crate::trace::table_requested() => continue,
            Err(Errno(e)) => break e,
        }
    };
    if let Some(start) = start {
        let elapsed = start.elapsed();
        let bytes = memory.map_or(&[][..], |m| m.data(&*caller));
        crate::trace::emit_p1(name, &traced(), bytes, errno, elapsed);
    }
    i32::from(errno)
}

/// Add every `wasi_snapshot_preview1` function to a core module linker,
/// over the [`VfdCtx`](crate::VfdCtx) of [`VfdView`] and the
/// [`WasiCtx`](wasmtime_wasi::WasiCtx) of [`WasiView`] (arguments,
/// environment, clocks, randomness), as wasmtime-wasi's
/// `p1::add_to_linker_sync` does with its own context; and the functions
/// of vfd's own module, [`VFD_MODULE`] (the calls preview 1 lacks: see
/// its documentation), which a module may import or not.
///
/// ```no_run
/// # use vfd_host::{VfdCtx, VfdView};
/// # use wasmtime::component::ResourceTable;
/// # use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
/// # struct State { wasi: WasiCtx, table: ResourceTable, vfd: VfdCtx }
/// # impl WasiView for State {
/// #     fn ctx(&mut self) -> WasiCtxView<'_> { WasiCtxView { ctx: &mut self.wasi, table: &mut self.table } }
/// # }
/// # impl VfdView for State { fn vfd(&mut self) -> &mut VfdCtx { &mut self.vfd } }
/// # fn main() -> anyhow::Result<()> {
/// let engine = vfd_host::engine()?;
/// let mut linker = wasmtime::Linker::<State>::new(&engine);
/// vfd_host::p1::add_to_linker(&mut linker)?;
/// # Ok(())
/// # }
/// ```
pub fn add_to_linker<T: VfdView + WasiView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    args::add_to_linker(linker)?;
    clocks::add_to_linker(linker)?;
    fd::add_to_linker(linker)?;
    rw::add_to_linker(linker)?;
    readdir::add_to_linker(linker)?;
    path::add_to_linker(linker)?;
    poll::add_to_linker(linker)?;
    sock::add_to_linker(linker)?;
    vfd::add_to_linker(linker)
}

/// Defines preview 1 functions on a `Linker<T>` (in preview 1's module, or
/// in the one named after `in`): each takes the guest's memory, the
/// store's data and its arguments (i32 as `u32`, i64 as `u64` or `i64`)
/// and returns a [`Result`].
macro_rules! functions {
    ($linker:ident, $($rest:tt)*) => {
        functions! { $linker in $crate::p1::MODULE, $($rest)* }
    };
    ($linker:ident in $module:expr, $( $name:literal => |$mem:ident, $data:ident $(, $arg:ident: $ty:ty)*| $body:expr; )*) => {
        $(
            $linker.func_wrap(
                $module,
                $name,
                |mut caller: wasmtime::Caller<'_, T>, $($arg: $ty),*| -> i32 {
                    let traced = || [$((stringify!($arg), $arg as i128)),*];
                    $crate::p1::call(&mut caller, $name, traced, |$mem, $data| $body)
                },
            )?;
        )*
    };
}
use functions;
