//! The descriptor calls the scenarios make, on raw numbers: vfd's in the
//! wasm build, the C library's in a native build, so that the same
//! program run on Linux says where each line should land.

pub use imp::*;

/// A descriptor number.
pub type RawFd = i32;

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::RawFd;
    use std::io;
    use vfd::fd::{BorrowedFd, IntoRawFd, OwnedFd};
    use vfd::fs::OpenOptions;

    /// Where the scenarios' files are: the guest's mount.
    pub const DATA: &str = "/data";

    fn borrow(fd: RawFd) -> BorrowedFd<'static> {
        // SAFETY: vfd's numbers are plain indices into the guest's table;
        // a closed one is an error of the call, never undefined behaviour.
        unsafe { BorrowedFd::borrow_raw(fd) }
    }

    /// open(2) of `path` for writing, created and truncated.
    pub fn create(path: &str) -> io::Result<RawFd> {
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        Ok(OwnedFd::from(file).into_raw_fd())
    }

    /// open(2) of `path`, read-only.
    pub fn open(path: &str) -> io::Result<RawFd> {
        Ok(OwnedFd::from(vfd::fs::File::open(path)?).into_raw_fd())
    }

    /// pipe(2): (read end, write end).
    pub fn pipe() -> io::Result<(RawFd, RawFd)> {
        let (r, w) = vfd::pipe::pipe()?;
        Ok((r.into_raw_fd(), w.into_raw_fd()))
    }

    /// dup(2).
    pub fn dup(fd: RawFd) -> io::Result<RawFd> {
        vfd::io::dup_raw(fd)
    }

    /// dup2(2).
    pub fn dup2(fd: RawFd, target: RawFd) -> io::Result<()> {
        vfd::io::dup2_raw(fd, target).map(drop)
    }

    /// close(2).
    pub fn close(fd: RawFd) -> io::Result<()> {
        vfd::io::close_raw(fd)
    }

    /// write(2) until all of `data` is written.
    pub fn write_all(fd: RawFd, data: &[u8]) -> io::Result<()> {
        vfd::io::write_all(borrow(fd), data)
    }

    /// read(2) until the end.
    pub fn read_to_end(fd: RawFd) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = [0; 4096];
        loop {
            match vfd::io::read(borrow(fd), &mut buf)? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    /// The whole file at `path`.
    pub fn read_to_string(path: &str) -> io::Result<String> {
        vfd::fs::read_to_string(path)
    }

    /// unlink(2).
    pub fn remove_file(path: &str) -> io::Result<()> {
        vfd::fs::remove_file(path)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::RawFd;
    use std::ffi::CString;
    use std::io;

    /// Where the scenarios' files are: the current directory, which the
    /// test makes the host directory the guest's `/data` mounts.
    pub const DATA: &str = ".";

    /// The C library's answer as a result.
    fn check(ret: i32) -> io::Result<i32> {
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(ret)
        }
    }

    fn open_with(path: &str, flags: i32) -> io::Result<RawFd> {
        let path = CString::new(path).map_err(io::Error::other)?;
        // SAFETY: a valid C string; the mode is read only with O_CREAT.
        check(unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC, 0o644) })
    }

    /// open(2) of `path` for writing, created and truncated.
    pub fn create(path: &str) -> io::Result<RawFd> {
        open_with(path, libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC)
    }

    /// open(2) of `path`, read-only.
    pub fn open(path: &str) -> io::Result<RawFd> {
        open_with(path, libc::O_RDONLY)
    }

    /// pipe(2): (read end, write end).
    pub fn pipe() -> io::Result<(RawFd, RawFd)> {
        let mut fds = [0; 2];
        // SAFETY: room for the two numbers.
        check(unsafe { libc::pipe(fds.as_mut_ptr()) })?;
        Ok((fds[0], fds[1]))
    }

    /// dup(2).
    pub fn dup(fd: RawFd) -> io::Result<RawFd> {
        // SAFETY: plain system call on a number.
        check(unsafe { libc::dup(fd) })
    }

    /// dup2(2).
    pub fn dup2(fd: RawFd, target: RawFd) -> io::Result<()> {
        // SAFETY: plain system call on numbers.
        check(unsafe { libc::dup2(fd, target) }).map(drop)
    }

    /// close(2).
    pub fn close(fd: RawFd) -> io::Result<()> {
        // SAFETY: plain system call on a number.
        check(unsafe { libc::close(fd) }).map(drop)
    }

    /// write(2) until all of `data` is written.
    pub fn write_all(fd: RawFd, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            // SAFETY: the buffer is valid for its length.
            let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
            data = &data[usize::try_from(n).map_err(|_| io::Error::last_os_error())?..];
        }
        Ok(())
    }

    /// read(2) until the end.
    pub fn read_to_end(fd: RawFd) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: the buffer is valid for its length.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            match usize::try_from(n).map_err(|_| io::Error::last_os_error())? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    /// The whole file at `path`.
    pub fn read_to_string(path: &str) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    /// unlink(2).
    pub fn remove_file(path: &str) -> io::Result<()> {
        std::fs::remove_file(path)
    }
}
