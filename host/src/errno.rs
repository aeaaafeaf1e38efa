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
        from_io(e).into()
    }
}

/// The errno of a host I/O error (cap-std's and std's calls).
pub fn from_io(e: io::Error) -> vfd_core::Errno {
    use vfd_core::Errno as E;
    if let Some(raw) = e.raw_os_error() {
        return E::from_linux(raw).unwrap_or(E::Io);
    }
    match e.kind() {
        // cap-std's refusal of a path that leads out of its directory
        // carries no OS error: it is the capability check itself.
        io::ErrorKind::PermissionDenied => E::Notcapable,
        io::ErrorKind::NotFound => E::Noent,
        io::ErrorKind::AlreadyExists => E::Exist,
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => E::Inval,
        io::ErrorKind::OutOfMemory => E::Nomem,
        io::ErrorKind::Unsupported => E::Notsup,
        _ => E::Io,
    }
}

/// The POSIX name of an errno, for messages (`EBADF`...).
pub fn name(e: Errno) -> &'static str {
    vfd_core::Errno::from(e).name()
}
