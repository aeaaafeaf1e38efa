//! Turning WASI errors into the guest's `errno`.
//!
//! wasi:filesystem and wasi:sockets name their errors after POSIX ones, so
//! most pass straight through; what has no counterpart becomes `io`, the
//! nearest honest answer.

use crate::bindings::Errno;
use wasip2::filesystem::types::ErrorCode as FsError;
use wasip2::io::streams::StreamError;
use wasip2::sockets::network::ErrorCode as NetError;

vfd_core::errno_conversions!(Errno);

/// The errno of a wasi:filesystem error.
pub fn fs(e: FsError) -> Errno {
    match e {
        FsError::Access => Errno::Acces,
        FsError::WouldBlock => Errno::Again,
        FsError::Already => Errno::Already,
        FsError::BadDescriptor => Errno::Badf,
        FsError::Busy => Errno::Busy,
        FsError::Quota => Errno::Dquot,
        FsError::Exist => Errno::Exist,
        FsError::FileTooLarge => Errno::Fbig,
        FsError::InProgress => Errno::Inprogress,
        FsError::Interrupted => Errno::Intr,
        FsError::Invalid => Errno::Inval,
        FsError::IsDirectory => Errno::Isdir,
        FsError::Loop => Errno::Loop,
        FsError::TooManyLinks => Errno::Mlink,
        FsError::MessageSize => Errno::Msgsize,
        FsError::NameTooLong => Errno::Nametoolong,
        FsError::NoDevice | FsError::NoSuchDevice => Errno::Nxio,
        FsError::NoEntry => Errno::Noent,
        FsError::InsufficientMemory => Errno::Nomem,
        FsError::InsufficientSpace => Errno::Nospc,
        FsError::NotDirectory => Errno::Notdir,
        FsError::NotEmpty => Errno::Notempty,
        FsError::Unsupported => Errno::Notsup,
        FsError::NoTty => Errno::Notty,
        FsError::Overflow => Errno::Overflow,
        // wasmtime-wasi reports its sandbox refusing a path (`..` or a
        // symlink leading out of a preopen) as `not-permitted`, with no OS
        // error behind it: the capability check the host build calls
        // `notcapable`. A real EPERM from the host kernel on a file call is
        // rare enough (Linux answers EISDIR, EACCES or EROFS instead) that
        // the sandbox reading wins.
        FsError::NotPermitted => Errno::Notcapable,
        FsError::Pipe => Errno::Pipe,
        FsError::ReadOnly => Errno::Rofs,
        FsError::InvalidSeek => Errno::Spipe,
        FsError::TextFileBusy => Errno::Txtbsy,
        FsError::CrossDevice => Errno::Xdev,
        FsError::Deadlock
        | FsError::IllegalByteSequence
        | FsError::Io
        | FsError::NoLock
        | FsError::NotRecoverable => Errno::Io,
    }
}

/// The errno of a failed stream operation: a closed stream is a peer gone
/// (`pipe` for a write); otherwise the filesystem error behind it, if any.
pub fn stream(e: StreamError) -> Errno {
    match e {
        StreamError::Closed => Errno::Pipe,
        StreamError::LastOperationFailed(err) => {
            match wasip2::filesystem::types::filesystem_error_code(&err) {
                Some(code) => fs(code),
                None => Errno::Io,
            }
        }
    }
}

/// The errno of a wasi:sockets error.
pub fn net(e: NetError) -> Errno {
    match e {
        NetError::AccessDenied => Errno::Acces,
        NetError::NotSupported => Errno::Notsup,
        NetError::InvalidArgument => Errno::Inval,
        NetError::OutOfMemory => Errno::Nomem,
        NetError::Timeout => Errno::Timedout,
        NetError::ConcurrencyConflict => Errno::Already,
        NetError::NotInProgress => Errno::Inval,
        NetError::WouldBlock => Errno::Again,
        NetError::InvalidState => Errno::Inval,
        NetError::NewSocketLimit => Errno::Mfile,
        NetError::AddressNotBindable => Errno::Addrnotavail,
        NetError::AddressInUse => Errno::Addrinuse,
        NetError::RemoteUnreachable => Errno::Hostunreach,
        NetError::ConnectionRefused => Errno::Connrefused,
        NetError::ConnectionReset => Errno::Connreset,
        NetError::ConnectionAborted => Errno::Connaborted,
        NetError::DatagramTooLarge => Errno::Msgsize,
        NetError::NameUnresolvable
        | NetError::TemporaryResolverFailure
        | NetError::PermanentResolverFailure => Errno::Inval,
        NetError::Unknown => Errno::Io,
    }
}
