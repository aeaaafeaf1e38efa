//! `wasi:cli/stdout` and `stderr` as vfd's descriptors 1 and 2, and the
//! `output-stream` methods that serve them (and pass every other stream to
//! wasmtime-wasi).
//!
//! Served with one `write(2)` on the guest's bytes in place: no copy, no
//! lock, no async runtime. A write takes all its bytes (short writes are
//! continued, a non-blocking description is waited on with `poll`), as
//! wasmtime-wasi's stdout blocks; so `check-write` answers
//! [`MAX_READ_LEN`](vfd_core::limits::MAX_READ_LEN) without a call,
//! `flush` has nothing to do and the stream is always ready.
//!
//! Errors: `EPIPE` closes the stream; any other errno is
//! `last-operation-failed` with that errno (which
//! `wasi:filesystem/types.filesystem-error-code` reports, as wasi-libc
//! asks). But `EBADF` (fd 1 closed, or a read-only description on it) is
//! taken as written and dropped: wasi-libc can only turn a stream error
//! into `EPIPE` or `EIO`, never `EBADF`, and on Linux the programs that
//! print to a closed fd 1 (Rust's `println!`, which ignores `EBADF`; a
//! shell's `>&-`) go on silently.

use super::{failed, input, lower, wasi_table};
use crate::bindings::Errno;
use crate::descriptors::PendingWrite;
use crate::trace::{self, Args};
use crate::{VfdCtx, VfdView};
use std::time::Instant;
use vfd_core::limits::MAX_READ_LEN;
use wasmtime::StoreContextMut;
use wasmtime::component::{LinkerInstance, Resource, ResourceTable, ResourceType, WasmList};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::WasiCliView as _;
use wasmtime_wasi::p2::bindings::cli::{stderr, stdout};
use wasmtime_wasi::p2::bindings::sync::io::streams::{
    self, HostOutputStream, InputStream, OutputStream, Pollable as PollableResource,
};
use wasmtime_wasi::p2::{DynOutputStream, Pollable, StreamError, StreamResult};

/// What `get-stdout` and `get-stderr` give the guest: a stream writing to
/// whatever `fd` refers to at each write.
pub struct StdioOutput {
    fd: u32,
}

#[wasmtime_wasi::async_trait]
impl Pollable for StdioOutput {
    /// Always ready: `check-write` never answers 0.
    async fn ready(&mut self) {}
}

/// What `check-write` answers for vfd's streams, without a call: the most
/// one `write` or `write-zeroes` may take.
const CHECK_WRITE: u64 = MAX_READ_LEN as u64;

/// The most the `blocking-*-and-flush` calls take, as wasi:io specifies.
const BLOCKING_LIMIT: u64 = 4096;

/// A write can take this many zero bytes at a time from here.
static ZEROES: [u8; 4096] = [0; 4096];

/// The stdio stream at `rep` in wasi's table, if it is one of vfd's: its
/// descriptor number.
fn ours<T: WasiView>(store: &mut StoreContextMut<'_, T>, rep: u32) -> Option<u32> {
    let table = store.data_mut().ctx().table;
    let entry = table.get_any_mut(rep).ok()?;
    entry.downcast_ref::<StdioOutput>().map(|s| s.fd)
}

/// vfd's answer for a write to a stdio stream, in wasi:io's terms.
fn stream_result(written: Result<(), Errno>) -> StreamResult<()> {
    match written {
        Ok(()) | Err(Errno::Badf) => Ok(()),
        Err(Errno::Pipe) => Err(StreamError::Closed),
        Err(e) => Err(failed(e)),
    }
}

