//! What Linux answers when a call would change something under a
//! read-only mount (a preopen without `mutate-directory`).
//!
//! Linux does not refuse such a call up front: it resolves the path first
//! and reports what it finds (a missing parent, a name that exists, a
//! directory opened for writing...) before `rofs`. These functions replay
//! the main checks, in Linux's order, by looking at the tree through
//! wasi:filesystem without changing it (the runtime would refuse the
//! change anyway, with a less precise error). The host build's replay
//! goes further (permission bits, FIFOs, dangling symlinks followed by
//! `create`); here those cases get the nearest answer below.

use crate::bindings::{Errno, FileType, OpenFlags};
use crate::object::Directory;
use vfd_core::paths::split_last;

/// The lookup of the parent that every path call starts with: `noent`,
/// `notdir`, `loop`, `acces`... come before anything about the last
/// component.
fn parent(at: &Directory, path: &str) -> Result<(), Errno> {
    let (parent, _) = split_last(path);
    at.stat_at(&format!("{parent}/."), true).map(drop)
}

fn is_dot(name: &str) -> bool {
    name == "." || name == ".."
}

/// open(2) with `create`, `truncate` or write access under a read-only
/// mount: the error Linux gives, or `Ok` when it would open the file
/// (read-only, since `create` found it there and nothing is to be written).
pub fn check_open(at: &Directory, path: &str, flags: OpenFlags) -> Result<(), Errno> {
    if flags.contains(OpenFlags::CREATE) {
        return check_create(at, path, flags);
    }
    // A trailing slash makes even `nofollow` follow the last symlink.
    let follow = !flags.contains(OpenFlags::NOFOLLOW) || path.ends_with('/');
    let stat = at.stat_at(path, follow)?;
    if flags.contains(OpenFlags::DIRECTORY) && stat.file_type != FileType::Directory {
        return Err(Errno::Notdir);
    }
    existing(stat.file_type, flags)
}

/// open(2) with `create`: the parent first, then a trailing slash, then
/// the name itself, which would be created (`rofs`) unless it exists. A
/// symlink is followed unless `exclusive` or `nofollow` say otherwise; a
/// dangling one would have its target created (`rofs`).
fn check_create(at: &Directory, path: &str, flags: OpenFlags) -> Result<(), Errno> {
    parent(at, path)?;
    let (_, name) = split_last(path);
    let dot = is_dot(name);
    if !dot && path.ends_with('/') {
        return Err(Errno::Isdir);
    }
    let found = match at.stat_at(path, dot) {
        Err(Errno::Noent) => return Err(Errno::Rofs),
        found => found?,
    };
    let file_type = if found.file_type == FileType::Symlink {
        if flags.contains(OpenFlags::EXCLUSIVE) {
            return Err(Errno::Exist);
        }
        if flags.contains(OpenFlags::NOFOLLOW) {
            return Err(Errno::Loop);
        }
        match at.stat_at(path, true) {
            Err(Errno::Noent) => return Err(Errno::Rofs),
            found => found?.file_type,
        }
    } else {
        found.file_type
    };
    if flags.contains(OpenFlags::EXCLUSIVE) {
        return Err(Errno::Exist);
    }
    if file_type == FileType::Directory {
        return Err(Errno::Isdir);
    }
    existing(file_type, flags)
}

/// Linux's checks on the object an open found: `truncate` of a regular
/// file needs a writable mount first, then `nofollow` on a symlink is
/// `loop`, write access to a directory `isdir`, and write access to
/// anything else `rofs`. (The host build also answers `acces` for a file
/// whose permission bits refuse the write, and lets a FIFO be opened for
/// writing; wasi:filesystem shows neither.)
fn existing(file_type: FileType, flags: OpenFlags) -> Result<(), Errno> {
    let write = flags.contains(OpenFlags::WRITE);
    let truncate = flags.contains(OpenFlags::TRUNCATE);
    match file_type {
        FileType::RegularFile if truncate => Err(Errno::Rofs),
        FileType::Symlink => Err(Errno::Loop),
        FileType::Directory if write || truncate => Err(Errno::Isdir),
        _ if !write => Ok(()),
        _ => Err(Errno::Rofs),
    }
}
