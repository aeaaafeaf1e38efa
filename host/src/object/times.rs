//! A file's new times (`vfd_core::fs::Times`) as the host calls take them.

use rustix::fs::{Timestamps, UTIME_NOW, UTIME_OMIT};
use rustix::time::Timespec;
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
