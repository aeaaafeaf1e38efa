//! The `descriptors` interface: POSIX descriptor calls on the guest's
//! table.
//!
//! The table (`vfd_core::table`, shared with the host build) decides
//! numbers; the open description does the I/O on its object and keeps the
//! offset.

use crate::Layer;
use crate::bindings::exports::vfd::posix::descriptors::Guest;
use crate::bindings::{
    AccessMode, Advice, DirEntry, Errno, FdFlags, FileStat, NewTimestamp, OpenFlags, StatusFlags,
    Whence,
};
use crate::description::Description;
use crate::object::Directory;
use crate::state::{self, State};
use vfd_core::fs as rules;
use vfd_core::fs::Times;
use vfd_core::fs::readonly::{Allowed, OpenRequest};
use vfd_core::io::check_offset;
use vfd_core::paths::AT_FDCWD;

vfd_core::open_request_from!(OpenFlags);
vfd_core::set_time_from!(NewTimestamp);

impl State {
    /// openat(2).
    pub fn open_at(&mut self, dir: u32, path: &str, flags: OpenFlags) -> Result<u32, Errno> {
        let directory = flags.contains(OpenFlags::DIRECTORY);
        rules::check_open(&self.table, directory, flags.contains(OpenFlags::CREATE))?;
        let at = self.resolve(dir, path)?;
        let mut host_flags = flags;
        if !at.root.writable
            && flags.intersects(OpenFlags::WRITE | OpenFlags::TRUNCATE | OpenFlags::CREATE)
        {
            match rules::readonly::open(at.root, &at.rel, &OpenRequest::from(flags))? {
                Allowed::ReadOnly => {}
                // wasi:filesystem writes nothing under a read-only preopen,
                // not even to a FIFO, which Linux would allow.
                Allowed::Fifo => return Err(Errno::Rofs),
            }
            // Never a flag that could write: a file removed since the
            // check is then not created inside the read-only mount.
            host_flags -=
                OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::EXCLUSIVE | OpenFlags::TRUNCATE;
        }
        let object = at.root.open(&at.rel, host_flags)?;
        let access = match (
            flags.contains(OpenFlags::READ),
            flags.contains(OpenFlags::WRITE),
        ) {
            (_, false) => AccessMode::ReadOnly,
            (false, true) => AccessMode::WriteOnly,
            (true, true) => AccessMode::ReadWrite,
        };
        let mut status = StatusFlags::empty();
        if flags.contains(OpenFlags::APPEND) {
            status |= StatusFlags::APPEND;
        }
        if flags.contains(OpenFlags::NONBLOCK) {
            status |= StatusFlags::NONBLOCK;
        }
        let desc = Description::new(object, access, status);
        self.insert(desc, flags.contains(OpenFlags::CLOEXEC))
    }
}

impl Guest for Layer {
    fn open(path: String, flags: OpenFlags) -> Result<u32, Errno> {
        state::with(|s| s.open_at(AT_FDCWD, &path, flags))
    }

    fn open_at(dir: u32, path: String, flags: OpenFlags) -> Result<u32, Errno> {
        state::with(|s| s.open_at(dir, &path, flags))
    }

    fn close(fd: u32) -> Result<(), Errno> {
        // The description goes with its last number, silently; it is
        // dropped outside the state's borrow.
        let entry = state::with(|s| s.table.remove(fd))?;
        drop(entry);
        Ok(())
    }

    fn dup(fd: u32) -> Result<u32, Errno> {
        Ok(state::with(|s| s.table.dup(fd))?)
    }

    // The description displaced by dup2 and dup3, if any, is released
    // silently (Linux drops its close errors), outside the state's borrow
    // as a close's is.
    fn dup2(fd: u32, target: u32) -> Result<u32, Errno> {
        let displaced = state::with(|s| s.table.dup2(fd, target))?;
        drop(displaced);
        Ok(target)
    }

    fn dup3(fd: u32, target: u32, flags: FdFlags) -> Result<u32, Errno> {
        let cloexec = flags.contains(FdFlags::CLOEXEC);
        let displaced = state::with(|s| s.table.dup3(fd, target, cloexec))?;
        drop(displaced);
        Ok(target)
    }

    fn dup_min(fd: u32, min: u32, flags: FdFlags) -> Result<u32, Errno> {
        let cloexec = flags.contains(FdFlags::CLOEXEC);
        Ok(state::with(|s| s.table.dup_min(fd, min, cloexec))?)
    }

    fn read(fd: u32, len: u32) -> Result<Vec<u8>, Errno> {
        state::with(|s| s.desc(fd)?.read(len))
    }

    fn write(fd: u32, data: Vec<u8>) -> Result<u32, Errno> {
        state::with(|s| s.desc(fd)?.write(&data))
    }

    fn pread(fd: u32, len: u32, offset: u64) -> Result<Vec<u8>, Errno> {
        let offset = check_offset(offset)?;
        state::with(|s| s.desc(fd)?.pread(len, offset))
    }

    fn pwrite(fd: u32, data: Vec<u8>, offset: u64) -> Result<u32, Errno> {
        let offset = check_offset(offset)?;
        state::with(|s| s.desc(fd)?.pwrite(&data, offset))
    }

    fn seek(fd: u32, offset: i64, whence: Whence) -> Result<u64, Errno> {
        state::with(|s| s.desc(fd)?.seek(offset, whence))
    }

    fn stat(fd: u32) -> Result<FileStat, Errno> {
        state::with(|s| s.desc(fd)?.stat())
    }

