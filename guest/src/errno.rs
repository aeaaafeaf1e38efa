//! Turning the host's `errno` into `std::io::Error`.

use std::io;

use crate::bindings::vfd::posix::types::Errno;

/// The host refuses paths outside its grants with `ENOTCAPABLE`, which only
/// WASI defines; elsewhere (the host-target build used for lints and docs)
/// the nearest POSIX meaning is "operation not permitted".
#[cfg(target_os = "wasi")]
const ENOTCAPABLE: i32 = libc::ENOTCAPABLE;
#[cfg(not(target_os = "wasi"))]
const ENOTCAPABLE: i32 = libc::EPERM;

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

fn raw(e: Errno) -> i32 {
    match e {
        Errno::Acces => libc::EACCES,
        Errno::Again => libc::EAGAIN,
        Errno::Badf => libc::EBADF,
        Errno::Busy => libc::EBUSY,
        Errno::Exist => libc::EEXIST,
        Errno::Fbig => libc::EFBIG,
        Errno::Inval => libc::EINVAL,
        Errno::Io => libc::EIO,
        Errno::Isdir => libc::EISDIR,
        Errno::Loop => libc::ELOOP,
        Errno::Mfile => libc::EMFILE,
        Errno::Nametoolong => libc::ENAMETOOLONG,
        Errno::Noent => libc::ENOENT,
        Errno::Nospc => libc::ENOSPC,
        Errno::Notdir => libc::ENOTDIR,
        Errno::Notempty => libc::ENOTEMPTY,
        Errno::Notsup => libc::ENOTSUP,
        Errno::Notcapable => ENOTCAPABLE,
        Errno::Perm => libc::EPERM,
        Errno::Pipe => libc::EPIPE,
        Errno::Spipe => libc::ESPIPE,
        Errno::Rofs => libc::EROFS,
        Errno::Xdev => libc::EXDEV,
        Errno::Nomem => libc::ENOMEM,
        Errno::Notsock => libc::ENOTSOCK,
        Errno::Connrefused => libc::ECONNREFUSED,
        Errno::Connreset => libc::ECONNRESET,
        Errno::Addrinuse => libc::EADDRINUSE,
        Errno::Addrnotavail => libc::EADDRNOTAVAIL,
        Errno::Notconn => libc::ENOTCONN,
        Errno::Timedout => libc::ETIMEDOUT,
        Errno::Intr => libc::EINTR,
        Errno::Notty => libc::ENOTTY,
        Errno::Overflow => libc::EOVERFLOW,
        Errno::Mlink => libc::EMLINK,
        Errno::Txtbsy => libc::ETXTBSY,
        Errno::Nxio => libc::ENXIO,
        Errno::Dquot => libc::EDQUOT,
        Errno::Nosys => libc::ENOSYS,
        Errno::Range => libc::ERANGE,
        Errno::Inprogress => libc::EINPROGRESS,
        Errno::Already => libc::EALREADY,
        Errno::Isconn => libc::EISCONN,
        Errno::Connaborted => libc::ECONNABORTED,
        Errno::Netunreach => libc::ENETUNREACH,
        Errno::Hostunreach => libc::EHOSTUNREACH,
        Errno::Msgsize => libc::EMSGSIZE,
        Errno::Afnosupport => libc::EAFNOSUPPORT,
        Errno::Nobufs => libc::ENOBUFS,
        Errno::Destaddrreq => libc::EDESTADDRREQ,
        Errno::Noprotoopt => libc::ENOPROTOOPT,
        Errno::Nfile => libc::ENFILE,
    }
}
