//! A host file or directory opened for reading without `O_DIRECTORY`.

use super::Directory;
use crate::bindings::Errno;
use cap_std::fs::Dir;
use rustix::fs::FileType as HostType;
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd};
use std::sync::OnceLock;

/// What `open(path, O_RDONLY)` gives: a file, a directory or a FIFO, and
/// only the calls that use it as a directory (the `-at` calls and
/// readdir) need to know which. The host is asked then, once, instead of
/// with an `fstat` on every open for reading, which is most opens. The
/// kernel judges everything else itself: `read` of a directory is
/// `isdir`, and a FIFO open for reading can never raise SIGPIPE.
#[derive(Debug)]
pub struct FileOrDir {
    file: cap_std::fs::File,
    writable: bool,
    mount: usize,
    /// Set on first use as a directory: a view of `file`'s descriptor as
    /// a directory if the host says it is one. The view never closes the
    /// descriptor; `file` does.
    dir: OnceLock<Option<ManuallyDrop<Directory>>>,
}

impl FileOrDir {
    /// `file`, opened through a mount that is `writable` or not.
    pub fn new(file: cap_std::fs::File, writable: bool, mount: usize) -> Self {
        FileOrDir {
            file,
            writable,
            mount,
            dir: OnceLock::new(),
        }
    }

    /// Whether its mount lets the guest change it.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// The directory, if the descriptor is one.
    pub fn as_dir(&self) -> Result<Option<&Directory>, Errno> {
        if let Some(known) = self.dir.get() {
            return Ok(known.as_deref());
        }
        let is_dir =
            HostType::from_raw_mode(rustix::fs::fstat(&self.file)?.st_mode) == HostType::Directory;
        let view = is_dir.then(|| {
            // SAFETY: the view shares `file`'s open descriptor and is
            // never dropped (ManuallyDrop), so it never closes it; it
            // lives in the same value as `file` and is used only through
            // `&self`, so never after `file` is closed.
            let dir = unsafe { Dir::from_raw_fd(self.file.as_raw_fd()) };
            ManuallyDrop::new(Directory {
                dir,
                writable: self.writable,
                mount: self.mount,
            })
        });
        // Two threads may both look: either answer is the same.
        let _ = self.dir.set(view);
        Ok(self.dir.get().and_then(|d| d.as_deref()))
    }

    /// What it is, for messages (dev mode's reports, `VfdCtx::open_fds`):
    /// asked of the host each time unless known to be a directory, so the
    /// I/O path never pays for it.
    pub fn kind(&self) -> &'static str {
        if let Some(Some(_)) = self.dir.get() {
            return "directory";
        }
        match rustix::fs::fstat(&self.file).map(|st| HostType::from_raw_mode(st.st_mode)) {
            Ok(HostType::Directory) => "directory",
            Ok(HostType::Fifo) => "pipe",
            _ => "file",
        }
    }
}

impl AsFd for FileOrDir {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}
