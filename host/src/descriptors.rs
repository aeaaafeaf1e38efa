//! The `descriptors` interface: POSIX descriptor calls on the guest's table.
//!
//! The table decides numbers (lowest free, limits, `dup` rules); the host
//! kernel does the I/O on the one host descriptor behind each open
//! description, so offsets, append and non-blocking behave as on Linux
//! because they *are* Linux's.

use crate::VfdCtx;
use crate::bindings::vfd::posix::descriptors::Host;
use crate::bindings::{
    AccessMode, Advice, DirEntry, Errno, FdFlags, FileStat, FileType, NewTimestamp, OpenFlags,
    StatusFlags, Timestamp, Whence,
};
use crate::description::Description;
use crate::object;
use crate::object::Directory;
use rustix::event::{PollFd as HostPollFd, PollFlags};
use rustix::fs::{Advice as HostAdvice, FileType as HostType, OFlags, SeekFrom};
use std::mem::MaybeUninit;
use std::num::NonZeroU64;
use std::sync::Arc;
use vfd_core::fs as rules;
use vfd_core::fs::Times;
use vfd_core::io::check_offset;
use vfd_core::limits::MAX_READ_LEN;
use vfd_core::paths::{AT_FDCWD, Resolved};

impl VfdCtx {
    /// The open description behind `fd`.
    pub(crate) fn desc(&self, fd: u32) -> Result<&Arc<Description>, Errno> {
        Ok(&self.table.get(fd)?.object)
    }

    /// Resolve `path` for an `-at` call: absolute through the mounts,
    /// relative through the cwd or through the directory `dir`.
    pub(crate) fn resolve(&self, dir: u32, path: &str) -> Result<Resolved<'_, Directory>, Errno> {
        let dir_of = |fd| -> Result<&Directory, vfd_core::Errno> {
            let found = self.desc(fd).and_then(|d| d.object.as_dir());
            found.map_err(vfd_core::Errno::from)
        };
        Ok(rules::resolve(
            self.mounts.paths(),
            &self.cwd,
            dir,
            path,
            dir_of,
        )?)
    }

    /// What a new description is, for dev mode's report; nothing is
    /// allocated otherwise.
    pub(crate) fn origin(&self, what: impl FnOnce() -> String) -> Option<String> {
        self.dev_mode.then(what)
    }
}

/// Retry a host call interrupted by a signal: the guest has no signal
/// handlers, so it must never see `intr` for the host's own signals.
pub(crate) fn retry<T>(mut call: impl FnMut() -> rustix::io::Result<T>) -> Result<T, Errno> {
    loop {
        match call() {
            Err(rustix::io::Errno::INTR) => continue,
            other => return other.map_err(Errno::from),
        }
    }
}

/// [`retry`] for a call that can wait (a read or write of a pipe or a
/// socket, an accept): when the interruption was a table request
/// ([`request_table`](crate::trace::request_table)), `intr`, for the call
/// to be made again once the table is printed (see `trace::interrupted`).
pub(crate) fn retry_blocking<T>(
    mut call: impl FnMut() -> rustix::io::Result<T>,
) -> Result<T, Errno> {
    loop {
        match call() {
            Err(rustix::io::Errno::INTR) if crate::trace::table_requested() => {
                return Err(Errno::Intr);
            }
            Err(rustix::io::Errno::INTR) => continue,
            other => return other.map_err(Errno::from),
        }
    }
}

/// A buffer of at most `len` (and at most [`MAX_READ_LEN`]) bytes, filled
/// by `call`, which returns how many bytes it wrote into it.
pub(crate) fn read_buffer(
    len: u32,
    mut call: impl FnMut(&mut [MaybeUninit<u8>]) -> rustix::io::Result<usize>,
) -> Result<Vec<u8>, Errno> {
    let mut buf = Vec::with_capacity(len.min(MAX_READ_LEN) as usize);
    let n = retry_blocking(|| call(buf.spare_capacity_mut()))?;
    // SAFETY: the host call initialised the first `n` bytes of the spare
    // capacity it was given.
    unsafe { buf.set_len(n) };
    Ok(buf)
}

fn read_into(d: &Description, len: u32, offset: Option<u64>) -> Result<Vec<u8>, Errno> {
    read_buffer(len, |spare| {
        let (filled, _) = match offset {
            None => rustix::io::read(d, spare)?,
            Some(off) => rustix::io::pread(d, spare, off)?,
        };
        Ok(filled.len())
    })
}

/// A `write` (no offset) or `pwrite` whose arguments have been checked,
/// holding its open description so that the bytes can be borrowed from the
/// guest's memory afterwards (see `descriptors_linker`).
pub(crate) struct PendingWrite {
    desc: Arc<Description>,
    offset: Option<u64>,
}

