//! Pipes, in the style of `rustix::pipe`.
//!
//! A pipe is a real host pipe: the host kernel does the buffering and the
//! blocking. A read returns 0 (end of file) only once every descriptor for
//! the write end is closed, and a write with no read end left fails with
//! `BrokenPipe` (`EPIPE`) without raising a signal anywhere.

use std::io;

use crate::errno::cvt;
use crate::fd::{OwnedFd, owned_from_host};
use crate::io::{FdFlags, StatusFlags};
use crate::sys::pipes;

/// `pipe()`—Creates a pipe, returning its read end and its write end.
///
/// Both numbers are the lowest free ones, read end first. Neither has
/// close-on-exec set and both ends block; see [`pipe_with`] for the
/// flags of `pipe2`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let (reader, writer) = vfd::pipe::pipe()?;
/// vfd::io::write_all(&writer, b"ping")?;
/// drop(writer); // the reader sees end of file after "ping"
///
/// let mut buf = [0; 16];
/// let n = vfd::io::read(&reader, &mut buf)?;
/// assert_eq!(&buf[..n], b"ping");
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/pipe.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/pipe.2.html)
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    pipe_with(FdFlags::empty(), StatusFlags::empty())
}

/// `pipe2(flags)`—Creates a pipe with the given descriptor flags on both
/// numbers and the given status flags on both ends.
///
/// `FdFlags::CLOEXEC` is `O_CLOEXEC`; `StatusFlags::NONBLOCK` is
/// `O_NONBLOCK`, which makes a read from an empty pipe or a write to a full
/// one fail with `WouldBlock` (`EAGAIN`) rather than wait.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::io::ErrorKind;
/// use vfd::io::{FdFlags, StatusFlags};
///
/// let (reader, _writer) = vfd::pipe::pipe_with(FdFlags::CLOEXEC, StatusFlags::NONBLOCK)?;
/// let mut buf = [0; 16];
/// let err = vfd::io::read(&reader, &mut buf).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::WouldBlock);
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/pipe.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/pipe2.2.html)
pub fn pipe_with(flags: FdFlags, status: StatusFlags) -> io::Result<(OwnedFd, OwnedFd)> {
    owned_pair(cvt(pipes::pipe(flags, status))?)
}

/// Takes ownership of two numbers the host has just allocated together.
///
/// Both are wrapped before either error is returned, so that if one cannot
/// be named the other is still closed rather than leaked.
pub(crate) fn owned_pair((a, b): (u32, u32)) -> io::Result<(OwnedFd, OwnedFd)> {
    let a = owned_from_host(a);
    let b = owned_from_host(b);
    Ok((a?, b?))
}