/// One attempt at writing `bytes` through `w`: how many went, or `None`
/// when the call is to be made again (the description was not writable
/// and now is, or a table request interrupted it).
fn attempt(w: &PendingWrite, bytes: &[u8]) -> Result<Option<usize>, Errno> {
    let waited = match w.write(bytes) {
        // A write that takes nothing of a non-empty buffer would be made
        // again for ever: an I/O error, as std's `write_all` has it.
        Ok(0) if !bytes.is_empty() => Err(Errno::Io),
        Ok(n) => return Ok(Some(n as usize)),
        Err(Errno::Again) => w.wait_writable(),
        Err(e) => Err(e),
    };
    match waited {
        Ok(()) | Err(Errno::Intr) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The stream's next attempt, after answering a table request.
fn pending<T: VfdView>(store: &mut StoreContextMut<'_, T>, fd: u32) -> Result<PendingWrite, Errno> {
    let vfd: &mut VfdCtx = store.data_mut().vfd();
    vfd.answer_table_request();
    vfd.pending_write(fd, None)
}

/// Write all of the guest's `data` to `fd`, in place.
fn write_guest_bytes<T: VfdView>(
    store: &mut StoreContextMut<'_, T>,
    fd: u32,
    data: &WasmList<u8>,
) -> Result<(), Errno> {
    let mut done = 0;
    while done < data.len() {
        let w = pending(store, fd)?;
        if let Some(n) = attempt(&w, &data.as_le_slice(&*store)[done..])? {
            done += n;
        }
    }
    Ok(())
}

/// Write `len` zero bytes to `fd`.
fn write_zeroes<T: VfdView>(
    store: &mut StoreContextMut<'_, T>,
    fd: u32,
    len: u64,
) -> Result<(), Errno> {
    let mut left = len;
    while left > 0 {
        let chunk = left.min(ZEROES.len() as u64);
        write_host_bytes(store, fd, &ZEROES[..chunk as usize])?;
        left -= chunk;
    }
    Ok(())
}

/// The stream `get-stdout` or `get-stderr` returns: vfd's, for `fd`; or,
/// for a guest whose [`VfdCtx`] leaves its `wasi:cli` stdio to the
/// `WasiCtx` ([`wasi_stdio(false)`](crate::VfdCtxBuilder::wasi_stdio)),
/// wasmtime-wasi's.
pub(super) fn get_stdio<T: VfdView + WasiView>(
    mut store: StoreContextMut<'_, T>,
    fd: u32,
) -> wasmtime::Result<(Resource<DynOutputStream>,)> {
    if !store.data_mut().vfd().wasi_stdio {
        let mut cli = store.data_mut().cli();
        let stream = match fd {
            1 => stdout::Host::get_stdout(&mut cli)?,
            _ => stderr::Host::get_stderr(&mut cli)?,
        };
        return Ok((stream,));
    }
    let stream = wasi_table(&mut store).push(StdioOutput { fd })?;
    Ok((Resource::new_own(stream.rep()),))
}

/// `[method]output-stream.NAME`, for vfd's streams and the others.
fn method(name: &str) -> String {
    format!("[method]output-stream.{name}")
}

/// The `output-stream` resource and its methods.
pub(super) fn define<T: VfdView + WasiView + 'static>(
    inst: &mut LinkerInstance<'_, T>,
) -> wasmtime::Result<()> {
    type Out = Resource<OutputStream>;
    inst.resource(
        "output-stream",
        ResourceType::host::<DynOutputStream>(),
        |mut store, rep| {
            if ours(&mut store, rep).is_some() {
                wasi_table(&mut store).delete(Resource::<StdioOutput>::new_own(rep))?;
                return Ok(());
            }
            HostOutputStream::drop(wasi_table(&mut store), Resource::new_own(rep))
        },
    )?;
    inst.func_wrap(
        &method("check-write"),
        |mut store: StoreContextMut<'_, T>, (s,): (Out,)| {
            if ours(&mut store, s.rep()).is_some() {
                return lower(wasi_table(&mut store), Ok(CHECK_WRITE));
            }
            let table = wasi_table(&mut store);
            let result = table.check_write(s);
            lower(table, result)
        },
    )?;
    inst.func_wrap(
        &method("write"),
        |mut store: StoreContextMut<'_, T>, (s, data): (Out, WasmList<u8>)| {
            write_method(
                &mut store,
                "output-stream.write",
                s,
                data,
                CHECK_WRITE,
                HostOutputStream::write,
            )
        },
    )?;
    inst.func_wrap(
        &method("blocking-write-and-flush"),
        |mut store: StoreContextMut<'_, T>, (s, data): (Out, WasmList<u8>)| {
            write_method(
                &mut store,
                "output-stream.blocking-write-and-flush",
                s,
                data,
                BLOCKING_LIMIT,
                HostOutputStream::blocking_write_and_flush,
            )
        },
    )?;
    inst.func_wrap(
        &method("write-zeroes"),
        |mut store: StoreContextMut<'_, T>, (s, len): (Out, u64)| {
            zeroes_method(
                &mut store,
                s,
                len,
                CHECK_WRITE,
                HostOutputStream::write_zeroes,
            )
        },
    )?;
    inst.func_wrap(
        &method("blocking-write-zeroes-and-flush"),
        |mut store: StoreContextMut<'_, T>, (s, len): (Out, u64)| {
            zeroes_method(
                &mut store,
                s,
                len,
                BLOCKING_LIMIT,
                HostOutputStream::blocking_write_zeroes_and_flush,
            )
        },
    )?;
    inst.func_wrap(
        &method("flush"),
        |mut store: StoreContextMut<'_, T>, (s,): (Out,)| {
            flush_method(&mut store, s, HostOutputStream::flush)
        },
    )?;
    inst.func_wrap(
        &method("blocking-flush"),
        |mut store: StoreContextMut<'_, T>, (s,): (Out,)| {
            flush_method(&mut store, s, HostOutputStream::blocking_flush)
        },
    )?;
    inst.func_wrap(
        &method("subscribe"),
        |mut store: StoreContextMut<'_, T>, (s,): (Out,)| {
            let rep = s.rep();
            let mine = ours(&mut store, rep).is_some();
            let table = wasi_table(&mut store);
            let pollable: Resource<PollableResource> = if mine {
                wasmtime_wasi::p2::subscribe(table, Resource::<StdioOutput>::new_borrow(rep))?
            } else {
                table.subscribe(s)?
            };
            Ok((pollable,))
        },
    )?;
    inst.func_wrap(
        &method("splice"),
        |mut store: StoreContextMut<'_, T>, (s, src, len): (Out, Resource<InputStream>, u64)| {
            splice_method(&mut store, s, src, len, false)
        },
    )?;
    inst.func_wrap(
        &method("blocking-splice"),
        |mut store: StoreContextMut<'_, T>, (s, src, len): (Out, Resource<InputStream>, u64)| {
            splice_method(&mut store, s, src, len, true)
        },
    )?;
    Ok(())
}

