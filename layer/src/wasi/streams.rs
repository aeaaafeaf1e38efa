//! `wasi:io/streams` as the guest sees it: a stream is either one of the
//! layer's descriptors, looked up at each call (what `get-stdout` hands
//! out is "whatever fd 1 is now"), or one of the runtime's streams (a
//! file's `read-via-stream`, a TCP connection's), passed through.
//!
//! Errors of a descriptor stream follow what Linux programs see through
//! their C library: `badf` on an output (fd 1 closed, or a read-only
//! description moved onto it) takes the bytes and drops them, as Rust's
//! std does with EBADF on Linux (wasi-libc can only turn a stream error
//! into EPIPE or EIO, and std's `println!` would then panic); every other
//! error, and any error on an input, is `closed`, the only error the
//! layer can make (`wasi:io/error` values come from the runtime alone):
//! end of input for a reader, EPIPE for a writer.

use crate::Layer;
use crate::bindings::Errno;
use crate::bindings::exports::vfd::posix::poll::Events;
use crate::bindings::exports::wasi::io::streams::{
    Guest, GuestInputStream, GuestOutputStream, InputStreamBorrow, StreamError,
};
use crate::description::Description;
use crate::{poll, state};
use std::rc::Rc;
use vfd_core::limits::MAX_READ_LEN;
use wasip2::io::poll::Pollable;
use wasip2::io::streams as runtime;

/// What a `write` may carry: as much as `read(2)` takes in one call.
/// `check-write` answers it without asking anything, since a descriptor
/// write is made whole before it returns.
pub const CHECK_WRITE: u64 = MAX_READ_LEN as u64;

/// The zeroes `write-zeroes` writes, a block at a time.
const ZEROES: [u8; 4096] = [0; 4096];

/// The layer's input stream.
#[derive(Debug)]
pub enum Input {
    /// Descriptor `n` of the layer's table (0 for `get-stdin`).
    Fd(u32),
    /// One of the runtime's streams.
    Runtime(runtime::InputStream),
}

/// The layer's output stream.
#[derive(Debug)]
pub enum Output {
    /// Descriptor `n` of the layer's table (1 or 2 for `get-stdout`,
    /// `get-stderr`).
    Fd(u32),
    /// One of the runtime's streams.
    Runtime(runtime::OutputStream),
}

impl Guest for Layer {
    type InputStream = Input;
    type OutputStream = Output;
}

/// The description behind `fd` now.
fn desc(fd: u32) -> Result<Rc<Description>, Errno> {
    state::with(|s| s.desc(fd).cloned())
}

/// A runtime stream error as the guest's (the same error resource).
fn passed(e: runtime::StreamError) -> StreamError {
    match e {
        runtime::StreamError::Closed => StreamError::Closed,
        runtime::StreamError::LastOperationFailed(err) => StreamError::LastOperationFailed(err),
    }
}

/// Read from descriptor `fd`, waiting or not: an empty list is "nothing
/// now" (`again`), the end of input and every error are `closed`.
fn read_fd(fd: u32, len: u64, wait: bool) -> Result<Vec<u8>, StreamError> {
    let len = u32::try_from(len).unwrap_or(u32::MAX).min(MAX_READ_LEN);
    if len == 0 {
        return Ok(Vec::new());
    }
    match desc(fd).and_then(|d| d.read_as(len, !wait)) {
        Ok(data) if data.is_empty() => Err(StreamError::Closed),
        Ok(data) => Ok(data),
        Err(Errno::Again) => Ok(Vec::new()),
        Err(_) => Err(StreamError::Closed),
    }
}

/// Write all of `data` to descriptor `fd`, as a blocking write(2) made
/// whole.
fn write_fd(fd: u32, mut data: &[u8]) -> Result<(), StreamError> {
    let d = match desc(fd) {
        Ok(d) => d,
        Err(Errno::Badf) => return Ok(()),
        Err(_) => return Err(StreamError::Closed),
    };
    while !data.is_empty() {
        match d.write_as(data, false) {
            // A write that takes nothing would never end.
            Ok(0) => return Err(StreamError::Closed),
            Ok(n) => data = &data[n as usize..],
            Err(Errno::Badf) => return Ok(()),
            Err(_) => return Err(StreamError::Closed),
        }
    }
    Ok(())
}

/// The pollable of descriptor `fd` for `events` (ready now if it is
/// closed: the next call answers at once).
fn fd_pollable(fd: u32, events: Events) -> Pollable {
    match desc(fd) {
        Ok(d) => poll::stream_pollable(&d, events),
        Err(_) => poll::ready_now(),
    }
}

impl GuestInputStream for Input {
    fn read(&self, len: u64) -> Result<Vec<u8>, StreamError> {
        match self {
            Input::Fd(fd) => read_fd(*fd, len, false),
            Input::Runtime(s) => s.read(len).map_err(passed),
        }
    }

