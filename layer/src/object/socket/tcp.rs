//! TCP over wasi:sockets: listeners and connected streams.

use super::addr::{family, from_wasi, to_wasi};
use super::finish;
use crate::bindings::Errno;
use crate::bindings::exports::vfd::posix::poll::Revents;
use crate::errno;
use crate::object::stream;
use crate::poll::Watch;
use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use wasip2::io::streams::{InputStream, OutputStream, StreamError};
use wasip2::sockets::network::{ErrorCode, Network};
use wasip2::sockets::tcp::{ShutdownType, TcpSocket};
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

/// How many bytes a readiness probe of a stream may take off it.
const PROBE_LEN: u32 = 64 * 1024;

/// A bound, listening TCP socket.
#[derive(Debug)]
pub struct Listener {
    socket: TcpSocket,
}

/// A connected TCP stream. The streams are declared before the socket so
/// that they are dropped first, as wasi:sockets requires of a resource's
/// children.
#[derive(Debug)]
pub struct Stream {
    /// Bytes a readiness probe took off the input stream, read first.
    pending: RefCell<Vec<u8>>,
    /// Whether a probe met the end of the input stream.
    ended: Cell<bool>,
    input: InputStream,
    output: OutputStream,
    socket: TcpSocket,
}

impl Listener {
    /// socket(2), bind(2) and listen(2).
    pub fn listen(network: &Network, addr: SocketAddr, backlog: u32) -> Result<Listener, Errno> {
        let socket = create_tcp_socket(family(&addr)).map_err(errno::net)?;
        socket
            .start_bind(network, to_wasi(addr))
            .map_err(errno::net)?;
        finish(|| socket.subscribe(), || socket.finish_bind())?;
        // Linux takes 0 to mean a queue of one; wasi:sockets refuses 0.
        socket
            .set_listen_backlog_size(u64::from(backlog.max(1)))
            .map_err(errno::net)?;
        socket.start_listen().map_err(errno::net)?;
        finish(|| socket.subscribe(), || socket.finish_listen())?;
        Ok(Listener { socket })
    }

    /// accept(2): the next connection and its peer's address.
    pub fn accept(&self, nonblock: bool) -> Result<(Stream, SocketAddr), Errno> {
        let listener = &self.socket;
        let (socket, input, output) = if nonblock {
            listener.accept().map_err(errno::net)?
        } else {
            finish(|| listener.subscribe(), || listener.accept())?
        };
        let peer = socket.remote_address().map(from_wasi).map_err(errno::net)?;
        Ok((Stream::new(input, output, socket), peer))
    }

    /// getsockname(2).
    pub fn local_address(&self) -> Result<SocketAddr, Errno> {
        self.socket
            .local_address()
            .map(from_wasi)
            .map_err(errno::net)
    }

    /// poll(2): readable when a connection waits to be accepted.
    pub fn watch(&self, w: &mut Watch, readable: bool) {
        if readable {
            w.pollables
                .push((self.socket.subscribe(), Revents::READABLE));
        }
    }
}

impl Stream {
    fn new(input: InputStream, output: OutputStream, socket: TcpSocket) -> Stream {
        Stream {
            pending: RefCell::new(Vec::new()),
            ended: Cell::new(false),
            input,
            output,
            socket,
        }
    }

    /// socket(2) and connect(2), waiting for the connection.
    pub fn connect(network: &Network, addr: SocketAddr) -> Result<Stream, Errno> {
        let socket = create_tcp_socket(family(&addr)).map_err(errno::net)?;
        socket
            .start_connect(network, to_wasi(addr))
            .map_err(errno::net)?;
        let (input, output) = finish(|| socket.subscribe(), || socket.finish_connect())?;
        Ok(Stream::new(input, output, socket))
    }

    /// read(2) / recv(2): empty at end of stream. What a readiness probe
    /// took off the stream comes first.
    pub fn read(&self, len: u32, nonblock: bool) -> Result<Vec<u8>, Errno> {
        if len == 0 {
            return Ok(Vec::new());
        }
        let mut pending = self.pending.borrow_mut();
        if !pending.is_empty() {
            let n = pending.len().min(len as usize);
            return Ok(pending.drain(..n).collect());
        }
        if self.ended.get() {
            return Ok(Vec::new());
        }
        let got = if nonblock {
            self.input.read(u64::from(len))
        } else {
            self.input.blocking_read(u64::from(len))
        };
        match got {
            Ok(data) if data.is_empty() && nonblock => Err(Errno::Again),
            Ok(data) => Ok(data),
            Err(StreamError::Closed) => {
                self.ended.set(true);
                Ok(Vec::new())
            }
            Err(e) => Err(stream_errno(e)),
        }
    }

    /// Whether a read would not block, found by reading: a wasi:io input
    /// stream's pollable may be ready with nothing to read (wasmtime's is,
    /// for a fresh connection), so readiness is confirmed by a
    /// non-blocking read whose bytes are kept for the next `read`.
    fn probe_readable(&self) -> bool {
        let mut pending = self.pending.borrow_mut();
        if !pending.is_empty() || self.ended.get() {
            return true;
        }
        match self.input.read(u64::from(PROBE_LEN)) {
            Ok(data) if data.is_empty() => false,
            Ok(data) => {
                *pending = data;
                true
            }
            Err(StreamError::Closed) => {
                self.ended.set(true);
                true
            }
            // An error is for the next read to report: it would not block.
            Err(_) => true,
        }
    }

    /// write(2) / send(2).
    pub fn write(&self, data: &[u8], nonblock: bool) -> Result<u32, Errno> {
        if nonblock {
            stream::write_nonblocking(&self.output, data, stream_errno)
        } else {
            stream::write_blocking(&self.output, data, stream_errno)
        }
    }

    /// shutdown(2).
    pub fn shutdown(&self, read: bool, write: bool) -> Result<(), Errno> {
        let how = match (read, write) {
            (true, true) => ShutdownType::Both,
            (true, false) => ShutdownType::Receive,
            _ => ShutdownType::Send,
        };
        self.socket.shutdown(how).map_err(errno::net)
    }

    /// getsockname(2).
    pub fn local_address(&self) -> Result<SocketAddr, Errno> {
        self.socket
            .local_address()
            .map(from_wasi)
            .map_err(errno::net)
    }

    /// getpeername(2).
    pub fn peer_address(&self) -> Result<SocketAddr, Errno> {
        self.socket
            .remote_address()
            .map(from_wasi)
            .map_err(|e| match e {
                ErrorCode::InvalidState => Errno::Notconn,
                e => errno::net(e),
            })
    }

    /// poll(2): readable with data or at end of stream (probed), writable
    /// with room.
    pub fn watch(&self, w: &mut Watch, readable: bool, writable: bool) {
        if readable {
            if self.probe_readable() {
                w.now |= Revents::READABLE;
            } else {
                w.pollables
                    .push((self.input.subscribe(), Revents::READABLE));
            }
        }
        if writable {
            w.pollables
                .push((self.output.subscribe(), Revents::WRITABLE));
        }
    }
}

/// A failed stream operation on a socket: a closed stream is a peer gone.
fn stream_errno(e: StreamError) -> Errno {
    match e {
        StreamError::Closed => Errno::Pipe,
        // The stream's error carries no code the guest could use; a
        // connection's usual failure is a reset by the peer.
        StreamError::LastOperationFailed(_) => Errno::Connreset,
    }
}
