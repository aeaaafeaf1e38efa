//! Open descriptions: what `dup` shares.
//!
//! In the host build the host kernel keeps the offset and the status flags
//! behind one host descriptor. Here the objects have no offset of their
//! own (a wasi:filesystem descriptor is positional), so the description
//! keeps it: one description, one offset, shared by every duplicate,
//! moved by `read`, `write` and `seek`, and never by `pread`/`pwrite`.

use crate::bindings::{AccessMode, Errno, FileStat, FileType, StatusFlags, Whence};
use crate::object::pipe::PipeError;
use crate::object::{Object, memory_stat};
use std::cell::Cell;
use vfd_core::limits::{MAX_OFFSET, MAX_READ_LEN};

/// The largest offset `lseek` gives a regular file: ext4's largest file
/// (2^32 - 1 blocks of 4 KiB), past which Linux's lseek is `inval`. The
/// real limit is the filesystem's `s_maxbytes`, which wasi:filesystem does
/// not tell; ext4 is the most common answer (tmpfs and xfs allow up to
/// `loff_t`'s limit).
const MAX_FILE_OFFSET: u64 = ((1 << 32) - 1) * 4096;

/// An open file description, shared (through an `Rc`) by every number that
/// `dup` made from the same `open`.
#[derive(Debug)]
pub struct Description {
    /// The object.
    pub object: Object,
    /// How it was opened (O_ACCMODE).
    pub access: AccessMode,
    /// O_APPEND and O_NONBLOCK.
    status: Cell<StatusFlags>,
    /// The file offset, for objects that have one.
    offset: Cell<u64>,
}

impl Description {
    /// A description of `object` opened with `access` and `status`.
    pub fn new(object: Object, access: AccessMode, status: StatusFlags) -> Self {
        Description {
            object,
            access,
            status: Cell::new(status & (StatusFlags::APPEND | StatusFlags::NONBLOCK)),
            offset: Cell::new(0),
        }
    }

    /// fcntl(2) F_GETFL without the access mode.
    pub fn status(&self) -> StatusFlags {
        self.status.get()
    }

    /// fcntl(2) F_SETFL: only `append` and `nonblock` are kept.
    pub fn set_status(&self, flags: StatusFlags) {
        self.status
            .set(flags & (StatusFlags::APPEND | StatusFlags::NONBLOCK));
    }

    fn nonblock(&self) -> bool {
        self.status.get().contains(StatusFlags::NONBLOCK)
    }

    fn append(&self) -> bool {
        self.status.get().contains(StatusFlags::APPEND)
    }

    fn readable(&self) -> bool {
        self.access != AccessMode::WriteOnly
    }

    fn writable(&self) -> bool {
        self.access != AccessMode::ReadOnly
    }

    /// read(2): at most `len` bytes (and at most [`MAX_READ_LEN`]).
    pub fn read(&self, len: u32) -> Result<Vec<u8>, Errno> {
        if !self.readable() {
            return Err(Errno::Badf);
        }
        let len = len.min(MAX_READ_LEN);
        if self.object.seekable() {
            check_span(self.offset.get(), u64::from(len))?;
        }
        match &self.object {
            Object::File(f) => {
                let offset = self.offset.get();
                let data = f.read_at(len, offset)?;
                self.offset.set(offset + data.len() as u64);
                Ok(data)
            }
            Object::Dir(_) => Err(Errno::Isdir),
            Object::Stdio(s) => s.read(len, self.nonblock()),
            Object::Pipe(p) => {
                let mut pipe = p.pipe.borrow_mut();
                pipe.read(len as usize, self.nonblock()).map_err(pipe_errno)
            }
            Object::SocketPair(s) => s.read(len as usize, self.nonblock()).map_err(pipe_errno),
            Object::Net(n) => n.read(len, self.nonblock()),
        }
    }

