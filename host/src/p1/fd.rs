//! The `fd_*` calls on a descriptor itself (reads and writes are in
//! `rw`, readdir in `readdir`): close, renumber, seek, tell, sync,
//! datasync, advise, allocate, fdstat, filestat, prestat.

use super::memory::Mem;
use super::rights::{self, fdflags};
use super::{Errno, Result, functions};
use crate::bindings::vfd::posix::descriptors::Host as Descriptors;
use crate::bindings::{Advice, NewTimestamp, StatusFlags, Timestamp, Whence};
use crate::description::Description;
use crate::descriptors::retry;
use crate::object::Object;
use crate::{VfdCtx, VfdView};
use rustix::fs::Stat;
use wasmtime::Linker;

pub(super) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    functions! { linker,
        "fd_close" => |_mem, data, fd: u32| Ok(data.vfd().close(fd)?);
        // The displaced description is released silently when dropped, as
        // dup2 releases its target.
        "fd_renumber" => |_mem, data, fd: u32, to: u32| {
            data.vfd().table.renumber(fd, to)?;
            Ok(())
        };
        "fd_seek" => |mem, data, fd: u32, offset: i64, whence: u32, out: u32| {
            let whence = match whence {
                0 => Whence::Set,
                1 => Whence::Cur,
                2 => Whence::End,
                _ => return Err(Errno::INVAL),
            };
            mem.check(out, 8)?;
            let pos = data.vfd().seek(fd, offset, whence)?;
            mem.put_u64(out, pos)
        };
        "fd_tell" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 8)?;
            let pos = data.vfd().seek(fd, 0, Whence::Cur)?;
            mem.put_u64(out, pos)
        };
        "fd_sync" => |_mem, data, fd: u32| Ok(data.vfd().sync(fd)?);
        "fd_datasync" => |_mem, data, fd: u32| {
            let d = data.vfd().desc(fd)?;
            Ok(retry(|| rustix::fs::fdatasync(d))?)
        };
        "fd_advise" => |_mem, data, fd: u32, offset: u64, len: u64, advice: u32| {
            let vfd = data.vfd();
            let Some(advice) = advice_of(advice) else {
                // Linux looks the descriptor up before the advice.
                vfd.desc(fd)?;
                return Err(Errno::INVAL);
            };
            Ok(vfd.advise(fd, offset, len, advice)?)
        };
        "fd_allocate" => |_mem, data, fd: u32, offset: u64, len: u64| {
            Ok(data.vfd().allocate(fd, offset, len)?)
        };
        "fd_fdstat_get" => |mem, data, fd: u32, out: u32| fdstat(mem, data.vfd(), fd, out);
        "fd_fdstat_set_flags" => |_mem, data, fd: u32, flags: u32| {
            set_flags(data.vfd(), fd, flags)
        };
        // Rights are what the object allows (see `rights`); taking some
        // away per descriptor is not supported, as in wasmtime-wasi.
        "fd_fdstat_set_rights" => |_mem, data, fd: u32, _base: u64, _inheriting: u64| {
            data.vfd().desc(fd)?;
            Err(Errno::NOTSUP)
        };
        "fd_filestat_get" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 64)?;
            let st = FileStat::of(data.vfd().desc(fd)?)?;
            put_filestat(mem, out, &st)
        };
        "fd_filestat_set_size" => |_mem, data, fd: u32, size: u64| {
            Ok(data.vfd().truncate(fd, size)?)
        };
        "fd_filestat_set_times" => |_mem, data, fd: u32, atim: u64, mtim: u64, flags: u32| {
            let (access, modify) = times(atim, mtim, flags)?;
            Ok(data.vfd().set_times(fd, access, modify)?)
        };
        "fd_prestat_get" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 8)?;
            let name = preopen(data.vfd(), fd)?.ok_or(Errno::BADF)?;
            let len = name.len() as u32;
            // `prestat`: the tag (0, a directory), padding, the name's length.
            mem.put(out, &[0; 4])?;
            mem.put_u32(out + 4, len)
        };
        "fd_prestat_dir_name" => |mem, data, fd: u32, path: u32, len: u32| {
            let name = preopen(data.vfd(), fd)?.ok_or(Errno::NOTDIR)?;
            if (len as usize) < name.len() {
                return Err(Errno::NAMETOOLONG);
            }
            mem.put(path, name.as_bytes())
        };
    }
    Ok(())
}

/// The mount path `fd` was preopened for, if it was.
fn preopen(vfd: &VfdCtx, fd: u32) -> Result<Option<&str>> {
    Ok(vfd.desc(fd)?.preopen.as_deref())
}

fn fdstat(mem: &mut Mem<'_>, vfd: &VfdCtx, fd: u32, out: u32) -> Result<()> {
    mem.check(out, 24)?;
    let d = vfd.desc(fd)?;
    // wasi-libc asks this of the directory before every open it makes
    // through it (for the rights it may pass on): a directory vfd opened
    // as one needs no fstat to say what it is.
    let file_type = match &d.object {
        Object::Dir(_) => rights::filetype::DIRECTORY,
        _ => rights::file_type(d, &retry(|| rustix::fs::fstat(d))?),
    };
    let status = retry(|| rustix::fs::fcntl_getfl(d))?;
    let (base, inheriting) = rights::rights(d, file_type, status);
    // `fdstat`: the file type, a pad byte, the flags, four pad bytes, the
    // two rights.
    mem.put(out, &[file_type, 0])?;
    mem.put_u16(out + 2, rights::fd_flags(status))?;
    mem.put(out + 4, &[0; 4])?;
    mem.put_u64(out + 8, base)?;
    mem.put_u64(out + 16, inheriting)
}