impl PendingWrite {
    /// write(2) or pwrite(2) of `data`; returns how many bytes went.
    pub(crate) fn write(&self, data: &[u8]) -> Result<u32, Errno> {
        let n = match self.offset {
            None => retry_blocking(|| self.desc.write(data))?,
            Some(offset) => retry_blocking(|| rustix::io::pwrite(&*self.desc, data, offset))?,
        };
        Ok(n as u32)
    }

    /// Wait until the description takes a write (poll(2) for `POLLOUT`, or
    /// an error or hangup, which the next write reports): for a writer that
    /// must write everything on a non-blocking description.
    pub(crate) fn wait_writable(&self) -> Result<(), Errno> {
        let mut fds = [HostPollFd::new(&*self.desc, PollFlags::OUT)];
        crate::poll::wait_until(&mut fds, None)
    }
}

impl VfdCtx {
    /// Checks a write's arguments in Linux's order: the offset, then `fd`.
    pub(crate) fn pending_write(
        &self,
        fd: u32,
        offset: Option<u64>,
    ) -> Result<PendingWrite, Errno> {
        let offset = offset.map(check_offset).transpose()?;
        let desc = self.desc(fd)?.clone();
        Ok(PendingWrite { desc, offset })
    }
}

fn status_of(flags: OFlags) -> StatusFlags {
    let mut out = StatusFlags::empty();
    if flags.contains(OFlags::APPEND) {
        out |= StatusFlags::APPEND;
    }
    if flags.contains(OFlags::NONBLOCK) {
        out |= StatusFlags::NONBLOCK;
    }
    out
}

fn timestamp(seconds: i64, nanoseconds: i64) -> Timestamp {
    Timestamp {
        seconds,
        nanoseconds: nanoseconds.clamp(0, 999_999_999) as u32,
    }
}

fn file_type_of_mode(mode: u32) -> FileType {
    match HostType::from_raw_mode(mode) {
        HostType::RegularFile => FileType::RegularFile,
        HostType::Directory => FileType::Directory,
        HostType::Symlink => FileType::Symlink,
        HostType::Fifo => FileType::Pipe,
        HostType::Socket => FileType::SocketStream,
        HostType::CharacterDevice => FileType::CharacterDevice,
        HostType::BlockDevice => FileType::BlockDevice,
        HostType::Unknown => FileType::Unknown,
    }
}

fn stat_of_metadata(m: &cap_std::fs::Metadata) -> FileStat {
    use cap_std::fs::MetadataExt;
    FileStat {
        file_type: file_type_of_mode(m.mode()),
        size: m.size(),
        inode: m.ino(),
        link_count: m.nlink(),
        access_time: timestamp(m.atime(), m.atime_nsec()),
        modify_time: timestamp(m.mtime(), m.mtime_nsec()),
        change_time: timestamp(m.ctime(), m.ctime_nsec()),
    }
}

impl Host for VfdCtx {
    fn open(&mut self, path: String, flags: OpenFlags) -> Result<u32, Errno> {
        self.open_at(AT_FDCWD, path, flags)
    }

    fn open_at(&mut self, dir: u32, path: String, flags: OpenFlags) -> Result<u32, Errno> {
        let directory = flags.contains(OpenFlags::DIRECTORY);
        rules::check_open(&self.table, directory, flags.contains(OpenFlags::CREATE))?;
        let at = self.resolve(dir, &path)?;
        let object = object::open(at.root, &at.rel, flags)?;
        let desc = Arc::new(Description::new(
            object,
            self.origin(|| path.clone()).as_deref(),
        ));
        Ok(self
            .table
            .insert(desc, flags.contains(OpenFlags::CLOEXEC))?)
    }

    fn close(&mut self, fd: u32) -> Result<(), Errno> {
        match self.table.remove(fd) {
            // The description goes with its last number, silently.
            Ok(_) => Ok(()),
            Err(e) => {
                self.warn("close", fd, "not open (a double close?)");
                Err(e.into())
            }
        }
    }

    fn dup(&mut self, fd: u32) -> Result<u32, Errno> {
        Ok(self.table.dup(fd)?)
    }

    // The description displaced by dup2 and dup3, if any, is released
    // silently when it is dropped here, as Linux drops its close errors.
    fn dup2(&mut self, fd: u32, target: u32) -> Result<u32, Errno> {
        self.table.dup2(fd, target)?;
        Ok(target)
    }

