use std::fmt;
use std::io;
use std::iter::FusedIterator;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};

use super::{addr, fd_wrapper, stream_io};
use crate::errno::cvt;
use crate::fd::{AsFd, AsRawFd, OwnedFd, host_fd, owned_from_host};
use crate::io::{FdFlags, StatusFlags};
use crate::sys::sockets;

/// The `backlog` of `listen(2)` that [`TcpListener::bind`] asks for, as
/// std does.
const BACKLOG: u32 = 128;

/// A TCP stream between a local and a remote socket, as
/// `std::net::TcpStream`.
///
/// Dropping it closes its number; the connection closes with the last
/// duplicate. Reads and writes go through [`crate::io::read`] and
/// [`crate::io::write`], and may be short.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::io::{Read, Write};
/// use vfd::net::TcpStream;
///
/// let mut stream = TcpStream::connect("127.0.0.1:8080")?;
/// stream.write_all(b"ping")?;
/// let mut reply = [0; 4];
/// stream.read_exact(&mut reply)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socket.html)
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/connect.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/socket.2.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/connect.2.html)
///  - [Linux](https://man7.org/linux/man-pages/man7/tcp.7.html)
pub struct TcpStream {
    fd: OwnedFd,
}

impl TcpStream {
    /// `socket(AF_INET, SOCK_STREAM)` and `connect(fd, addr)`—Opens a TCP
    /// connection to a remote host.
    ///
    /// `addr` is resolved as in std, and each address is tried in turn
    /// until one connects; if none does, the error of the last attempt is
    /// returned. An address the host's policy refuses fails with
    /// `PermissionDenied`; nobody listening gives `ConnectionRefused`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::net::{Ipv6Addr, SocketAddr};
    /// use vfd::net::TcpStream;
    ///
    /// let v4 = TcpStream::connect("127.0.0.1:8080")?;
    /// let v6 = TcpStream::connect(SocketAddr::from((Ipv6Addr::LOCALHOST, 8080)))?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/connect.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/connect.2.html)
    pub fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        addr::each_addr(addr, |addr| {
            let fd = sockets::tcp_connect(addr, FdFlags::empty(), StatusFlags::empty());
            owned_from_host(cvt(fd)?).map(TcpStream::from)
        })
    }

    /// `getpeername(fd)`—Returns the address of the remote peer.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// assert_eq!(stream.peer_addr()?.port(), 8080);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpeername.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/getpeername.2.html)
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        super::peer_addr(self.as_fd())
    }

    /// `getsockname(fd)`—Returns the local address of this end of the
    /// connection.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// let port = stream.local_addr()?.port();
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

    /// `shutdown(fd, how)`—Shuts down the read half, the write half or both
    /// halves of the connection, for every duplicate at once.
    ///
    /// After `Shutdown::Write` the peer reads end of file.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    /// use std::net::Shutdown;
    ///
    /// let mut stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// stream.write_all(b"request")?;
    /// stream.shutdown(Shutdown::Write)?; // the server sees end of file
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/shutdown.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/shutdown.2.html)
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        super::shutdown(self.as_fd(), how)
    }

    /// `dup(fd)`—Creates a new `TcpStream` that shares the open description
    /// of `self`: the same connection, the same status flags.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// let reader = stream.try_clone()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn try_clone(&self) -> io::Result<TcpStream> {
        self.fd.try_clone().map(TcpStream::from)
    }

    /// `fcntl(fd, F_SETFL, flags | O_NONBLOCK)`—Moves the stream into or
    /// out of non-blocking mode.
    ///
    /// In non-blocking mode a read or write that would wait fails with
    /// `WouldBlock` instead; [`crate::poll::poll`] tells when to try again.
    /// The flag belongs to the open description, so every duplicate sees
    /// it; the other status flags are kept.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::{ErrorKind, Read};
    ///
    /// let mut stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// stream.set_nonblocking(true)?;
    /// let mut buf = [0; 64];
    /// match stream.read(&mut buf) {
    ///     Err(e) if e.kind() == ErrorKind::WouldBlock => { /* nothing yet */ }
    ///     other => { other?; }
    /// }
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

    /// `setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, nodelay)`—Sets whether
    /// small writes are sent at once rather than coalesced (Nagle's
    /// algorithm off when `true`).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// stream.set_nodelay(true)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/setsockopt.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/tcp.7.html)
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        cvt(sockets::set_nodelay(host_fd(self), nodelay))
    }

    /// `getsockopt(fd, IPPROTO_TCP, TCP_NODELAY)`—Returns whether small
    /// writes are sent at once; see [`TcpStream::set_nodelay`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/tcp.7.html)
    pub fn nodelay(&self) -> io::Result<bool> {
        cvt(sockets::get_nodelay(host_fd(self)))
    }
}

