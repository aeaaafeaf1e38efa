//! The objects an open description refers to.
//!
//! On a Unix host every object is a real host descriptor, so the host
//! kernel keeps the offset and the status flags of the open description,
//! and applies its own checks (access mode, `EISDIR`, `ESPIPE`). vfd holds
//! exactly one host descriptor per open description.

mod dir;
mod file;
mod file_or_dir;
mod readonly;
mod stdio;
mod times;
mod write;

pub use dir::Directory;
pub use file::open;
pub use file_or_dir::FileOrDir;
pub use stdio::{Stdio, host_stream};
pub use times::timestamps;
pub use write::WriteMode;

use crate::bindings::Errno;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// What an open description refers to.
#[derive(Debug)]
pub enum Object {
    /// A host file opened through a mount for writing.
    File(cap_std::fs::File),
    /// A host file or directory opened through a mount for reading only,
    /// without `O_DIRECTORY`.
    FileOrDir(FileOrDir),
    /// A host directory opened through a mount.
    Dir(Directory),
    /// The guest's fd 0, 1 or 2 as its table was built: the host's own
    /// stream, lent, or what the embedder set for it.
    Stdio(Stdio, OwnedFd),
    /// A host descriptor handed in by the embedder.
    Host(OwnedFd),
    /// One end of a pipe the guest made.
    Pipe(OwnedFd),
    /// A socket the guest made or accepted.
    Socket(OwnedFd),
}

impl Object {
    /// A short description for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::File(_) => "file",
            Object::FileOrDir(f) => f.kind(),
            Object::Dir(_) => "directory",
            Object::Stdio(s, _) => s.name(),
            Object::Host(_) => "host descriptor",
            Object::Pipe(_) => "pipe",
            Object::Socket(_) => "socket",
        }
    }

    /// Whether its mount lets the guest change it: false for a file or
    /// directory under a read-only mount (even one opened for reading),
    /// whose times cannot change, as under a read-only bind mount.
    pub fn on_writable_mount(&self) -> bool {
        match self {
            Object::FileOrDir(f) => f.writable(),
            Object::Dir(dir) => dir.writable,
            _ => true,
        }
    }

    /// The directory, if this is one (for the `-at` calls and readdir);
    /// `notdir` if it is not.
    pub fn as_dir(&self) -> Result<&Directory, Errno> {
        match self {
            Object::Dir(d) => Ok(d),
            Object::FileOrDir(f) => f.as_dir()?.ok_or(Errno::Notdir),
            _ => Err(Errno::Notdir),
        }
    }
}

impl AsFd for Object {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Object::File(f) => f.as_fd(),
            Object::FileOrDir(f) => f.as_fd(),
            Object::Dir(d) => d.dir.as_fd(),
            Object::Stdio(_, fd) | Object::Host(fd) | Object::Pipe(fd) | Object::Socket(fd) => {
                fd.as_fd()
            }
        }
    }
}
