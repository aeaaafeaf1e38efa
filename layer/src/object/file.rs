//! Regular files (and anything else that is not a directory) opened
//! through a preopen: a wasi:filesystem descriptor.
//!
//! A wasi:filesystem descriptor has no offset: every read and write names
//! its position. The open description keeps the offset (see
//! `Description`), and this module only does positional I/O.

use super::{Directory, fs_stat};
use crate::bindings::{Errno, FileStat};
use crate::errno;
use std::cell::OnceCell;
use wasip2::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorType, OpenFlags, PathFlags,
};

/// A file opened through a preopen.
#[derive(Debug)]
pub struct File {
    /// The wasi:filesystem descriptor.
    pub fd: Descriptor,
    /// For an open for reading without `O_DIRECTORY` (see [`Unsorted`]).
    unsorted: Option<Unsorted>,
}

/// What `open(path, O_RDONLY)` gives may be a file or a directory, and
/// only a few calls need to know which: the `-at` calls and readdir
/// through it, and `read`, `pread` and `lseek`, which answer differently
/// for a directory only when they fail or go past a file's largest
/// offset. The runtime is asked then, once, instead of with `get-type`
/// on every open for reading, which is most opens.
#[derive(Debug)]
struct Unsorted {
    /// Where the directory would lie, as for [`Directory`].
    writable: bool,
    mount: usize,
    /// Whether it is a directory, once asked.
    is_dir: OnceCell<bool>,
    /// Once used as a directory: a second descriptor for it (`.` opened
    /// through the first, as wasi has no `dup`).
    dir: OnceCell<Directory>,
}

impl File {
    /// A descriptor known not to be a directory.
    pub fn new(fd: Descriptor) -> File {
        File { fd, unsorted: None }
    }

    /// A descriptor opened for reading without `O_DIRECTORY`, under a
    /// mount that is `writable` or not.
    pub fn unsorted(fd: Descriptor, writable: bool, mount: usize) -> File {
        File {
            fd,
            unsorted: Some(Unsorted {
                writable,
                mount,
                is_dir: OnceCell::new(),
                dir: OnceCell::new(),
            }),
        }
    }

    /// Whether its mount lets the guest change it: a file opened for
    /// writing lies in a writable one.
    pub fn on_writable_mount(&self) -> bool {
        self.unsorted.as_ref().is_none_or(|u| u.writable)
    }

    /// Whether the descriptor is a directory.
    pub fn is_dir(&self) -> Result<bool, Errno> {
        let Some(u) = &self.unsorted else {
            return Ok(false);
        };
        if let Some(&known) = u.is_dir.get() {
            return Ok(known);
        }
        let is_dir = self.fd.get_type().map_err(errno::fs)? == DescriptorType::Directory;
        Ok(*u.is_dir.get_or_init(|| is_dir))
    }

    /// The directory, if the descriptor is one.
    pub fn as_dir(&self) -> Result<Option<&Directory>, Errno> {
        let Some(u) = &self.unsorted else {
            return Ok(None);
        };
        if !self.is_dir()? {
            return Ok(None);
        }
        if let Some(dir) = u.dir.get() {
            return Ok(Some(dir));
        }
        let fd = self
            .fd
            .open_at(
                PathFlags::empty(),
                ".",
                OpenFlags::DIRECTORY,
                DescriptorFlags::READ,
            )
            .map_err(errno::fs)?;
        Ok(Some(u.dir.get_or_init(|| Directory {
            fd,
            writable: u.writable,
            mount: u.mount,
        })))
    }

    /// pread(2): `len` bytes at `offset`, fewer only at end of file, as
    /// Linux reads a regular file. The runtime may return less per call
    /// (wasmtime: 64 KiB), so this asks again until `len` or the end; the
    /// caller caps `len`.
    pub fn read_at(&self, len: u32, offset: u64) -> Result<Vec<u8>, Errno> {
        let len = u64::from(len);
        let (first, mut end) = match self.fd.read(len, offset) {
            Ok(got) => got,
            // Linux reads a directory with `isdir`; runtimes differ
            // (wasmtime: `bad-descriptor`).
            Err(_) if self.is_dir()? => return Err(Errno::Isdir),
            Err(e) => return Err(errno::fs(e)),
        };
        if end || first.is_empty() || first.len() as u64 >= len {
            return Ok(first);
        }
        // One buffer of the size asked for (at most the caller's cap),
        // filled chunk by chunk, rather than a buffer regrown each time.
        let mut data = Vec::with_capacity(len as usize);
        data.extend_from_slice(&first);
        drop(first);
        while !end && (data.len() as u64) < len {
            let at = offset.saturating_add(data.len() as u64);
            let (more, more_end) = match self.fd.read(len - data.len() as u64, at) {
                Ok(got) => got,
                // What was read is the answer; the error comes next call.
                Err(_) => break,
            };
            if more.is_empty() {
                break;
            }
            data.extend_from_slice(&more);
            end = more_end;
        }
        Ok(data)
    }

    /// pwrite(2): write `data` at `offset`, returning how much went in.
    pub fn write_at(&self, data: &[u8], offset: u64) -> Result<u32, Errno> {
        let n = self.fd.write(data, offset).map_err(errno::fs)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The file's size now: where an `append` write lands, and what
    /// SEEK_END counts from.
    pub fn size(&self) -> Result<u64, Errno> {
        Ok(self.fd.stat().map_err(errno::fs)?.size)
    }

    /// fstat(2).
    pub fn stat(&self) -> Result<FileStat, Errno> {
        fs_stat(&self.fd)
    }

    /// ftruncate(2).
    pub fn set_size(&self, size: u64) -> Result<(), Errno> {
        self.fd.set_size(size).map_err(errno::fs)
    }

    /// fsync(2).
    pub fn sync(&self) -> Result<(), Errno> {
        self.fd.sync().map_err(errno::fs)
    }
}
