//! Turning host errors into the guest's `errno`.
//!
//! The host kernel does most of the checking (access modes, `EISDIR`,
//! `ESPIPE`...), so its errno usually passes straight through; what has no
//! counterpart becomes `io`, the nearest honest answer.

use crate::bindings::Errno;
use crate::table::TableError;
use std::io;

impl From<TableError> for Errno {
    fn from(e: TableError) -> Self {
        match e {
            TableError::BadFd => Errno::Badf,
            TableError::Full => Errno::Mfile,
            TableError::Invalid => Errno::Inval,
        }
    }
}

impl From<rustix::io::Errno> for Errno {
    fn from(e: rustix::io::Errno) -> Self {
        use rustix::io::Errno as E;
        match e {
            E::ACCESS => Errno::Acces,
            E::AGAIN => Errno::Again,
            E::BADF => Errno::Badf,
            E::BUSY => Errno::Busy,
            E::EXIST => Errno::Exist,
            E::FBIG => Errno::Fbig,
            E::INVAL => Errno::Inval,
            E::IO => Errno::Io,
            E::ISDIR => Errno::Isdir,
            E::LOOP => Errno::Loop,
            E::MFILE => Errno::Mfile,
            E::NFILE => Errno::Nfile,
            E::NAMETOOLONG => Errno::Nametoolong,
            E::NOENT => Errno::Noent,
            E::NOSPC => Errno::Nospc,
            E::NOTDIR => Errno::Notdir,
            E::NOTEMPTY => Errno::Notempty,
            E::NOTSUP => Errno::Notsup,
            E::PERM => Errno::Perm,
            E::PIPE => Errno::Pipe,
            E::SPIPE => Errno::Spipe,
            E::ROFS => Errno::Rofs,
            E::XDEV => Errno::Xdev,
            E::NOMEM => Errno::Nomem,
            E::NOTSOCK => Errno::Notsock,
            E::CONNREFUSED => Errno::Connrefused,
            E::CONNRESET => Errno::Connreset,
            E::ADDRINUSE => Errno::Addrinuse,
            E::ADDRNOTAVAIL => Errno::Addrnotavail,
            E::NOTCONN => Errno::Notconn,
            E::TIMEDOUT => Errno::Timedout,
            E::INTR => Errno::Intr,
            E::NOTTY => Errno::Notty,
            E::OVERFLOW => Errno::Overflow,
            E::MLINK => Errno::Mlink,
            E::TXTBSY => Errno::Txtbsy,
            E::NXIO => Errno::Nxio,
            E::DQUOT => Errno::Dquot,
            E::NOSYS => Errno::Nosys,
            E::RANGE => Errno::Range,
            E::INPROGRESS => Errno::Inprogress,
            E::ALREADY => Errno::Already,
            E::ISCONN => Errno::Isconn,
            E::CONNABORTED => Errno::Connaborted,
            E::NETUNREACH => Errno::Netunreach,
            E::HOSTUNREACH => Errno::Hostunreach,
            E::MSGSIZE => Errno::Msgsize,
            E::AFNOSUPPORT => Errno::Afnosupport,
            E::NOBUFS => Errno::Nobufs,
            E::DESTADDRREQ => Errno::Destaddrreq,
            E::NOPROTOOPT => Errno::Noprotoopt,
            _ => Errno::Io,
        }
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
    match e {
        Errno::Acces => "EACCES",
        Errno::Again => "EAGAIN",
        Errno::Badf => "EBADF",
        Errno::Busy => "EBUSY",
        Errno::Exist => "EEXIST",
        Errno::Fbig => "EFBIG",
        Errno::Inval => "EINVAL",
        Errno::Io => "EIO",
        Errno::Isdir => "EISDIR",
        Errno::Loop => "ELOOP",
        Errno::Mfile => "EMFILE",
        Errno::Nametoolong => "ENAMETOOLONG",
        Errno::Noent => "ENOENT",
        Errno::Nospc => "ENOSPC",
        Errno::Notdir => "ENOTDIR",
        Errno::Notempty => "ENOTEMPTY",
        Errno::Notsup => "ENOTSUP",
        Errno::Notcapable => "ENOTCAPABLE",
        Errno::Perm => "EPERM",
        Errno::Pipe => "EPIPE",
        Errno::Spipe => "ESPIPE",
        Errno::Rofs => "EROFS",
        Errno::Xdev => "EXDEV",
        Errno::Nomem => "ENOMEM",
        Errno::Notsock => "ENOTSOCK",
        Errno::Connrefused => "ECONNREFUSED",
        Errno::Connreset => "ECONNRESET",
        Errno::Addrinuse => "EADDRINUSE",
        Errno::Addrnotavail => "EADDRNOTAVAIL",
        Errno::Notconn => "ENOTCONN",
        Errno::Timedout => "ETIMEDOUT",
        Errno::Intr => "EINTR",
        Errno::Notty => "ENOTTY",
        Errno::Overflow => "EOVERFLOW",
        Errno::Mlink => "EMLINK",
        Errno::Txtbsy => "ETXTBSY",
        Errno::Nxio => "ENXIO",
        Errno::Dquot => "EDQUOT",
        Errno::Nosys => "ENOSYS",
        Errno::Range => "ERANGE",
        Errno::Inprogress => "EINPROGRESS",
        Errno::Already => "EALREADY",
        Errno::Isconn => "EISCONN",
        Errno::Connaborted => "ECONNABORTED",
        Errno::Netunreach => "ENETUNREACH",
        Errno::Hostunreach => "EHOSTUNREACH",
        Errno::Msgsize => "EMSGSIZE",
        Errno::Afnosupport => "EAFNOSUPPORT",
        Errno::Nobufs => "ENOBUFS",
        Errno::Destaddrreq => "EDESTADDRREQ",
        Errno::Noprotoopt => "ENOPROTOOPT",
        Errno::Nfile => "ENFILE",
    }
}
