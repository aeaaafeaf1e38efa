//! The path calls (`openat`'s lookup, `mkdirat`, `unlinkat`, `renameat`,
//! `fstatat`, `chdir`, the link calls, `utimensat`): the order of their checks and their trailing-slash
//! rules, as Linux has them, written once over [`Dir`], what a build's
//! directory object can do.
//!
//! The host library implements [`Dir`] with cap-std (host directories),
//! the wasm layer with `wasi:filesystem` descriptors; both resolve a path
//! inside its mount, so these rules never see a path that leads out.

mod at;
mod links;
pub mod readonly;
#[cfg(test)]
mod tests;
mod times;

pub use at::{chdir, check_open, mkdir_at, remove_dir_at, rename_at, resolve, stat_at, unlink_at};
pub use links::{link_at, read_link_at, symlink_at};
pub use times::{SetTime, Times, set_times, set_times_at};

use crate::Errno;

/// A directory as the path calls need it: the lookups and changes the
/// rules are written against, each relative to the directory (a path
/// never leads out of its mount: that is the implementation's guarantee).
pub trait Dir {
    /// What a lookup of a path returns (the build's `stat`).
    type Stat;

    /// stat(2) of `rel` (`follow`) or lstat(2) (not following a final
    /// symlink).
    fn stat(&self, rel: &str, follow: bool) -> Result<Self::Stat, Errno>;

    /// What a [`stat`](Dir::stat) result is.
    fn kind(stat: &Self::Stat) -> Kind;

    /// readlink(2) of `rel`: the target of the symlink, as it is stored.
    fn read_link(&self, rel: &str) -> Result<String, Errno>;

    /// The answer to write access to the existing file at `rel` under a
    /// read-only mount. Linux checks a file's permission bits before the
    /// mount, so a build that can see them answers `EACCES` for a file
    /// its user may not write; else, and by default, `EROFS`.
    fn write_refusal(&self, rel: &str, req: &readonly::OpenRequest) -> Errno {
        let _ = (rel, req);
        Errno::Rofs
    }

    /// False under a read-only mount: every change is refused as Linux
    /// refuses it under a read-only bind mount (see [`readonly`]).
    fn writable(&self) -> bool;

    /// Which mount the directory lies in: a rename between two is `EXDEV`.
    fn mount(&self) -> usize;

    /// mkdirat(2) of `rel`.
    fn mkdir(&self, rel: &str) -> Result<(), Errno>;

    /// unlinkat(2) of `rel`, a name that is not a directory.
    fn unlink(&self, rel: &str) -> Result<(), Errno>;

    /// unlinkat(2) with `AT_REMOVEDIR` of `rel`, with no trailing slash.
    fn remove_dir(&self, rel: &str) -> Result<(), Errno>;

    /// renameat(2) of `rel` to `to_rel` under `to` (in the same mount),
    /// neither with a trailing slash.
    fn rename(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), Errno>;

    /// symlinkat(2): a symlink at `rel` (no trailing slash) holding
    /// `target`.
    fn symlink(&self, target: &str, rel: &str) -> Result<(), Errno>;

    /// linkat(2) without `AT_SYMLINK_FOLLOW`: `to_rel` under `to` (in the
    /// same mount, no trailing slash) becomes a name of the file at `rel`.
    fn hard_link(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), Errno>;

    /// utimensat(2) of `rel`, following a final symlink or not.
    fn set_times(&self, rel: &str, follow: bool, times: &Times) -> Result<(), Errno>;

    /// Whether `rel` names a directory, following a final symlink or not.
    fn is_dir(&self, rel: &str, follow: bool) -> Result<bool, Errno> {
        Ok(Self::kind(&self.stat(rel, follow)?) == Kind::Directory)
    }
}

/// What a path names, as far as the path calls' rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A directory.
    Directory,
    /// A regular file.
    RegularFile,
    /// A symbolic link (only from a lookup that does not follow it).
    Symlink,
    /// A FIFO (named pipe).
    Fifo,
    /// A Unix socket.
    Socket,
    /// A device or anything else.
    Other,
}
