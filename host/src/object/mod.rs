//! The objects an open description refers to.
//!
//! On a Unix host every object is a real host descriptor, so the host
//! kernel keeps the offset and the status flags of the open description,
//! and applies its own checks (access mode, `EISDIR`, `ESPIPE`). vfd holds
//! exactly one host descriptor per open description.

mod dir;
mod file;
mod host;
mod stdio;

pub use dir::Directory;
pub use file::open;
pub use host::Ownership;
pub use stdio::Stdio;

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// What an open description refers to.
#[derive(Debug)]
pub enum Object {
    /// A host file opened through a mount.
    File(cap_std::fs::File),
    /// A host directory opened through a mount.
    Dir(Directory),
    /// One of the host's standard streams, lent to the guest.
    Stdio(Stdio, OwnedFd),
    /// A host descriptor handed in by the embedder.
    Host(OwnedFd),
}

impl Object {
    /// A short description for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::File(_) => "file",
            Object::Dir(_) => "directory",
            Object::Stdio(s, _) => s.name(),
            Object::Host(_) => "host descriptor",
        }
    }

    /// The directory, if this is one (for the `-at` calls).
    pub fn as_dir(&self) -> Option<&Directory> {
        match self {
            Object::Dir(d) => Some(d),
            _ => None,
        }
    }
}

impl AsFd for Object {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Object::File(f) => f.as_fd(),
            Object::Dir(d) => d.dir.as_fd(),
            Object::Stdio(_, fd) | Object::Host(fd) => fd.as_fd(),
        }
    }
}