    fn dup3(&mut self, fd: u32, target: u32, flags: FdFlags) -> Result<u32, Errno> {
        self.table
            .dup3(fd, target, flags.contains(FdFlags::CLOEXEC))?;
        Ok(target)
    }

    fn dup_min(&mut self, fd: u32, min: u32, flags: FdFlags) -> Result<u32, Errno> {
        Ok(self
            .table
            .dup_min(fd, min, flags.contains(FdFlags::CLOEXEC))?)
    }

    fn read(&mut self, fd: u32, len: u32) -> Result<Vec<u8>, Errno> {
        read_into(self.desc(fd)?, len, None)
    }

    fn write(&mut self, fd: u32, data: Vec<u8>) -> Result<u32, Errno> {
        self.pending_write(fd, None)?.write(&data)
    }

    fn pread(&mut self, fd: u32, len: u32, offset: u64) -> Result<Vec<u8>, Errno> {
        let offset = check_offset(offset)?;
        read_into(self.desc(fd)?, len, Some(offset))
    }

    fn pwrite(&mut self, fd: u32, data: Vec<u8>, offset: u64) -> Result<u32, Errno> {
        self.pending_write(fd, Some(offset))?.write(&data)
    }

    fn seek(&mut self, fd: u32, offset: i64, whence: Whence) -> Result<u64, Errno> {
        let d = self.desc(fd)?;
        let pos = match whence {
            // A negative start is handed on as is: Linux answers `inval`
            // for a file and `spipe` for a pipe, and so does the kernel here.
            Whence::Set => SeekFrom::Start(offset as u64),
            Whence::Cur => SeekFrom::Current(offset),
            Whence::End => SeekFrom::End(offset),
        };
        retry(|| rustix::fs::seek(d, pos))
    }

    fn stat(&mut self, fd: u32) -> Result<FileStat, Errno> {
        let d = self.desc(fd)?;
        let st = retry(|| rustix::fs::fstat(d))?;
        let mut file_type = file_type_of_mode(st.st_mode);
        if file_type == FileType::SocketStream
            && rustix::net::sockopt::socket_type(d) == Ok(rustix::net::SocketType::DGRAM)
        {
            file_type = FileType::SocketDgram;
        }
        Ok(FileStat {
            file_type,
            size: st.st_size as u64,
            inode: st.st_ino,
            link_count: st.st_nlink,
            access_time: timestamp(st.st_atime, st.st_atime_nsec as i64),
            modify_time: timestamp(st.st_mtime, st.st_mtime_nsec as i64),
            change_time: timestamp(st.st_ctime, st.st_ctime_nsec as i64),
        })
    }

    fn stat_at(&mut self, dir: u32, path: String, follow: bool) -> Result<FileStat, Errno> {
        let at = self.resolve(dir, &path)?;
        Ok(stat_of_metadata(&rules::stat_at(&at, follow)?))
    }

    fn truncate(&mut self, fd: u32, size: u64) -> Result<(), Errno> {
        let size = check_offset(size)?;
        let d = self.desc(fd)?;
        retry(|| rustix::fs::ftruncate(d, size))
    }

    fn sync(&mut self, fd: u32) -> Result<(), Errno> {
        let d = self.desc(fd)?;
        retry(|| rustix::fs::fsync(d))
    }

    fn set_times(
        &mut self,
        fd: u32,
        access: NewTimestamp,
        modify: NewTimestamp,
    ) -> Result<(), Errno> {
        let times = Times::new(access, modify);
        Ok(rules::set_times(
            &times,
            || self.desc(fd).map_err(Into::into),
            |d| d.object.on_writable_mount(),
            |d| retry(|| rustix::fs::futimens(d, &object::timestamps(&times))).map_err(Into::into),
        )?)
    }

    fn advise(&mut self, fd: u32, offset: u64, len: u64, advice: Advice) -> Result<(), Errno> {
        let d = self.desc(fd)?;
        let (offset, len) = (check_offset(offset)?, check_offset(len)?);
        let advice = match advice {
            Advice::Normal => HostAdvice::Normal,
            Advice::Sequential => HostAdvice::Sequential,
            Advice::Random => HostAdvice::Random,
            Advice::WillNeed => HostAdvice::WillNeed,
            Advice::DontNeed => HostAdvice::DontNeed,
            Advice::NoReuse => HostAdvice::NoReuse,
        };
        retry(|| rustix::fs::fadvise(d, offset, NonZeroU64::new(len), advice))
    }

    /// fallocate(2) with no mode bits, which is what posix_fallocate(3)
    /// asks of Linux.
    fn allocate(&mut self, fd: u32, offset: u64, len: u64) -> Result<(), Errno> {
        let d = self.desc(fd)?;
        let (offset, len) = (check_offset(offset)?, check_offset(len)?);
        let mode = rustix::fs::FallocateFlags::empty();
        retry(|| rustix::fs::fallocate(d, mode, offset, len))
    }

