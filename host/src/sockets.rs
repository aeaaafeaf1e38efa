//! The `sockets` interface: TCP and UDP over the host's network, within
//! the host's [`NetPolicy`](crate::NetPolicy).

use crate::VfdCtx;
use crate::bindings::vfd::posix::sockets::{Host, ShutdownHow};
use crate::bindings::{Errno, FdFlags, StatusFlags};
use crate::description::Description;
use crate::descriptors::{read_buffer, retry, retry_blocking};
use crate::object::Object;
use crate::pipes::nonblock_only;
use rustix::net::{AddressFamily, SocketFlags, SocketType, sockopt};
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use vfd_core::net::parse_addr;

fn family(addr: &SocketAddr) -> AddressFamily {
    match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    }
}

/// The guest's string for a host socket address: `ip:port`, or the empty
/// string for an unnamed Unix socket (a `socketpair` end).
fn format_addr(addr: Option<rustix::net::SocketAddrAny>) -> String {
    addr.and_then(|a| SocketAddr::try_from(a).ok())
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// Host socket flags for a guest's `status`: always close-on-exec (the
/// guest's cloexec is per number, in the table), non-blocking if asked.
fn socket_flags(status: StatusFlags) -> Result<SocketFlags, Errno> {
    let mut flags = SocketFlags::CLOEXEC;
    if nonblock_only(status)? {
        flags |= SocketFlags::NONBLOCK;
    }
    Ok(flags)
}

impl VfdCtx {
    fn insert_socket(
        &mut self,
        sock: OwnedFd,
        flags: FdFlags,
        origin: impl FnOnce() -> String,
    ) -> Result<u32, Errno> {
        let origin = self.origin(origin);
        let desc = Arc::new(Description::new(Object::Socket(sock), origin.as_deref()));
        Ok(self.table.insert(desc, flags.contains(FdFlags::CLOEXEC))?)
    }

    /// A new host socket for `addr`: `acces` unless the policy `allowed`
    /// it, and `mfile` before any host socket is made if the guest's table
    /// is full, so a refused call costs the host nothing.
    fn new_socket(
        &self,
        addr: &SocketAddr,
        kind: SocketType,
        flags: SocketFlags,
        allowed: bool,
    ) -> Result<OwnedFd, Errno> {
        vfd_core::net::check_new_socket(&self.table, allowed)?;
        Ok(rustix::net::socket_with(family(addr), kind, flags, None)?)
    }
}

impl Host for VfdCtx {
    fn tcp_connect(
        &mut self,
        address: String,
        flags: FdFlags,
        status: StatusFlags,
    ) -> Result<u32, Errno> {
        let nonblock = nonblock_only(status)?;
        let addr = parse_addr(&address)?;
        let allowed = self.net.may_connect(&addr);
        // Connect blocking, then switch: the call returns a connected
        // socket or an error, never a connection still in progress.
        let sock = self.new_socket(&addr, SocketType::STREAM, SocketFlags::CLOEXEC, allowed)?;
        connect(&sock, &addr)?;
        if nonblock {
            rustix::io::ioctl_fionbio(&sock, true)?;
        }
        self.insert_socket(sock, flags, || format!("tcp connection to {addr}"))
    }

    fn tcp_listen(
        &mut self,
        address: String,
        backlog: u32,
        flags: FdFlags,
        status: StatusFlags,
    ) -> Result<u32, Errno> {
        let addr = parse_addr(&address)?;
        let allowed = self.net.may_listen(&addr);
        let sock = self.new_socket(&addr, SocketType::STREAM, socket_flags(status)?, allowed)?;
        sockopt::set_socket_reuseaddr(&sock, true)?;
        rustix::net::bind(&sock, &addr)?;
        // Linux caps the backlog at net.core.somaxconn itself.
        rustix::net::listen(&sock, backlog.min(i32::MAX as u32) as i32)?;
        self.insert_socket(sock, flags, || format!("tcp listener on {addr}"))
    }

    fn accept(
        &mut self,
        fd: u32,
        flags: FdFlags,
        status: StatusFlags,
    ) -> Result<(u32, String), Errno> {
        let host_flags = socket_flags(status)?;
        let listener = self.desc(fd)?.clone();
        self.table.check_room()?;
        let (sock, peer) = retry_blocking(|| rustix::net::acceptfrom_with(&*listener, host_flags))?;
        let peer = format_addr(peer);
        let n = self.insert_socket(sock, flags, || format!("tcp connection from {peer}"))?;
        Ok((n, peer))
    }

    fn udp_bind(
        &mut self,
        address: String,
        flags: FdFlags,
        status: StatusFlags,
    ) -> Result<u32, Errno> {
        let addr = parse_addr(&address)?;
        let allowed = self.net.may_listen(&addr);
        let sock = self.new_socket(&addr, SocketType::DGRAM, socket_flags(status)?, allowed)?;
        rustix::net::bind(&sock, &addr)?;
        self.insert_socket(sock, flags, || format!("udp socket on {addr}"))
    }

    fn send_to(&mut self, fd: u32, data: Vec<u8>, address: String) -> Result<u32, Errno> {
        let d = self.desc(fd)?;
        let addr = parse_addr(&address)?;
        if !self.net.may_connect(&addr) {
            return Err(Errno::Acces);
        }
        let n = retry(|| rustix::net::sendto(d, &data, rustix::net::SendFlags::NOSIGNAL, &addr))?;
        Ok(n as u32)
    }

    fn recv_from(&mut self, fd: u32, len: u32) -> Result<(Vec<u8>, String), Errno> {
        let d = self.desc(fd)?;
        let mut from = None;
        let data = read_buffer(len, |spare| {
            let ((filled, _), _, sender) =
                rustix::net::recvfrom(d, spare, rustix::net::RecvFlags::empty())?;
            from = sender;
            Ok(filled.len())
        })?;
        Ok((data, format_addr(from)))
    }

    fn shutdown(&mut self, fd: u32, how: ShutdownHow) -> Result<(), Errno> {
        let how = match how {
            ShutdownHow::Read => rustix::net::Shutdown::Read,
            ShutdownHow::Write => rustix::net::Shutdown::Write,
            ShutdownHow::Both => rustix::net::Shutdown::Both,
        };
        Ok(rustix::net::shutdown(self.desc(fd)?, how)?)
    }

    fn local_address(&mut self, fd: u32) -> Result<String, Errno> {
        Ok(format_addr(Some(rustix::net::getsockname(self.desc(fd)?)?)))
    }

    fn peer_address(&mut self, fd: u32) -> Result<String, Errno> {
        Ok(format_addr(rustix::net::getpeername(self.desc(fd)?)?))
    }

    fn set_nodelay(&mut self, fd: u32, on: bool) -> Result<(), Errno> {
        Ok(sockopt::set_tcp_nodelay(self.desc(fd)?, on)?)
    }

    fn get_nodelay(&mut self, fd: u32) -> Result<bool, Errno> {
        Ok(sockopt::tcp_nodelay(self.desc(fd)?)?)
    }

    fn set_reuseaddr(&mut self, fd: u32, on: bool) -> Result<(), Errno> {
        Ok(sockopt::set_socket_reuseaddr(self.desc(fd)?, on)?)
    }
}

/// connect(2), finishing a connection that a signal interrupted: Linux
/// carries on connecting in the background, so wait for it and take its
/// outcome from SO_ERROR rather than connecting twice.
fn connect(sock: &OwnedFd, addr: &SocketAddr) -> Result<(), Errno> {
    match rustix::net::connect(sock, addr) {
        Err(rustix::io::Errno::INTR) => {
            let mut fds = [rustix::event::PollFd::new(
                sock,
                rustix::event::PollFlags::OUT,
            )];
            retry(|| rustix::event::poll(&mut fds, None))?;
            match sockopt::socket_error(sock)? {
                Ok(()) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }
        other => Ok(other?),
    }
}
