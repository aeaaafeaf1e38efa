//! TCP and UDP sockets over wasi:sockets.
//!
//! wasi:sockets splits each call in two (`start-*` / `finish-*`) and hands
//! out streams; these types put the POSIX calls back together: a blocking
//! call waits on the socket's pollable until the operation finishes, a
//! non-blocking one answers `again` where it would wait.

mod addr;
mod tcp;
mod udp;

use crate::bindings::exports::vfd::posix::poll::{Events, Revents};
use crate::bindings::{Errno, FileType};
use crate::errno;
use crate::poll::Watch;
use std::cell::Cell;
use std::net::SocketAddr;
use wasip2::io::poll::Pollable;
use wasip2::sockets::network::{ErrorCode, Network};

/// A network socket.
#[derive(Debug)]
pub struct NetSocket {
    kind: Kind,
    /// A number unique to this socket, reported as its inode.
    id: u64,
    /// TCP_NODELAY as last set. wasi:sockets has no such option: the
    /// runtime decides how small writes are sent, and this only remembers
    /// what the guest asked for.
    nodelay: Cell<bool>,
}

#[derive(Debug)]
enum Kind {
    Listener(tcp::Listener),
    Stream(tcp::Stream),
    Udp(udp::Udp),
}

/// Finish a two-step wasi:sockets operation: ask again each time the
/// socket's pollable is ready, until it stops saying `would-block`.
fn finish<T>(
    subscribe: impl Fn() -> Pollable,
    mut step: impl FnMut() -> Result<T, ErrorCode>,
) -> Result<T, Errno> {
    loop {
        match step() {
            Err(ErrorCode::WouldBlock) => subscribe().block(),
            other => return other.map_err(errno::net),
        }
    }
}

impl NetSocket {
    fn new(kind: Kind, id: u64) -> NetSocket {
        NetSocket {
            kind,
            id,
            nodelay: Cell::new(false),
        }
    }

    /// socket(2) and connect(2), waiting for the connection.
    pub fn connect(network: &Network, addr: SocketAddr, id: u64) -> Result<NetSocket, Errno> {
        let stream = tcp::Stream::connect(network, addr)?;
        Ok(NetSocket::new(Kind::Stream(stream), id))
    }

    /// socket(2), bind(2) and listen(2).
    pub fn listen(
        network: &Network,
        addr: SocketAddr,
        backlog: u32,
        id: u64,
    ) -> Result<NetSocket, Errno> {
        let listener = tcp::Listener::listen(network, addr, backlog)?;
        Ok(NetSocket::new(Kind::Listener(listener), id))
    }

    /// socket(2) and bind(2) of a UDP socket.
    pub fn udp_bind(network: &Network, addr: SocketAddr, id: u64) -> Result<NetSocket, Errno> {
        let udp = udp::Udp::bind(network, addr)?;
        Ok(NetSocket::new(Kind::Udp(udp), id))
    }

    /// accept(2): the next connection and its peer's address; `inval`
    /// unless listening, as on Linux.
    pub fn accept(&self, nonblock: bool, id: u64) -> Result<(NetSocket, SocketAddr), Errno> {
        let Kind::Listener(listener) = &self.kind else {
            return Err(Errno::Inval);
        };
        let (stream, peer) = listener.accept(nonblock)?;
        Ok((NetSocket::new(Kind::Stream(stream), id), peer))
    }

    /// read(2) / recv(2). On a listener, Linux says `notconn`.
    pub fn read(&self, len: u32, nonblock: bool) -> Result<Vec<u8>, Errno> {
        match &self.kind {
            Kind::Stream(s) => s.read(len, nonblock),
            Kind::Udp(u) => u.recv_from(len, nonblock).map(|(data, _)| data),
            Kind::Listener(_) => Err(Errno::Notconn),
        }
    }

    /// write(2) / send(2).
    pub fn write(&self, data: &[u8], nonblock: bool) -> Result<u32, Errno> {
        match &self.kind {
            Kind::Stream(s) => s.write(data, nonblock),
            // A UDP socket with no default peer has no destination.
            Kind::Udp(_) => Err(Errno::Destaddrreq),
            // Linux's TCP send on a socket that is not connected.
            Kind::Listener(_) => Err(Errno::Pipe),
        }
    }

    /// sendto(2). Linux ignores the address on a connected stream socket.
    pub fn send_to(&self, data: &[u8], to: SocketAddr, nonblock: bool) -> Result<u32, Errno> {
        match &self.kind {
            Kind::Udp(u) => u.send_to(data, to, nonblock),
            Kind::Stream(s) => s.write(data, nonblock),
            Kind::Listener(_) => Err(Errno::Notconn),
        }
    }

    /// recvfrom(2).
    pub fn recv_from(&self, len: u32, nonblock: bool) -> Result<(Vec<u8>, SocketAddr), Errno> {
        match &self.kind {
            Kind::Udp(u) => u.recv_from(len, nonblock),
            Kind::Stream(s) => {
                let peer = s.peer_address()?;
                Ok((s.read(len, nonblock)?, peer))
            }
            Kind::Listener(_) => Err(Errno::Notconn),
        }
    }

    /// shutdown(2): `notconn` unless connected.
    pub fn shutdown(&self, read: bool, write: bool) -> Result<(), Errno> {
        match &self.kind {
            Kind::Stream(s) => s.shutdown(read, write),
            _ => Err(Errno::Notconn),
        }
    }

    /// getsockname(2).
    pub fn local_address(&self) -> Result<SocketAddr, Errno> {
        match &self.kind {
            Kind::Listener(l) => l.local_address(),
            Kind::Stream(s) => s.local_address(),
            Kind::Udp(u) => u.local_address(),
        }
    }

    /// getpeername(2): `notconn` unless connected.
    pub fn peer_address(&self) -> Result<SocketAddr, Errno> {
        match &self.kind {
            Kind::Stream(s) => s.peer_address(),
            _ => Err(Errno::Notconn),
        }
    }

    /// setsockopt(2) TCP_NODELAY: remembered only (see the field).
    pub fn set_nodelay(&self, on: bool) -> Result<(), Errno> {
        match self.kind {
            Kind::Udp(_) => Err(Errno::Noprotoopt),
            _ => {
                self.nodelay.set(on);
                Ok(())
            }
        }
    }

    /// getsockopt(2) TCP_NODELAY.
    pub fn nodelay(&self) -> Result<bool, Errno> {
        match self.kind {
            Kind::Udp(_) => Err(Errno::Noprotoopt),
            _ => Ok(self.nodelay.get()),
        }
    }

    /// The file type fstat(2) reports.
    pub fn file_type(&self) -> FileType {
        match self.kind {
            Kind::Udp(_) => FileType::SocketDgram,
            _ => FileType::SocketStream,
        }
    }

    /// A number unique to this socket, reported as its inode.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// What poll(2) waits on: a connection to accept, data to read, room
    /// to write.
    pub fn watch(&self, events: Events) -> Watch {
        let mut w = Watch::ready(Revents::empty());
        let readable = events.contains(Events::READABLE);
        let writable = events.contains(Events::WRITABLE);
        match &self.kind {
            Kind::Listener(l) => l.watch(&mut w, readable),
            Kind::Stream(s) => s.watch(&mut w, readable, writable),
            Kind::Udp(u) => u.watch(&mut w, readable, writable),
        }
        w
    }
}
