//! What Linux answers when a call would change something under a
//! read-only mount.
//!
//! Linux does not refuse such a call up front: it resolves the path first
//! and reports what it finds (a missing parent, a name that exists, `.` or
//! `..` as the last component) before `EROFS`. These functions replay
//! those checks, in Linux's order, by looking at the tree without changing
//! it. An open they let through is then made without anything that could
//! write (see [`Allowed`]), so a file removed between the check and the
//! open is never created inside the mount.
//!
//! # References
//! - [Linux `mount(2)`, `MS_RDONLY`](https://man7.org/linux/man-pages/man2/mount.2.html)
//! - [Linux `path_resolution(7)`](https://man7.org/linux/man-pages/man7/path_resolution.7.html)

use super::{Dir, Kind};
use crate::Errno;
use crate::limits::MAX_SYMLINKS;
use crate::paths::split_last;

/// The last component of a path, as Linux's lookup classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Normal,
    Dot,
    DotDot,
}

/// The lookup of the parent that every path call starts with: `ENOENT`,
/// `ENOTDIR`, `ELOOP`, `EACCES`... come before anything about the last
/// component. Looking up `.` in it asks what Linux asks of a parent: that
/// it is a directory the caller may search. Then the last component.
fn lookup_parent<D: Dir>(at: &D, path: &str) -> Result<Last, Errno> {
    let (parent, name) = split_last(path);
    at.stat(&format!("{parent}/."), true)?;
    Ok(match name {
        "." => Last::Dot,
        ".." => Last::DotDot,
        _ => Last::Normal,
    })
}

/// mkdirat(2): the parent's errors, then `EEXIST` for `.`, `..` and a
/// name that is there (even a dangling symlink), else `EROFS`.
pub fn mkdir<D: Dir>(at: &D, path: &str) -> Errno {
    new_name(at, path, Errno::Rofs)
}

/// symlinkat(2) and linkat(2): their new name is checked as mkdirat(2)'s,
/// except that a trailing slash on a missing name is `ENOENT` before the
/// mount is asked (only a directory may be named with one).
pub fn new_link<D: Dir>(at: &D, path: &str) -> Errno {
    new_name(at, path, missing_link_name(path))
}

/// What Linux's `filename_create` answers for a name a call would create,
/// in its order: the parent's errors, then `EEXIST` for `.`, `..` and a
/// name that is there (even a dangling symlink), else `absent`, the
/// call's own answer for a missing name.
pub(super) fn new_name<D: Dir>(at: &D, path: &str, absent: Errno) -> Errno {
    match lookup_parent(at, path) {
        Err(e) => e,
        Ok(Last::Dot | Last::DotDot) => Errno::Exist,
        Ok(Last::Normal) => match at.stat(path.trim_end_matches('/'), false) {
            Ok(_) => Errno::Exist,
            Err(Errno::Noent) => absent,
            Err(e) => e,
        },
    }
}

/// A link's missing new name: `ENOENT` with a trailing slash, else the
/// read-only mount's `EROFS`.
fn missing_link_name(path: &str) -> Errno {
    if path.ends_with('/') {
        Errno::Noent
    } else {
        Errno::Rofs
    }
}

/// unlinkat(2): the parent's errors, then `EISDIR` for `.` and `..`, else
/// `EROFS`, even for a missing name.
pub fn unlink<D: Dir>(at: &D, path: &str) -> Errno {
    match lookup_parent(at, path) {
        Err(e) => e,
        Ok(Last::Dot | Last::DotDot) => Errno::Isdir,
        Ok(Last::Normal) => Errno::Rofs,
    }
}

/// unlinkat(2) with `AT_REMOVEDIR`: the parent's errors, then `EINVAL`
/// for `.` and `ENOTEMPTY` for `..`, else `EROFS`, even for a missing
/// name.
pub fn remove_dir<D: Dir>(at: &D, path: &str) -> Errno {
    match lookup_parent(at, path) {
        Err(e) => e,
        Ok(Last::Dot) => Errno::Inval,
        Ok(Last::DotDot) => Errno::Notempty,
        Ok(Last::Normal) => Errno::Rofs,
    }
}

/// renameat(2): the errors of both parents, then `EBUSY` for `.` and `..`
/// on either side, else `EROFS`, even for a missing name.
pub fn rename<D: Dir>(at: &D, path: &str, to: &D, to_path: &str) -> Errno {
    let lasts = lookup_parent(at, path).and_then(|from| Ok((from, lookup_parent(to, to_path)?)));
    match lasts {
        Err(e) => e,
        Ok((Last::Normal, Last::Normal)) => Errno::Rofs,
        Ok(_) => Errno::Busy,
    }
}

/// What an open of an existing object needs beyond reading, as the rules
/// below see the call's flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenRequest {
    /// `O_RDONLY` or `O_RDWR`.
    pub read: bool,
    /// `O_WRONLY` or `O_RDWR`.
    pub write: bool,
    /// `O_CREAT`.
    pub create: bool,
    /// `O_EXCL`.
    pub exclusive: bool,
    /// `O_TRUNC`.
    pub truncate: bool,
    /// `O_DIRECTORY`.
    pub directory: bool,
    /// `O_NOFOLLOW`.
    pub nofollow: bool,
}

