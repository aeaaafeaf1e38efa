//! The link calls: symlinkat(2), readlinkat(2) and linkat(2), with the
//! checks Linux makes on their names before the directory is changed.

use super::{Dir, Kind, readonly, stat_at};
use crate::Errno;
use crate::paths::{PATH_MAX, Resolved, split_last};

/// symlinkat(2): the target's own errors first (it is stored, never looked
/// up: empty is `ENOENT`, `PATH_MAX` bytes or more `ENAMETOOLONG`), then
/// the new name's (as [`readonly::new_link`] gives them when it cannot be
/// created). An absolute target is then `EPERM` (once the name is known
/// to be free), where Linux would store it: vfd resolves every path inside
/// its mount, so such a link could never be followed, and the host would
/// read it as one of its own paths.
///
/// # References
/// - [POSIX `symlinkat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/symlink.html)
/// - [Linux `symlink(2)`](https://man7.org/linux/man-pages/man2/symlink.2.html)
pub fn symlink_at<'a, D: Dir + 'a>(
    target: &str,
    at: impl FnOnce() -> Result<Resolved<'a, D>, Errno>,
) -> Result<(), Errno> {
    if target.is_empty() {
        return Err(Errno::Noent);
    }
    if target.contains('\0') {
        return Err(Errno::Inval);
    }
    if target.len() >= PATH_MAX {
        return Err(Errno::Nametoolong);
    }
    let at = at()?;
    check_new_name(&at)?;
    if target.starts_with('/') {
        return Err(readonly::new_name(at.root, &at.rel, Errno::Perm));
    }
    at.root.symlink(target, &at.rel)
}

/// readlinkat(2): the target of the symlink at `at`. A trailing slash
/// makes Linux follow the link and want a directory, which is no symlink:
/// `ENOTDIR` or `EINVAL` after the lookup's own errors.
///
/// # References
/// - [POSIX `readlinkat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readlink.html)
/// - [Linux `readlink(2)`](https://man7.org/linux/man-pages/man2/readlink.2.html)
pub fn read_link_at<D: Dir>(at: &Resolved<'_, D>) -> Result<String, Errno> {
    if at.rel.ends_with('/') {
        stat_at(at, true)?;
        return Err(Errno::Inval);
    }
    at.root.read_link(&at.rel)
}

/// linkat(2) without `AT_SYMLINK_FOLLOW`, in Linux's order: the old name
/// is looked up (a final symlink is linked itself), then the new name is
/// checked as symlinkat(2) checks it, then the mounts compared (`EXDEV`),
/// then a directory is `EPERM`.
///
/// # References
/// - [POSIX `linkat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/link.html)
/// - [Linux `link(2)`](https://man7.org/linux/man-pages/man2/link.2.html)
pub fn link_at<'a, D: Dir + 'a>(
    from: impl FnOnce() -> Result<Resolved<'a, D>, Errno>,
    to: impl FnOnce() -> Result<Resolved<'a, D>, Errno>,
) -> Result<(), Errno> {
    let from = from()?;
    let old = D::kind(&stat_at(&from, false)?);
    let to = to()?;
    check_new_name(&to)?;
    if from.root.mount() != to.root.mount() {
        return Err(Errno::Xdev);
    }
    // No link may name a directory (`EPERM`, once the new name is known
    // to be free). Decided here, not left to the directory: a trailing
    // slash found the directory behind a symlink, which the name without
    // it would link instead, and wasi:filesystem reports the refusal as a
    // capability error.
    if old == Kind::Directory {
        return Err(readonly::new_name(to.root, &to.rel, Errno::Perm));
    }
    from.root.hard_link(&from.rel, to.root, &to.rel)
}

/// The checks on a link's new name that Linux makes before it creates it:
/// with a trailing slash, as `.` or `..`, or under a read-only mount, the
/// name cannot be created, and [`readonly::new_link`] gives the answer
/// Linux finds first (`EEXIST` for `.`, `..` or a name that is there,
/// `ENOENT` for a missing one with a slash, else `EROFS`).
fn check_new_name<D: Dir>(at: &Resolved<'_, D>) -> Result<(), Errno> {
    let dots = matches!(split_last(&at.rel).1, "." | "..");
    if dots || at.rel.ends_with('/') || !at.root.writable() {
        return Err(readonly::new_link(at.root, &at.rel));
    }
    Ok(())
}
