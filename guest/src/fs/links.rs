//! Symlinks and hard links: the `-at` calls of `rustix::fs`
//! ([`symlinkat`], [`readlinkat`], [`linkat`]) and std's own
//! ([`symlink`], [`read_link`], [`hard_link`]).

use std::io;
use std::path::{Path, PathBuf};

use super::{AtFlags, CWD, path_str};
use crate::errno::cvt;
use crate::fd::{AsFd, host_fd};
use crate::sys::descriptors;

/// `symlinkat(target, dir, path)`—Creates `path`, relative to `dir`, as a
/// symlink holding `target`, which is stored as it is, not looked up.
///
/// An absolute `target` is `EPERM`: vfd resolves every path inside its
/// mount, so such a link could never be followed (see the README's
/// differences from Linux).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::symlinkat("releases/v2", vfd::fs::CWD, "current")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/symlinkat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/symlinkat.2.html)
pub fn symlinkat<P: AsRef<Path>, Q: AsRef<Path>>(
    target: P,
    dir: impl AsFd,
    path: Q,
) -> io::Result<()> {
    cvt(descriptors::symlink_at(
        path_str(target.as_ref())?,
        host_fd(dir),
        path_str(path.as_ref())?,
    ))
}

/// `readlinkat(dir, path)`—Returns the target stored in the symlink
/// `path`, relative to `dir`; `EINVAL` if it is no symlink.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let target = vfd::fs::readlinkat(vfd::fs::CWD, "current")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readlinkat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/readlinkat.2.html)
pub fn readlinkat<P: AsRef<Path>>(dir: impl AsFd, path: P) -> io::Result<PathBuf> {
    cvt(descriptors::readlink_at(
        host_fd(dir),
        path_str(path.as_ref())?,
    ))
    .map(PathBuf::from)
}

/// `linkat(old_dir, old_path, new_dir, new_path, flags)`—Makes `new_path`
/// another name of the file `old_path` (a final symlink is linked itself),
/// each relative to its own directory. Both must lie in the same mount,
/// else `EXDEV`.
///
/// No [`AtFlags`] apply: any flag is `EINVAL`, as Linux answers the flags
/// that are not linkat's (vfd has no `AT_SYMLINK_FOLLOW`).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::{AtFlags, CWD};
///
/// vfd::fs::linkat(CWD, "data.txt", CWD, "backup.txt", AtFlags::empty())?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/linkat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/linkat.2.html)
pub fn linkat<P: AsRef<Path>, Q: AsRef<Path>>(
    old_dir: impl AsFd,
    old_path: P,
    new_dir: impl AsFd,
    new_path: Q,
    flags: AtFlags,
) -> io::Result<()> {
    if !flags.is_empty() {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    cvt(descriptors::link_at(
        host_fd(old_dir),
        path_str(old_path.as_ref())?,
        host_fd(new_dir),
        path_str(new_path.as_ref())?,
    ))
}

/// `symlink(original, link)`—Creates `link` as a symlink to `original`,
/// as `std::os::unix::fs::symlink`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::symlink("data.txt", "latest")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/symlink.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/symlink.2.html)
pub fn symlink<P: AsRef<Path>, Q: AsRef<Path>>(original: P, link: Q) -> io::Result<()> {
    symlinkat(original, CWD, link)
}

/// `readlink(path)`—Returns the target of the symlink `path`, as
/// `std::fs::read_link`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let target = vfd::fs::read_link("latest")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readlink.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/readlink.2.html)
pub fn read_link<P: AsRef<Path>>(path: P) -> io::Result<PathBuf> {
    readlinkat(CWD, path)
}

/// `link(original, link)`—Makes `link` another name of `original`, as
/// `std::fs::hard_link`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::hard_link("data.txt", "data-copy.txt")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/link.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/link.2.html)
pub fn hard_link<P: AsRef<Path>, Q: AsRef<Path>>(original: P, link: Q) -> io::Result<()> {
    linkat(CWD, original, CWD, link, AtFlags::empty())
}
