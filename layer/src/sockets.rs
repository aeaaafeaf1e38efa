//! The `sockets` interface: TCP and UDP over wasi:sockets.
//!
//! The network policy is the runtime's (`wasmtime run -S inherit-network`
//! and its allow lists): an address it refuses is `acces`, as the host
//! build's own policy answers. Socket pairs are the layer's in-memory
//! ones.

use crate::Layer;
use crate::bindings::exports::vfd::posix::sockets::{Guest, ShutdownHow};
use crate::bindings::{AccessMode, Errno, FdFlags, StatusFlags};
use crate::description::Description;
use crate::object::{NetSocket, Object};
use crate::pipes::nonblock_only;
use crate::state::{self, State};
use std::rc::Rc;
use vfd_core::net::{check_new_socket, parse_addr};

impl State {
    fn insert_socket(
        &mut self,
        socket: NetSocket,
        flags: FdFlags,
        status: StatusFlags,
    ) -> Result<u32, Errno> {
        let desc = Description::new(Object::Socket(socket), AccessMode::ReadWrite, status);
        self.insert(desc, flags.contains(FdFlags::CLOEXEC))
    }

    /// The network socket behind `fd`: `notsock` for what is not a socket
    /// at all.
    fn socket(&self, fd: u32) -> Result<Rc<Description>, Errno> {
        let desc = self.desc(fd)?.clone();
        match desc.object {
            Object::Socket(_) | Object::SocketPair(_) => Ok(desc),
            _ => Err(Errno::Notsock),
        }
    }
}

/// What a call does on each kind of socket.
fn on_socket<T>(
    fd: u32,
    net: impl FnOnce(&NetSocket, &Description) -> Result<T, Errno>,
    pair: impl FnOnce(&crate::object::SocketEnd) -> Result<T, Errno>,
) -> Result<T, Errno> {
    let desc = state::with(|s| s.socket(fd))?;
    match &desc.object {
        Object::Socket(n) => net(n, &desc),
        Object::SocketPair(p) => pair(p),
        _ => Err(Errno::Notsock),
    }
}

impl Guest for Layer {
    fn tcp_connect(address: String, flags: FdFlags, status: StatusFlags) -> Result<u32, Errno> {
        // Connect blocking, then apply `status`: the call returns a
        // connected socket or an error, never a connection in progress.
        let status = nonblock_only(status)?;
        let addr = parse_addr(&address)?;
        state::with(|s| {
            // The runtime enforces its own network policy (wasmtime's
            // socket address check) when the socket is made.
            check_new_socket(&s.table, true)?;
            let id = s.next_id();
            let socket = NetSocket::connect(s.network(), addr, id)?;
            s.insert_socket(socket, flags, status)
        })
    }

    fn tcp_listen(
        address: String,
        backlog: u32,
        flags: FdFlags,
        status: StatusFlags,
    ) -> Result<u32, Errno> {
        // SO_REUSEADDR: wasmtime sets it on every TCP bind on Unix.
        let status = nonblock_only(status)?;
        let addr = parse_addr(&address)?;
        state::with(|s| {
            check_new_socket(&s.table, true)?;
            let id = s.next_id();
            let socket = NetSocket::listen(s.network(), addr, backlog, id)?;
            s.insert_socket(socket, flags, status)
        })
    }

    fn accept(fd: u32, flags: FdFlags, status: StatusFlags) -> Result<(u32, String), Errno> {
        let status = nonblock_only(status)?;
        state::with(|s| {
            let listener = s.socket(fd)?;
            s.check_room()?;
            let Object::Socket(n) = &listener.object else {
                // A socket pair end is connected, never listening.
                return Err(Errno::Inval);
            };
            let nonblock = listener.status().contains(StatusFlags::NONBLOCK);
            let id = s.next_id();
            let (socket, peer) = n.accept(nonblock, id)?;
            let fd = s.insert_socket(socket, flags, status)?;
            Ok((fd, peer.to_string()))
        })
    }

    fn udp_bind(address: String, flags: FdFlags, status: StatusFlags) -> Result<u32, Errno> {
        let status = nonblock_only(status)?;
        let addr = parse_addr(&address)?;
        state::with(|s| {
            check_new_socket(&s.table, true)?;
            let id = s.next_id();
            let socket = NetSocket::udp_bind(s.network(), addr, id)?;
            s.insert_socket(socket, flags, status)
        })
    }

    fn send_to(fd: u32, data: Vec<u8>, address: String) -> Result<u32, Errno> {
        on_socket(
            fd,
            |n, d| {
                let to = parse_addr(&address)?;
                n.send_to(&data, to, d.status().contains(StatusFlags::NONBLOCK))
            },
            // Linux ignores the address on a connected stream socket.
            |_| state::with(|s| s.desc(fd).cloned())?.write(&data),
        )
    }

    fn recv_from(fd: u32, len: u32) -> Result<(Vec<u8>, String), Errno> {
        on_socket(
            fd,
            |n, d| {
                let (data, from) = n.recv_from(len, d.status().contains(StatusFlags::NONBLOCK))?;
                Ok((data, from.to_string()))
            },
            // An unnamed Unix socket's peer has no address: the empty string.
            |_| {
                let data = state::with(|s| s.desc(fd).cloned())?.read(len)?;
                Ok((data, String::new()))
            },
        )
    }

    fn shutdown(fd: u32, how: ShutdownHow) -> Result<(), Errno> {
        let (read, write) = match how {
            ShutdownHow::Read => (true, false),
            ShutdownHow::Write => (false, true),
            ShutdownHow::Both => (true, true),
        };
        on_socket(
            fd,
            |n, _| n.shutdown(read, write),
            |p| {
                p.shutdown(read, write);
                Ok(())
            },
        )
    }

    fn local_address(fd: u32) -> Result<String, Errno> {
        on_socket(
            fd,
            |n, _| Ok(n.local_address()?.to_string()),
            |_| Ok(String::new()),
        )
    }

    fn peer_address(fd: u32) -> Result<String, Errno> {
        on_socket(
            fd,
            |n, _| Ok(n.peer_address()?.to_string()),
            |_| Ok(String::new()),
        )
    }

    fn set_nodelay(fd: u32, on: bool) -> Result<(), Errno> {
        // TCP_NODELAY on a Unix socket is EOPNOTSUPP on Linux.
        on_socket(fd, |n, _| n.set_nodelay(on), |_| Err(Errno::Notsup))
    }

    fn get_nodelay(fd: u32) -> Result<bool, Errno> {
        on_socket(fd, |n, _| n.nodelay(), |_| Err(Errno::Notsup))
    }

    fn set_reuseaddr(fd: u32, _on: bool) -> Result<(), Errno> {
        // wasi:sockets has no such option (wasmtime sets SO_REUSEADDR on
        // every TCP bind on Unix): accepted on any socket, as Linux does.
        on_socket(fd, |_, _| Ok(()), |_| Ok(()))
    }
}
