//! I/O through an open description: the offset the description keeps
//! (wasi:filesystem descriptors have none), the access mode and status
//! flags checked as Linux checks them, and each object's own call.

use super::Description;
use crate::bindings::{Advice, Errno, FileStat, FileType, Whence};
use crate::object::pipe::PipeError;
use crate::object::{Object, memory_stat, new_timestamps};
use vfd_core::fs::Times;
use vfd_core::io::{check_offset, check_span, seek_target};
use vfd_core::limits::{MAX_OFFSET, MAX_READ_LEN};

/// The largest offset `lseek` gives a regular file: ext4's largest file
/// (2^32 - 1 blocks of 4 KiB), past which Linux's lseek is `inval`. The
/// real limit is the filesystem's `s_maxbytes`, which wasi:filesystem does
/// not tell; ext4 is the most common answer (tmpfs and xfs allow up to
/// `loff_t`'s limit).
const MAX_FILE_OFFSET: u64 = ((1 << 32) - 1) * 4096;

impl Description {
    /// read(2): at most `len` bytes (and at most [`MAX_READ_LEN`]).
    pub fn read(&self, len: u32) -> Result<Vec<u8>, Errno> {
        self.read_as(len, self.nonblock())
    }

    /// read(2) waiting or not, whatever the description's O_NONBLOCK
    /// says: a wasi:io stream's `read` never waits and its `blocking-read`
    /// always may.
    pub fn read_as(&self, len: u32, nonblock: bool) -> Result<Vec<u8>, Errno> {
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
            Object::Stdio(s) => s.read(len, nonblock),
            Object::Pipe(p) => {
                let mut pipe = p.pipe.borrow_mut();
                pipe.read(len as usize, nonblock).map_err(pipe_errno)
            }
            Object::SocketPair(s) => s.read(len as usize, nonblock).map_err(pipe_errno),
            Object::Socket(n) => n.read(len, nonblock),
        }
    }

    /// write(2): at the offset, or at the end for an `append`
    /// description; the offset then points after what was written.
    pub fn write(&self, data: &[u8]) -> Result<u32, Errno> {
        self.write_as(data, self.nonblock())
    }

    /// write(2) waiting or not, whatever the description's O_NONBLOCK
    /// says (a wasi:io stream's writes are made whole).
    pub fn write_as(&self, data: &[u8], nonblock: bool) -> Result<u32, Errno> {
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
            Object::Stdio(s) => s.write(data, nonblock),
            // Linux: a write of nothing to a pipe succeeds before the
            // pipe is even looked at (no EPIPE without a reader).
            Object::Pipe(_) if data.is_empty() => Ok(0),
            Object::Pipe(p) => {
                let mut pipe = p.pipe.borrow_mut();
                let n = pipe.write(data, nonblock).map_err(pipe_errno)?;
                Ok(n as u32)
            }
            Object::SocketPair(s) => {
                let n = s.write(data, nonblock).map_err(pipe_errno)?;
                Ok(n as u32)
            }
            Object::Socket(n) => n.write(data, nonblock),
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
            Object::Socket(n) => Ok(memory_stat(n.file_type(), n.id())),
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

    /// futimens(2) of a file or directory; the streams, pipes and sockets
    /// of the layer keep no times (`notsup`).
    pub fn set_times(&self, times: &Times) -> Result<(), Errno> {
        let fd = match &self.object {
            Object::File(f) => &f.fd,
            Object::Dir(d) => &d.fd,
            _ => return Err(Errno::Notsup),
        };
        let (access, modify) = new_timestamps(times)?;
        fd.set_times(access, modify).map_err(crate::errno::fs)
    }

    /// posix_fadvise(2): `spipe` for a pipe, as on Linux; advice is
    /// only a hint, so the objects that take none from the runtime
    /// (directories, streams, sockets) succeed, as Linux's do.
    pub fn advise(&self, offset: u64, len: u64, advice: Advice) -> Result<(), Errno> {
        use wasip2::filesystem::types::Advice as Wasi;
        let f = match &self.object {
            Object::File(f) => f,
            Object::Pipe(_) => return Err(Errno::Spipe),
            _ => return Ok(()),
        };
        let (offset, len) = (check_offset(offset)?, check_offset(len)?);
        let advice = match advice {
            Advice::Normal => Wasi::Normal,
            Advice::Sequential => Wasi::Sequential,
            Advice::Random => Wasi::Random,
            Advice::WillNeed => Wasi::WillNeed,
            Advice::DontNeed => Wasi::DontNeed,
            Advice::NoReuse => Wasi::NoReuse,
        };
        f.fd.advise(offset, len, advice).map_err(crate::errno::fs)
    }

    /// isatty(3).
    pub fn is_terminal(&self) -> bool {
        match &self.object {
            Object::Stdio(s) => s.is_terminal(),
            _ => false,
        }
    }
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
    fn regular_files_seek_as_on_ext4() {
        // ext4's largest file, as lseek on ext4 gives it.
        let max = MAX_FILE_OFFSET;
        assert_eq!(seek_target(0, 17_592_186_040_320, max), Ok(max));
        assert_eq!(seek_target(0, 1 << 44, max), Err(vfd_core::Errno::Inval));
    }
}
