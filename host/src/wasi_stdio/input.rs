//! `wasi:cli/stdin` as vfd's descriptor 0: the stream `get-stdin` gives
//! reads, at each read, whatever fd 0 refers to then (a file `dup2`ed
//! onto 0, a pipe, the host's stdin).
//!
//! `read` never waits (wasi:io's rule): it asks `poll` first and gives no
//! bytes when fd 0 has none; `blocking-read` waits, as `read(2)` does
//! (also on a non-blocking description, where it polls). End of file, a
//! closed fd 0 and a write-only one end the stream (`closed`), as wasi-libc
//! turns that into a read of 0 bytes; on Linux `read(0)` says `EBADF` for
//! the last two, which Rust's std also takes as end of input. Readiness
//! (`subscribe`) waits on the description fd 0 held at the last call,
//! through tokio's reactor; one it cannot watch (a regular file) is
//! always ready, as on Linux.

use super::{failed, lower, wasi_table};
use crate::bindings::Errno;
use crate::bindings::vfd::posix::descriptors::Host as _;
use crate::description::Description;
use crate::trace::{self, Args};
use crate::{VfdCtx, VfdView};
use rustix::event::{PollFd, PollFlags};
use std::os::fd::AsFd;
use std::sync::{Arc, Weak};
use std::time::Instant;
use vfd_core::limits::MAX_READ_LEN;
use wasmtime::StoreContextMut;
use wasmtime::component::{LinkerInstance, Resource, ResourceType};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::p2::bindings::sync::io::streams::{
    HostInputStream, InputStream, Pollable as PollableResource,
};
use wasmtime_wasi::p2::{DynInputStream, Pollable, StreamError, StreamResult};

/// What `get-stdin` gives the guest: a stream reading whatever fd 0
/// refers to at each read.
pub struct StdioInput {
    /// What fd 0 referred to at the stream's last call, for readiness;
    /// weak, so that the stream keeps nothing open that the guest closed.
    watched: Weak<Description>,
}