/// `write` or `blocking-write-and-flush` (`call`, which takes at most
/// `limit` bytes): the same for vfd's streams (every write is whole and
/// unbuffered), traced as the write to its number that it is; `theirs`
/// for the others.
fn write_method<T: VfdView + WasiView>(
    store: &mut StoreContextMut<'_, T>,
    call: &str,
    s: Resource<OutputStream>,
    data: WasmList<u8>,
    limit: u64,
    theirs: fn(&mut ResourceTable, Resource<OutputStream>, Vec<u8>) -> StreamResult<()>,
) -> wasmtime::Result<(Result<(), streams::StreamError>,)> {
    let result = match ours(store, s.rep()) {
        // As wasmtime-wasi: more than the call may take is the guest's bug.
        Some(_) if data.len() as u64 > limit => Err(StreamError::trap(
            "cannot write more than `check-write` allows (4096 bytes for the blocking call)",
        )),
        Some(fd) => {
            let start = trace::enabled().then(Instant::now);
            let written = write_guest_bytes(store, fd, &data);
            if let Some(start) = start {
                let mut args = Args::default();
                args.push("fd", &fd);
                args.push_data(data.as_le_slice(&*store));
                args.push("len", &data.len());
                // Shown as write(2)'s result: the bytes taken.
                let taken = written.map(|()| data.len() as u64);
                trace::emit(call, args, &taken, start.elapsed());
            }
            stream_result(written)
        }
        None => {
            let bytes = data.as_le_slice(&*store).to_vec();
            theirs(wasi_table(store), s, bytes)
        }
    };
    lower(wasi_table(store), result)
}