    fn blocking_read(&self, len: u64) -> Result<Vec<u8>, StreamError> {
        match self {
            Input::Fd(fd) => read_fd(*fd, len, true),
            Input::Runtime(s) => s.blocking_read(len).map_err(passed),
        }
    }

    fn skip(&self, len: u64) -> Result<u64, StreamError> {
        match self {
            Input::Fd(fd) => read_fd(*fd, len, false).map(|d| d.len() as u64),
            Input::Runtime(s) => s.skip(len).map_err(passed),
        }
    }

    fn blocking_skip(&self, len: u64) -> Result<u64, StreamError> {
        match self {
            Input::Fd(fd) => read_fd(*fd, len, true).map(|d| d.len() as u64),
            Input::Runtime(s) => s.blocking_skip(len).map_err(passed),
        }
    }

    fn subscribe(&self) -> Pollable {
        match self {
            Input::Fd(fd) => fd_pollable(*fd, Events::READABLE),
            Input::Runtime(s) => s.subscribe(),
        }
    }
}

impl Input {
    /// Take up to `len` bytes for a splice, waiting or not.
    fn take(&self, len: u64, wait: bool) -> Result<Vec<u8>, StreamError> {
        let len = len.min(CHECK_WRITE);
        if wait {
            self.blocking_read(len)
        } else {
            self.read(len)
        }
    }
}

impl Output {
    /// Splice from `src`: the runtime's own splice when both streams are
    /// its, else a read here and a write there.
    fn splice_from(&self, src: &Input, len: u64, wait: bool) -> Result<u64, StreamError> {
        if let (Output::Runtime(out), Input::Runtime(input)) = (self, src) {
            let done = if wait {
                out.blocking_splice(input, len)
            } else {
                out.splice(input, len)
            };
            return done.map_err(passed);
        }
        let data = src.take(len, wait)?;
        let n = data.len() as u64;
        if wait {
            self.blocking_write_and_flush(data)?;
        } else {
            self.write(data)?;
        }
        Ok(n)
    }
}

impl GuestOutputStream for Output {
    fn check_write(&self) -> Result<u64, StreamError> {
        match self {
            Output::Fd(_) => Ok(CHECK_WRITE),
            Output::Runtime(s) => s.check_write().map_err(passed),
        }
    }

    fn write(&self, contents: Vec<u8>) -> Result<(), StreamError> {
        match self {
            Output::Fd(fd) => write_fd(*fd, &contents),
            Output::Runtime(s) => s.write(&contents).map_err(passed),
        }
    }

    fn blocking_write_and_flush(&self, contents: Vec<u8>) -> Result<(), StreamError> {
        match self {
            Output::Fd(fd) => write_fd(*fd, &contents),
            Output::Runtime(s) => s.blocking_write_and_flush(&contents).map_err(passed),
        }
    }

    fn flush(&self) -> Result<(), StreamError> {
        match self {
            // Nothing is kept back: a write is done when it returns.
            Output::Fd(_) => Ok(()),
            Output::Runtime(s) => s.flush().map_err(passed),
        }
    }

    fn blocking_flush(&self) -> Result<(), StreamError> {
        match self {
            Output::Fd(_) => Ok(()),
            Output::Runtime(s) => s.blocking_flush().map_err(passed),
        }
    }

    fn subscribe(&self) -> Pollable {
        match self {
            // `check-write` never answers 0, so the stream is always
            // ready, as wasi:io asks of a stream with room.
            Output::Fd(_) => poll::ready_now(),
            Output::Runtime(s) => s.subscribe(),
        }
    }

    fn write_zeroes(&self, len: u64) -> Result<(), StreamError> {
        match self {
            // More than `check-write` allows is the guest's mistake: an
            // error, rather than fewer zeroes than asked for.
            Output::Fd(_) if len > CHECK_WRITE => Err(StreamError::Closed),
            Output::Fd(fd) => {
                let mut left = len;
                while left > 0 {
                    let n = left.min(ZEROES.len() as u64);
                    write_fd(*fd, &ZEROES[..n as usize])?;
                    left -= n;
                }
                Ok(())
            }
            Output::Runtime(s) => s.write_zeroes(len).map_err(passed),
        }
    }

    fn blocking_write_zeroes_and_flush(&self, len: u64) -> Result<(), StreamError> {
        match self {
            Output::Fd(_) => self.write_zeroes(len),
            Output::Runtime(s) => s.blocking_write_zeroes_and_flush(len).map_err(passed),
        }
    }

    fn splice(&self, src: InputStreamBorrow<'_>, len: u64) -> Result<u64, StreamError> {
        self.splice_from(src.get::<Input>(), len, false)
    }

    fn blocking_splice(&self, src: InputStreamBorrow<'_>, len: u64) -> Result<u64, StreamError> {
        self.splice_from(src.get::<Input>(), len, true)
    }
}
