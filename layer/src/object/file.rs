//! Regular files (and anything else that is not a directory) opened
//! through a preopen: a wasi:filesystem descriptor.
//!
//! A wasi:filesystem descriptor has no offset: every read and write names
//! its position. The open description keeps the offset (see
//! `Description`), and this module only does positional I/O.

use super::fs_stat;
use crate::bindings::{Errno, FileStat};
use crate::errno;
use wasip2::filesystem::types::Descriptor;

/// A file opened through a preopen.
#[derive(Debug)]
pub struct File {
    /// The wasi:filesystem descriptor.
    pub fd: Descriptor,
}

impl File {
    /// pread(2): `len` bytes at `offset`, fewer only at end of file, as
    /// Linux reads a regular file. The runtime may return less per call
    /// (wasmtime: 64 KiB), so this asks again until `len` or the end; the
    /// caller caps `len`.
    pub fn read_at(&self, len: u32, offset: u64) -> Result<Vec<u8>, Errno> {
        let len = u64::from(len);
        let (first, mut end) = self.fd.read(len, offset).map_err(errno::fs)?;
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
