//! Files and directories, mirroring `std::fs`.
//!
//! Paths are resolved by the host: absolute ones through its mounts,
//! relative ones through vfd's current directory (see [`crate::env`]).
//! Paths must be UTF-8; any other path is `InvalidInput`.
//!
//! On wasm32-wasip1 a path goes through wasi-libc first, as std's do: an
//! absolute one to the preopened directory (the mount) that holds it, a
//! relative one through the current directory std shares. What preview 1
//! cannot carry differs from wasm32-wasip2: a pipe's [`FileType`] is
//! unknown (preview 1 has no type for it), and a time before 1970 is read
//! wrong and cannot be set (`EOVERFLOW`), as preview 1's timestamps are
//! unsigned.
//!
//! Next to std's types are the descriptor-level calls of `rustix::fs`
//! ([`open`], [`openat`], [`fstat`], [`ftruncate`], [`fadvise`],
//! [`fallocate`], [`futimens`], [`mkdirat`], [`unlinkat`], [`renameat`],
//! [`statat`], [`symlinkat`], [`readlinkat`], [`linkat`], [`utimensat`]),
//! which take the flags and the directory descriptors as C does.

mod at;
mod dir;
mod file;
mod links;
mod metadata;
mod open_options;
mod times;
mod tree;

use std::io::{self, Read, Write};
use std::path::Path;

pub use at::{
    Advice, AtFlags, CWD, fadvise, fallocate, fstat, ftruncate, mkdirat, open, openat, renameat,
    statat, unlinkat,
};
pub use dir::{DirEntry, ReadDir, read_dir};
pub use file::File;
pub use links::{hard_link, linkat, read_link, readlinkat, symlink, symlinkat};
pub use metadata::{FileType, Metadata};
pub use open_options::OpenOptions;
pub use times::{FileTimes, Timespec, Timestamps, UTIME_NOW, UTIME_OMIT, futimens, utimensat};
pub use tree::{copy, create_dir_all, exists, remove_dir_all};

use crate::bindings::vfd::posix::types::Errno;
use crate::errno::{cvt, to_io};
use crate::fd::HOST_AT_FDCWD;
use crate::sys::descriptors;

/// Linux's `PATH_MAX`, counting the terminating NUL, as the host applies
/// it (`vfd_host::PATH_MAX`).
const PATH_MAX: usize = 4096;

/// The path as the host takes it: a WIT `string` must be UTF-8.
///
/// A path the host would refuse for its length is refused here with the
/// host's answer, before it is handed over: wasmtime traps a guest whose
/// one call passes the host more than a per-call budget (128 MiB unless
/// the host changes it) instead of returning an error.
pub(crate) fn path_str(path: &Path) -> io::Result<&str> {
    let path = path
        .to_str()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path is not valid UTF-8"))?;
    if path.len() >= PATH_MAX {
        // In the host's order: a NUL byte before the length.
        let errno = if path.contains('\0') {
            Errno::Inval
        } else {
            Errno::Nametoolong
        };
        return Err(to_io(errno));
    }
    Ok(path)
}

/// `mkdirat(AT_FDCWD, path)`—Creates a new, empty directory.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::create_dir("out")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkdirat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/mkdirat.2.html)
pub fn create_dir<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path_str(path.as_ref())?;
    cvt(descriptors::mkdir_at(HOST_AT_FDCWD, path))
}

/// `unlinkat(AT_FDCWD, path, 0)`—Removes a file or symlink.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::remove_file("stale.lock")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlinkat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/unlinkat.2.html)
pub fn remove_file<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path_str(path.as_ref())?;
    cvt(descriptors::unlink_at(HOST_AT_FDCWD, path))
}

/// `unlinkat(AT_FDCWD, path, AT_REMOVEDIR)`—Removes an empty directory.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::remove_dir("out")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlinkat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/unlinkat.2.html)
pub fn remove_dir<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path_str(path.as_ref())?;
    cvt(descriptors::remove_dir_at(HOST_AT_FDCWD, path))
}

/// `renameat(AT_FDCWD, from, AT_FDCWD, to)`—Renames a file or directory,
/// replacing `to` if it exists. Both must lie in the same mount.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::rename("data.tmp", "data.txt")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/renameat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/renameat.2.html)
pub fn rename<P: AsRef<Path>, Q: AsRef<Path>>(from: P, to: Q) -> io::Result<()> {
    let from = path_str(from.as_ref())?;
    let to = path_str(to.as_ref())?;
    cvt(descriptors::rename_at(
        HOST_AT_FDCWD,
        from,
        HOST_AT_FDCWD,
        to,
    ))
}

/// `fstatat(AT_FDCWD, path, 0)`—Returns the metadata of `path`, following
/// symlinks.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let len = vfd::fs::metadata("data.txt")?.len();
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fstatat.2.html)
pub fn metadata<P: AsRef<Path>>(path: P) -> io::Result<Metadata> {
    stat_path(path.as_ref(), true)
}

/// `fstatat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)`—Returns the metadata of
/// `path` itself, without following a final symlink.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let is_link = vfd::fs::symlink_metadata("current")?.is_symlink();
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fstatat.2.html)
pub fn symlink_metadata<P: AsRef<Path>>(path: P) -> io::Result<Metadata> {
    stat_path(path.as_ref(), false)
}

fn stat_path(path: &Path, follow: bool) -> io::Result<Metadata> {
    let stat = descriptors::stat_at(HOST_AT_FDCWD, path_str(path)?, follow);
    cvt(stat).map(Metadata::from_stat)
}

/// `open` and `read` to the end—Reads the whole contents of a file.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let bytes = vfd::fs::read("data.bin")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/read.2.html)
pub fn read<P: AsRef<Path>>(path: P) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut bytes = Vec::new();
    // Sizing the buffer up front lets each read ask for the rest of the
    // file (up to the host's cap) instead of growing from a small probe.
    if let Ok(meta) = file.metadata() {
        let _ = bytes.try_reserve_exact(usize::try_from(meta.len()).unwrap_or(0));
    }
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `open` and `read` to the end—Reads the whole contents of a file as
/// UTF-8; other contents are `InvalidData`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let text = vfd::fs::read_to_string("notes.txt")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/read.2.html)
pub fn read_to_string<P: AsRef<Path>>(path: P) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// `open(path, O_WRONLY | O_CREAT | O_TRUNC)` and `write`—Replaces the
/// contents of a file, creating it if needed.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::write("greeting.txt", "hello\n")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/write.2.html)
pub fn write<P: AsRef<Path>, C: AsRef<[u8]>>(path: P, contents: C) -> io::Result<()> {
    File::create(path)?.write_all(contents.as_ref())
}