stream_io!(TcpStream);
fd_wrapper!(TcpStream);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As std: the addresses when the host can give them, and the number.
        let mut s = f.debug_struct("TcpStream");
        if let Ok(addr) = self.local_addr() {
            s.field("addr", &addr);
        }
        if let Ok(peer) = self.peer_addr() {
            s.field("peer", &peer);
        }
        s.field("fd", &self.as_raw_fd()).finish()
    }
}

/// A TCP socket listening for connections, as `std::net::TcpListener`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::io::Write;
/// use vfd::net::TcpListener;
///
/// let listener = TcpListener::bind("127.0.0.1:8080")?;
/// for stream in listener.incoming() {
///     stream?.write_all(b"hello\n")?;
/// }
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socket.html)
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/listen.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/socket.2.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/listen.2.html)
///  - [Linux](https://man7.org/linux/man-pages/man7/tcp.7.html)
pub struct TcpListener {
    fd: OwnedFd,
}

impl TcpListener {
    /// `socket(AF_INET, SOCK_STREAM)`, `bind(fd, addr)` and
    /// `listen(fd, 128)`—Creates a listener bound to `addr`.
    ///
    /// Port 0 asks for a free port; [`TcpListener::local_addr`] tells which.
    /// `SO_REUSEADDR` is set, as std does. Each resolved address is tried
    /// in turn until one binds; if none does, the error of the last attempt
    /// is returned (`AddrInUse`, or `PermissionDenied` for an address the
    /// host's policy refuses).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let listener = vfd::net::TcpListener::bind("127.0.0.1:0")?;
    /// let port = listener.local_addr()?.port();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/bind.html)
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/listen.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/bind.2.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/listen.2.html)
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        addr::each_addr(addr, |addr| {
            let fd = sockets::tcp_listen(addr, BACKLOG, FdFlags::empty(), StatusFlags::empty());
            owned_from_host(cvt(fd)?).map(TcpListener::from)
        })
    }

    /// `accept(fd)`—Waits for the next connection and returns it with the
    /// peer's address.
    ///
    /// The new stream is at the lowest free number, blocking and without
    /// close-on-exec, whatever the listener's own flags (as `accept4` with
    /// no flags). On a non-blocking listener with no connection waiting,
    /// this fails with `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let listener = vfd::net::TcpListener::bind("127.0.0.1:8080")?;
    /// let (stream, peer) = listener.accept()?;
    /// vfd::println!("connection from {peer}");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/accept.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/accept4.2.html)
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (fd, peer) = cvt(sockets::accept(
            host_fd(self),
            FdFlags::empty(),
            StatusFlags::empty(),
        ))?;
        // Owned first, so the connection is closed if the address is bad.
        let stream = TcpStream::from(owned_from_host(fd)?);
        Ok((stream, addr::from_host(&peer)?))
    }

    /// Returns an iterator over the connections as they arrive, calling
    /// [`TcpListener::accept`] for each.
    ///
    /// The iterator never returns `None`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let listener = vfd::net::TcpListener::bind("127.0.0.1:8080")?;
    /// for stream in listener.incoming() {
    ///     match stream {
    ///         Ok(stream) => vfd::println!("new client: {stream:?}"),
    ///         Err(e) => vfd::eprintln!("accept failed: {e}"),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/accept.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/accept4.2.html)
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// `getsockname(fd)`—Returns the address the listener is bound to.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let listener = vfd::net::TcpListener::bind("127.0.0.1:0")?;
    /// vfd::println!("listening on {}", listener.local_addr()?);
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

    /// `fcntl(fd, F_SETFL, flags | O_NONBLOCK)`—Moves the listener into or
    /// out of non-blocking mode, where [`TcpListener::accept`] fails with
    /// `WouldBlock` rather than wait.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let listener = vfd::net::TcpListener::bind("127.0.0.1:8080")?;
    /// listener.set_nonblocking(true)?;
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

    /// `dup(fd)`—Creates a new `TcpListener` that shares the open
    /// description of `self`: connections accepted through either come from
    /// the same queue.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let listener = vfd::net::TcpListener::bind("127.0.0.1:8080")?;
    /// let twin = listener.try_clone()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn try_clone(&self) -> io::Result<TcpListener> {
        self.fd.try_clone().map(TcpListener::from)
    }
}

fd_wrapper!(TcpListener);

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("TcpListener");
        if let Ok(addr) = self.local_addr() {
            s.field("addr", &addr);
        }
        s.field("fd", &self.as_raw_fd()).finish()
    }
}

/// An endless iterator over the connections of a [`TcpListener`], from
/// [`TcpListener::incoming`].
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let listener = vfd::net::TcpListener::bind("127.0.0.1:8080")?;
/// let first_two: Vec<_> = listener.incoming().take(2).collect::<Result<_, _>>()?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl Iterator for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn next(&mut self) -> Option<io::Result<TcpStream>> {
        Some(self.listener.accept().map(|(stream, _)| stream))
    }
}

impl FusedIterator for Incoming<'_> {}
