//! Whole trees and whole files, as in `std::fs`: [`create_dir_all`],
//! [`remove_dir_all`], [`copy`] and [`exists`], made of this crate's own
//! calls, so they see the same mounts and current directory as the rest.

use std::io::{self, Read, Write};
use std::path::Path;

use super::{
    AtFlags, File, OpenOptions, create_dir, metadata, open, openat, remove_dir, remove_file,
    statat, symlink_metadata, unlinkat,
};
use crate::bindings::vfd::posix::types;
use crate::errno::cvt;
use crate::fd::{AsFd, BorrowedFd, host_fd};
use crate::io::OpenFlags;
use crate::sys::descriptors;

/// How much [`copy`] moves per read and write: large enough that the
/// per-call cost disappears next to the bytes, small next to the host's
/// 1 MiB cap on one read.
const COPY_CHUNK: usize = 128 * 1024;

/// `mkdir -p`—Creates a directory and each of its missing parents, as
/// `std::fs::create_dir_all`.
///
/// A directory that exists already, or that another program creates in
/// the meantime, counts as created. Any other file in the way is an error
/// (`EEXIST` or `ENOTDIR`), and so is a parent the guest may not create in
/// (`EROFS` under a read-only mount).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::create_dir_all("/data/out/2026/11")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/utilities/mkdir.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/mkdir.2.html)
pub fn create_dir_all<P: AsRef<Path>>(path: P) -> io::Result<()> {
    // Go up until a directory can be made (or is found), then make the
    // missing ones below it, top first.
    let mut missing = Vec::new();
    let mut at = path.as_ref();
    while !at.as_os_str().is_empty() {
        match create_dir(at) {
            Ok(()) => break,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                missing.push(at);
                at = at.parent().ok_or(e)?;
            }
            Err(_) if is_dir(at) => break,
            Err(e) => return Err(e),
        }
    }
    for dir in missing.into_iter().rev() {
        match create_dir(dir) {
            Ok(()) => {}
            Err(_) if is_dir(dir) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn is_dir(path: &Path) -> bool {
    metadata(path).is_ok_and(|m| m.is_dir())
}

/// `rm -r`—Removes a directory and everything in it, as
/// `std::fs::remove_dir_all`. A symlink given as `path` is removed itself,
/// never followed.
///
/// The walk goes through directory descriptors: each directory is opened
/// with `O_DIRECTORY | O_NOFOLLOW` and its entries are removed relative to
/// that descriptor, so a directory swapped for a symlink during the walk is
/// never followed out of the tree. An entry that disappears meanwhile is
/// not an error. It holds one descriptor per level of the tree, so a tree
/// deeper than the guest's free descriptors fails with `EMFILE`, leaving
/// what it had not yet removed.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::fs::remove_dir_all("/data/build")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/utilities/rm.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/unlinkat.2.html)
pub fn remove_dir_all<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path.as_ref();
    if symlink_metadata(path)?.is_symlink() {
        return remove_file(path);
    }
    let dir = open(
        path,
        OpenFlags::READ | OpenFlags::DIRECTORY | OpenFlags::NOFOLLOW,
    )?;
    remove_contents(dir.as_fd())?;
    drop(dir);
    remove_dir(path)
}

/// Empty the directory open as `dir`.
fn remove_contents(dir: BorrowedFd<'_>) -> io::Result<()> {
    for entry in cvt(descriptors::read_dir(host_fd(dir)))? {
        let name = entry.name.as_str();
        let removed = match entry.file_type {
            types::FileType::Directory => remove_subdir(dir, name),
            // A filesystem that does not report types in its listing.
            types::FileType::Unknown => match statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(m) if m.is_dir() => remove_subdir(dir, name),
                Ok(_) => unlinkat(dir, name, AtFlags::empty()),
                Err(e) => Err(e),
            },
            _ => unlinkat(dir, name, AtFlags::empty()),
        };
        match removed {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}

fn remove_subdir(dir: BorrowedFd<'_>, name: &str) -> io::Result<()> {
    let flags = OpenFlags::READ | OpenFlags::DIRECTORY | OpenFlags::NOFOLLOW;
    match openat(dir, name, flags) {
        Ok(sub) => {
            remove_contents(sub.as_fd())?;
            drop(sub);
            unlinkat(dir, name, AtFlags::REMOVEDIR)
        }
        // No longer a directory (replaced by a file or a symlink since the
        // listing): remove the name itself.
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTDIR | libc::ELOOP)) => {
            unlinkat(dir, name, AtFlags::empty())
        }
        Err(e) => Err(e),
    }
}

/// `open`, `read` and `write`—Copies the contents of the file `from` to
/// `to`, creating or truncating `to`, and returns the number of bytes
/// copied, as `std::fs::copy`.
///
/// `from` must be a regular file (or a symlink to one): anything else is
/// `InvalidInput`, as in std. Copying a file onto itself, through the same
/// path or another, is `InvalidInput` too and leaves it untouched, where a
/// plain open-and-truncate would empty it. Permission bits are not copied:
/// vfd's interface has no file modes, so a new `to` gets the host's default.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let n = vfd::fs::copy("/data/in.txt", "/data/in.txt.bak")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/utilities/cp.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/read.2.html)
pub fn copy<P: AsRef<Path>, Q: AsRef<Path>>(from: P, to: Q) -> io::Result<u64> {
    let mut reader = File::open(from)?;
    let source = reader.metadata()?;
    if !source.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the source is not a regular file",
        ));
    }
    // Open without truncating first: `to` may be `from` under another name.
    let mut writer = OpenOptions::new().write(true).create(true).open(to)?;
    let dest = writer.metadata()?;
    if dest.same_file(&source) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the source and the destination are the same file",
        ));
    }
    // As O_TRUNC would: a pipe or a device is written to as it is.
    if dest.is_file() {
        writer.set_len(0)?;
    }
    let mut chunk = vec![0; COPY_CHUNK];
    let mut copied = 0;
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(copied),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        writer.write_all(&chunk[..n])?;
        copied += n as u64;
    }
}

/// `fstatat(AT_FDCWD, path, 0)`—Returns whether `path` names something
/// that exists, following symlinks, as `std::fs::exists`.
///
/// A missing path, or a symlink to one, is `Ok(false)`. Any other failure
/// is an error rather than a guess: `ENOTDIR` when a parent is a file,
/// `ENOTCAPABLE` outside every mount.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// if !vfd::fs::exists("/data/config.toml")? {
///     vfd::fs::write("/data/config.toml", "")?;
/// }
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fstatat.2.html)
pub fn exists<P: AsRef<Path>>(path: P) -> io::Result<bool> {
    match metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}
