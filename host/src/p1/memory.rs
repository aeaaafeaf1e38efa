//! The guest's linear memory as preview 1 calls see it: pointers and
//! lengths checked once, values little-endian and unaligned.
//!
//! A pointer or length that reaches outside the memory is `EFAULT`, as
//! Linux answers a bad user pointer, where wasmtime-wasi traps: every
//! error a guest can provoke is an errno. Alignment is not checked, as
//! Linux does not check it either.

use super::{Errno, Result};
use std::ops::Range;
use vfd_core::limits::PATH_MAX;

/// The memory a call works on: the module's exported `memory`, or none.
pub(crate) struct Mem<'a>(pub(crate) &'a mut [u8]);

impl Mem<'_> {
    /// The byte range `[ptr, ptr + len)`, if it lies inside the memory.
    pub(crate) fn range(&self, ptr: u32, len: u32) -> Result<Range<usize>> {
        let start = ptr as usize;
        let end = start
            .checked_add(len as usize)
            .filter(|&end| end <= self.0.len())
            .ok_or(Errno::FAULT)?;
        Ok(start..end)
    }

    pub(crate) fn bytes(&self, ptr: u32, len: u32) -> Result<&[u8]> {
        let range = self.range(ptr, len)?;
        Ok(&self.0[range])
    }

    pub(crate) fn bytes_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8]> {
        let range = self.range(ptr, len)?;
        Ok(&mut self.0[range])
    }

    /// A path argument: `ENAMETOOLONG` at `PATH_MAX` bytes or more before
    /// anything is read (Linux copies no more of a path), then `ILSEQ` if
    /// it is not UTF-8 (WASI paths are strings), as wasmtime-wasi answers.
    pub(crate) fn path(&self, ptr: u32, len: u32) -> Result<&str> {
        if len as usize >= PATH_MAX {
            return Err(Errno::NAMETOOLONG);
        }
        std::str::from_utf8(self.bytes(ptr, len)?).map_err(|_| Errno::ILSEQ)
    }

    fn array<const N: usize>(&self, ptr: u32) -> Result<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.bytes(ptr, N as u32)?);
        Ok(out)
    }

    pub(crate) fn u8(&self, ptr: u32) -> Result<u8> {
        Ok(self.array::<1>(ptr)?[0])
    }

    pub(crate) fn u16(&self, ptr: u32) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }

    pub(crate) fn u32(&self, ptr: u32) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }

    pub(crate) fn u64(&self, ptr: u32) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    pub(crate) fn put(&mut self, ptr: u32, bytes: &[u8]) -> Result<()> {
        self.bytes_mut(ptr, bytes.len() as u32)?
            .copy_from_slice(bytes);
        Ok(())
    }

    pub(crate) fn put_u16(&mut self, ptr: u32, v: u16) -> Result<()> {
        self.put(ptr, &v.to_le_bytes())
    }

    pub(crate) fn put_u32(&mut self, ptr: u32, v: u32) -> Result<()> {
        self.put(ptr, &v.to_le_bytes())
    }

    pub(crate) fn put_u64(&mut self, ptr: u32, v: u64) -> Result<()> {
        self.put(ptr, &v.to_le_bytes())
    }

    /// Fails unless `len` bytes at `ptr` can be written: results are
    /// checked before the call has any effect, so a bad result pointer
    /// changes nothing.
    pub(crate) fn check(&self, ptr: u32, len: u32) -> Result<()> {
        self.range(ptr, len).map(drop)
    }

    /// An array of `iovec`s or `ciovec`s (`{ buf: u32, buf_len: u32 }`,
    /// 8 bytes each), as byte ranges of the memory, empty ones left out.
    /// More than `IOV_MAX` is `EINVAL`, as readv(2) says. Nothing is
    /// allocated unless two or more buffers are not empty.
    pub(crate) fn iovecs(&self, ptr: u32, count: u32) -> Result<IoList> {
        if count > IOV_MAX {
            return Err(Errno::INVAL);
        }
        let table = self.bytes(ptr, count * 8)?;
        let mut list = IoList::None;
        for iov in table.chunks_exact(8) {
            let buf = u32::from_le_bytes(iov[..4].try_into().expect("4 bytes"));
            let len = u32::from_le_bytes(iov[4..].try_into().expect("4 bytes"));
            let range = self.range(buf, len)?;
            if range.is_empty() {
                continue;
            }
            list = match list {
                IoList::None => IoList::One(range),
                IoList::One(first) => IoList::Many(vec![first, range]),
                IoList::Many(mut all) => {
                    all.push(range);
                    IoList::Many(all)
                }
            };
        }
        Ok(list)
    }
}

/// The non-empty buffers of an iovec array.
pub(crate) enum IoList {
    None,
    One(Range<usize>),
    Many(Vec<Range<usize>>),
}

/// Linux's limit on the number of iovecs in one call (`UIO_MAXIOV`).
pub(crate) const IOV_MAX: u32 = 1024;
