//! utimensat(2) and futimens(2): which of a file's times change, and the
//! order of their checks.

use super::{Dir, stat_at};
use crate::Errno;
use crate::paths::Resolved;

/// How one of a file's times changes (`struct timespec` with its two
/// special values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetTime {
    /// `UTIME_OMIT`: left as it is.
    Omit,
    /// `UTIME_NOW`: the current time.
    Now,
    /// Seconds since the Unix epoch (negative before it) and nanoseconds,
    /// which must be below one second.
    At {
        /// `tv_sec`.
        seconds: i64,
        /// `tv_nsec`.
        nanoseconds: u32,
    },
}

/// `From` the WIT's `new-timestamp` as a bindings generator makes it (an
/// enum with `Omit`, `Now` and `At(timestamp)`) to [`SetTime`], for each
/// build.
#[macro_export]
macro_rules! set_time_from {
    ($new:ty) => {
        impl ::core::convert::From<$new> for $crate::fs::SetTime {
            fn from(time: $new) -> Self {
                type New = $new;
                match time {
                    New::Omit => $crate::fs::SetTime::Omit,
                    New::Now => $crate::fs::SetTime::Now,
                    New::At(t) => $crate::fs::SetTime::At {
                        seconds: t.seconds,
                        nanoseconds: t.nanoseconds,
                    },
                }
            }
        }
    };
}

/// The two times of utimensat(2): last access and last modification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    /// `st_atim`.
    pub access: SetTime,
    /// `st_mtim`.
    pub modification: SetTime,
}

impl Times {
    /// The two times as a call gives them.
    pub fn new(access: impl Into<SetTime>, modification: impl Into<SetTime>) -> Times {
        Times {
            access: access.into(),
            modification: modification.into(),
        }
    }

    /// Both times left alone: Linux succeeds at once, even for a path
    /// that does not exist or a number that is not open.
    fn change_nothing(&self) -> bool {
        self.access == SetTime::Omit && self.modification == SetTime::Omit
    }

    /// A nanosecond count of a second or more is `EINVAL`.
    fn check(&self) -> Result<(), Errno> {
        for time in [self.access, self.modification] {
            if let SetTime::At { nanoseconds, .. } = time
                && nanoseconds >= 1_000_000_000
            {
                return Err(Errno::Inval);
            }
        }
        Ok(())
    }
}

/// utimensat(2), in Linux's order: nothing to change succeeds before the
/// path is resolved; then the lookup's errors (a trailing slash wants a
/// directory), then a nanosecond count out of range (`EINVAL`), then a
/// read-only mount (`EROFS`).
///
/// # References
/// - [POSIX `utimensat`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/futimens.html)
/// - [Linux `utimensat(2)`](https://man7.org/linux/man-pages/man2/utimensat.2.html)
pub fn set_times_at<'a, D: Dir + 'a>(
    times: &Times,
    follow: bool,
    at: impl FnOnce() -> Result<Resolved<'a, D>, Errno>,
) -> Result<(), Errno> {
    if times.change_nothing() {
        return Ok(());
    }
    let at = at()?;
    stat_at(&at, follow)?;
    times.check()?;
    if !at.root.writable() {
        return Err(Errno::Rofs);
    }
    at.root.set_times(&at.rel, follow, times)
}

/// futimens(2), in Linux's order: nothing to change succeeds before the
/// descriptor is looked up (`object`, `EBADF` for a closed number); then a
/// nanosecond count out of range (`EINVAL`), then an object under a
/// read-only mount (`writable` false: `EROFS`), then `set` changes the
/// times.
///
/// # References
/// - [POSIX `futimens`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/futimens.html)
/// - [Linux `utimensat(2)`](https://man7.org/linux/man-pages/man2/utimensat.2.html)
pub fn set_times<O>(
    times: &Times,
    object: impl FnOnce() -> Result<O, Errno>,
    writable: impl FnOnce(&O) -> bool,
    set: impl FnOnce(&O) -> Result<(), Errno>,
) -> Result<(), Errno> {
    if times.change_nothing() {
        return Ok(());
    }
    let object = object()?;
    times.check()?;
    if !writable(&object) {
        return Err(Errno::Rofs);
    }
    set(&object)
}
