//! A file's new times (`vfd_core::fs::Times`) as the host calls take them.

use cap_fs_ext::SystemTimeSpec;
use rustix::fs::{Timestamps, UTIME_NOW, UTIME_OMIT};
use rustix::time::Timespec;
use std::time::{Duration, UNIX_EPOCH};
use vfd_core::Errno;
use vfd_core::fs::{SetTime, Times};

vfd_core::set_time_from!(crate::bindings::NewTimestamp);

/// The two `timespec`s of futimens(2), with its special values.
pub fn timestamps(times: &Times) -> Timestamps {
    let timespec = |time| match time {
        SetTime::Omit => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_OMIT,
        },
        SetTime::Now => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_NOW,
        },
        SetTime::At {
            seconds,
            nanoseconds,
        } => Timespec {
            tv_sec: seconds,
            tv_nsec: nanoseconds.into(),
        },
    };
    Timestamps {
        last_access: timespec(times.access),
        last_modification: timespec(times.modification),
    }
}

/// A time as cap-std's path calls take it (`None` leaves it alone). A
/// time the host's clock type cannot hold is `EOVERFLOW`.
pub(super) fn system_time_spec(time: SetTime) -> Result<Option<SystemTimeSpec>, Errno> {
    Ok(match time {
        SetTime::Omit => None,
        SetTime::Now => Some(SystemTimeSpec::SymbolicNow),
        SetTime::At {
            seconds,
            nanoseconds,
        } => {
            let whole = Duration::from_secs(seconds.unsigned_abs());
            let at = if seconds >= 0 {
                UNIX_EPOCH.checked_add(whole)
            } else {
                UNIX_EPOCH.checked_sub(whole)
            };
            let at = at
                .and_then(|t| t.checked_add(Duration::from_nanos(nanoseconds.into())))
                .ok_or(Errno::Overflow)?;
            Some(SystemTimeSpec::Absolute(
                cap_std::time::SystemTime::from_std(at),
            ))
        }
    })
}
