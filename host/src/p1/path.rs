//! The `path_*` calls: each resolves its path through the table and the
//! mounts (`vfd_core::fs::resolve`) and then applies the same rules as the
//! WIT's `-at` calls.

use super::fd::{put_filestat, times};
use super::rights::{FD_READ, FD_READDIR, FD_WRITE, fdflags};
use super::{Errno, Result, functions};
use crate::VfdView;
use crate::bindings::OpenFlags;
use crate::bindings::vfd::posix::descriptors::Host as Descriptors;
use vfd_core::fs as rules;
use wasmtime::Linker;

/// `lookupflags`: follow a final symlink.
const SYMLINK_FOLLOW: u32 = 1;

/// `oflags`.
const CREAT: u32 = 1 << 0;
const DIRECTORY: u32 = 1 << 1;
const EXCL: u32 = 1 << 2;
const TRUNC: u32 = 1 << 3;

pub(super) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    functions! { linker,
        "path_open" => |mem, data, fd: u32, lookup: u32, path: u32, len: u32, oflags: u32,
                        base: u64, _inheriting: u64, fdflags: u32, out: u32| {
            mem.check(out, 4)?;
            let flags = open_flags(lookup, oflags, base, fdflags)?;
            let path = mem.path(path, len)?.to_owned();
            let new = data.vfd().open_at(fd, path, flags)?;
            mem.put_u32(out, new)
        };
        "path_create_directory" => |mem, data, fd: u32, path: u32, len: u32| {
            Ok(data.vfd().mkdir_at(fd, mem.path(path, len)?.to_owned())?)
        };
        "path_remove_directory" => |mem, data, fd: u32, path: u32, len: u32| {
            Ok(data.vfd().remove_dir_at(fd, mem.path(path, len)?.to_owned())?)
        };
        "path_unlink_file" => |mem, data, fd: u32, path: u32, len: u32| {
            Ok(data.vfd().unlink_at(fd, mem.path(path, len)?.to_owned())?)
        };
        "path_rename" => |mem, data, fd: u32, path: u32, len: u32, new_fd: u32, new_path: u32, new_len: u32| {
            let path = mem.path(path, len)?.to_owned();
            let new_path = mem.path(new_path, new_len)?.to_owned();
            Ok(data.vfd().rename_at(fd, path, new_fd, new_path)?)
        };
        "path_filestat_get" => |mem, data, fd: u32, lookup: u32, path: u32, len: u32, out: u32| {
            mem.check(out, 64)?;
            let follow = follow(lookup)?;
            let vfd = data.vfd();
            let at = vfd.resolve(fd, mem.path(path, len)?)?;
            let meta = rules::stat_at(&at, follow)?;
            put_filestat(mem, out, &super::fd::FileStat::of_metadata(&meta))
        };
        "path_filestat_set_times" => |mem, data, fd: u32, lookup: u32, path: u32, len: u32,
                                      atim: u64, mtim: u64, flags: u32| {
            let follow = follow(lookup)?;
            let (access, modify) = times(atim, mtim, flags)?;
            let path = mem.path(path, len)?.to_owned();
            Ok(data.vfd().set_times_at(fd, path, access, modify, follow)?)
        };
        "path_symlink" => |mem, data, old_path: u32, old_len: u32, fd: u32, path: u32, len: u32| {
            let target = mem.path(old_path, old_len)?.to_owned();
            let path = mem.path(path, len)?.to_owned();
            Ok(data.vfd().symlink_at(target, fd, path)?)
        };
        "path_readlink" => |mem, data, fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32| {
            mem.check(out, 4)?;
            mem.check(buf, buf_len)?;
            // readlink(2) with no room is EINVAL.
            if buf_len == 0 {
                return Err(Errno::INVAL);
            }
            let target = data.vfd().readlink_at(fd, mem.path(path, len)?.to_owned())?;
            // readlink(2): as much of the target as fits, no NUL.
            let n = target.len().min(buf_len as usize);
            mem.put(buf, &target.as_bytes()[..n])?;
            mem.put_u32(out, n as u32)
        };
        "path_link" => |mem, data, fd: u32, lookup: u32, path: u32, len: u32,
                       new_fd: u32, new_path: u32, new_len: u32| {
            // linkat(2) with AT_SYMLINK_FOLLOW would link the symlink's
            // target; vfd links the name itself only (see the README).
            if follow(lookup)? {
                return Err(Errno::NOTSUP);
            }
            let path = mem.path(path, len)?.to_owned();
            let new_path = mem.path(new_path, new_len)?.to_owned();
            Ok(data.vfd().link_at(fd, path, new_fd, new_path)?)
        };
    }
    Ok(())
}

fn follow(lookup: u32) -> Result<bool> {
    match lookup {
        0 => Ok(false),
        SYMLINK_FOLLOW => Ok(true),
        _ => Err(Errno::INVAL),
    }
}

/// open(2)'s flags from `path_open`'s arguments. The access mode comes
/// from the rights asked for (wasi-libc asks for `FD_READ`/`FD_READDIR`
/// for `O_RDONLY`, `FD_WRITE` for `O_WRONLY`, both for `O_RDWR`); neither
/// is a read-only open, as `O_RDONLY` is 0 on Linux.
fn open_flags(lookup: u32, oflags: u32, base: u64, fdflags: u32) -> Result<OpenFlags> {
    if oflags & !(CREAT | DIRECTORY | EXCL | TRUNC) != 0 || fdflags & !u32::from(fdflags::ALL) != 0
    {
        return Err(Errno::INVAL);
    }
    // vfd opens have no O_SYNC/O_DSYNC (wasmtime-wasi refuses them too).
    if fdflags & u32::from(fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
        return Err(Errno::NOTSUP);
    }
    let mut flags = OpenFlags::empty();
    let write = base & FD_WRITE != 0;
    if base & (FD_READ | FD_READDIR) != 0 || !write {
        flags |= OpenFlags::READ;
    }
    for (set, flag) in [
        (write, OpenFlags::WRITE),
        (oflags & CREAT != 0, OpenFlags::CREATE),
        (oflags & DIRECTORY != 0, OpenFlags::DIRECTORY),
        (oflags & EXCL != 0, OpenFlags::EXCLUSIVE),
        (oflags & TRUNC != 0, OpenFlags::TRUNCATE),
        (fdflags & u32::from(fdflags::APPEND) != 0, OpenFlags::APPEND),
        (
            fdflags & u32::from(fdflags::NONBLOCK) != 0,
            OpenFlags::NONBLOCK,
        ),
        (!follow(lookup)?, OpenFlags::NOFOLLOW),
    ] {
        if set {
            flags |= flag;
        }
    }
    Ok(flags)
}