    fn stat_at(dir: u32, path: String, follow: bool) -> Result<FileStat, Errno> {
        state::with(|s| Ok(rules::stat_at(&s.resolve(dir, &path)?, follow)?))
    }

    fn truncate(fd: u32, size: u64) -> Result<(), Errno> {
        let size = check_offset(size)?;
        state::with(|s| s.desc(fd)?.truncate(size))
    }

    fn sync(fd: u32) -> Result<(), Errno> {
        state::with(|s| s.desc(fd)?.sync())
    }

    fn set_times(fd: u32, access: NewTimestamp, modify: NewTimestamp) -> Result<(), Errno> {
        let times = Times::new(access, modify);
        state::with(|s| {
            Ok(rules::set_times(
                &times,
                || s.desc(fd).map_err(Into::into),
                |d| d.object.on_writable_mount(),
                |d| d.set_times(&times).map_err(Into::into),
            )?)
        })
    }

    fn advise(fd: u32, offset: u64, len: u64, advice: Advice) -> Result<(), Errno> {
        state::with(|s| s.desc(fd)?.advise(offset, len, advice))
    }

    /// wasi:filesystem has no fallocate: after the checks Linux makes
    /// first, `notsup`, as Linux answers for a file system without it.
    fn allocate(fd: u32, offset: u64, len: u64) -> Result<(), Errno> {
        state::with(|s| {
            s.desc(fd)?;
            check_offset(offset)?;
            if check_offset(len)? == 0 {
                return Err(Errno::Inval);
            }
            Err(Errno::Notsup)
        })
    }

    fn get_fd_flags(fd: u32) -> Result<FdFlags, Errno> {
        state::with(|s| {
            let entry = s.table.get(fd)?;
            Ok(if entry.cloexec {
                FdFlags::CLOEXEC
            } else {
                FdFlags::empty()
            })
        })
    }

    fn set_fd_flags(fd: u32, flags: FdFlags) -> Result<(), Errno> {
        state::with(|s| {
            s.table.get_mut(fd)?.cloexec = flags.contains(FdFlags::CLOEXEC);
            Ok(())
        })
    }

    fn get_status_flags(fd: u32) -> Result<StatusFlags, Errno> {
        state::with(|s| Ok(s.desc(fd)?.status()))
    }

    fn set_status_flags(fd: u32, flags: StatusFlags) -> Result<(), Errno> {
        state::with(|s| {
            s.desc(fd)?.set_status(flags);
            Ok(())
        })
    }

    fn get_access_mode(fd: u32) -> Result<AccessMode, Errno> {
        state::with(|s| Ok(s.desc(fd)?.access))
    }

    fn is_terminal(fd: u32) -> Result<bool, Errno> {
        state::with(|s| Ok(s.desc(fd)?.is_terminal()))
    }

    fn read_dir(fd: u32) -> Result<Vec<DirEntry>, Errno> {
        state::with(|s| s.desc(fd)?.object.as_dir()?.entries())
    }

    fn mkdir_at(dir: u32, path: String) -> Result<(), Errno> {
        state::with(|s| Ok(rules::mkdir_at(&s.resolve(dir, &path)?)?))
    }

    fn unlink_at(dir: u32, path: String) -> Result<(), Errno> {
        state::with(|s| Ok(rules::unlink_at(&s.resolve(dir, &path)?)?))
    }

    fn remove_dir_at(dir: u32, path: String) -> Result<(), Errno> {
        state::with(|s| Ok(rules::remove_dir_at(&s.resolve(dir, &path)?)?))
    }

    fn rename_at(dir: u32, path: String, new_dir: u32, new_path: String) -> Result<(), Errno> {
        state::with(|s| {
            let resolve = |dir, path: &str| s.resolve(dir, path).map_err(vfd_core::Errno::from);
            Ok(rules::rename_at(
                || resolve(dir, &path),
                || resolve(new_dir, &new_path),
            )?)
        })
    }

    fn symlink_at(target: String, dir: u32, path: String) -> Result<(), Errno> {
        state::with(|s| {
            Ok(rules::symlink_at(&target, || {
                s.resolve(dir, &path).map_err(Into::into)
            })?)
        })
    }

    fn readlink_at(dir: u32, path: String) -> Result<String, Errno> {
        state::with(|s| Ok(rules::read_link_at(&s.resolve(dir, &path)?)?))
    }

    fn link_at(dir: u32, path: String, new_dir: u32, new_path: String) -> Result<(), Errno> {
        state::with(|s| {
            let resolve = |dir, path: &str| s.resolve(dir, path).map_err(vfd_core::Errno::from);
            Ok(rules::link_at(
                || resolve(dir, &path),
                || resolve(new_dir, &new_path),
            )?)
        })
    }

    fn set_times_at(
        dir: u32,
        path: String,
        access: NewTimestamp,
        modify: NewTimestamp,
        follow: bool,
    ) -> Result<(), Errno> {
        let times = Times::new(access, modify);
        state::with(|s| {
            Ok(rules::set_times_at(&times, follow, || {
                s.resolve(dir, &path).map_err(Into::into)
            })?)
        })
    }

    fn chdir(path: String) -> Result<(), Errno> {
        state::with(|s| Ok(rules::chdir::<_, Directory>(&s.mounts, &mut s.cwd, &path)?))
    }

    fn getcwd() -> String {
        state::with(|s| s.cwd.clone())
    }
}