/// fcntl(F_SETFL): append and non-blocking are set as given; the
/// synchronisation flags cannot be changed after open and are ignored,
/// as Linux ignores them in F_SETFL.
fn set_flags(vfd: &mut VfdCtx, fd: u32, flags: u32) -> Result<()> {
    if flags & !u32::from(fdflags::ALL) != 0 {
        return Err(Errno::INVAL);
    }
    let mut status = StatusFlags::empty();
    if flags & u32::from(fdflags::APPEND) != 0 {
        status |= StatusFlags::APPEND;
    }
    if flags & u32::from(fdflags::NONBLOCK) != 0 {
        status |= StatusFlags::NONBLOCK;
    }
    Ok(vfd.set_status_flags(fd, status)?)
}

/// Preview 1's `advice`, in its order.
fn advice_of(advice: u32) -> Option<Advice> {
    Some(match advice {
        0 => Advice::Normal,
        1 => Advice::Sequential,
        2 => Advice::Random,
        3 => Advice::WillNeed,
        4 => Advice::DontNeed,
        5 => Advice::NoReuse,
        _ => return None,
    })
}

/// Preview 1's `fstflags`: set a time to the given value or to now.
const ATIM: u32 = 1 << 0;
const ATIM_NOW: u32 = 1 << 1;
const MTIM: u32 = 1 << 2;
const MTIM_NOW: u32 = 1 << 3;

/// utimensat(2)'s two times from preview 1's: a time asked both as a
/// value and as now is `EINVAL`, and one not asked for is left alone.
pub(super) fn times(atim: u64, mtim: u64, flags: u32) -> Result<(NewTimestamp, NewTimestamp)> {
    if flags & !(ATIM | ATIM_NOW | MTIM | MTIM_NOW) != 0 {
        return Err(Errno::INVAL);
    }
    let time = |value: u64, set: u32, now: u32| -> Result<NewTimestamp> {
        Ok(match (flags & set != 0, flags & now != 0) {
            (true, true) => return Err(Errno::INVAL),
            (true, false) => NewTimestamp::At(Timestamp {
                seconds: (value / 1_000_000_000) as i64,
                nanoseconds: (value % 1_000_000_000) as u32,
            }),
            (false, true) => NewTimestamp::Now,
            (false, false) => NewTimestamp::Omit,
        })
    };
    Ok((time(atim, ATIM, ATIM_NOW)?, time(mtim, MTIM, MTIM_NOW)?))
}

/// Preview 1's `filestat`.
pub(super) struct FileStat {
    dev: u64,
    ino: u64,
    file_type: u8,
    nlink: u64,
    size: u64,
    /// Access, modification and status change times, in nanoseconds.
    times: [u64; 3],
}

/// Nanoseconds since the epoch; times before it wrap, as the `u64` of
/// preview 1 cannot hold them.
fn nanos(sec: i64, nsec: i64) -> u64 {
    (sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(nsec as u64)
}

impl FileStat {
    /// fstat(2) of `d`'s host object.
    pub(super) fn of(d: &Description) -> Result<FileStat> {
        let st: Stat = retry(|| rustix::fs::fstat(d))?;
        Ok(FileStat {
            dev: st.st_dev,
            ino: st.st_ino,
            file_type: rights::file_type(d, &st),
            nlink: st.st_nlink,
            size: st.st_size as u64,
            times: [
                nanos(st.st_atime, st.st_atime_nsec as i64),
                nanos(st.st_mtime, st.st_mtime_nsec as i64),
                nanos(st.st_ctime, st.st_ctime_nsec as i64),
            ],
        })
    }

    /// stat(2) of a path, through cap-std.
    pub(super) fn of_metadata(m: &cap_std::fs::Metadata) -> FileStat {
        use cap_std::fs::MetadataExt;
        let file_type = super::readdir::file_type_of(&m.file_type());
        FileStat {
            dev: m.dev(),
            ino: m.ino(),
            file_type,
            nlink: m.nlink(),
            size: m.size(),
            times: [
                nanos(m.atime(), m.atime_nsec()),
                nanos(m.mtime(), m.mtime_nsec()),
                nanos(m.ctime(), m.ctime_nsec()),
            ],
        }
    }
}

/// `filestat`: device, inode, file type (and 7 pad bytes), link count,
/// size, and the three times.
pub(super) fn put_filestat(mem: &mut Mem<'_>, out: u32, st: &FileStat) -> Result<()> {
    mem.check(out, 64)?;
    mem.put_u64(out, st.dev)?;
    mem.put_u64(out + 8, st.ino)?;
    mem.put(out + 16, &[st.file_type, 0, 0, 0, 0, 0, 0, 0])?;
    mem.put_u64(out + 24, st.nlink)?;
    mem.put_u64(out + 32, st.size)?;
    for (i, t) in st.times.iter().enumerate() {
        mem.put_u64(out + 40 + 8 * i as u32, *t)?;
    }
    Ok(())
}