impl StdioInput {
    pub(super) fn new() -> StdioInput {
        StdioInput {
            watched: Weak::new(),
        }
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for StdioInput {
    async fn ready(&mut self) {
        let Some(desc) = self.watched.upgrade() else {
            // fd 0 was closed: the next read says so at once.
            return;
        };
        // Input there now: ready at once (a fresh registration with tokio
        // would only learn it at the reactor's next turn).
        if has_input_on(&desc).unwrap_or(true) {
            return;
        }
        let Ok(dup) = desc.as_fd().try_clone_to_owned() else {
            return;
        };
        let interest = tokio::io::Interest::READABLE;
        // SAFETY: `dup` is an open descriptor that the `AsyncFd` owns, and
        // an `OwnedFd` always answers the same number.
        let registered = unsafe { tokio::io::unix::AsyncFd::register_with_interest(dup, interest) };
        // epoll refuses regular files and directories, which are always
        // readable: ready at once.
        let Ok(watch) = registered else {
            return;
        };
        let _ = watch.readable().await;
    }
}

/// The stdio stream at `rep`, if it is vfd's stdin.
pub(super) fn ours<T: WasiView>(store: &mut StoreContextMut<'_, T>, rep: u32) -> bool {
    let table = wasi_table(store);
    table
        .get_any_mut(rep)
        .is_ok_and(|entry| entry.is::<StdioInput>())
}

/// Remember what fd 0 is now, for the stream's readiness.
pub(super) fn watch<T: VfdView + WasiView>(store: &mut StoreContextMut<'_, T>, rep: u32) {
    let now = store
        .data_mut()
        .vfd()
        .desc(0)
        .map_or_else(|_| Weak::new(), Arc::downgrade);
    if let Ok(entry) = wasi_table(store).get_any_mut(rep)
        && let Some(stream) = entry.downcast_mut::<StdioInput>()
    {
        stream.watched = now;
    }
}

/// Whether fd 0 has bytes (or an end, or an error) to give now.
fn has_input(vfd: &VfdCtx) -> Result<bool, Errno> {
    has_input_on(vfd.desc(0)?)
}

/// Whether `desc` has bytes (or an end, or an error) to give now.
fn has_input_on(desc: &Description) -> Result<bool, Errno> {
    let mut fds = [PollFd::new(desc, PollFlags::IN)];
    let now = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match rustix::event::poll(&mut fds, Some(&now)) {
        Ok(n) => Ok(n > 0),
        // Interrupted: nothing to read yet, as far as a read that must
        // not wait can tell.
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Wait until `desc` has input (poll(2) for `POLLIN`).
fn wait_readable(desc: &Description) -> Result<(), Errno> {
    let mut fds = [PollFd::new(desc, PollFlags::IN)];
    crate::poll::wait_until(&mut fds, None)
}

/// `read` (`blocking` false) or `blocking-read` (`call`) of at most `len`
/// bytes from fd 0, traced as the read of fd 0 that it is.
pub(super) fn read<T: VfdView + WasiView>(
    store: &mut StoreContextMut<'_, T>,
    call: &str,
    rep: u32,
    len: u64,
    blocking: bool,
) -> StreamResult<Vec<u8>> {
    watch(store, rep);
    let len = len.min(u64::from(MAX_READ_LEN)) as u32;
    let start = trace::enabled().then(Instant::now);
    let read = read_fd0(store.data_mut().vfd(), len, blocking);
    if let Some(start) = start {
        let mut args = Args::default();
        args.push("fd", &0u32);
        args.push("len", &len);
        let seen = read.clone().map(Option::unwrap_or_default);
        trace::emit(call, args, &seen, start.elapsed());
    }
    match read {
        Ok(Some(bytes)) => Ok(bytes),
        // The end of the input; also a closed or write-only fd 0, which
        // Rust's std takes as the end on Linux too.
        Ok(None) | Err(Errno::Badf) => Err(StreamError::Closed),
        Err(e) => Err(failed(e)),
    }
}

/// One read of fd 0: its bytes (none if a `read` that must not wait
/// would), or `None` at the end of the input.
fn read_fd0(vfd: &mut VfdCtx, len: u32, blocking: bool) -> Result<Option<Vec<u8>>, Errno> {
    if len == 0 {
        return Ok(Some(Vec::new()));
    }
    loop {
        vfd.answer_table_request();
        if !blocking && !has_input(vfd)? {
            return Ok(Some(Vec::new()));
        }
        match vfd.read(0, len) {
            Ok(bytes) if bytes.is_empty() => return Ok(None),
            Ok(bytes) => return Ok(Some(bytes)),
            Err(Errno::Again) if !blocking => return Ok(Some(Vec::new())),
            Err(Errno::Again) => match wait_readable(vfd.desc(0)?) {
                // Interrupted by a table request: answered at the top.
                Ok(()) | Err(Errno::Intr) => {}
                Err(e) => return Err(e),
            },
            Err(Errno::Intr) => {}
            Err(e) => return Err(e),
        }
    }
}

/// `[method]input-stream.NAME`.
fn input_method(name: &str) -> String {
    format!("[method]input-stream.{name}")
}

/// The `input-stream` resource and its methods.
pub(super) fn define<T: VfdView + WasiView + 'static>(
    inst: &mut LinkerInstance<'_, T>,
) -> wasmtime::Result<()> {
    type In = Resource<InputStream>;
    inst.resource(
        "input-stream",
        ResourceType::host::<DynInputStream>(),
        |mut store, rep| {
            if ours(&mut store, rep) {
                wasi_table(&mut store).delete(Resource::<StdioInput>::new_own(rep))?;
                return Ok(());
            }
            HostInputStream::drop(wasi_table(&mut store), Resource::new_own(rep))
        },
    )?;
    for (name, blocking) in [("read", false), ("blocking-read", true)] {
        let call = format!("input-stream.{name}");
        inst.func_wrap(
            &input_method(name),
            move |mut store: StoreContextMut<'_, T>, (s, len): (In, u64)| {
                let result = if ours(&mut store, s.rep()) {
                    read(&mut store, &call, s.rep(), len, blocking)
                } else if blocking {
                    wasi_table(&mut store).blocking_read(s, len)
                } else {
                    HostInputStream::read(wasi_table(&mut store), s, len)
                };
                lower(wasi_table(&mut store), result)
            },
        )?;
    }
    for (name, blocking) in [("skip", false), ("blocking-skip", true)] {
        let call = format!("input-stream.{name}");
        inst.func_wrap(
            &input_method(name),
            move |mut store: StoreContextMut<'_, T>, (s, len): (In, u64)| {
                let result = if ours(&mut store, s.rep()) {
                    read(&mut store, &call, s.rep(), len, blocking).map(|bytes| bytes.len() as u64)
                } else if blocking {
                    wasi_table(&mut store).blocking_skip(s, len)
                } else {
                    wasi_table(&mut store).skip(s, len)
                };
                lower(wasi_table(&mut store), result)
            },
        )?;
    }
    inst.func_wrap(
        &input_method("subscribe"),
        |mut store: StoreContextMut<'_, T>, (s,): (In,)| {
            let rep = s.rep();
            let pollable: Resource<PollableResource> = if ours(&mut store, rep) {
                watch(&mut store, rep);
                let table = wasi_table(&mut store);
                wasmtime_wasi::p2::subscribe(table, Resource::<StdioInput>::new_borrow(rep))?
            } else {
                HostInputStream::subscribe(wasi_table(&mut store), s)?
            };
            Ok((pollable,))
        },
    )?;
    Ok(())
}