    /// write(2): at the offset, or at the end for an `append`
    /// description; the offset then points after what was written.
    pub fn write(&self, data: &[u8]) -> Result<u32, Errno> {
        if !self.writable() {
            return Err(Errno::Badf);
        }
        if self.object.seekable() {
            // Linux checks the offset, not the end an append lands at.
            check_span(self.offset.get(), data.len() as u64)?;
        }
        match &self.object {
            // Linux returns before an append moves the offset to the end
            // (generic_write_checks): writing nothing changes nothing.
            Object::File(_) if data.is_empty() => Ok(0),
            Object::File(f) => {
                // O_APPEND: at the file's size now. (Atomic as on Linux
                // only within this instance: another writer of the same
                // host file may slip in between the stat and the write.)
                let at = if self.append() {
                    f.size()?
                } else {
                    self.offset.get()
                };
                let n = f.write_at(data, at)?;
                self.offset.set(at + u64::from(n));
                Ok(n)
            }
            // A directory is never open for writing: the access check above
            // answers first, as on Linux.
            Object::Dir(_) => Err(Errno::Isdir),
            Object::Stdio(s) => s.write(data, self.nonblock()),
            // Linux: a write of nothing to a pipe succeeds before the
            // pipe is even looked at (no EPIPE without a reader).
            Object::Pipe(_) if data.is_empty() => Ok(0),
            Object::Pipe(p) => {
                let mut pipe = p.pipe.borrow_mut();
                let n = pipe.write(data, self.nonblock()).map_err(pipe_errno)?;
                Ok(n as u32)
            }
            Object::SocketPair(s) => {
                let n = s.write(data, self.nonblock()).map_err(pipe_errno)?;
                Ok(n as u32)
            }
            Object::Net(n) => n.write(data, self.nonblock()),
        }
    }

    /// pread(2): read at `offset`; the description's offset stays.
    pub fn pread(&self, len: u32, offset: u64) -> Result<Vec<u8>, Errno> {
        // Linux's order: no offset (ESPIPE), then the access mode, then
        // what the object is.
        if !self.object.seekable() {
            return Err(Errno::Spipe);
        }
        if !self.readable() {
            return Err(Errno::Badf);
        }
        let len = len.min(MAX_READ_LEN);
        check_span(offset, u64::from(len))?;
        match &self.object {
            Object::File(f) => f.read_at(len, offset),
            _ => Err(Errno::Isdir),
        }
    }

    /// pwrite(2): write at `offset`, or at the end for an `append`
    /// description (Linux); the description's offset stays.
    pub fn pwrite(&self, data: &[u8], offset: u64) -> Result<u32, Errno> {
        if !self.object.seekable() {
            return Err(Errno::Spipe);
        }
        if !self.writable() {
            return Err(Errno::Badf);
        }
        check_span(offset, data.len() as u64)?;
        match &self.object {
            Object::File(f) => {
                let at = if self.append() { f.size()? } else { offset };
                f.write_at(data, at)
            }
            _ => Err(Errno::Isdir),
        }
    }

    /// lseek(2): the new offset. Past the end is allowed, before 0 or past
    /// the largest offset is `inval`: for a regular file, past ext4's
    /// largest file ([`MAX_FILE_OFFSET`]); for a directory, past `loff_t`.
    pub fn seek(&self, offset: i64, whence: Whence) -> Result<u64, Errno> {
        let base = match (&self.object, whence) {
            (o, _) if !o.seekable() => return Err(Errno::Spipe),
            (_, Whence::Set) => 0,
            (_, Whence::Cur) => self.offset.get(),
            // A directory's end is its filesystem's to say on Linux, and
            // wasi:filesystem does not tell it: this is ext4's (the end of
            // its hash space, the largest offset), the most common answer;
            // tmpfs and overlayfs say `inval` instead.
            (Object::Dir(_), Whence::End) => MAX_OFFSET,
            (Object::File(f), Whence::End) if f.is_dir()? => MAX_OFFSET,
            (Object::File(f), Whence::End) => f.size()?,
            _ => return Err(Errno::Spipe),
        };
        let new = seek_target(base, offset, MAX_OFFSET)?;
        // Whether a file or a directory is asked only past a file's limit.
        if new > MAX_FILE_OFFSET
            && let Object::File(f) = &self.object
            && !f.is_dir()?
        {
            return Err(Errno::Inval);
        }
        self.offset.set(new);
        Ok(new)
    }

