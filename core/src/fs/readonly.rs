//! What Linux answers when a call would change something under a
//! read-only mount.
//!
//! Linux does not refuse such a call up front: it resolves the path first
//! and reports what it finds (a missing parent, a name that exists, `.` or
//! `..` as the last component) before `EROFS`. These functions replay
//! those checks, in Linux's order, by looking at the tree without changing
//! it. (The checks of `open` under a read-only mount, which look at
//! permission bits and FIFOs, are each build's own.)
//!
//! # References
//! - [Linux `mount(2)`, `MS_RDONLY`](https://man7.org/linux/man-pages/man2/mount.2.html)
//! - [Linux `path_resolution(7)`](https://man7.org/linux/man-pages/man7/path_resolution.7.html)

use super::Dir;
use crate::Errno;
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
    match lookup_parent(at, path) {
        Err(e) => e,
        Ok(Last::Dot | Last::DotDot) => Errno::Exist,
        Ok(Last::Normal) => match at.stat(path.trim_end_matches('/'), false) {
            Ok(_) => Errno::Exist,
            Err(Errno::Noent) => Errno::Rofs,
            Err(e) => e,
        },
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
