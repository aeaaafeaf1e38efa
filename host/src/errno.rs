//! Turning host errors into the guest's `errno`.
//!
//! The host kernel does most of the checking (access modes, `EISDIR`,
//! `ESPIPE`...), so its errno usually passes straight through; what has no
//! counterpart becomes `io`, the nearest honest answer.

use crate::bindings::Errno;
use std::io;

vfd_core::errno_conversions!(Errno);

impl From<rustix::io::Errno> for Errno {
    fn from(e: rustix::io::Errno) -> Self {
        vfd_core::Errno::from_linux(e.raw_os_error()).map_or(Errno::Io, Errno::from)
    }
}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Self {
        if let Some(raw) = e.raw_os_error() {
            return rustix::io::Errno::from_raw_os_error(raw).into();
        }
        match e.kind() {
            // cap-std's refusal of a path that leads out of its directory
            // carries no OS error: it is the capability check itself.
            io::ErrorKind::PermissionDenied => Errno::Notcapable,
            io::ErrorKind::NotFound => Errno::Noent,
            io::ErrorKind::AlreadyExists => Errno::Exist,
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => Errno::Inval,
            io::ErrorKind::OutOfMemory => Errno::Nomem,
            io::ErrorKind::Unsupported => Errno::Notsup,
            _ => Errno::Io,
        }
    }
}

/// The POSIX name of an errno, for messages (`EBADF`...).
pub fn name(e: Errno) -> &'static str {
    vfd_core::Errno::from(e).name()
}
