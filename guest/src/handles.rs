//! Host-checked wrappers around descriptor numbers, for code ported from
//! languages without ownership types.
//!
//! A [`Handle`] is the WIT `file` resource: like Python's
//! `open(fd, closefd=...)`, it owns its number or only borrows it. The host
//! binds it to the open description the number had when it was wrapped, so
//! if the number is later closed and reused, the handle's calls fail with
//! `EBADF` and dropping it closes nothing. A double close can never close an
//! unrelated file. Rust code should prefer [`OwnedFd`](crate::fd::OwnedFd)
//! and [`BorrowedFd`](crate::fd::BorrowedFd), where the compiler rules such
//! bugs out instead.
//!
//! wasm32-wasip2 only: a handle is a resource of the component model,
//! which a wasm32-wasip1 core module cannot hold, and the host keeps
//! its binding to the open description; nothing in the guest could stand
//! in for that check.

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::bindings::vfd::posix::handles;
use crate::errno::cvt;
use crate::fd::{AsRawFd, RawFd, to_host};
use crate::io::{seek_args, written};

/// An owning or borrowing wrapper around a descriptor number, checked by
/// the host.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::io::Write;
/// use vfd::handles::Handle;
///
/// let mut out = Handle::wrap(1, false)?; // borrow stdout
/// out.write_all(b"hello\n")?;
/// drop(out); // fd 1 stays open
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fileno.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/fileno.3.html)
pub struct Handle {
    file: handles::File,
}

impl Handle {
    /// Wraps `fd`; with `closefd` the handle owns it and closes it when
    /// dropped (unless the number has since been reused).
    ///
    /// Fails with `EBADF` if `fd` is not open.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::fd::IntoRawFd;
    /// use vfd::handles::Handle;
    ///
    /// let raw = vfd::fs::File::open("data.txt")?.into_raw_fd();
    /// let file = Handle::wrap(raw, true)?; // now closes `raw` on drop
    /// # Ok(())
    /// # }
    /// ```
    pub fn wrap(fd: RawFd, closefd: bool) -> io::Result<Handle> {
        let file = cvt(handles::File::wrap(to_host(fd), closefd))?;
        Ok(Handle { file })
    }

    /// `fileno`—Returns the wrapped number.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let err = vfd::handles::Handle::wrap(2, false)?;
    /// assert_eq!(err.fd(), 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fileno.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man3/fileno.3.html)
    #[must_use]
    pub fn fd(&self) -> RawFd {
        from_wrapped(self.file.fd())
    }

    /// Returns whether dropping this handle closes its number.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let out = vfd::handles::Handle::wrap(1, false)?;
    /// assert!(!out.owns_fd());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn owns_fd(&self) -> bool {
        self.file.owns_fd()
    }

    /// Stops owning the number and returns it: the handle keeps working
    /// but only borrows, and dropping it leaves the number open.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::fd::IntoRawFd;
    /// use vfd::handles::Handle;
    ///
    /// let raw = vfd::fs::File::open("data.txt")?.into_raw_fd();
    /// let file = Handle::wrap(raw, true)?;
    /// let raw = file.detach();
    /// drop(file);
    /// vfd::io::close_raw(raw)?; // still open, so ours to close
    /// # Ok(())
    /// # }
    /// ```
    pub fn detach(&self) -> RawFd {
        from_wrapped(self.file.detach())
    }
}

/// A wrapped number came from a non-negative `RawFd` in `wrap`, so it
/// always fits; the fallback only keeps a faulty host from causing a panic.
fn from_wrapped(fd: u32) -> RawFd {
    RawFd::try_from(fd).unwrap_or(-1)
}

impl Read for &Handle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        cvt(crate::landing::file_read(&self.file, buf))
    }
}

impl Write for &Handle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let buf = crate::io::chunk(buf);
        let n = cvt(self.file.write(buf))?;
        Ok(written(n, buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing is buffered in the guest: every write is already a call.
        Ok(())
    }
}

impl Seek for &Handle {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let (offset, whence) = seek_args(pos);
        cvt(self.file.seek(offset, whence))
    }
}

impl Read for Handle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl Write for Handle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&*self).flush()
    }
}

impl Seek for Handle {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        (&*self).seek(pos)
    }
}

impl AsRawFd for Handle {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("fd", &self.fd())
            .field("owns_fd", &self.owns_fd())
            .finish()
    }
}
