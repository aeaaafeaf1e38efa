//! Turning the host's `errno` into `std::io::Error`.

use std::io;

use crate::bindings::vfd::posix::types::Errno;

/// Builds the `io::Error` for a host `errno`.
///
/// Going through the raw OS code (rather than a custom error) keeps
/// `raw_os_error()` and `kind()` exactly what std gives for the same failure
/// of a real call, so code written against std's errors works unchanged.
pub(crate) fn to_io(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(raw(e))
}

/// Maps a host result onto `io::Result`.
pub(crate) fn cvt<T>(r: Result<T, Errno>) -> io::Result<T> {
    r.map_err(to_io)
}

vfd_core::errno_conversions!(Errno);

/// The C library's number for `e`: WASI's numbering on wasm (wasi-libc's
/// `errno`, which std's `io::Error` reads); elsewhere (the host-target
/// build used for lints and docs) Linux's, where `ENOTCAPABLE`, which only
/// WASI defines, stands as its nearest meaning, `EPERM`.
fn raw(e: Errno) -> i32 {
    let e = vfd_core::Errno::from(e);
    if cfg!(target_os = "wasi") {
        i32::from(e.wasi())
    } else {
        e.linux()
    }
}
