//! Open descriptions: what `dup` shares.

use crate::object::{Object, WriteMode};
use std::fmt;
use std::io::IoSlice;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicU64, Ordering};

/// An open file description, shared (through an `Arc`) by every number that
/// `dup` made from the same `open`.
///
/// The offset and the status flags are not fields here: they live in the
/// host kernel's description behind `object`, which is exactly what POSIX
/// says `dup` shares. The object is released when the last number that
/// refers to it is closed.
pub struct Description {
    /// The real host object.
    pub object: Object,
    /// Where it came from (the path, `stdout`...), kept in dev mode only,
    /// for the report of descriptors left open.
    pub origin: Option<Box<str>>,
    /// How to write to it without raising SIGPIPE in the host, decided
    /// once, when the description is made.
    pub write_mode: WriteMode,
    /// Shared by the numbers that refer to this description, never reused
    /// (see `VfdCtx::descriptors`).
    pub id: u64,
    /// Lent by the host, which keeps a descriptor of its own for the
    /// object (see `VfdCtx::descriptors`).
    pub lent: bool,
    /// The guest path of the mount this description was preopened for, as
    /// preview 1's `fd_prestat_get` reports it (see
    /// `VfdCtxBuilder::preopen_mounts`).
    pub preopen: Option<Box<str>>,
}

/// The next description's id: process-wide, so two guests' views never
/// show one id for different descriptions.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Description {
    /// A description of `object`, remembering `origin` only when asked to.
    pub fn new(object: Object, origin: Option<&str>) -> Self {
        let write_mode = match &object {
            Object::File(_) | Object::FileOrDir(_) | Object::Dir(_) => WriteMode::Plain,
            Object::Pipe(_) => WriteMode::Pipe,
            Object::Socket(_) => WriteMode::Socket,
            Object::Stdio(_, fd) | Object::Host(fd) => WriteMode::of(fd.as_fd()),
        };
        Description {
            object,
            origin: origin.map(Box::from),
            write_mode,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            lent: false,
            preopen: None,
        }
    }

    /// This description, marked as lent by the host.
    pub fn lent(self, lent: bool) -> Self {
        Description { lent, ..self }
    }

    /// write(2), safe from SIGPIPE.
    pub fn write(&self, data: &[u8]) -> Result<usize, rustix::io::Errno> {
        self.write_mode.write(&self.object, data)
    }

    /// writev(2), safe from SIGPIPE.
    pub fn write_vectored(&self, data: &[IoSlice<'_>]) -> Result<usize, rustix::io::Errno> {
        self.write_mode.write_vectored(&self.object, data)
    }
}

impl AsFd for Description {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.object.as_fd()
    }
}

impl fmt::Debug for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.object.kind())?;
        if let Some(origin) = &self.origin {
            write!(f, " {origin}")?;
        }
        Ok(())
    }
}
