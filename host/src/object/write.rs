//! write(2) that never raises SIGPIPE in the host.
//!
//! A write to a pipe or socket whose reader is gone makes Linux send
//! SIGPIPE to the writing thread, and its default action kills the whole
//! host process. Rust programs ignore SIGPIPE from the start, but vfd may be
//! embedded in a host that does not. So the guest gets `pipe` (EPIPE) and
//! the host never sees the signal:
//! - sockets are written with `send(MSG_NOSIGNAL)`;
//! - pipes (and descriptors of unknown kind) with `pwritev2(RWF_NOSIGNAL)`,
//!   the same promise for pipes, on Linux 6.5 and later;
//! - on older kernels, plainly if the host ignores SIGPIPE, and otherwise
//!   with SIGPIPE blocked in the calling thread during the write; a SIGPIPE
//!   the write raised is taken off the pending set before the mask is
//!   restored, so it is never delivered.
//!
//! vfd-host runs on Linux only.

use rustix::fs::FileType;
use rustix::io::{Errno, ReadWriteFlags};
use std::io::IoSlice;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// `RWF_NOSIGNAL` (Linux 6.5): EPIPE without SIGPIPE.
const RWF_NOSIGNAL: u32 = 0x100;

/// The offset `pwritev2` reads as "the current file offset", like `write`.
const CURRENT_OFFSET: u64 = u64::MAX;

/// Cleared the first time the kernel refuses `RWF_NOSIGNAL`.
static KERNEL_HAS_NOSIGNAL: AtomicBool = AtomicBool::new(true);

/// How writes to an object must be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Regular files, directories, terminals: no SIGPIPE possible.
    Plain,
    /// Sockets: `send(MSG_NOSIGNAL)`.
    Socket,
    /// Pipes, and anything that might be one: guarded against SIGPIPE.
    Pipe,
}

impl WriteMode {
    /// The mode for a host descriptor of unknown kind (stdio, handed in).
    pub fn of(fd: BorrowedFd<'_>) -> WriteMode {
        match rustix::fs::fstat(fd).map(|st| FileType::from_raw_mode(st.st_mode)) {
            Ok(FileType::Socket) => WriteMode::Socket,
            Ok(
                FileType::RegularFile
                | FileType::Directory
                | FileType::CharacterDevice
                | FileType::BlockDevice,
            ) => WriteMode::Plain,
            _ => WriteMode::Pipe,
        }
    }

    /// write(2) of `data` to `fd` in this mode.
    pub fn write(self, fd: impl AsFd, data: &[u8]) -> Result<usize, Errno> {
        let fd = fd.as_fd();
        match self {
            WriteMode::Plain => rustix::io::write(fd, data),
            WriteMode::Socket => rustix::net::send(fd, data, rustix::net::SendFlags::NOSIGNAL),
            WriteMode::Pipe => write_pipe(fd, &[IoSlice::new(data)]),
        }
    }

    /// writev(2) of `data` to `fd` in this mode.
    pub fn write_vectored(self, fd: impl AsFd, data: &[IoSlice<'_>]) -> Result<usize, Errno> {
        let fd = fd.as_fd();
        match self {
            WriteMode::Plain => rustix::io::writev(fd, data),
            WriteMode::Socket => rustix::net::sendmsg(
                fd,
                data,
                &mut rustix::net::SendAncillaryBuffer::default(),
                rustix::net::SendFlags::NOSIGNAL,
            ),
            WriteMode::Pipe => write_pipe(fd, data),
        }
    }
}

fn write_pipe(fd: BorrowedFd<'_>, data: &[IoSlice<'_>]) -> Result<usize, Errno> {
    if KERNEL_HAS_NOSIGNAL.load(Ordering::Relaxed) {
        let flags = ReadWriteFlags::from_bits_retain(RWF_NOSIGNAL);
        match rustix::io::pwritev2(fd, data, CURRENT_OFFSET, flags) {
            Err(Errno::OPNOTSUPP | Errno::NOSYS) => {
                KERNEL_HAS_NOSIGNAL.store(false, Ordering::Relaxed)
            }
            other => return other,
        }
    }
    if sigpipe_ignored() {
        rustix::io::writev(fd, data)
    } else {
        write_with_sigpipe_blocked(fd, data)
    }
}

fn sigpipe_ignored() -> bool {
    // SAFETY: a query (null new action) into a zeroed, owned struct.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

fn write_with_sigpipe_blocked(fd: BorrowedFd<'_>, data: &[IoSlice<'_>]) -> Result<usize, Errno> {
    // SAFETY: signal-set calls on owned, initialised sets; the thread's
    // mask is restored before returning.
    unsafe {
        let mut pipe_only: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut pipe_only);
        libc::sigaddset(&mut pipe_only, libc::SIGPIPE);
        let mut old_mask: libc::sigset_t = std::mem::zeroed();
        libc::pthread_sigmask(libc::SIG_BLOCK, &pipe_only, &mut old_mask);
        // A SIGPIPE already pending was not ours: leave it for its owner.
        let mut pending: libc::sigset_t = std::mem::zeroed();
        libc::sigpending(&mut pending);
        let was_pending = libc::sigismember(&pending, libc::SIGPIPE) == 1;

        let result = rustix::io::writev(fd, data);
        let total: usize = data.iter().map(|s| s.len()).sum();

        // Linux raises SIGPIPE on EPIPE, and also when the reader goes away
        // during a write that still returns a partial count.
        let may_have_raised = match result {
            Err(Errno::PIPE) => true,
            Ok(n) => n < total,
            Err(_) => false,
        };
        if may_have_raised && !was_pending {
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            while libc::sigtimedwait(&pipe_only, std::ptr::null_mut(), &zero) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
            {}
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &old_mask, std::ptr::null_mut());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fallback for kernels without RWF_NOSIGNAL, in a process whose
    /// SIGPIPE has its default action: were the signal delivered, the test
    /// process would die.
    #[test]
    fn blocked_write_consumes_the_sigpipe_it_raised() {
        let (reader, writer) = rustix::pipe::pipe().unwrap();
        drop(reader);
        // SAFETY: default disposition while the write runs, then back to
        // ignored as the test harness had it; no other test here writes to
        // a pipe.
        let previous = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        let result =
            write_with_sigpipe_blocked(writer.as_fd(), &[IoSlice::new(b"nobody reads this")]);
        unsafe { libc::signal(libc::SIGPIPE, previous) };
        assert_eq!(result, Err(Errno::PIPE));
    }

    #[test]
    fn pipe_writes_report_epipe_whatever_the_kernel() {
        let (reader, writer) = rustix::pipe::pipe().unwrap();
        assert_eq!(WriteMode::of(writer.as_fd()), WriteMode::Pipe);
        assert_eq!(WriteMode::Pipe.write(&writer, b"abc"), Ok(3));
        drop(reader);
        assert_eq!(WriteMode::Pipe.write(&writer, b"abc"), Err(Errno::PIPE));
    }
}
