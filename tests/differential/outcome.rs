//! What a call returned, in a form both sides can be compared in.

use crate::ops::{Stamp, Times};
use std::fmt;

/// The result of one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok(Value),
    /// The POSIX name of the errno (`EBADF`...).
    Err(String),
    /// A read or write on a blocking pipe that would wait forever: not made.
    WouldBlock,
}

/// A successful call's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Unit,
    Fd(u32),
    Pair(u32, u32),
    Bytes(Bytes),
    Count(u32),
    Offset(u64),
    /// What fstat(2) says that both trees agree on: not the inode or times.
    Stat {
        kind: &'static str,
        size: u64,
        links: u64,
    },
    Cloexec(bool),
    Status {
        append: bool,
        nonblock: bool,
    },
    Access(&'static str),
    /// The target readlinkat(2) read: a wrong one can have the right
    /// length.
    Target(String),
    /// A set of times that chose the modification time itself, with the
    /// one the file then has (seconds, nanoseconds), or the errno's name of
    /// the stat that reads it (see [`times_set`]).
    Modified(Result<(i64, u32), String>),
}

/// Bytes read, shown as text (and only their start when there are many).
#[derive(Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.0[..self.0.len().min(48)];
        write!(f, "b\"{}\"", shown.escape_ascii())?;
        if shown.len() < self.0.len() {
            write!(f, "... ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

/// `Ok(())` or the errno's name.
pub fn unit<E: Into<Outcome>>(r: Result<(), E>) -> Outcome {
    value(r.map(|()| Value::Unit))
}

pub fn value<E: Into<Outcome>>(r: Result<Value, E>) -> Outcome {
    match r {
        Ok(v) => Outcome::Ok(v),
        Err(e) => e.into(),
    }
}

/// What a stat after a set of times reads: the file's modification time
/// (seconds, nanoseconds).
pub type Mtime = (i64, u32);

/// The outcome of a set of times, `set`. When it succeeded and chose the
/// modification time itself, `stat` (an fstat(2), or fstatat(2) of the
/// same path with the same rule for a final symlink) reads the time the
/// file then has, so that a wrong time shows and not only a wrong result.
/// Not after `now`, which is not the same instant on both sides, nor the
/// access time, which any read may move.
pub fn times_set<E: Into<Outcome>>(
    set: Result<(), E>,
    times: Times,
    stat: impl FnOnce() -> Result<Mtime, String>,
) -> Outcome {
    if let Err(e) = set {
        return e.into();
    }
    if !matches!(times.stamps().1, Stamp::At(..)) {
        return Outcome::Ok(Value::Unit);
    }
    Outcome::Ok(Value::Modified(stat()))
}

/// The POSIX name of a Linux errno, written out here rather than taken
/// from vfd's own mapping, so that a wrong mapping in vfd shows.
pub fn linux_errno_name(errno: i32) -> String {
    let name = match errno {
        libc::EACCES => "EACCES",
        libc::EAGAIN => "EAGAIN",
        libc::EBADF => "EBADF",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::EFBIG => "EFBIG",
        libc::EINVAL => "EINVAL",
        libc::EIO => "EIO",
        libc::EISDIR => "EISDIR",
        libc::ELOOP => "ELOOP",
        libc::EMFILE => "EMFILE",
        libc::ENAMETOOLONG => "ENAMETOOLONG",
        libc::ENOENT => "ENOENT",
        libc::ENOSPC => "ENOSPC",
        libc::ENOTDIR => "ENOTDIR",
        libc::ENOTEMPTY => "ENOTEMPTY",
        libc::ENOTSUP => "ENOTSUP",
        libc::EPERM => "EPERM",
        libc::EPIPE => "EPIPE",
        libc::ESPIPE => "ESPIPE",
        libc::EROFS => "EROFS",
        libc::EXDEV => "EXDEV",
        libc::ENOMEM => "ENOMEM",
        libc::ENXIO => "ENXIO",
        libc::EOVERFLOW => "EOVERFLOW",
        libc::ENOTTY => "ENOTTY",
        libc::EINTR => "EINTR",
        libc::ENFILE => "ENFILE",
        libc::ETXTBSY => "ETXTBSY",
        libc::EMLINK => "EMLINK",
        libc::EDQUOT => "EDQUOT",
        libc::ENOSYS => "ENOSYS",
        libc::ERANGE => "ERANGE",
        other => return format!("errno {other}"),
    };
    name.to_owned()
}
