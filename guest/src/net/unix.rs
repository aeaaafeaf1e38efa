use std::fmt;
use std::io;
use std::net::Shutdown;

use super::{fd_wrapper, stream_io};
use crate::errno::cvt;
use crate::fd::{AsFd, AsRawFd, OwnedFd};
use crate::io::{FdFlags, StatusFlags};
use crate::pipe::owned_pair;
use crate::sys::pipes;

/// A Unix stream socket, as `std::os::unix::net::UnixStream`.
///
/// vfd makes them in connected pairs only ([`UnixStream::pair`]): a
/// two-way pipe, each end both readable and writable.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::io::{Read, Write};
/// use vfd::net::UnixStream;
///
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"ping")?;
/// let mut buf = [0; 4];
/// b.read_exact(&mut buf)?;
/// b.write_all(b"pong")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socketpair.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/socketpair.2.html)
///  - [Linux](https://man7.org/linux/man-pages/man7/unix.7.html)
pub struct UnixStream {
    fd: OwnedFd,
}

impl UnixStream {
    /// `socketpair(AF_UNIX, SOCK_STREAM, 0)`—Creates two connected
    /// sockets.
    ///
    /// Both are at the lowest free numbers, blocking and without
    /// close-on-exec. What is written to one is read from the other; when
    /// one is closed, the other reads end of file.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let (parent, child) = vfd::net::UnixStream::pair()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/socketpair.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/socketpair.2.html)
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let pair = cvt(pipes::socketpair(FdFlags::empty(), StatusFlags::empty()))?;
        let (a, b) = owned_pair(pair)?;
        Ok((UnixStream::from(a), UnixStream::from(b)))
    }

    /// `shutdown(fd, how)`—Shuts down the read half, the write half or both
    /// halves of the connection, for every duplicate at once.
    ///
    /// After `Shutdown::Write` the other end reads end of file.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::Read;
    /// use std::net::Shutdown;
    ///
    /// let (a, mut b) = vfd::net::UnixStream::pair()?;
    /// a.shutdown(Shutdown::Write)?;
    /// assert_eq!(b.read(&mut [0; 8])?, 0);
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

    /// `fcntl(fd, F_SETFL, flags | O_NONBLOCK)`—Moves this end into or out
    /// of non-blocking mode, where a read or write that would wait fails
    /// with `WouldBlock` instead.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let (a, _b) = vfd::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
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

    /// `dup(fd)`—Creates a new `UnixStream` that shares the open
    /// description of `self`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let (a, _b) = vfd::net::UnixStream::pair()?;
    /// let writer = a.try_clone()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn try_clone(&self) -> io::Result<UnixStream> {
        self.fd.try_clone().map(UnixStream::from)
    }
}

stream_io!(UnixStream);
fd_wrapper!(UnixStream);

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
