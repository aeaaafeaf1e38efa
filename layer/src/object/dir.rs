//! Directories: a preopen (a mount) or a directory opened under one.

use super::{File, Object, file_type_of, fs_stat};
use crate::bindings::{DirEntry, Errno, FileStat, FileType, OpenFlags};
use crate::errno;
use vfd_core::Errno as CoreErrno;
use vfd_core::fs::{Kind, SetTime, Times};
use wasip2::clocks::wall_clock::Datetime;
use wasip2::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorType, ErrorCode, NewTimestamp, PathFlags,
};

/// A wasi:filesystem directory descriptor, and where it lies.
#[derive(Debug)]
pub struct Directory {
    /// The descriptor: paths relative to it cannot leave its preopen.
    pub fd: Descriptor,
    /// False under a read-only preopen (one the runtime gave without
    /// `mutate-directory`): changes fail as under a read-only bind mount
    /// on Linux (see `vfd_core::fs::readonly`).
    pub writable: bool,
    /// Which mount it lies in: a rename between mounts is `xdev`, as
    /// between Linux mount points.
    pub mount: usize,
}

impl Directory {
    /// A preopen given by the runtime, as mount number `mount`.
    pub fn preopen(fd: Descriptor, mount: usize) -> Directory {
        let writable = fd
            .get_flags()
            .is_ok_and(|f| f.contains(DescriptorFlags::MUTATE_DIRECTORY));
        Directory {
            fd,
            writable,
            mount,
        }
    }

    /// readdir(3) over the whole directory, without `.` and `..`.
    pub fn entries(&self) -> Result<Vec<DirEntry>, Errno> {
        let stream = self.fd.read_directory().map_err(errno::fs)?;
        let mut out = Vec::new();
        while let Some(entry) = stream.read_directory_entry().map_err(errno::fs)? {
            if entry.name == "." || entry.name == ".." {
                continue;
            }
            out.push(DirEntry {
                name: entry.name,
                file_type: file_type_of(entry.type_),
            });
        }
        Ok(out)
    }

    /// fstatat(2) of `path` under this directory.
    pub fn stat_at(&self, path: &str, follow: bool) -> Result<FileStat, Errno> {
        let flags = path_flags(follow);
        let stat = self.fd.stat_at(flags, path).map_err(errno::fs)?;
        let hash = self.fd.metadata_hash_at(flags, path).map_err(errno::fs)?;
        Ok(super::stat_of(&stat, hash.lower))
    }

    /// Whether `path` names a symlink itself.
    fn is_symlink(&self, path: &str) -> bool {
        self.fd
            .stat_at(PathFlags::empty(), path)
            .is_ok_and(|s| s.type_ == DescriptorType::SymbolicLink)
    }

    /// fstat(2).
    pub fn stat(&self) -> Result<FileStat, Errno> {
        fs_stat(&self.fd)
    }
}

/// The path calls' rules (`vfd_core::fs`) over a wasi:filesystem
/// directory, which keeps every path inside its preopen.
impl vfd_core::fs::Dir for Directory {
    type Stat = FileStat;

    fn stat(&self, rel: &str, follow: bool) -> Result<FileStat, CoreErrno> {
        Ok(self.stat_at(rel, follow)?)
    }

    fn kind(stat: &FileStat) -> Kind {
        match stat.file_type {
            FileType::Directory => Kind::Directory,
            FileType::RegularFile => Kind::RegularFile,
            FileType::Symlink => Kind::Symlink,
            FileType::Pipe => Kind::Fifo,
            FileType::SocketStream | FileType::SocketDgram => Kind::Socket,
            FileType::CharacterDevice | FileType::BlockDevice | FileType::Unknown => Kind::Other,
        }
    }

    fn read_link(&self, rel: &str) -> Result<String, CoreErrno> {
        Ok(self.fd.readlink_at(rel).map_err(errno::fs)?)
    }

    /// One `stat-at`, without the metadata hash `stat` adds for the inode.
    fn is_dir(&self, rel: &str, follow: bool) -> Result<bool, CoreErrno> {
        let stat = self
            .fd
            .stat_at(path_flags(follow), rel)
            .map_err(errno::fs)?;
        Ok(stat.type_ == DescriptorType::Directory)
    }

    fn writable(&self) -> bool {
        self.writable
    }

    fn mount(&self) -> usize {
        self.mount
    }

    fn mkdir(&self, rel: &str) -> Result<(), CoreErrno> {
        Ok(self.fd.create_directory_at(rel).map_err(errno::fs)?)
    }

    fn unlink(&self, rel: &str) -> Result<(), CoreErrno> {
        Ok(self.fd.unlink_file_at(rel).map_err(errno::fs)?)
    }

    fn remove_dir(&self, rel: &str) -> Result<(), CoreErrno> {
        Ok(self.fd.remove_directory_at(rel).map_err(errno::fs)?)
    }

