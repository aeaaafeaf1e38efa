//! Descriptor calls as free functions, in the style of `rustix::io`.
//!
//! Each function takes anything that implements [`AsFd`], so it works the
//! same on a [`File`](crate::fs::File), an [`OwnedFd`] or a [`BorrowedFd`].
//! The `_raw` functions at the end work on bare numbers, for code that
//! manages its table itself, as C does.

use std::io::{self, SeekFrom};

use crate::errno::cvt;
use crate::fd::{
    AsFd, BorrowedFd, OwnedFd, RawFd, host_fd, owned_from_host, raw_from_host, to_host,
};
use crate::sys;
use crate::sys::descriptors;

/// The access mode of an open description, from [`access_mode`].
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::AccessMode;
///
/// let writable = vfd::io::access_mode(vfd::stdio::stdout())? != AccessMode::ReadOnly;
/// # Ok(())
/// # }
/// ```
pub use crate::bindings::vfd::posix::types::AccessMode;
/// The per-number descriptor flags of [`fcntl_getfd`] and [`fcntl_setfd`].
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::FdFlags;
///
/// let cloexec = vfd::io::fcntl_getfd(vfd::stdio::stdin())?.contains(FdFlags::CLOEXEC);
/// # Ok(())
/// # }
/// ```
pub use crate::bindings::vfd::posix::types::FdFlags;
/// The flags of `open(2)`, for [`fs::open`](crate::fs::open) and
/// [`fs::openat`](crate::fs::openat); [`OpenOptions`](crate::fs::OpenOptions)
/// builds them for you.
///
/// ```no_run
/// use vfd::io::OpenFlags;
///
/// let flags = OpenFlags::READ | OpenFlags::WRITE | OpenFlags::CREATE;
/// ```
pub use crate::bindings::vfd::posix::types::OpenFlags;
/// The per-description status flags of [`fcntl_getfl`] and [`fcntl_setfl`].
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::StatusFlags;
///
/// let nonblocking = vfd::io::fcntl_getfl(vfd::stdio::stdin())?.contains(StatusFlags::NONBLOCK);
/// # Ok(())
/// # }
/// ```
pub use crate::bindings::vfd::posix::types::StatusFlags;
/// The `whence` of `lseek(2)`, as vfd's interface takes it; [`seek`]
/// takes a [`SeekFrom`] instead.
///
/// ```no_run
/// use vfd::io::Whence;
///
/// let from_end = Whence::End;
/// ```
pub use crate::bindings::vfd::posix::types::Whence;

/// `read(fd, buf)`—Reads from a descriptor into `buf`.
///
/// Returns the number of bytes read; 0 means end of file when `buf` is not
/// empty. Reads may be short (the host serves at most 1 MiB per call).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let mut buf = [0; 64];
/// let n = vfd::io::read(vfd::stdio::stdin(), &mut buf)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/read.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/read.2.html)
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> io::Result<usize> {
    cvt(sys::read(host_fd(fd), buf))
}

/// The most bytes one [`write`](fn@write) or [`pwrite`] hands to the host. A longer
/// buffer is written in part (a short write, which POSIX allows and
/// [`write_all`] continues), so the host never copies more than this at
/// once, whatever the guest's buffer.
pub const MAX_WRITE_LEN: usize = 1 << 20;

/// The part of `buf` one call hands to the host.
pub(crate) fn chunk(buf: &[u8]) -> &[u8] {
    &buf[..buf.len().min(MAX_WRITE_LEN)]
}

/// `write(fd, buf)`—Writes `buf` to a descriptor.
///
/// Returns the number of bytes written, which may be fewer than
/// `buf.len()` (at most [`MAX_WRITE_LEN`]); see [`write_all`].
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let n = vfd::io::write(vfd::stdio::stdout(), b"hello\n")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/write.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/write.2.html)
pub fn write(fd: impl AsFd, buf: &[u8]) -> io::Result<usize> {
    let buf = chunk(buf);
    let n = cvt(descriptors::write(host_fd(fd), buf))?;
    Ok(written(n, buf))
}

