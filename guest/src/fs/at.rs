//! The descriptor-level calls of `rustix::fs`: `open`, `openat`, `fstat`,
//! `ftruncate`, taking the open flags as given, and the `-at` calls on
//! names (`mkdirat`, `unlinkat`, `renameat`, `statat`).
//!
//! [`OpenOptions`](super::OpenOptions) applies std's rules before the host
//! sees a call (no access mode at all, or `create` without write access,
//! is `InvalidInput`). These calls apply none: the flags reach the host as
//! they are and the answer is the one Linux gives, as C code or a language
//! runtime porting its own `open` expects.

use std::io;
use std::num::NonZeroU64;
use std::path::Path;

use super::{Metadata, path_str};
use crate::errno::cvt;
use crate::fd::{AT_FDCWD, AsFd, BorrowedFd, OwnedFd, host_fd, owned_from_host};
use crate::io::OpenFlags;
use crate::sys::descriptors;

/// `AT_FDCWD`—The directory argument of [`openat`] that stands for the
/// current directory, as `rustix::fs::CWD`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::OpenFlags;
///
/// let fd = vfd::fs::openat(vfd::fs::CWD, "data.txt", OpenFlags::READ)?;
/// # Ok(())
/// # }
/// ```
// SAFETY: AT_FDCWD is never a descriptor, so there is nothing to keep open.
pub const CWD: BorrowedFd<'static> = unsafe { BorrowedFd::borrow_raw(AT_FDCWD) };

/// `open(path, flags)`—Opens `path` at the lowest free number, with the
/// flags exactly as given.
///
/// `OpenFlags::empty()` opens for reading only, as `O_RDONLY` (which is 0)
/// does.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::OpenFlags;
///
/// let fd = vfd::fs::open("/data/log", OpenFlags::WRITE | OpenFlags::APPEND | OpenFlags::CREATE)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
pub fn open<P: AsRef<Path>>(path: P, flags: OpenFlags) -> io::Result<OwnedFd> {
    owned_from_host(cvt(descriptors::open(path_str(path.as_ref())?, flags))?)
}

/// `openat(dir, path, flags)`—Opens `path` relative to the directory open
/// at `dir` ([`CWD`] for the current directory); an absolute `path`
/// ignores `dir`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::io::OpenFlags;
///
/// let dir = vfd::fs::open("/data", OpenFlags::READ | OpenFlags::DIRECTORY)?;
/// let file = vfd::fs::openat(&dir, "notes.txt", OpenFlags::READ)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/openat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/openat.2.html)
pub fn openat<P: AsRef<Path>>(dir: impl AsFd, path: P, flags: OpenFlags) -> io::Result<OwnedFd> {
    let path = path_str(path.as_ref())?;
    owned_from_host(cvt(descriptors::open_at(host_fd(dir), path, flags))?)
}

/// `fstat(fd)`—Returns the metadata of what `fd` refers to: a file, a
/// directory, a pipe end, a socket, a terminal.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let is_pipe = vfd::fs::fstat(vfd::stdio::stdin())?.file_type().is_fifo();
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
pub fn fstat(fd: impl AsFd) -> io::Result<Metadata> {
    cvt(descriptors::stat(host_fd(fd))).map(Metadata::from_stat)
}

/// `ftruncate(fd, size)`—Sets the size of the file open for writing at
/// `fd`, leaving the offset where it is.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let file = vfd::fs::File::create("sparse.bin")?;
/// vfd::fs::ftruncate(&file, 1 << 20)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/ftruncate.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/ftruncate.2.html)
pub fn ftruncate(fd: impl AsFd, size: u64) -> io::Result<()> {
    cvt(descriptors::truncate(host_fd(fd), size))
}

/// posix_fadvise(2)'s advice, as `rustix::fs::Advice`.
pub use crate::bindings::vfd::posix::types::Advice;

/// `posix_fadvise(fd, offset, len, advice)`—Tells how the file at `fd`
/// will be read, from `offset` for `len` bytes (`None`: to the end).
/// `ESPIPE` for a pipe.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::Advice;
///
/// let file = vfd::fs::File::open("big.log")?;
/// vfd::fs::fadvise(&file, 0, None, Advice::Sequential)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_fadvise.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/posix_fadvise.2.html)
pub fn fadvise(
    fd: impl AsFd,
    offset: u64,
    len: Option<NonZeroU64>,
    advice: Advice,
) -> io::Result<()> {
    let len = len.map_or(0, NonZeroU64::get);
    cvt(descriptors::advise(host_fd(fd), offset, len, advice))
}