    fn get_fd_flags(&mut self, fd: u32) -> Result<FdFlags, Errno> {
        let entry = self.table.get(fd)?;
        Ok(if entry.cloexec {
            FdFlags::CLOEXEC
        } else {
            FdFlags::empty()
        })
    }

    fn set_fd_flags(&mut self, fd: u32, flags: FdFlags) -> Result<(), Errno> {
        self.table.get_mut(fd)?.cloexec = flags.contains(FdFlags::CLOEXEC);
        Ok(())
    }

    fn get_status_flags(&mut self, fd: u32) -> Result<StatusFlags, Errno> {
        let d = self.desc(fd)?;
        Ok(status_of(retry(|| rustix::fs::fcntl_getfl(d))?))
    }

    fn set_status_flags(&mut self, fd: u32, flags: StatusFlags) -> Result<(), Errno> {
        let d = self.desc(fd)?;
        let mut host = retry(|| rustix::fs::fcntl_getfl(d))?;
        host.set(OFlags::APPEND, flags.contains(StatusFlags::APPEND));
        host.set(OFlags::NONBLOCK, flags.contains(StatusFlags::NONBLOCK));
        retry(|| rustix::fs::fcntl_setfl(d, host))
    }

    fn get_access_mode(&mut self, fd: u32) -> Result<AccessMode, Errno> {
        let d = self.desc(fd)?;
        let host = retry(|| rustix::fs::fcntl_getfl(d))?;
        Ok(match host & OFlags::ACCMODE {
            OFlags::WRONLY => AccessMode::WriteOnly,
            OFlags::RDWR => AccessMode::ReadWrite,
            _ => AccessMode::ReadOnly,
        })
    }

    fn is_terminal(&mut self, fd: u32) -> Result<bool, Errno> {
        Ok(rustix::termios::isatty(self.desc(fd)?))
    }

    fn read_dir(&mut self, fd: u32) -> Result<Vec<DirEntry>, Errno> {
        self.desc(fd)?.object.as_dir()?.entries()
    }

    fn mkdir_at(&mut self, dir: u32, path: String) -> Result<(), Errno> {
        Ok(rules::mkdir_at(&self.resolve(dir, &path)?)?)
    }

    fn unlink_at(&mut self, dir: u32, path: String) -> Result<(), Errno> {
        Ok(rules::unlink_at(&self.resolve(dir, &path)?)?)
    }

    fn remove_dir_at(&mut self, dir: u32, path: String) -> Result<(), Errno> {
        Ok(rules::remove_dir_at(&self.resolve(dir, &path)?)?)
    }

    fn rename_at(
        &mut self,
        dir: u32,
        path: String,
        new_dir: u32,
        new_path: String,
    ) -> Result<(), Errno> {
        let resolve = |dir, path: &str| self.resolve(dir, path).map_err(vfd_core::Errno::from);
        Ok(rules::rename_at(
            || resolve(dir, &path),
            || resolve(new_dir, &new_path),
        )?)
    }

    fn symlink_at(&mut self, target: String, dir: u32, path: String) -> Result<(), Errno> {
        Ok(rules::symlink_at(&target, || {
            self.resolve(dir, &path).map_err(Into::into)
        })?)
    }

    fn readlink_at(&mut self, dir: u32, path: String) -> Result<String, Errno> {
        Ok(rules::read_link_at(&self.resolve(dir, &path)?)?)
    }

    fn link_at(
        &mut self,
        dir: u32,
        path: String,
        new_dir: u32,
        new_path: String,
    ) -> Result<(), Errno> {
        let resolve = |dir, path: &str| self.resolve(dir, path).map_err(vfd_core::Errno::from);
        Ok(rules::link_at(
            || resolve(dir, &path),
            || resolve(new_dir, &new_path),
        )?)
    }

    fn set_times_at(
        &mut self,
        dir: u32,
        path: String,
        access: NewTimestamp,
        modify: NewTimestamp,
        follow: bool,
    ) -> Result<(), Errno> {
        let times = Times::new(access, modify);
        Ok(rules::set_times_at(&times, follow, || {
            self.resolve(dir, &path).map_err(Into::into)
        })?)
    }

    fn chdir(&mut self, path: String) -> Result<(), Errno> {
        Ok(rules::chdir::<_, Directory>(
            self.mounts.paths(),
            &mut self.cwd,
            &path,
        )?)
    }

    fn getcwd(&mut self) -> String {
        self.cwd.clone()
    }
}