/// `write(fd, buf)` in a loop—Writes all of `buf`, retrying short writes
/// and `EINTR`, as `std::io::Write::write_all`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::io::write_all(vfd::stdio::stderr(), b"warning\n")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/write.2.html)
pub fn write_all(fd: impl AsFd, mut buf: &[u8]) -> io::Result<()> {
    let fd = fd.as_fd();
    while !buf.is_empty() {
        match write(fd, buf) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "failed to write whole buffer",
                ));
            }
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `pread(fd, buf, offset)`—Reads from a descriptor at `offset`, without
/// moving the shared file offset.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let file = vfd::fs::File::open("data.txt")?;
/// let mut header = [0; 4];
/// vfd::io::pread(&file, &mut header, 0)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/pread.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/pread.2.html)
pub fn pread(fd: impl AsFd, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    cvt(sys::pread(host_fd(fd), buf, offset))
}

/// `pwrite(fd, buf, offset)`—Writes to a descriptor at `offset`, without
/// moving the shared file offset.
///
/// On a description opened with `append`, the data is appended instead,
/// as on Linux.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let file = vfd::fs::File::create("data.bin")?;
/// vfd::io::pwrite(&file, b"HEAD", 0)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/pwrite.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/pwrite.2.html)
pub fn pwrite(fd: impl AsFd, buf: &[u8], offset: u64) -> io::Result<usize> {
    let buf = chunk(buf);
    let n = cvt(descriptors::pwrite(host_fd(fd), buf, offset))?;
    Ok(written(n, buf))
}

/// `lseek(fd, offset, whence)`—Moves the file offset shared by every
/// duplicate of `fd`, and returns the new offset.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::io::SeekFrom;
///
/// let file = vfd::fs::File::open("data.txt")?;
/// let len = vfd::io::seek(&file, SeekFrom::End(0))?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/lseek.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/lseek.2.html)
pub fn seek(fd: impl AsFd, pos: SeekFrom) -> io::Result<u64> {
    let (offset, whence) = seek_args(pos);
    cvt(descriptors::seek(host_fd(fd), offset, whence))
}

/// `dup(fd)`—Creates a new `OwnedFd` instance that shares the same
/// underlying file description as `fd`.
///
/// The new number is the lowest free one; its close-on-exec flag is clear.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let file = vfd::fs::File::open("data.txt")?;
/// let copy = vfd::io::dup(&file)?; // shares the offset with `file`
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
pub fn dup(fd: impl AsFd) -> io::Result<OwnedFd> {
    fd.as_fd().try_clone_to_owned()
}

/// `dup2(fd, new)`—Changes the open description that `new` refers to, to
/// be that of `fd`.
///
/// What `new` referred to is closed silently. Its number does not change,
/// and its close-on-exec flag is cleared. Taking `&mut OwnedFd` means only
/// the owner of a number can replace what it refers to; see [`dup2_raw`]
/// for bare numbers.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let log = vfd::fs::File::create("log.txt")?;
/// let mut target: vfd::fd::OwnedFd = vfd::fs::File::open("data.txt")?.into();
/// vfd::io::dup2(&log, &mut target)?; // `target` now writes to log.txt
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup2.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/dup2.2.html)
pub fn dup2(fd: impl AsFd, new: &mut OwnedFd) -> io::Result<()> {
    cvt(descriptors::dup2(host_fd(fd), host_fd(&*new))).map(drop)
}

/// `dup3(fd, new, flags)`—Like [`dup2`], but sets the descriptor flags of
/// `new` to `flags`, and fails with `EINVAL` when both are the same number.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::FdFlags;
///
/// let log = vfd::fs::File::create("log.txt")?;
/// let mut target: vfd::fd::OwnedFd = vfd::fs::File::open("data.txt")?.into();
/// vfd::io::dup3(&log, &mut target, FdFlags::CLOEXEC)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/dup3.2.html)
pub fn dup3(fd: impl AsFd, new: &mut OwnedFd, flags: FdFlags) -> io::Result<()> {
    cvt(descriptors::dup3(host_fd(fd), host_fd(&*new), flags)).map(drop)
}