/// `From` the WIT's `open-flags` as a bindings generator makes them (a
/// bitflags type with `READ`, `WRITE`, `CREATE`, `EXCLUSIVE`, `TRUNCATE`,
/// `DIRECTORY` and `NOFOLLOW`) to [`OpenRequest`], for each build.
#[macro_export]
macro_rules! open_request_from {
    ($flags:ty) => {
        impl ::core::convert::From<$flags> for $crate::fs::readonly::OpenRequest {
            fn from(flags: $flags) -> Self {
                type Flags = $flags;
                $crate::fs::readonly::OpenRequest {
                    read: flags.contains(Flags::READ),
                    write: flags.contains(Flags::WRITE),
                    create: flags.contains(Flags::CREATE),
                    exclusive: flags.contains(Flags::EXCLUSIVE),
                    truncate: flags.contains(Flags::TRUNCATE),
                    directory: flags.contains(Flags::DIRECTORY),
                    nofollow: flags.contains(Flags::NOFOLLOW),
                }
            }
        }
    };
}

/// How an open that Linux lets through under a read-only mount is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// Read-only, without `O_CREAT`, `O_EXCL`, `O_TRUNC` or write access:
    /// `O_CREAT` found the file already there, `O_TRUNC` has nothing to cut
    /// (a FIFO), or the object is a socket (which no open can write).
    ReadOnly,
    /// A FIFO opened for writing: its data goes to a pipe, not to the
    /// mount, so Linux allows it.
    Fifo,
}

/// open(2) with `O_CREAT`, `O_TRUNC` or write access under a read-only
/// mount: the error Linux gives, in its order, or how to open instead.
pub fn open<D: Dir>(at: &D, path: &str, req: &OpenRequest) -> Result<Allowed, Errno> {
    if req.create {
        return create(at, path, req, 0);
    }
    // A trailing slash makes even `O_NOFOLLOW` follow the last symlink.
    let follow = !req.nofollow || path.ends_with('/');
    let kind = D::kind(&at.stat(path, follow)?);
    if req.directory && kind != Kind::Directory {
        return Err(Errno::Notdir);
    }
    existing(at, path, kind, req)
}

/// open(2) with `O_CREAT`: the parent first, then a trailing slash, then
/// the name itself, which would be created (`EROFS`) unless it exists. A
/// dangling symlink is followed, as Linux does (unless `O_EXCL` or
/// `O_NOFOLLOW`), and its target is what would be created; `links` counts
/// the symlinks followed so far.
fn create<D: Dir>(at: &D, path: &str, req: &OpenRequest, links: usize) -> Result<Allowed, Errno> {
    let last = lookup_parent(at, path)?;
    if last == Last::Normal && path.ends_with('/') {
        return Err(Errno::Isdir);
    }
    let found = at.stat(path, last != Last::Normal).map_err(|e| match e {
        Errno::Noent => Errno::Rofs,
        other => other,
    })?;
    let kind = D::kind(&found);
    if kind != Kind::Symlink {
        return created_existing(at, path, kind, req);
    }
    if req.exclusive {
        return Err(Errno::Exist);
    }
    if req.nofollow {
        return Err(Errno::Loop);
    }
    match at.stat(path, true) {
        Ok(target) => created_existing(at, path, D::kind(&target), req),
        Err(Errno::Noent) if links < MAX_SYMLINKS => {
            let target = at.read_link(path)?;
            let next = if target.starts_with('/') {
                target
            } else {
                format!("{}/{target}", split_last(path).0)
            };
            create(at, &next, req, links + 1)
        }
        Err(Errno::Noent) => Err(Errno::Loop),
        Err(e) => Err(e),
    }
}

/// open(2) with `O_CREAT` of a name that exists.
fn created_existing<D: Dir>(
    at: &D,
    path: &str,
    kind: Kind,
    req: &OpenRequest,
) -> Result<Allowed, Errno> {
    if req.exclusive {
        return Err(Errno::Exist);
    }
    if kind == Kind::Directory {
        return Err(Errno::Isdir);
    }
    existing(at, path, kind, req)
}

/// Linux's checks on the object an open found at `path`: `O_TRUNC` of a
/// regular file needs a writable mount first, then `O_NOFOLLOW` on a
/// symlink is `ELOOP`, write access to a directory `EISDIR`, and write
/// access to anything but a FIFO or a socket the directory's
/// [`write_refusal`](Dir::write_refusal) (`EACCES` or `EROFS`). Device
/// files are refused too: Linux would let a write through to the device,
/// which a read-only mount of vfd must not.
fn existing<D: Dir>(at: &D, path: &str, kind: Kind, req: &OpenRequest) -> Result<Allowed, Errno> {
    if kind == Kind::RegularFile && req.truncate {
        return Err(Errno::Rofs);
    }
    if kind == Kind::Symlink {
        return Err(Errno::Loop);
    }
    if kind == Kind::Directory && (req.write || req.truncate) {
        return Err(Errno::Isdir);
    }
    if !req.write {
        return Ok(Allowed::ReadOnly);
    }
    match kind {
        Kind::Fifo => Ok(Allowed::Fifo),
        // Linux cannot open a socket (`ENXIO`); the read-only open says so.
        Kind::Socket => Ok(Allowed::ReadOnly),
        _ => Err(at.write_refusal(path, req)),
    }
}
