//! The WIT's `descriptors` interface on wasm32-wasip1: calls on a
//! descriptor through preview 1, calls on a path through wasi-libc, and
//! the dup family and fcntl's flags through vfd's module.

use std::ffi::c_int;

use super::wasi::{self, Ciovec, Filestat, Iovec};
use super::{c_path, check, last_errno, libc_result, out, vfd_imports as vfd};
use crate::bindings::vfd::posix::types::{
    AccessMode, Advice, DirEntry, Errno, FdFlags, FileStat, FileType, NewTimestamp, OpenFlags,
    StatusFlags, Timestamp, Whence,
};
use crate::fd::HOST_AT_FDCWD;

// The dup family, and fcntl's flags: vfd's module.

pub(crate) fn dup(fd: u32) -> Result<u32, Errno> {
    // SAFETY: the import writes one u32 where `new` points.
    out(|new| unsafe { vfd::dup(fd, new) })
}

pub(crate) fn dup2(fd: u32, target: u32) -> Result<u32, Errno> {
    // SAFETY: as in `dup`.
    out(|new| unsafe { vfd::dup2(fd, target, new) })
}

pub(crate) fn dup3(fd: u32, target: u32, flags: FdFlags) -> Result<u32, Errno> {
    // SAFETY: as in `dup`.
    out(|new| unsafe { vfd::dup3(fd, target, flags.bits().into(), new) })
}

pub(crate) fn dup_min(fd: u32, min: u32, flags: FdFlags) -> Result<u32, Errno> {
    // SAFETY: as in `dup`.
    out(|new| unsafe { vfd::dup_min(fd, min, flags.bits().into(), new) })
}

pub(crate) fn get_fd_flags(fd: u32) -> Result<FdFlags, Errno> {
    // SAFETY: as in `dup`.
    let bits = out(|bits| unsafe { vfd::get_fd_flags(fd, bits) })?;
    Ok(FdFlags::from_bits_truncate(bits as u8))
}

pub(crate) fn set_fd_flags(fd: u32, flags: FdFlags) -> Result<(), Errno> {
    // SAFETY: the import takes plain numbers.
    check(unsafe { vfd::set_fd_flags(fd, flags.bits().into()) })
}

pub(crate) fn get_status_flags(fd: u32) -> Result<StatusFlags, Errno> {
    // SAFETY: as in `dup`.
    let bits = out(|bits| unsafe { vfd::get_status_flags(fd, bits) })?;
    Ok(StatusFlags::from_bits_truncate(bits as u8))
}

pub(crate) fn set_status_flags(fd: u32, flags: StatusFlags) -> Result<(), Errno> {
    // SAFETY: as in `set_fd_flags`.
    check(unsafe { vfd::set_status_flags(fd, flags.bits().into()) })
}

pub(crate) fn get_access_mode(fd: u32) -> Result<AccessMode, Errno> {
    // SAFETY: as in `dup`.
    match out(|mode| unsafe { vfd::get_access_mode(fd, mode) })? {
        0 => Ok(AccessMode::ReadOnly),
        1 => Ok(AccessMode::WriteOnly),
        2 => Ok(AccessMode::ReadWrite),
        // vfd's host writes one of the three; anything else is a faulty
        // host, reported rather than guessed at.
        _ => Err(Errno::Io),
    }
}

/// isatty(3) as wasi-libc has it, which std's `IsTerminal` calls too:
/// preview 1 has no such call, and vfd's host reports each object's
/// rights so that wasi-libc's test (a character device without an
/// offset) answers as Linux does.
pub(crate) fn is_terminal(fd: u32) -> Result<bool, Errno> {
    // SAFETY: isatty takes a plain number.
    if unsafe { libc::isatty(fd as c_int) } == 1 {
        return Ok(true);
    }
    match last_errno() {
        Errno::Notty => Ok(false),
        e => Err(e),
    }
}

// Calls on a descriptor: preview 1.

pub(crate) fn close(fd: u32) -> Result<(), Errno> {
    // SAFETY: fd_close takes a plain number.
    check(unsafe { wasi::fd_close(fd) })
}