/// `write-zeroes` or `blocking-write-zeroes-and-flush`.
fn zeroes_method<T: VfdView + WasiView>(
    store: &mut StoreContextMut<'_, T>,
    s: Resource<OutputStream>,
    len: u64,
    limit: u64,
    theirs: fn(&mut ResourceTable, Resource<OutputStream>, u64) -> StreamResult<()>,
) -> wasmtime::Result<(Result<(), streams::StreamError>,)> {
    let result = match ours(store, s.rep()) {
        // As wasmtime-wasi: more than the call may take is the guest's
        // bug, a trap (and no length is written for ever in the host).
        Some(_) if len > limit => Err(StreamError::trap(
            "cannot write more zeroes than `check-write` allows (4096 for the blocking call)",
        )),
        Some(fd) => stream_result(write_zeroes(store, fd, len)),
        None => theirs(wasi_table(store), s, len),
    };
    lower(wasi_table(store), result)
}

/// `flush` or `blocking-flush`: nothing to do for vfd's streams, which
/// hold no buffer.
fn flush_method<T: VfdView + WasiView>(
    store: &mut StoreContextMut<'_, T>,
    s: Resource<OutputStream>,
    theirs: fn(&mut ResourceTable, Resource<OutputStream>) -> StreamResult<()>,
) -> wasmtime::Result<(Result<(), streams::StreamError>,)> {
    let result = match ours(store, s.rep()) {
        Some(_) => Ok(()),
        None => theirs(wasi_table(store), s),
    };
    lower(wasi_table(store), result)
}

/// `splice` or `blocking-splice` of `src` into `s`. Between two of
/// wasmtime-wasi's streams, wasmtime-wasi's own; else read from `src`, then
/// written to `s`, each side by its own methods, and at most what `s`
/// takes without waiting (`check-write`; at most 4096 bytes, what
/// `blocking-write-and-flush` takes, for `blocking-splice`, which waits for
/// the destination first).
fn splice_method<T: VfdView + WasiView>(
    store: &mut StoreContextMut<'_, T>,
    s: Resource<OutputStream>,
    src: Resource<InputStream>,
    len: u64,
    blocking: bool,
) -> wasmtime::Result<(Result<u64, streams::StreamError>,)> {
    use streams::HostInputStream;
    let into = ours(store, s.rep());
    let from_stdin = input::ours(store, src.rep());
    if into.is_none() && !from_stdin {
        let table = wasi_table(store);
        let result = if blocking {
            table.blocking_splice(s, src, len)
        } else {
            table.splice(s, src, len)
        };
        return lower(table, result);
    }
    let budget = match (into, blocking) {
        (Some(_), _) => Ok(CHECK_WRITE),
        // As wasmtime-wasi's blocking splice: wait until the destination
        // takes a write (or says it is closed) before taking any input.
        (None, true) => {
            HostOutputStream::blocking_flush(wasi_table(store), Resource::new_borrow(s.rep()))
                .and_then(|()| {
                    wasi_table(store)
                        .check_write(Resource::new_borrow(s.rep()))
                        .map(|n| n.min(BLOCKING_LIMIT))
                })
        }
        (None, false) => wasi_table(store).check_write(Resource::new_borrow(s.rep())),
    };
    let len = match budget {
        Ok(budget) => len.min(budget),
        Err(e) => return lower(wasi_table(store), Err(e)),
    };
    let call = if blocking {
        "input-stream.blocking-read"
    } else {
        "input-stream.read"
    };
    let read = if from_stdin {
        input::read(store, call, src.rep(), len, blocking)
    } else if blocking {
        wasi_table(store).blocking_read(src, len)
    } else {
        HostInputStream::read(wasi_table(store), src, len)
    };
    let result = read.and_then(|bytes| {
        let n = bytes.len() as u64;
        let written = match into {
            Some(fd) => stream_result(write_host_bytes(store, fd, &bytes)),
            None if bytes.is_empty() => Ok(()),
            None if blocking => wasi_table(store).blocking_write_and_flush(s, bytes),
            None => HostOutputStream::write(wasi_table(store), s, bytes),
        };
        written.map(|()| n)
    });
    lower(wasi_table(store), result)
}

/// Write all of `bytes` (the host's) to `fd`.
fn write_host_bytes<T: VfdView>(
    store: &mut StoreContextMut<'_, T>,
    fd: u32,
    bytes: &[u8],
) -> Result<(), Errno> {
    let mut done = 0;
    while done < bytes.len() {
        let w = pending(store, fd)?;
        if let Some(n) = attempt(&w, &bytes[done..])? {
            done += n;
        }
    }
    Ok(())
}
