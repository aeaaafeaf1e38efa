//! What `fd_fdstat_get` and `fd_filestat_get` report: preview 1's file
//! types, status flags and rights, read from the host kernel.
//!
//! Rights are reported as a process would have them for the object, and
//! the descriptor's access mode decides what succeeds (the kernel's own
//! checks): wasi-libc derives `fcntl(F_GETFL)`'s access mode from
//! `FD_READ`/`FD_WRITE`, and `isatty` from a character device without
//! `FD_SEEK`/`FD_TELL`, so those bits follow the object exactly.

use crate::description::Description;
use rustix::fs::{FileType as HostType, OFlags, SeekFrom, Stat};

pub(super) const FD_DATASYNC: u64 = 1 << 0;
pub(super) const FD_READ: u64 = 1 << 1;
pub(super) const FD_SEEK: u64 = 1 << 2;
pub(super) const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
pub(super) const FD_SYNC: u64 = 1 << 4;
pub(super) const FD_TELL: u64 = 1 << 5;
pub(super) const FD_WRITE: u64 = 1 << 6;
pub(super) const FD_ADVISE: u64 = 1 << 7;
pub(super) const FD_ALLOCATE: u64 = 1 << 8;
pub(super) const FD_READDIR: u64 = 1 << 14;
pub(super) const FD_FILESTAT_GET: u64 = 1 << 21;
pub(super) const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
pub(super) const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
pub(super) const POLL_FD_READWRITE: u64 = 1 << 27;
pub(super) const SOCK_SHUTDOWN: u64 = 1 << 28;
pub(super) const SOCK_ACCEPT: u64 = 1 << 29;

/// A file's rights: its data calls.
const FILE: u64 = FD_DATASYNC
    | FD_READ
    | FD_SEEK
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_TELL
    | FD_WRITE
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;

/// A directory's rights: the path calls through it and readdir (the set
/// wasmtime-wasi reports for a preopen).
const DIRECTORY: u64 = 0x7B7_FE00;

/// What a file opened through a directory may get: every right but
/// `PATH_FILESTAT_SET_SIZE`. wasi-libc's `open` asks for its access
/// mode's rights masked by these, so they must include `FD_READ` and
/// `FD_WRITE`.
const DIRECTORY_INHERITING: u64 = 0xFF7_FFFF;

/// A socket's rights.
const SOCKET: u64 = FD_READ
    | FD_WRITE
    | FD_FDSTAT_SET_FLAGS
    | FD_FILESTAT_GET
    | POLL_FD_READWRITE
    | SOCK_SHUTDOWN
    | SOCK_ACCEPT;

/// Preview 1's `filetype`.
pub(super) mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_DGRAM: u8 = 5;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// Preview 1's `fdflags`.
pub(super) mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
    pub const ALL: u16 = APPEND | DSYNC | NONBLOCK | RSYNC | SYNC;
}

/// The file type of a host `stat`; a FIFO is `unknown`, as preview 1 has
/// no pipe type.
pub(super) fn file_type(d: &Description, st: &Stat) -> u8 {
    match HostType::from_raw_mode(st.st_mode) {
        HostType::RegularFile => filetype::REGULAR_FILE,
        HostType::Directory => filetype::DIRECTORY,
        HostType::Symlink => filetype::SYMBOLIC_LINK,
        HostType::CharacterDevice => filetype::CHARACTER_DEVICE,
        HostType::BlockDevice => filetype::BLOCK_DEVICE,
        HostType::Socket => {
            if rustix::net::sockopt::socket_type(d) == Ok(rustix::net::SocketType::DGRAM) {
                filetype::SOCKET_DGRAM
            } else {
                filetype::SOCKET_STREAM
            }
        }
        HostType::Fifo | HostType::Unknown => filetype::UNKNOWN,
    }
}

/// `fdstat.fs_flags` from the host's status flags. Linux's `O_RSYNC` is
/// `O_SYNC`.
pub(super) fn fd_flags(status: OFlags) -> u16 {
    let mut out = 0;
    for (host, guest) in [
        (OFlags::APPEND, fdflags::APPEND),
        (OFlags::NONBLOCK, fdflags::NONBLOCK),
        (OFlags::DSYNC, fdflags::DSYNC),
        (OFlags::SYNC, fdflags::SYNC | fdflags::RSYNC),
    ] {
        if status.contains(host) {
            out |= guest;
        }
    }
    out
}

/// `(fs_rights_base, fs_rights_inheriting)` for a description whose host
/// object has file type `file_type` and status flags `status`.
pub(super) fn rights(d: &Description, file_type: u8, status: OFlags) -> (u64, u64) {
    let (readable, writable) = match status & OFlags::RWMODE {
        m if m == OFlags::WRONLY => (false, true),
        m if m == OFlags::RDWR => (true, true),
        _ => (true, false),
    };
    let mut base = match file_type {
        filetype::DIRECTORY => return (DIRECTORY, DIRECTORY_INHERITING),
        filetype::SOCKET_STREAM | filetype::SOCKET_DGRAM => SOCKET,
        _ => FILE,
    };
    if !readable {
        base &= !FD_READ;
    }
    if !writable {
        base &= !(FD_WRITE | FD_DATASYNC | FD_ALLOCATE | FD_FILESTAT_SET_SIZE);
    }
    // Terminals, pipes and sockets have no offset.
    if rustix::fs::seek(d, SeekFrom::Current(0)).is_err() {
        base &= !(FD_SEEK | FD_TELL);
    }
    (base, 0)
}
