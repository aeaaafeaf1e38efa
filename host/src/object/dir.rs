//! Host directories opened through a mount.

use super::readonly;
use crate::bindings::{DirEntry, Errno, FileType};
use cap_std::fs::Dir;

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

    /// mkdirat(2) of `path` under this directory: `Ok` if its mount lets
    /// the guest change it, else the error Linux gives under a read-only
    /// mount (`exist`, the parent's `noent` or `notdir`, else `rofs`).
    pub fn check_mkdir(&self, path: &str) -> Result<(), Errno> {
        self.check(|| readonly::mkdir(self, path))
    }

    /// unlinkat(2) of `path`: under a read-only mount, the parent's errors,
    /// then `isdir` for `.` and `..`, else `rofs`, even for a missing name.
    pub fn check_unlink(&self, path: &str) -> Result<(), Errno> {
        self.check(|| readonly::unlink(self, path))
    }

    /// unlinkat(2) with AT_REMOVEDIR of `path`: under a read-only mount,
    /// the parent's errors, then `inval` for `.` and `notempty` for `..`,
    /// else `rofs`, even for a missing name.
    pub fn check_remove_dir(&self, path: &str) -> Result<(), Errno> {
        self.check(|| readonly::remove_dir(self, path))
    }

    /// renameat(2) of `path` to `to_path` under `to` (in the same mount):
    /// under a read-only mount, the errors of both parents, then `busy` for
    /// `.` and `..`, else `rofs`, even for a missing name.
    pub fn check_rename(&self, path: &str, to: &Directory, to_path: &str) -> Result<(), Errno> {
        self.check(|| readonly::rename(self, path, to, to_path))
    }

    /// `Ok` under a writable mount, else the `refusal` of the read-only one.
    fn check(&self, refusal: impl FnOnce() -> Errno) -> Result<(), Errno> {
        if self.writable {
            Ok(())
        } else {
            Err(refusal())
        }
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
