//! TCP, UDP and Unix stream sockets, mirroring `std::net`.
//!
//! The sockets are real host sockets, numbered in vfd's table like any
//! other descriptor: they can be duplicated, passed to [`crate::io`] and
//! [`crate::poll`], and moved onto 0, 1 or 2 with [`crate::stdio`].
//!
//! The host allows only the addresses its network policy grants, and
//! denies everything by default: a refused address fails with
//! `PermissionDenied` (`EACCES`). The host does not resolve names either.
//! Addresses go through [`ToSocketAddrs`] as in std, so an IP literal such
//! as `"127.0.0.1:8080"` or `"[::1]:8080"` always works; a host name is
//! resolved by std's resolver, which is WASI's and not vfd's, and may be
//! refused.
//!
//! As with [`OpenOptions`](crate::fs::OpenOptions), close-on-exec is left
//! clear on every new socket (std always sets it).
//!
//! The address types of `std::net` are re-exported here, so that
//! `use vfd::net::*` can replace `use std::net::*`.
//!
//! # Example
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! use std::io::{Read, Write};
//! use vfd::net::{TcpListener, TcpStream};
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let mut client = TcpStream::connect(listener.local_addr()?)?;
//! let (mut server, _peer) = listener.accept()?;
//!
//! client.write_all(b"hello")?;
//! let mut buf = [0; 5];
//! server.read_exact(&mut buf)?;
//! assert_eq!(&buf, b"hello");
//! # Ok(())
//! # }
//! ```

mod addr;
mod tcp;
mod udp;
mod unix;

use std::io;

pub use std::net::{
    AddrParseError, IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6,
    ToSocketAddrs,
};

pub use tcp::{Incoming, TcpListener, TcpStream};
pub use udp::UdpSocket;
pub use unix::UnixStream;

use crate::errno::cvt;
use crate::fd::{BorrowedFd, host_fd};
use crate::io::StatusFlags;
use crate::sys::sockets::{self, ShutdownHow};

/// `fcntl(fd, F_SETFL, flags ± O_NONBLOCK)`: the status flags are shared by
/// every duplicate, and the others (`append`) are kept as they are.
fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let flags = crate::io::fcntl_getfl(fd)?;
    let mut new = flags;
    new.set(StatusFlags::NONBLOCK, nonblocking);
    if new == flags {
        return Ok(());
    }
    crate::io::fcntl_setfl(fd, new)
}

/// `shutdown(fd, how)`.
fn shutdown(fd: BorrowedFd<'_>, how: Shutdown) -> io::Result<()> {
    let how = match how {
        Shutdown::Read => ShutdownHow::Read,
        Shutdown::Write => ShutdownHow::Write,
        Shutdown::Both => ShutdownHow::Both,
    };
    cvt(sockets::shutdown(host_fd(fd), how))
}

/// `getsockname(fd)`.
fn local_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    addr::from_host(&cvt(sockets::local_address(host_fd(fd)))?)
}

/// `getpeername(fd)`.
fn peer_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    addr::from_host(&cvt(sockets::peer_address(host_fd(fd)))?)
}

/// The descriptor traits and conversions every socket type shares, as
/// `std::fs::File` has them: the type is a plain owner of one number.
macro_rules! fd_wrapper {
    ($ty:ident) => {
        impl $crate::fd::AsFd for $ty {
            #[inline]
            fn as_fd(&self) -> $crate::fd::BorrowedFd<'_> {
                $crate::fd::AsFd::as_fd(&self.fd)
            }
        }

        impl $crate::fd::AsRawFd for $ty {
            #[inline]
            fn as_raw_fd(&self) -> $crate::fd::RawFd {
                $crate::fd::AsRawFd::as_raw_fd(&self.fd)
            }
        }

        impl $crate::fd::FromRawFd for $ty {
            #[inline]
            unsafe fn from_raw_fd(fd: $crate::fd::RawFd) -> Self {
                // SAFETY: the caller passes on the guarantee that `fd` is
                // open and owned by nothing else.
                Self::from(unsafe {
                    <$crate::fd::OwnedFd as $crate::fd::FromRawFd>::from_raw_fd(fd)
                })
            }
        }

        impl $crate::fd::IntoRawFd for $ty {
            #[inline]
            fn into_raw_fd(self) -> $crate::fd::RawFd {
                $crate::fd::IntoRawFd::into_raw_fd(self.fd)
            }
        }

        impl From<$crate::fd::OwnedFd> for $ty {
            #[inline]
            fn from(fd: $crate::fd::OwnedFd) -> Self {
                Self { fd }
            }
        }

        impl From<$ty> for $crate::fd::OwnedFd {
            #[inline]
            fn from(socket: $ty) -> Self {
                socket.fd
            }
        }
    };
}

/// `Read` and `Write` through the descriptor calls, for the stream types
/// and shared references to them (a socket, like std's, is read and
/// written through `&self`).
macro_rules! stream_io {
    ($ty:ident) => {
        impl ::std::io::Read for &$ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                $crate::io::read(*self, buf)
            }
        }

        impl ::std::io::Write for &$ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                $crate::io::write(*self, buf)
            }

            fn flush(&mut self) -> ::std::io::Result<()> {
                // Nothing is buffered in the guest: every write is already
                // a call.
                Ok(())
            }
        }

        impl ::std::io::Read for $ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                ::std::io::Read::read(&mut &*self, buf)
            }
        }

        impl ::std::io::Write for $ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                ::std::io::Write::write(&mut &*self, buf)
            }

            fn flush(&mut self) -> ::std::io::Result<()> {
                ::std::io::Write::flush(&mut &*self)
            }
        }
    };
}

use {fd_wrapper, stream_io};
