//! Resolution of a call's path (`AT_FDCWD`, mounts, a directory
//! descriptor) and the path calls' own checks, in Linux's order.

use super::{Dir, readonly};
use crate::Errno;
use crate::paths::{self, AT_FDCWD, Mounts, Resolved, parent_of, trim_trailing_slashes};
use crate::table::Table;
use core::borrow::Borrow;

/// Where an `-at` call's `path` leads: an absolute path through the
/// mounts, a relative one through the current directory `cwd` when `dir`
/// is `AT_FDCWD`, else through the directory open at `dir` (`dir_of`
/// looks it up: `EBADF` if it is not open, `ENOTDIR` if it is no
/// directory). The path's own errors come first, as Linux's `getname`
/// reports them before it looks at `dir`.
///
/// # References
/// - [POSIX `openat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
/// - [Linux `openat(2)`](https://man7.org/linux/man-pages/man2/openat.2.html)
pub fn resolve<'a, M, D>(
    mounts: &'a Mounts<M>,
    cwd: &str,
    dir: u32,
    path: &str,
    dir_of: impl FnOnce(u32) -> Result<&'a D, Errno>,
) -> Result<Resolved<'a, D>, Errno>
where
    M: Borrow<D>,
{
    paths::check_path(path)?;
    let through_mounts = |path: &str| {
        let r = mounts.resolve(path)?;
        Ok(Resolved {
            root: r.root.borrow(),
            rel: r.rel,
            mount_point: r.mount_point,
        })
    };
    if path.starts_with('/') {
        through_mounts(path)
    } else if dir == AT_FDCWD {
        through_mounts(&format!("{cwd}/{path}"))
    } else {
        Ok(Resolved {
            root: dir_of(dir)?,
            rel: path.to_owned(),
            mount_point: false,
        })
    }
}

/// openat(2)'s checks before its path is looked at, in Linux's order: the
/// flags (`O_DIRECTORY | O_CREAT` is `EINVAL`, as since Linux 6.4), then a
/// free number (`EMFILE`), so that a full table creates and truncates
/// nothing.
///
/// # References
/// - [Linux `open(2)`](https://man7.org/linux/man-pages/man2/open.2.html)
pub fn check_open<T>(table: &Table<T>, directory: bool, create: bool) -> Result<(), Errno> {
    if directory && create {
        return Err(Errno::Inval);
    }
    table.check_room()
}

/// fstatat(2) of a resolved path. A trailing slash makes Linux follow a
/// final symlink whatever `follow` says, and accept only a directory
/// (`ENOTDIR`).
///
/// # References
/// - [POSIX `fstatat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatat.html)
/// - [Linux `path_resolution(7)`](https://man7.org/linux/man-pages/man7/path_resolution.7.html)
pub fn stat_at<D: Dir>(at: &Resolved<'_, D>, follow: bool) -> Result<D::Stat, Errno> {
    if at.rel.ends_with('/') {
        let stat = at.root.stat(&at.rel, true)?;
        if D::kind(&stat) != super::Kind::Directory {
            return Err(Errno::Notdir);
        }
        return Ok(stat);
    }
    at.root.stat(&at.rel, follow)
}

/// mkdirat(2): under a read-only mount, the answer of
/// [`readonly::mkdir`]; else the directory's own.
///
/// # References
/// - [POSIX `mkdirat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/mkdir.html)
/// - [Linux `mkdir(2)`](https://man7.org/linux/man-pages/man2/mkdir.2.html)
pub fn mkdir_at<D: Dir>(at: &Resolved<'_, D>) -> Result<(), Errno> {
    if !at.root.writable() {
        return Err(readonly::mkdir(at.root, &at.rel));
    }
    at.root.mkdir(&at.rel)
}

/// unlinkat(2) without `AT_REMOVEDIR`: the read-only refusal first, then a
/// trailing slash, for which Linux looks at the last component itself,
/// never through a final symlink: `dir/` is `EISDIR`, anything else
/// `ENOTDIR`.
///
/// # References
/// - [POSIX `unlinkat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlink.html)
/// - [Linux `unlink(2)`](https://man7.org/linux/man-pages/man2/unlink.2.html)
pub fn unlink_at<D: Dir>(at: &Resolved<'_, D>) -> Result<(), Errno> {
    if !at.root.writable() {
        return Err(readonly::unlink(at.root, &at.rel));
    }
    if at.rel.ends_with('/') {
        return Err(if lstat_is_dir(at)? {
            Errno::Isdir
        } else {
            Errno::Notdir
        });
    }
    at.root.unlink(&at.rel)
}

