//! Host directories opened through a mount.

use crate::bindings::{DirEntry, Errno, FileType};
use cap_std::fs::Dir;

/// A host directory, and whether its mount lets the guest change it.
#[derive(Debug)]
pub struct Directory {
    /// The directory, as a capability: paths relative to it cannot leave it.
    pub dir: Dir,
    /// False under a read-only mount: changes through it are `rofs`.
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

    /// Refuse a change under a read-only mount. Like Linux, a path that
    /// does not exist is reported as such first, except where the call
    /// itself would create it.
    pub fn check_writable(&self, path: &str, creates: bool) -> Result<(), Errno> {
        if self.writable {
            return Ok(());
        }
        match self.dir.symlink_metadata(path) {
            Ok(_) if creates => Err(Errno::Exist),
            Ok(_) => Err(Errno::Rofs),
            Err(e) => match Errno::from(e) {
                Errno::Noent if creates => Err(Errno::Rofs),
                other => Err(other),
            },
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