/// read(2) into `buf`.
pub(crate) fn read(fd: u32, buf: &mut [u8]) -> Result<usize, Errno> {
    let iov = Iovec {
        buf: buf.as_mut_ptr(),
        len: buf.len(),
    };
    // SAFETY: one iovec over `buf`, which the host fills at most.
    let n = out(|n| unsafe { wasi::fd_read(fd, &iov, 1, n) })?;
    Ok(n.min(buf.len()))
}

/// pread(2) into `buf`.
pub(crate) fn pread(fd: u32, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
    let iov = Iovec {
        buf: buf.as_mut_ptr(),
        len: buf.len(),
    };
    // SAFETY: as in `read`.
    let n = out(|n| unsafe { wasi::fd_pread(fd, &iov, 1, offset, n) })?;
    Ok(n.min(buf.len()))
}

pub(crate) fn write(fd: u32, data: &[u8]) -> Result<u32, Errno> {
    let iov = Ciovec {
        buf: data.as_ptr(),
        len: data.len(),
    };
    // SAFETY: one ciovec over `data`, which the host only reads.
    let n = out(|n| unsafe { wasi::fd_write(fd, &iov, 1, n) })?;
    Ok(written(n))
}

pub(crate) fn pwrite(fd: u32, data: &[u8], offset: u64) -> Result<u32, Errno> {
    let iov = Ciovec {
        buf: data.as_ptr(),
        len: data.len(),
    };
    // SAFETY: as in `write`.
    let n = out(|n| unsafe { wasi::fd_pwrite(fd, &iov, 1, offset, n) })?;
    Ok(written(n))
}