    /// fstat(2).
    pub fn stat(&self) -> Result<FileStat, Errno> {
        match &self.object {
            Object::File(f) => f.stat(),
            Object::Dir(d) => d.stat(),
            Object::Stdio(s) => Ok(memory_stat(
                if s.is_terminal() {
                    FileType::CharacterDevice
                } else {
                    FileType::Unknown
                },
                0,
            )),
            Object::Pipe(p) => Ok(memory_stat(FileType::Pipe, p.pipe.borrow().id)),
            Object::SocketPair(s) => Ok(memory_stat(FileType::SocketStream, s.id())),
            Object::Net(n) => Ok(memory_stat(n.file_type(), n.id())),
        }
    }

    /// ftruncate(2): a regular file open for writing, else `inval`.
    pub fn truncate(&self, size: u64) -> Result<(), Errno> {
        match &self.object {
            Object::File(f) if self.writable() => f.set_size(size),
            _ => Err(Errno::Inval),
        }
    }

    /// fsync(2): files and directories; `inval` for streams, pipes and
    /// sockets, as Linux says.
    pub fn sync(&self) -> Result<(), Errno> {
        match &self.object {
            Object::File(f) => f.sync(),
            Object::Dir(d) => d.fd.sync().map_err(crate::errno::fs),
            _ => Err(Errno::Inval),
        }
    }

    /// isatty(3).
    pub fn is_terminal(&self) -> bool {
        match &self.object {
            Object::Stdio(s) => s.is_terminal(),
            _ => false,
        }
    }
}

/// Linux's `rw_verify_area`: an I/O of `count` bytes at `pos` must end
/// within the largest file offset, else `inval`, before the object is
/// asked (a read of a directory whose offset is at the end is `inval`,
/// not `isdir`).
fn check_span(pos: u64, count: u64) -> Result<(), Errno> {
    match pos.checked_add(count) {
        Some(end) if end <= MAX_OFFSET => Ok(()),
        _ => Err(Errno::Inval),
    }
}

/// `base + offset` as lseek(2) computes it: `inval` before 0 or past the
/// largest file offset (an overflow included).
fn seek_target(base: u64, offset: i64, max: u64) -> Result<u64, Errno> {
    let new = i128::from(base) + i128::from(offset);
    if new < 0 || new > i128::from(max) {
        return Err(Errno::Inval);
    }
    Ok(new as u64)
}

fn pipe_errno(e: PipeError) -> Errno {
    match e {
        PipeError::Again => Errno::Again,
        PipeError::Broken => Errno::Pipe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_end_within_the_largest_offset() {
        assert_eq!(check_span(0, 100), Ok(()));
        assert_eq!(check_span(MAX_OFFSET, 0), Ok(()));
        assert_eq!(check_span(MAX_OFFSET, 1), Err(Errno::Inval));
        assert_eq!(check_span(MAX_OFFSET - 5, 5), Ok(()));
        assert_eq!(check_span(u64::MAX, 1), Err(Errno::Inval));
    }

    #[test]
    fn seek_targets_as_lseek() {
        let max = MAX_OFFSET;
        assert_eq!(seek_target(0, 5, max), Ok(5));
        assert_eq!(seek_target(10, -10, max), Ok(0));
        assert_eq!(seek_target(10, -11, max), Err(Errno::Inval));
        assert_eq!(seek_target(0, i64::MAX, max), Ok(MAX_OFFSET));
        assert_eq!(seek_target(1, i64::MAX, max), Err(Errno::Inval));
        assert_eq!(seek_target(MAX_OFFSET, i64::MIN, max), Err(Errno::Inval));
        // Past the end is allowed: the offset is only a number.
        assert_eq!(seek_target(3, 1 << 40, max), Ok(3 + (1 << 40)));
        // ext4's largest file, as lseek on ext4 gives it.
        let max = MAX_FILE_OFFSET;
        assert_eq!(seek_target(0, 17_592_186_040_320, max), Ok(max));
        assert_eq!(seek_target(0, 1 << 44, max), Err(Errno::Inval));
    }
}