/// `fallocate(fd, 0, offset, len)`—Makes the file open for writing at
/// `fd` at least `offset + len` bytes long, with its blocks allocated, as
/// posix_fallocate(3). `len` 0 is `EINVAL`; a host that cannot allocate
/// (the composed layer: wasi:filesystem has no such call) answers
/// `EOPNOTSUPP`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let file = vfd::fs::File::create("reserved.bin")?;
/// vfd::fs::fallocate(&file, 0, 1 << 20)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/posix_fallocate.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fallocate.2.html)
pub fn fallocate(fd: impl AsFd, offset: u64, len: u64) -> io::Result<()> {
    cvt(descriptors::allocate(host_fd(fd), offset, len))
}

wit_bindgen::rt::bitflags::bitflags! {
    /// The `AT_*` flags of [`unlinkat`] and [`statat`], as
    /// `rustix::fs::AtFlags`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::fs::{AtFlags, CWD};
    ///
    /// vfd::fs::unlinkat(CWD, "empty-dir", AtFlags::REMOVEDIR)?;
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct AtFlags: u8 {
        /// `AT_REMOVEDIR`: [`unlinkat`] removes an empty directory, as
        /// rmdir(2).
        const REMOVEDIR = 1 << 0;
        /// `AT_SYMLINK_NOFOLLOW`: [`statat`] reports a final symlink
        /// itself, as lstat(2).
        const SYMLINK_NOFOLLOW = 1 << 1;
    }
}

/// `mkdirat(dir, path)`—Creates an empty directory at `path`, relative to
/// the directory open at `dir` ([`CWD`] for the current directory).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::mkdirat(vfd::fs::CWD, "out")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkdirat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/mkdirat.2.html)
pub fn mkdirat<P: AsRef<Path>>(dir: impl AsFd, path: P) -> io::Result<()> {
    cvt(descriptors::mkdir_at(
        host_fd(dir),
        path_str(path.as_ref())?,
    ))
}

/// `unlinkat(dir, path, flags)`—Removes a file or symlink, or with
/// [`AtFlags::REMOVEDIR`] an empty directory, relative to `dir`.
///
/// [`AtFlags::SYMLINK_NOFOLLOW`] is not a flag of unlinkat: `EINVAL`, as
/// on Linux.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::{AtFlags, CWD};
///
/// vfd::fs::unlinkat(CWD, "stale.lock", AtFlags::empty())?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlinkat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/unlinkat.2.html)
pub fn unlinkat<P: AsRef<Path>>(dir: impl AsFd, path: P, flags: AtFlags) -> io::Result<()> {
    if flags.contains(AtFlags::SYMLINK_NOFOLLOW) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let (dir, path) = (host_fd(dir), path_str(path.as_ref())?);
    cvt(if flags.contains(AtFlags::REMOVEDIR) {
        descriptors::remove_dir_at(dir, path)
    } else {
        descriptors::unlink_at(dir, path)
    })
}

/// `renameat(old_dir, old_path, new_dir, new_path)`—Renames, each path
/// relative to its own directory. Both must lie in the same mount, else
/// `EXDEV`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::CWD;
///
/// vfd::fs::renameat(CWD, "draft.txt", CWD, "final.txt")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/renameat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/renameat.2.html)
pub fn renameat<P: AsRef<Path>, Q: AsRef<Path>>(
    old_dir: impl AsFd,
    old_path: P,
    new_dir: impl AsFd,
    new_path: Q,
) -> io::Result<()> {
    cvt(descriptors::rename_at(
        host_fd(old_dir),
        path_str(old_path.as_ref())?,
        host_fd(new_dir),
        path_str(new_path.as_ref())?,
    ))
}

/// `fstatat(dir, path, flags)`—Returns the metadata of `path`, relative to
/// `dir`; with [`AtFlags::SYMLINK_NOFOLLOW`], of a final symlink itself.
///
/// [`AtFlags::REMOVEDIR`] is not a flag of fstatat: `EINVAL`, as on Linux.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::{AtFlags, CWD};
///
/// let is_link = vfd::fs::statat(CWD, "current", AtFlags::SYMLINK_NOFOLLOW)?.is_symlink();
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fstatat.2.html)
pub fn statat<P: AsRef<Path>>(dir: impl AsFd, path: P, flags: AtFlags) -> io::Result<Metadata> {
    if flags.contains(AtFlags::REMOVEDIR) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let follow = !flags.contains(AtFlags::SYMLINK_NOFOLLOW);
    let stat = descriptors::stat_at(host_fd(dir), path_str(path.as_ref())?, follow);
    cvt(stat).map(Metadata::from_stat)
}
