use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use super::{addr, fd_wrapper};
use crate::bindings::vfd::posix::types::Errno;
use crate::errno::{cvt, to_io};
use crate::fd::{AsFd, AsRawFd, OwnedFd, host_fd, owned_from_host};
use crate::io::{FdFlags, StatusFlags, written};
use crate::sys::sockets;

/// The largest UDP datagram: its length field is 16 bits, so no larger
/// one can be sent on any address family (`EMSGSIZE`).
const MAX_DATAGRAM_LEN: usize = u16::MAX as usize;

/// A UDP socket, as `std::net::UdpSocket`.
///
/// Each [`UdpSocket::send_to`] sends one datagram, and each
/// [`UdpSocket::recv_from`] receives one, with its sender.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::net::UdpSocket;
///
/// let socket = UdpSocket::bind("127.0.0.1:3400")?;
/// let mut buf = [0; 1500];
/// let (n, from) = socket.recv_from(&mut buf)?;
/// socket.send_to(&buf[..n], from)?; // echo it back
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socket.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/socket.2.html)
///  - [Linux](https://man7.org/linux/man-pages/man7/udp.7.html)
pub struct UdpSocket {
    fd: OwnedFd,
}

impl UdpSocket {
    /// `socket(AF_INET, SOCK_DGRAM)` and `bind(fd, addr)`—Creates a UDP
    /// socket bound to `addr`.
    ///
    /// Port 0 asks for a free port; [`UdpSocket::local_addr`] tells which.
    /// Each resolved address is tried in turn until one binds; if none
    /// does, the error of the last attempt is returned.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let socket = vfd::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/bind.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/bind.2.html)
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        addr::each_addr(addr, |addr| {
            let fd = sockets::udp_bind(addr, FdFlags::empty(), StatusFlags::empty());
            owned_from_host(cvt(fd)?).map(UdpSocket::from)
        })
    }

    /// `sendto(fd, buf, 0, addr)`—Sends `buf` as one datagram to `addr`,
    /// and returns the number of bytes sent.
    ///
    /// As in std, the datagram goes to the first address `addr` resolves
    /// to. A datagram too large for the network fails with `EMSGSIZE`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let socket = vfd::net::UdpSocket::bind("127.0.0.1:0")?;
    /// socket.send_to(b"ping", "127.0.0.1:3400")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sendto.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/sendto.2.html)
    pub fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], addr: A) -> io::Result<usize> {
        let addr = addr::first_addr(addr)?;
        if buf.len() > MAX_DATAGRAM_LEN {
            // What Linux answers, found without handing the host the bytes:
            // past its per-call budget wasmtime would trap the guest
            // instead. A closed socket is still EBADF, as the kernel looks
            // the descriptor up first.
            crate::io::fcntl_getfd(self)?;
            return Err(to_io(Errno::Msgsize));
        }
        let n = cvt(sockets::send_to(host_fd(self), buf, &addr))?;
        Ok(written(n, buf))
    }

    /// `recvfrom(fd, buf, 0)`—Receives one datagram into `buf`, and returns
    /// its length and its sender.
    ///
    /// If the datagram is longer than `buf`, the rest of it is discarded,
    /// as on Linux.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let socket = vfd::net::UdpSocket::bind("127.0.0.1:3400")?;
    /// let mut buf = [0; 1500];
    /// let (n, from) = socket.recv_from(&mut buf)?;
    /// vfd::println!("{n} bytes from {from}");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/recvfrom.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/recvfrom.2.html)
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = cvt(crate::sys::recv_from(host_fd(self), buf))?;
        Ok((n, addr::from_host(&from)?))
    }

    /// `getsockname(fd)`—Returns the address the socket is bound to.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let socket = vfd::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let port = socket.local_addr()?.port();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockname.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/getsockname.2.html)
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        super::local_addr(self.as_fd())
    }

    /// `fcntl(fd, F_SETFL, flags | O_NONBLOCK)`—Moves the socket into or
    /// out of non-blocking mode, where [`UdpSocket::recv_from`] with no
    /// datagram waiting fails with `WouldBlock` rather than wait.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let socket = vfd::net::UdpSocket::bind("127.0.0.1:0")?;
    /// socket.set_nonblocking(true)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        super::set_nonblocking(self.as_fd(), nonblocking)
    }

    /// `dup(fd)`—Creates a new `UdpSocket` that shares the open description
    /// of `self`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let socket = vfd::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let sender = socket.try_clone()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn try_clone(&self) -> io::Result<UdpSocket> {
        self.fd.try_clone().map(UdpSocket::from)
    }
}

fd_wrapper!(UdpSocket);

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("UdpSocket");
        if let Ok(addr) = self.local_addr() {
            s.field("addr", &addr);
        }
        s.field("fd", &self.as_raw_fd()).finish()
    }
}