/// `fcntl(fd, F_DUPFD, min)`—Creates a new `OwnedFd` sharing the open
/// description of `fd`, numbered at or above `min`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let file = vfd::fs::File::open("data.txt")?;
/// let high = vfd::io::fcntl_dupfd(&file, 10)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn fcntl_dupfd(fd: impl AsFd, min: RawFd) -> io::Result<OwnedFd> {
    dup_min(fd.as_fd(), min, FdFlags::empty())
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, min)`—Like [`fcntl_dupfd`], with
/// close-on-exec set on the new number.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let file = vfd::fs::File::open("data.txt")?;
/// let high = vfd::io::fcntl_dupfd_cloexec(&file, 10)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn fcntl_dupfd_cloexec(fd: impl AsFd, min: RawFd) -> io::Result<OwnedFd> {
    dup_min(fd.as_fd(), min, FdFlags::CLOEXEC)
}

/// `fcntl(fd, F_GETFD)`—Returns the descriptor flags of this number.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::FdFlags;
///
/// let file = vfd::fs::File::open("data.txt")?;
/// let cloexec = vfd::io::fcntl_getfd(&file)?.contains(FdFlags::CLOEXEC);
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn fcntl_getfd(fd: impl AsFd) -> io::Result<FdFlags> {
    cvt(descriptors::get_fd_flags(host_fd(fd)))
}

/// `fcntl(fd, F_SETFD, flags)`—Sets the descriptor flags of this number
/// only; its duplicates keep theirs.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::FdFlags;
///
/// let file = vfd::fs::File::open("data.txt")?;
/// vfd::io::fcntl_setfd(&file, FdFlags::empty())?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn fcntl_setfd(fd: impl AsFd, flags: FdFlags) -> io::Result<()> {
    cvt(descriptors::set_fd_flags(host_fd(fd), flags))
}

/// `fcntl(fd, F_GETFL)`—Returns the status flags of the open description,
/// without the access mode (see [`access_mode`]).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::StatusFlags;
///
/// let file = vfd::fs::File::options().append(true).open("log.txt")?;
/// assert!(vfd::io::fcntl_getfl(&file)?.contains(StatusFlags::APPEND));
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn fcntl_getfl(fd: impl AsFd) -> io::Result<StatusFlags> {
    cvt(descriptors::get_status_flags(host_fd(fd)))
}

/// `fcntl(fd, F_SETFL, flags)`—Sets the status flags of the open
/// description, as seen through every duplicate of `fd`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::StatusFlags;
///
/// let stdin = vfd::stdio::stdin();
/// let flags = vfd::io::fcntl_getfl(stdin)?;
/// vfd::io::fcntl_setfl(stdin, flags | StatusFlags::NONBLOCK)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn fcntl_setfl(fd: impl AsFd, flags: StatusFlags) -> io::Result<()> {
    cvt(descriptors::set_status_flags(host_fd(fd), flags))
}

/// `fcntl(fd, F_GETFL) & O_ACCMODE`—Returns how the open description was
/// opened: read-only, write-only or read-write.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::AccessMode;
///
/// let mode = vfd::io::access_mode(vfd::stdio::stdout())?;
/// assert_eq!(mode, AccessMode::WriteOnly);
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn access_mode(fd: impl AsFd) -> io::Result<AccessMode> {
    cvt(descriptors::get_access_mode(host_fd(fd)))
}

/// `isatty(fd)`—Returns whether `fd` is a terminal.
///
/// Unlike C's `isatty`, a bad descriptor is an error rather than `false`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// if vfd::io::is_terminal(vfd::stdio::stdout())? {
///     vfd::println!("\x1b[1minteractive\x1b[0m");
/// }
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/isatty.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/isatty.3.html)
pub fn is_terminal(fd: impl AsFd) -> io::Result<bool> {
    cvt(descriptors::is_terminal(host_fd(fd)))
}

/// `dup(fd)` on a bare number—Returns the new number, which the caller
/// must close (with [`close_raw`], or by handing it to
/// [`FromRawFd`](crate::fd::FromRawFd)).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let copy = vfd::io::dup_raw(1)?;
/// vfd::io::close_raw(copy)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
pub fn dup_raw(fd: RawFd) -> io::Result<RawFd> {
    raw_from_host(cvt(descriptors::dup(to_host(fd)))?)
}

/// `dup2(fd, target)` on bare numbers—Makes `target` refer to the open
/// description of `fd` and returns `target`.
///
/// This is the low-level call, for code that manages numbers itself, as C
/// does. It is not `unsafe` because it cannot corrupt memory, but it can
/// silently replace a number an [`OwnedFd`] owns; prefer [`dup2`].
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// // Send stdout to wherever stderr goes.
/// assert_eq!(vfd::io::dup2_raw(2, 1)?, 1);
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup2.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/dup2.2.html)
pub fn dup2_raw(fd: RawFd, target: RawFd) -> io::Result<RawFd> {
    raw_from_host(cvt(descriptors::dup2(to_host(fd), to_host(target)))?)
}

/// `dup3(fd, target, flags)` on bare numbers—Like [`dup2_raw`], with the
/// descriptor flags of `target` set to `flags`.
///
/// The same caution as [`dup2_raw`] applies; prefer [`dup3`].
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::FdFlags;
///
/// let fd = vfd::io::dup3_raw(1, 10, FdFlags::CLOEXEC)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/dup3.2.html)
pub fn dup3_raw(fd: RawFd, target: RawFd, flags: FdFlags) -> io::Result<RawFd> {
    let new = descriptors::dup3(to_host(fd), to_host(target), flags);
    raw_from_host(cvt(new)?)
}

/// `close(fd)` on a bare number—Closes `fd` and reports the error that
/// dropping an [`OwnedFd`] would ignore.
///
/// This is the low-level call, for code that manages numbers itself, as C
/// does. Closing a number that is not open is `EBADF` and changes nothing;
/// closing one an [`OwnedFd`] still owns makes that owner close whatever
/// reuses the number later, so only close numbers you own.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fd::IntoRawFd;
///
/// let raw = vfd::fs::File::open("data.txt")?.into_raw_fd();
/// vfd::io::close_raw(raw)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/close.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/close.2.html)
pub fn close_raw(fd: RawFd) -> io::Result<()> {
    cvt(descriptors::close(to_host(fd)))
}

fn dup_min(fd: BorrowedFd<'_>, min: RawFd, flags: FdFlags) -> io::Result<OwnedFd> {
    // A negative minimum is EINVAL on Linux, but only once the number has
    // been found open (EBADF first). Any `u32` past the table's limit gets
    // the host to answer in that order.
    let min = u32::try_from(min).unwrap_or(u32::MAX);
    owned_from_host(cvt(descriptors::dup_min(host_fd(fd), min, flags))?)
}

/// Splits a `SeekFrom` into the host's offset and whence.
pub(crate) fn seek_args(pos: SeekFrom) -> (i64, Whence) {
    match pos {
        // An offset past i64::MAX is handed on as the negative `off_t` with
        // the same bits, as C's lseek would pass it, so the answer is
        // Linux's in Linux's order: EBADF for a bad number, ESPIPE for a
        // pipe, and only then EINVAL for the negative position.
        SeekFrom::Start(n) => (n as i64, Whence::Set),
        SeekFrom::Current(n) => (n, Whence::Cur),
        SeekFrom::End(n) => (n, Whence::End),
    }
}

/// The length to ask the host for: the WIT's and vfd's module's lengths
/// are `u32`s, and asking for less than the buffer only makes the read
/// short, which is allowed.
pub(crate) fn clamp_len(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Copies what the host read into the caller's buffer. Never more than
/// `buf` holds, even if a faulty host sent more than it was asked for.
/// (On wasm32-wasip1 every read lands in the caller's buffer itself.)
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub(crate) fn copy_into(data: &[u8], buf: &mut [u8]) -> usize {
    let n = data.len().min(buf.len());
    buf[..n].copy_from_slice(&data[..n]);
    n
}

/// The count the host reports, bounded by what was offered, so a faulty
/// host cannot make `write_all` slice past the end of its buffer.
pub(crate) fn written(n: u32, buf: &[u8]) -> usize {
    usize::try_from(n).map_or(buf.len(), |n| n.min(buf.len()))
}
