//! The `descriptors` interface: POSIX descriptor calls on the guest's
//! table.
//!
//! The table (`vfd_core::table`, shared with the host build) decides
//! numbers; the open description does the I/O on its object and keeps the
//! offset.

use crate::Layer;
use crate::bindings::exports::vfd::posix::descriptors::Guest;
use crate::bindings::{
    AccessMode, DirEntry, Errno, FdFlags, FileStat, FileType, OpenFlags, StatusFlags, Whence,
};
use crate::description::Description;
use crate::errno;
use crate::object::Dir;
use crate::readonly;
use crate::state::{self, State};
use vfd_core::paths::{self, AT_FDCWD, Resolved, parent_of, trim_trailing_slashes};

/// Linux checks offsets and lengths before the descriptor: past the
/// largest file offset is `inval` even on a bad fd.
fn check_offset(offset: u64) -> Result<u64, Errno> {
    if offset > i64::MAX as u64 {
        return Err(Errno::Inval);
    }
    Ok(offset)
}

/// The flags of a directory that may be changed, or the refusal of a
/// read-only mount.
fn writable_or(at: &Dir, refusal: impl FnOnce() -> Errno) -> Result<(), Errno> {
    if at.writable { Ok(()) } else { Err(refusal()) }
}

/// Whether the last component of `at`, not followed if it is a symlink,
/// is a directory.
fn lstat_is_dir(at: &Resolved<'_, Dir>) -> Result<bool, Errno> {
    at.root.is_dir(at.rel.trim_end_matches('/'), false)
}

/// That the directory holding the last component of `at` exists and is a
/// directory (following symlinks, as a path walk does): `noent` or
/// `notdir` as Linux's lookup of the parent gives them.
fn check_parent(at: &Resolved<'_, Dir>) -> Result<(), Errno> {
    if at.root.is_dir(parent_of(&at.rel), true)? {
        Ok(())
    } else {
        Err(Errno::Notdir)
    }
}

impl State {
    /// openat(2).
    pub fn open_at(&mut self, dir: u32, path: &str, flags: OpenFlags) -> Result<u32, Errno> {
        // Linux's order: flag errors, then a free number, then the path;
        // so a full table creates and truncates nothing.
        if flags.contains(OpenFlags::DIRECTORY | OpenFlags::CREATE) {
            return Err(Errno::Inval);
        }
        self.check_room()?;
        let at = self.resolve(dir, path)?;
        let mut host_flags = flags;
        if !at.root.writable
            && flags.intersects(OpenFlags::WRITE | OpenFlags::TRUNCATE | OpenFlags::CREATE)
        {
            readonly::check_open(at.root, &at.rel, flags)?;
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

    fn mkdir_at(&self, dir: u32, path: &str) -> Result<(), Errno> {
        let at = self.resolve(dir, path)?;
        writable_or(at.root, || readonly::mkdir(at.root, &at.rel))?;
        at.root.fd.create_directory_at(&at.rel).map_err(errno::fs)
    }

    fn unlink_at(&self, dir: u32, path: &str) -> Result<(), Errno> {
        let at = self.resolve(dir, path)?;
        writable_or(at.root, || readonly::unlink(at.root, &at.rel))?;
        if at.rel.ends_with('/') {
            // Linux looks at the last component itself, never through a
            // final symlink: `dir/` is `isdir`, anything else `notdir`.
            return Err(if lstat_is_dir(&at)? {
                Errno::Isdir
            } else {
                Errno::Notdir
            });
        }
        at.root.fd.unlink_file_at(&at.rel).map_err(errno::fs)
    }

    fn remove_dir_at(&self, dir: u32, path: &str) -> Result<(), Errno> {
        let at = self.resolve(dir, path)?;
        if at.mount_point {
            return Err(Errno::Busy);
        }
        writable_or(at.root, || readonly::remove_dir(at.root, &at.rel))?;
        if at.rel.ends_with('/') && !lstat_is_dir(&at)? {
            return Err(Errno::Notdir);
        }
        at.root
            .fd
            .remove_directory_at(trim_trailing_slashes(&at.rel))
            .map_err(errno::fs)
    }

    fn rename_at(&self, dir: u32, path: &str, new_dir: u32, new_path: &str) -> Result<(), Errno> {
        // Linux's order: the old name's parent is looked up, then the new
        // one's, before the mounts are compared or the names looked at.
        let from = self.resolve(dir, path)?;
        check_parent(&from)?;
        let to = self.resolve(new_dir, new_path)?;
        check_parent(&to)?;
        if from.root.mount != to.root.mount || from.mount_point || to.mount_point {
            return Err(Errno::Xdev);
        }
        writable_or(from.root, || {
            readonly::rename(from.root, &from.rel, to.root, &to.rel)
        })?;
        // A trailing slash on either name is only for a directory.
        if (from.rel.ends_with('/') || to.rel.ends_with('/')) && !lstat_is_dir(&from)? {
            return Err(Errno::Notdir);
        }
        from.root
            .fd
            .rename_at(
                trim_trailing_slashes(&from.rel),
                &to.root.fd,
                trim_trailing_slashes(&to.rel),
            )
            .map_err(errno::fs)
    }

    fn chdir(&mut self, path: &str) -> Result<(), Errno> {
        paths::check_path(path)?;
        let target = paths::normalize(&self.cwd, path);
        // The directories leading to mount points exist in the guest's
        // namespace even where no preopen has that name.
        if !self.mounts.is_virtual_dir(&target) {
            let at = self.resolve(AT_FDCWD, path)?;
            if !at.root.is_dir(&at.rel, true)? {
                return Err(Errno::Notdir);
            }
        }
        self.cwd = target;
        Ok(())
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
        state::with(|s| {
            let at = s.resolve(dir, &path)?;
            if at.rel.ends_with('/') {
                // A trailing slash makes Linux follow a final symlink
                // whatever the flags, and accept only a directory.
                let stat = at.root.stat_at(&at.rel, true)?;
                if stat.file_type != FileType::Directory {
                    return Err(Errno::Notdir);
                }
                return Ok(stat);
            }
            at.root.stat_at(&at.rel, follow)
        })
    }

    fn truncate(fd: u32, size: u64) -> Result<(), Errno> {
        let size = check_offset(size)?;
        state::with(|s| s.desc(fd)?.truncate(size))
    }

    fn sync(fd: u32) -> Result<(), Errno> {
        state::with(|s| s.desc(fd)?.sync())
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
        state::with(|s| s.mkdir_at(dir, &path))
    }

    fn unlink_at(dir: u32, path: String) -> Result<(), Errno> {
        state::with(|s| s.unlink_at(dir, &path))
    }

    fn remove_dir_at(dir: u32, path: String) -> Result<(), Errno> {
        state::with(|s| s.remove_dir_at(dir, &path))
    }

    fn rename_at(dir: u32, path: String, new_dir: u32, new_path: String) -> Result<(), Errno> {
        state::with(|s| s.rename_at(dir, &path, new_dir, &new_path))
    }

    fn chdir(path: String) -> Result<(), Errno> {
        state::with(|s| s.chdir(&path))
    }

    fn getcwd() -> String {
        state::with(|s| s.cwd.clone())
    }
}
