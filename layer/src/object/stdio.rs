//! The standard streams: fd 0, 1 and 2 are the runtime's wasi:cli stdin,
//! stdout and stderr.
//!
//! Streams have no offset: `seek`, `pread` and `pwrite` on them are
//! `spipe`, as on a terminal or a pipe. What the runtime connects them to
//! is its business (`wasmtime run` lends its own stdio).

use super::stream;
use crate::bindings::Errno;
use crate::errno;
use vfd_core::Stdio;
use wasip2::io::poll::Pollable;
use wasip2::io::streams::{InputStream, OutputStream, StreamError};

/// The most `blocking-write-and-flush` takes in one call (wasi:io).
const BLOCKING_WRITE_MAX: usize = 4096;

/// A standard stream.
#[derive(Debug)]
pub enum StdioStream {
    /// fd 0.
    In(InputStream),
    /// fd 1 or 2.
    Out(OutputStream, Stdio),
}

impl StdioStream {
    /// The runtime's stream `which`.
    pub fn new(which: Stdio) -> StdioStream {
        match which {
            Stdio::Stdin => StdioStream::In(wasip2::cli::stdin::get_stdin()),
            Stdio::Stdout => StdioStream::Out(wasip2::cli::stdout::get_stdout(), which),
            Stdio::Stderr => StdioStream::Out(wasip2::cli::stderr::get_stderr(), which),
        }
    }

    /// read(2): at most `len` bytes; empty at end of input. Blocking reads
    /// wait for data, as on Linux; a non-blocking one with nothing to
    /// read is `again`.
    pub fn read(&self, len: u32, nonblock: bool) -> Result<Vec<u8>, Errno> {
        let StdioStream::In(input) = self else {
            return Err(Errno::Badf);
        };
        if len == 0 {
            return Ok(Vec::new());
        }
        let got = if nonblock {
            input.read(u64::from(len))
        } else {
            input.blocking_read(u64::from(len))
        };
        match got {
            Ok(data) if data.is_empty() && nonblock => Err(Errno::Again),
            Ok(data) => Ok(data),
            Err(StreamError::Closed) => Ok(Vec::new()),
            Err(e) => Err(errno::stream(e)),
        }
    }

    /// write(2): a blocking write is made whole, a non-blocking one
    /// writes what the stream takes now (see `stream`).
    pub fn write(&self, data: &[u8], nonblock: bool) -> Result<u32, Errno> {
        let StdioStream::Out(output, _) = self else {
            return Err(Errno::Badf);
        };
        if !nonblock && data.len() <= BLOCKING_WRITE_MAX {
            // One call to the runtime where `write_blocking` makes three
            // (check-write, write, blocking-flush): a line printed through
            // the layer costs one crossing, as the guest's own would.
            output
                .blocking_write_and_flush(data)
                .map_err(errno::stream)?;
            return Ok(data.len() as u32);
        }
        if nonblock {
            stream::write_nonblocking(output, data, errno::stream)
        } else {
            stream::write_blocking(output, data, errno::stream)
        }
    }

    /// isatty(3).
    pub fn is_terminal(&self) -> bool {
        match self {
            StdioStream::In(_) => wasip2::cli::terminal_stdin::get_terminal_stdin().is_some(),
            StdioStream::Out(_, Stdio::Stdout) => {
                wasip2::cli::terminal_stdout::get_terminal_stdout().is_some()
            }
            StdioStream::Out(..) => wasip2::cli::terminal_stderr::get_terminal_stderr().is_some(),
        }
    }

    /// A pollable that is ready when the stream can be read (stdin) or
    /// written (stdout, stderr) without blocking.
    pub fn subscribe(&self) -> Pollable {
        match self {
            StdioStream::In(input) => input.subscribe(),
            StdioStream::Out(output, _) => output.subscribe(),
        }
    }
}