    fn rename(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), CoreErrno> {
        Ok(self.fd.rename_at(rel, &to.fd, to_rel).map_err(errno::fs)?)
    }

    fn symlink(&self, target: &str, rel: &str) -> Result<(), CoreErrno> {
        Ok(self.fd.symlink_at(target, rel).map_err(errno::fs)?)
    }

    fn hard_link(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), CoreErrno> {
        Ok(self
            .fd
            .link_at(PathFlags::empty(), rel, &to.fd, to_rel)
            .map_err(errno::fs)?)
    }

    fn set_times(&self, rel: &str, follow: bool, times: &Times) -> Result<(), CoreErrno> {
        let (atime, mtime) = new_timestamps(times)?;
        Ok(self
            .fd
            .set_times_at(path_flags(follow), rel, atime, mtime)
            .map_err(errno::fs)?)
    }
}

/// A file's new times as wasi:filesystem takes them. Its `datetime`
/// cannot be before the epoch: such a time is `EOVERFLOW`.
pub fn new_timestamps(times: &Times) -> Result<(NewTimestamp, NewTimestamp), CoreErrno> {
    let new = |time| -> Result<NewTimestamp, CoreErrno> {
        Ok(match time {
            SetTime::Omit => NewTimestamp::NoChange,
            SetTime::Now => NewTimestamp::Now,
            SetTime::At {
                seconds,
                nanoseconds,
            } => NewTimestamp::Timestamp(Datetime {
                seconds: u64::try_from(seconds).map_err(|_| CoreErrno::Overflow)?,
                nanoseconds,
            }),
        })
    };
    Ok((new(times.access)?, new(times.modification)?))
}

/// The lookup flags of a call that follows a final symlink or not.
fn path_flags(follow: bool) -> PathFlags {
    if follow {
        PathFlags::SYMLINK_FOLLOW
    } else {
        PathFlags::empty()
    }
}

impl Directory {
    /// open(2) of `path` under this directory, with the guest's flags.
    ///
    /// wasi:filesystem resolves the path inside the preopen, refusing `..`
    /// and symlinks that lead out. The flags decide the object: with
    /// `O_DIRECTORY` a directory, which serves the `-at` calls; for
    /// writing a file, read and written at positions; for reading only a
    /// file that is asked whether it is a directory when a call needs to
    /// know (see [`File::unsorted`]).
    pub fn open(&self, path: &str, flags: OpenFlags) -> Result<Object, Errno> {
        use wasip2::filesystem::types::OpenFlags as Wasi;
        let write = flags.contains(OpenFlags::WRITE);
        let truncate = flags.contains(OpenFlags::TRUNCATE);
        let directory = flags.contains(OpenFlags::DIRECTORY);
        let nofollow = flags.contains(OpenFlags::NOFOLLOW);
        let mut open = Wasi::empty();
        if flags.contains(OpenFlags::CREATE) {
            open |= Wasi::CREATE;
            // O_EXCL means nothing without O_CREAT on Linux.
            if flags.contains(OpenFlags::EXCLUSIVE) {
                open |= Wasi::EXCLUSIVE;
            }
        }
        // With O_DIRECTORY, Linux looks the path up first and only then
        // refuses to write or truncate the directory it found (`isdir`);
        // wasi:filesystem refuses `directory` with `truncate` outright, so
        // that open is made read-only and judged here.
        if directory {
            open |= Wasi::DIRECTORY;
        } else if truncate {
            open |= Wasi::TRUNCATE;
        }
        let follow = if nofollow {
            PathFlags::empty()
        } else {
            PathFlags::SYMLINK_FOLLOW
        };
        // O_RDONLY is 0: with neither read nor write, the file is read-only.
        let mut access = DescriptorFlags::empty();
        if flags.contains(OpenFlags::READ) || !write || directory {
            access |= DescriptorFlags::READ;
        }
        if write && !directory {
            access |= DescriptorFlags::WRITE;
        }
        let fd = match self.fd.open_at(follow, path, open, access) {
            Ok(fd) => fd,
            // O_DIRECTORY|O_NOFOLLOW on a symlink: Linux checks for a
            // directory before refusing the link (`notdir`, not `loop`).
            Err(ErrorCode::Loop)
                if directory && nofollow && self.is_symlink(path.trim_end_matches('/')) =>
            {
                return Err(Errno::Notdir);
            }
            Err(e) => return Err(errno::fs(e)),
        };
        if directory && (write || truncate) {
            return Err(Errno::Isdir);
        }
        if directory {
            // The runtime refuses `directory` on anything else.
            return Ok(Object::Dir(Directory {
                fd,
                writable: self.writable,
                mount: self.mount,
            }));
        }
        if !write {
            return Ok(Object::File(File::unsorted(fd, self.writable, self.mount)));
        }
        // Opened for writing, so not a directory (the runtime says `isdir`).
        Ok(Object::File(File::new(fd)))
    }
}