/// unlinkat(2) with `AT_REMOVEDIR`: a mount point is `EBUSY` (as on
/// Linux), then the read-only refusal, then a trailing slash on what is
/// not a directory (not following a final symlink) is `ENOTDIR`.
///
/// # References
/// - [POSIX `rmdir`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/rmdir.html)
/// - [Linux `rmdir(2)`](https://man7.org/linux/man-pages/man2/rmdir.2.html)
pub fn remove_dir_at<D: Dir>(at: &Resolved<'_, D>) -> Result<(), Errno> {
    if at.mount_point {
        return Err(Errno::Busy);
    }
    if !at.root.writable() {
        return Err(readonly::remove_dir(at.root, &at.rel));
    }
    if at.rel.ends_with('/') && !lstat_is_dir(at)? {
        return Err(Errno::Notdir);
    }
    at.root.remove_dir(trim_trailing_slashes(&at.rel))
}

/// renameat(2), in Linux's order: the old name is resolved and its parent
/// looked up, then the new one's, before the mounts are compared (`EXDEV`
/// across mounts or for a mount point) or the names looked at; then the
/// read-only refusal; then a trailing slash on either name is only for a
/// directory (`ENOTDIR`).
///
/// # References
/// - [POSIX `renameat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/rename.html)
/// - [Linux `rename(2)`](https://man7.org/linux/man-pages/man2/rename.2.html)
pub fn rename_at<'a, D: Dir + 'a>(
    from: impl FnOnce() -> Result<Resolved<'a, D>, Errno>,
    to: impl FnOnce() -> Result<Resolved<'a, D>, Errno>,
) -> Result<(), Errno> {
    let from = from()?;
    check_parent(&from)?;
    let to = to()?;
    check_parent(&to)?;
    if from.root.mount() != to.root.mount() || from.mount_point || to.mount_point {
        return Err(Errno::Xdev);
    }
    if !from.root.writable() {
        return Err(readonly::rename(from.root, &from.rel, to.root, &to.rel));
    }
    if (from.rel.ends_with('/') || to.rel.ends_with('/')) && !lstat_is_dir(&from)? {
        return Err(Errno::Notdir);
    }
    from.root.rename(
        trim_trailing_slashes(&from.rel),
        to.root,
        trim_trailing_slashes(&to.rel),
    )
}

/// chdir(2): the path's own errors, then, unless the target is one of the
/// directories leading to mount points (which exist in the guest's
/// namespace even where the host has nothing under that name), a lookup
/// that must find a directory. `cwd` changes only on success.
///
/// # References
/// - [POSIX `chdir`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/chdir.html)
/// - [Linux `chdir(2)`](https://man7.org/linux/man-pages/man2/chdir.2.html)
pub fn chdir<M, D>(mounts: &Mounts<M>, cwd: &mut String, path: &str) -> Result<(), Errno>
where
    M: Borrow<D>,
    D: Dir,
{
    paths::check_path(path)?;
    let target = paths::normalize(cwd, path);
    if !mounts.is_virtual_dir(&target) {
        let at: Resolved<'_, D> = resolve(mounts, cwd, AT_FDCWD, path, |_| Err(Errno::Badf))?;
        if !at.root.is_dir(&at.rel, true)? {
            return Err(Errno::Notdir);
        }
    }
    *cwd = target;
    Ok(())
}

/// Whether the last component of `at`, not followed if it is a symlink,
/// is a directory.
fn lstat_is_dir<D: Dir>(at: &Resolved<'_, D>) -> Result<bool, Errno> {
    at.root.is_dir(at.rel.trim_end_matches('/'), false)
}

/// That the directory holding the last component of `at` exists and is a
/// directory (following symlinks, as a path walk does): `ENOENT` or
/// `ENOTDIR` as Linux's lookup of the parent gives them.
fn check_parent<D: Dir>(at: &Resolved<'_, D>) -> Result<(), Errno> {
    if at.root.is_dir(parent_of(&at.rel), true)? {
        Ok(())
    } else {
        Err(Errno::Notdir)
    }
}
