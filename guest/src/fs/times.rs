//! A file's times: [`utimensat`] and [`futimens`] as `rustix::fs` has
//! them, and std's [`FileTimes`] with [`File::set_times`].

use std::io;
use std::path::Path;
use std::time::SystemTime;

use super::{AtFlags, File, path_str};
use crate::bindings::vfd::posix::types::{NewTimestamp, Timestamp};
use crate::errno::cvt;
use crate::fd::{AsFd, host_fd};
use crate::sys::descriptors;

/// `UTIME_NOW`—As a [`Timespec`]'s `tv_nsec`: set the time to now.
pub const UTIME_NOW: i64 = (1 << 30) - 1;

/// `UTIME_OMIT`—As a [`Timespec`]'s `tv_nsec`: leave the time as it is.
pub const UTIME_OMIT: i64 = (1 << 30) - 2;

/// `struct timespec`, as `rustix::time::Timespec`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Timespec {
    /// Seconds since the Unix epoch (negative before it).
    pub tv_sec: i64,
    /// Nanoseconds, below one second, or [`UTIME_NOW`] or [`UTIME_OMIT`].
    pub tv_nsec: i64,
}

/// The two times [`utimensat`] and [`futimens`] set, as
/// `rustix::fs::Timestamps`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Timestamps {
    /// `st_atim`.
    pub last_access: Timespec,
    /// `st_mtim`.
    pub last_modification: Timespec,
}

impl From<Timespec> for NewTimestamp {
    /// A `tv_nsec` out of range reaches the host as such, which answers
    /// `EINVAL` in Linux's order (after looking the file up).
    fn from(t: Timespec) -> Self {
        match t.tv_nsec {
            UTIME_OMIT => NewTimestamp::Omit,
            UTIME_NOW => NewTimestamp::Now,
            nanos => NewTimestamp::At(Timestamp {
                seconds: t.tv_sec,
                nanoseconds: u32::try_from(nanos).unwrap_or(u32::MAX),
            }),
        }
    }
}

/// `utimensat(dir, path, times, flags)`—Sets the last access and
/// modification times of `path`, relative to `dir`; with
/// [`AtFlags::SYMLINK_NOFOLLOW`], of a final symlink itself. With both
/// times [`UTIME_OMIT`], nothing is looked at, as on Linux.
///
/// [`AtFlags::REMOVEDIR`] is not a flag of utimensat: `EINVAL`, as on
/// Linux.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::{AtFlags, CWD, Timespec, Timestamps, UTIME_NOW, UTIME_OMIT};
///
/// let touch = Timestamps {
///     last_access: Timespec { tv_sec: 0, tv_nsec: UTIME_OMIT },
///     last_modification: Timespec { tv_sec: 0, tv_nsec: UTIME_NOW },
/// };
/// vfd::fs::utimensat(CWD, "data.txt", &touch, AtFlags::empty())?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/utimensat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/utimensat.2.html)
pub fn utimensat<P: AsRef<Path>>(
    dir: impl AsFd,
    path: P,
    times: &Timestamps,
    flags: AtFlags,
) -> io::Result<()> {
    if flags.contains(AtFlags::REMOVEDIR) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    cvt(descriptors::set_times_at(
        host_fd(dir),
        path_str(path.as_ref())?,
        times.last_access.into(),
        times.last_modification.into(),
        !flags.contains(AtFlags::SYMLINK_NOFOLLOW),
    ))
}

/// `futimens(fd, times)`—Sets the last access and modification times of
/// the file open at `fd`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::{Timespec, Timestamps};
///
/// let file = vfd::fs::File::open("data.txt")?;
/// let epoch = Timespec { tv_sec: 0, tv_nsec: 0 };
/// vfd::fs::futimens(&file, &Timestamps { last_access: epoch, last_modification: epoch })?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/futimens.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/futimens.2.html)
pub fn futimens(fd: impl AsFd, times: &Timestamps) -> io::Result<()> {
    cvt(descriptors::set_times(
        host_fd(fd),
        times.last_access.into(),
        times.last_modification.into(),
    ))
}

/// The times [`File::set_times`] sets, as `std::fs::FileTimes`: those not
/// set are left as they are.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::time::SystemTime;
/// use vfd::fs::{File, FileTimes};
///
/// let file = File::options().write(true).open("data.txt")?;
/// file.set_times(FileTimes::new().set_modified(SystemTime::UNIX_EPOCH))?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileTimes {
    accessed: Option<SystemTime>,
    modified: Option<SystemTime>,
}

impl FileTimes {
    /// No time set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the last access time.
    pub fn set_accessed(mut self, t: SystemTime) -> Self {
        self.accessed = Some(t);
        self
    }

    /// Sets the last modification time.
    pub fn set_modified(mut self, t: SystemTime) -> Self {
        self.modified = Some(t);
        self
    }
}

/// A time as futimens(2) takes it; none leaves it alone.
fn timespec(time: Option<SystemTime>) -> Timespec {
    let Some(time) = time else {
        return Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_OMIT,
        };
    };
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => Timespec {
            tv_sec: after.as_secs() as i64,
            tv_nsec: after.subsec_nanos().into(),
        },
        // Before the epoch: whole seconds down, nanoseconds up from there.
        Err(e) => {
            let before = e.duration();
            let (secs, nanos) = (before.as_secs() as i64, i64::from(before.subsec_nanos()));
            if nanos == 0 {
                Timespec {
                    tv_sec: -secs,
                    tv_nsec: 0,
                }
            } else {
                Timespec {
                    tv_sec: -secs - 1,
                    tv_nsec: 1_000_000_000 - nanos,
                }
            }
        }
    }
}

impl File {
    /// `futimens(fd, times)`—Sets the times given in `times`, as
    /// `std::fs::File::set_times`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::time::SystemTime;
    /// use vfd::fs::{File, FileTimes};
    ///
    /// let file = File::create("data.txt")?;
    /// file.set_times(FileTimes::new().set_accessed(SystemTime::now()))?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/futimens.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/futimens.2.html)
    pub fn set_times(&self, times: FileTimes) -> io::Result<()> {
        futimens(
            self,
            &Timestamps {
                last_access: timespec(times.accessed),
                last_modification: timespec(times.modified),
            },
        )
    }

    /// `futimens(fd, {UTIME_OMIT, time})`—Sets the last modification time,
    /// as `std::fs::File::set_modified`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::time::SystemTime;
    ///
    /// let file = vfd::fs::File::create("data.txt")?;
    /// file.set_modified(SystemTime::UNIX_EPOCH)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/futimens.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/futimens.2.html)
    pub fn set_modified(&self, time: SystemTime) -> io::Result<()> {
        self.set_times(FileTimes::new().set_modified(time))
    }
}