/// A count of bytes written, as the WIT's `u32` (callers hand the host at
/// most `MAX_WRITE_LEN` at once).
fn written(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn seek(fd: u32, offset: i64, whence: Whence) -> Result<u64, Errno> {
    // Preview 1's `whence` has the WIT's cases in the same order.
    let whence = match whence {
        Whence::Set => 0,
        Whence::Cur => 1,
        Whence::End => 2,
    };
    // SAFETY: the import writes one u64 where `pos` points.
    out(|pos| unsafe { wasi::fd_seek(fd, offset, whence, pos) })
}

pub(crate) fn stat(fd: u32) -> Result<FileStat, Errno> {
    // SAFETY: the import writes one `filestat` where `st` points.
    let st: Filestat = out(|st| unsafe { wasi::fd_filestat_get(fd, st) })?;
    Ok(FileStat {
        file_type: file_type(st.filetype),
        size: st.size,
        inode: st.ino,
        link_count: st.nlink,
        access_time: from_nanos(st.atim),
        modify_time: from_nanos(st.mtim),
        change_time: from_nanos(st.ctim),
    })
}

/// A file type of preview 1 (`filetype`, or `dirent.d_type`). Preview 1
/// has no type for a pipe: vfd's host reports one as `unknown`.
fn file_type(filetype: u8) -> FileType {
    match filetype {
        1 => FileType::BlockDevice,
        2 => FileType::CharacterDevice,
        3 => FileType::Directory,
        4 => FileType::RegularFile,
        5 => FileType::SocketDgram,
        6 => FileType::SocketStream,
        7 => FileType::Symlink,
        _ => FileType::Unknown,
    }
}

const NANOS_PER_SEC: u64 = 1_000_000_000;

/// A preview 1 timestamp: unsigned nanoseconds since the epoch, so never
/// a time before it (std and wasi-libc read them so too).
fn from_nanos(nanos: u64) -> Timestamp {
    Timestamp {
        seconds: (nanos / NANOS_PER_SEC) as i64,
        nanoseconds: (nanos % NANOS_PER_SEC) as u32,
    }
}

pub(crate) fn truncate(fd: u32, size: u64) -> Result<(), Errno> {
    // SAFETY: the import takes plain numbers.
    check(unsafe { wasi::fd_filestat_set_size(fd, size) })
}

pub(crate) fn sync(fd: u32) -> Result<(), Errno> {
    // SAFETY: as in `truncate`.
    check(unsafe { wasi::fd_sync(fd) })
}

pub(crate) fn set_times(fd: u32, access: NewTimestamp, modify: NewTimestamp) -> Result<(), Errno> {
    let (atim, a_flags) = match set_time(access)? {
        SetTime::Omit => (0, 0),
        SetTime::Now => (0, wasi::FSTFLAGS_ATIM_NOW),
        SetTime::At(nanos) => (nanos, wasi::FSTFLAGS_ATIM),
    };
    let (mtim, m_flags) = match set_time(modify)? {
        SetTime::Omit => (0, 0),
        SetTime::Now => (0, wasi::FSTFLAGS_MTIM_NOW),
        SetTime::At(nanos) => (nanos, wasi::FSTFLAGS_MTIM),
    };
    // SAFETY: as in `truncate`.
    check(unsafe { wasi::fd_filestat_set_times(fd, atim, mtim, a_flags | m_flags) })
}

/// A time to set, as preview 1 can carry it.
enum SetTime {
    Omit,
    Now,
    /// Nanoseconds since the epoch.
    At(u64),
}

/// Nanoseconds of a second or more are `EINVAL` (utimensat(2) checks
/// them first); a time preview 1 cannot hold (before the epoch, or past
/// 2554) is `EOVERFLOW`, as a value that does not fit its type.
fn set_time(time: NewTimestamp) -> Result<SetTime, Errno> {
    match time {
        NewTimestamp::Omit => Ok(SetTime::Omit),
        NewTimestamp::Now => Ok(SetTime::Now),
        NewTimestamp::At(t) => {
            if u64::from(t.nanoseconds) >= NANOS_PER_SEC {
                return Err(Errno::Inval);
            }
            u64::try_from(t.seconds)
                .ok()
                .and_then(|s| s.checked_mul(NANOS_PER_SEC))
                .and_then(|n| n.checked_add(t.nanoseconds.into()))
                .map(SetTime::At)
                .ok_or(Errno::Overflow)
        }
    }
}

pub(crate) fn advise(fd: u32, offset: u64, len: u64, advice: Advice) -> Result<(), Errno> {
    // Preview 1's `advice` has the WIT's cases in the same order.
    let advice = match advice {
        Advice::Normal => 0,
        Advice::Sequential => 1,
        Advice::Random => 2,
        Advice::WillNeed => 3,
        Advice::DontNeed => 4,
        Advice::NoReuse => 5,
    };
    // SAFETY: as in `truncate`.
    check(unsafe { wasi::fd_advise(fd, offset, len, advice) })
}

pub(crate) fn allocate(fd: u32, offset: u64, len: u64) -> Result<(), Errno> {
    // SAFETY: as in `truncate`.
    check(unsafe { wasi::fd_allocate(fd, offset, len) })
}

/// Every entry of the directory but `.` and `..`, read with `fd_readdir`
/// from cookie 0 on.
pub(crate) fn read_dir(fd: u32) -> Result<Vec<DirEntry>, Errno> {
    let mut entries = Vec::new();
    let mut buf = vec![0u8; 4096];
    let mut cookie = 0;
    loop {
        // SAFETY: the host writes at most `buf.len()` bytes into `buf`,
        // and their count where `used` points.
        let used =
            out(|used| unsafe { wasi::fd_readdir(fd, buf.as_mut_ptr(), buf.len(), cookie, used) })?;
        let listing = &buf[..used.min(buf.len())];
        let mut at = 0;
        // The host cuts the last entry short when it does not fit: only
        // whole ones are taken, and the next call starts after them.
        let mut cut = None;
        while let Some(header) = listing.get(at..at + wasi::DIRENT_SIZE) {
            let next = u64::from_le_bytes(header[..8].try_into().unwrap());
            let name_len = u32::from_le_bytes(header[16..20].try_into().unwrap()) as usize;
            let end = at + wasi::DIRENT_SIZE + name_len;
            let Some(name) = listing.get(at + wasi::DIRENT_SIZE..end) else {
                cut = Some(wasi::DIRENT_SIZE + name_len);
                break;
            };
            if name != b"." && name != b".." {
                entries.push(DirEntry {
                    // As the host's WIT call does with a name that is not
                    // UTF-8.
                    name: String::from_utf8_lossy(name).into_owned(),
                    file_type: file_type(header[20]),
                });
            }
            cookie = next;
            at = end;
        }
        // A buffer the host did not fill holds the end of the directory.
        if listing.len() < buf.len() {
            return Ok(entries);
        }
        // The first entry alone does not fit: make room for it.
        if let Some(len) = cut
            && at == 0
        {
            if len <= buf.len() {
                // It fits, yet came cut: a faulty host, which must not
                // make this loop for ever.
                return Err(Errno::Io);
            }
            buf.resize(len, 0);
        }
    }
}

// Calls on a path: wasi-libc, which resolves them as std does.

/// wasi-libc's number for the directory argument of an `-at` call: its
/// own `AT_FDCWD` (-2) for vfd's (-100). vfd's number whose `int` is -2 is
/// not open, like any negative one: it becomes another number that is not
/// open, rather than the current directory.
fn dir(fd: u32) -> c_int {
    match fd {
        HOST_AT_FDCWD => libc::AT_FDCWD,
        fd if fd as c_int == libc::AT_FDCWD => c_int::MIN,
        fd => fd as c_int,
    }
}

pub(crate) fn open(path: &str, flags: OpenFlags) -> Result<u32, Errno> {
    open_at(HOST_AT_FDCWD, path, flags)
}

pub(crate) fn open_at(dir_fd: u32, path: &str, flags: OpenFlags) -> Result<u32, Errno> {
    let path = c_path(path)?;
    // SAFETY: a NUL-terminated path; the mode (which WASI ignores) is the
    // variadic argument O_CREAT asks for.
    let fd = libc_result(unsafe {
        libc::openat(
            dir(dir_fd),
            path.as_ptr(),
            oflags(flags),
            0o666 as libc::mode_t,
        )
    })? as u32;
    // wasi-libc's O_CLOEXEC is 0 (WASI has no exec): vfd's flag is set on
    // the new number before anyone else can see it.
    if flags.contains(OpenFlags::CLOEXEC)
        && let Err(e) = set_fd_flags(fd, FdFlags::CLOEXEC)
    {
        let _ = close(fd);
        return Err(e);
    }
    Ok(fd)
}

/// open(2)'s flags in wasi-libc's numbering, where `O_RDONLY` is a bit of
/// its own: with neither `read` nor `write`, read-only, as POSIX's 0.
fn oflags(flags: OpenFlags) -> c_int {
    let mut oflags = match (
        flags.contains(OpenFlags::READ),
        flags.contains(OpenFlags::WRITE),
    ) {
        (_, false) => libc::O_RDONLY,
        (false, true) => libc::O_WRONLY,
        (true, true) => libc::O_RDWR,
    };
    for (flag, bit) in [
        (OpenFlags::CREATE, libc::O_CREAT),
        (OpenFlags::EXCLUSIVE, libc::O_EXCL),
        (OpenFlags::TRUNCATE, libc::O_TRUNC),
        (OpenFlags::APPEND, libc::O_APPEND),
        (OpenFlags::NONBLOCK, libc::O_NONBLOCK),
        (OpenFlags::DIRECTORY, libc::O_DIRECTORY),
        (OpenFlags::NOFOLLOW, libc::O_NOFOLLOW),
    ] {
        if flags.contains(flag) {
            oflags |= bit;
        }
    }
    oflags
}

pub(crate) fn stat_at(dir_fd: u32, path: &str, follow: bool) -> Result<FileStat, Errno> {
    let path = c_path(path)?;
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: a NUL-terminated path and room for one `struct stat`.
    libc_result(unsafe { libc::fstatat(dir(dir_fd), path.as_ptr(), st.as_mut_ptr(), flags) })?;
    // SAFETY: fstatat succeeded, so it filled `st`.
    let st = unsafe { st.assume_init() };
    // wasi-libc builds `st_mode` from preview 1's file type, and gives
    // both socket types S_IFSOCK: at a path that is a Unix socket, which
    // vfd's host reports as a stream socket too.
    let file_type = match st.st_mode & libc::S_IFMT {
        libc::S_IFBLK => FileType::BlockDevice,
        libc::S_IFCHR => FileType::CharacterDevice,
        libc::S_IFDIR => FileType::Directory,
        libc::S_IFREG => FileType::RegularFile,
        libc::S_IFSOCK => FileType::SocketStream,
        libc::S_IFLNK => FileType::Symlink,
        _ => FileType::Unknown,
    };
    let time = |t: libc::timespec| Timestamp {
        seconds: t.tv_sec,
        nanoseconds: t.tv_nsec as u32,
    };
    Ok(FileStat {
        file_type,
        size: st.st_size as u64,
        inode: st.st_ino,
        link_count: st.st_nlink,
        access_time: time(st.st_atim),
        modify_time: time(st.st_mtim),
        change_time: time(st.st_ctim),
    })
}

pub(crate) fn mkdir_at(dir_fd: u32, path: &str) -> Result<(), Errno> {
    let path = c_path(path)?;
    // SAFETY: a NUL-terminated path.
    libc_result(unsafe { libc::mkdirat(dir(dir_fd), path.as_ptr(), 0o777) }).map(drop)
}

pub(crate) fn unlink_at(dir_fd: u32, path: &str) -> Result<(), Errno> {
    unlinkat(dir_fd, path, 0)
}

pub(crate) fn remove_dir_at(dir_fd: u32, path: &str) -> Result<(), Errno> {
    unlinkat(dir_fd, path, libc::AT_REMOVEDIR)
}

fn unlinkat(dir_fd: u32, path: &str, flags: c_int) -> Result<(), Errno> {
    let path = c_path(path)?;
    // SAFETY: a NUL-terminated path.
    libc_result(unsafe { libc::unlinkat(dir(dir_fd), path.as_ptr(), flags) }).map(drop)
}

pub(crate) fn rename_at(
    dir_fd: u32,
    path: &str,
    new_dir: u32,
    new_path: &str,
) -> Result<(), Errno> {
    let (path, new_path) = (c_path(path)?, c_path(new_path)?);
    // SAFETY: NUL-terminated paths.
    libc_result(unsafe {
        libc::renameat(dir(dir_fd), path.as_ptr(), dir(new_dir), new_path.as_ptr())
    })
    .map(drop)
}

pub(crate) fn symlink_at(target: &str, dir_fd: u32, path: &str) -> Result<(), Errno> {
    let (target, path) = (c_path(target)?, c_path(path)?);
    // SAFETY: NUL-terminated paths.
    libc_result(unsafe { libc::symlinkat(target.as_ptr(), dir(dir_fd), path.as_ptr()) }).map(drop)
}

pub(crate) fn readlink_at(dir_fd: u32, path: &str) -> Result<String, Errno> {
    let path = c_path(path)?;
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: a NUL-terminated path, and `buf` to write into.
        let n = libc_result(unsafe {
            libc::readlinkat(
                dir(dir_fd),
                path.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        })? as usize;
        // readlink(2) cuts a target that does not fit: ask again with
        // more room until it does.
        if n < buf.len() {
            buf.truncate(n);
            // The host hands targets on as UTF-8 already.
            return Ok(String::from_utf8_lossy(&buf).into_owned());
        }
        let bigger = buf.len() * 2;
        buf.resize(bigger, 0);
    }
}

pub(crate) fn link_at(dir_fd: u32, path: &str, new_dir: u32, new_path: &str) -> Result<(), Errno> {
    let (path, new_path) = (c_path(path)?, c_path(new_path)?);
    // SAFETY: NUL-terminated paths.
    libc_result(unsafe {
        libc::linkat(
            dir(dir_fd),
            path.as_ptr(),
            dir(new_dir),
            new_path.as_ptr(),
            0,
        )
    })
    .map(drop)
}

pub(crate) fn set_times_at(
    dir_fd: u32,
    path: &str,
    access: NewTimestamp,
    modify: NewTimestamp,
    follow: bool,
) -> Result<(), Errno> {
    let times = [timespec(access)?, timespec(modify)?];
    let path = c_path(path)?;
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    // SAFETY: a NUL-terminated path and two timespecs.
    libc_result(unsafe { libc::utimensat(dir(dir_fd), path.as_ptr(), times.as_ptr(), flags) })
        .map(drop)
}

/// A time to set as utimensat(3) takes it, checked as [`set_time`]
/// checks one for the descriptor's call, so both refuse the same times.
fn timespec(time: NewTimestamp) -> Result<libc::timespec, Errno> {
    Ok(match set_time(time)? {
        SetTime::Omit => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
        SetTime::Now => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_NOW,
        },
        SetTime::At(nanos) => libc::timespec {
            tv_sec: (nanos / NANOS_PER_SEC) as i64,
            tv_nsec: (nanos % NANOS_PER_SEC) as libc::c_long,
        },
    })
}
