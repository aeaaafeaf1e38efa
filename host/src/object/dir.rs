//! Host directories opened through a mount.

use super::timestamps;
use crate::bindings::{DirEntry, Errno, FileType};
use crate::errno::from_io;
use cap_std::fs::Dir;
use vfd_core::Errno as CoreErrno;
use vfd_core::fs::readonly::OpenRequest;
use vfd_core::fs::{Kind, Times};

/// A host directory, and whether its mount lets the guest change it.
#[derive(Debug)]
pub struct Directory {
    /// The directory, as a capability: paths relative to it cannot leave it.
    pub dir: Dir,
    /// False under a read-only mount: changes through it fail as under a
    /// read-only bind mount on Linux (`rofs`, or what the path lookup
    /// finds first).
    pub writable: bool,
    /// Which mount it lies in: a rename between mounts is `xdev`, as
    /// between Linux mount points.
    pub mount: usize,
}

impl Directory {
    /// readdir(3) over the whole directory, without `.` and `..`.
    pub fn entries(&self) -> Result<Vec<DirEntry>, Errno> {
        let mut out = Vec::new();
        for entry in self.dir.entries()? {
            let entry = entry?;
            let file_type = entry
                .file_type()
                .map(|t| file_type_of(&t))
                .unwrap_or(FileType::Unknown);
            out.push(DirEntry {
                name: entry.file_name().to_string_lossy().into_owned(),
                file_type,
            });
        }
        Ok(out)
    }
}

/// The path calls' rules (`vfd_core::fs`) over a host directory: lookups
/// and changes through cap-std, which keeps every path inside the mount.
impl vfd_core::fs::Dir for Directory {
    type Stat = cap_std::fs::Metadata;

    fn stat(&self, rel: &str, follow: bool) -> Result<Self::Stat, CoreErrno> {
        let meta = if follow {
            self.dir.metadata(rel)
        } else {
            self.dir.symlink_metadata(rel)
        };
        meta.map_err(from_io)
    }

    fn kind(stat: &Self::Stat) -> Kind {
        use cap_std::fs::FileTypeExt;
        let t = stat.file_type();
        if t.is_dir() {
            Kind::Directory
        } else if t.is_file() {
            Kind::RegularFile
        } else if t.is_symlink() {
            Kind::Symlink
        } else if t.is_fifo() {
            Kind::Fifo
        } else if t.is_socket() {
            Kind::Socket
        } else {
            Kind::Other
        }
    }

    fn read_link(&self, rel: &str) -> Result<String, CoreErrno> {
        let target = self.dir.read_link(rel).map_err(from_io)?;
        // Guest paths are strings: a target that is not UTF-8 cannot be
        // followed by name.
        target
            .into_os_string()
            .into_string()
            .map_err(|_| CoreErrno::Inval)
    }

    fn write_refusal(&self, rel: &str, req: &OpenRequest) -> CoreErrno {
        super::readonly::write_refusal(self, rel, req)
    }

    fn writable(&self) -> bool {
        self.writable
    }

    fn mount(&self) -> usize {
        self.mount
    }

    fn mkdir(&self, rel: &str) -> Result<(), CoreErrno> {
        self.dir.create_dir(rel).map_err(from_io)
    }

    fn unlink(&self, rel: &str) -> Result<(), CoreErrno> {
        self.dir.remove_file(rel).map_err(from_io)
    }

    fn remove_dir(&self, rel: &str) -> Result<(), CoreErrno> {
        self.dir.remove_dir(rel).map_err(from_io)
    }

    fn rename(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), CoreErrno> {
        self.dir.rename(rel, &to.dir, to_rel).map_err(from_io)
    }

    /// cap-std refuses an absolute target (`EPERM`): the host would store
    /// a path that leads out of the mount.
    fn symlink(&self, target: &str, rel: &str) -> Result<(), CoreErrno> {
        self.dir.symlink(target, rel).map_err(from_io)
    }

    fn hard_link(&self, rel: &str, to: &Self, to_rel: &str) -> Result<(), CoreErrno> {
        self.dir.hard_link(rel, &to.dir, to_rel).map_err(from_io)
    }

    /// The inode is opened as a path only through cap-std (so the path
    /// stays inside the mount), then its times set through that
    /// descriptor: cap-std's own `set_times` cannot take a time before the
    /// epoch, which Linux can.
    fn set_times(&self, rel: &str, follow: bool, times: &Times) -> Result<(), CoreErrno> {
        let pinned = super::readonly::pin(self, rel, !follow)?;
        let times = timestamps(times);
        rustix::fs::utimensat(&pinned, "", &times, rustix::fs::AtFlags::EMPTY_PATH)
            .map_err(|e| CoreErrno::from(crate::bindings::Errno::from(e)))
    }
}

/// The WIT file type of a cap-std file type (without following symlinks).
pub fn file_type_of(t: &cap_std::fs::FileType) -> FileType {
    use cap_std::fs::FileTypeExt;
    if t.is_file() {
        FileType::RegularFile
    } else if t.is_dir() {
        FileType::Directory
    } else if t.is_symlink() {
        FileType::Symlink
    } else if t.is_fifo() {
        FileType::Pipe
    } else if t.is_socket() {
        FileType::SocketStream
    } else if t.is_char_device() {
        FileType::CharacterDevice
    } else if t.is_block_device() {
        FileType::BlockDevice
    } else {
        FileType::Unknown
    }
}
