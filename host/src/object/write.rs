//! write(2) that never raises SIGPIPE in the host.
//!
//! A write to a pipe or socket whose reader is gone makes Linux send
//! SIGPIPE to the writing thread, and its default action kills the whole
//! host process. Rust programs ignore SIGPIPE from the start, but vfd may be
//! embedded in a host that does not. So the guest gets `pipe` (EPIPE) and
//! the host never sees the signal:
//! - sockets are written with `send(MSG_NOSIGNAL)`, which raises nothing;
//! - pipes (and descriptors of unknown kind) are written plainly when the
//!   host ignores SIGPIPE (one `sigaction` query), and otherwise with
//!   SIGPIPE blocked in the calling thread for the duration of the write; a
//!   SIGPIPE that the write raised is then taken off the pending set before
//!   the mask is restored, so it is never delivered.

use rustix::fs::FileType;
use rustix::io::Errno;
use std::os::fd::{AsFd, BorrowedFd};

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
            WriteMode::Socket => {
                match rustix::net::send(fd, data, rustix::net::SendFlags::NOSIGNAL) {
                    // A socket handed in may not be a stream socket we can
                    // `send` on (say, an unconnected datagram socket).
                    Err(Errno::NOTSOCK) => rustix::io::write(fd, data),
                    other => other,
                }
            }
            WriteMode::Pipe => {
                if sigpipe_ignored() {
                    rustix::io::write(fd, data)
                } else {
                    write_with_sigpipe_blocked(fd, data)
                }
            }
        }
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

fn write_with_sigpipe_blocked(fd: BorrowedFd<'_>, data: &[u8]) -> Result<usize, Errno> {
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

        let result = rustix::io::write(fd, data);

        if result == Err(Errno::PIPE) && !was_pending {
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            while libc::sigtimedwait(&pipe_only, std::ptr::null_mut(), &zero) == -1
                && *libc::__errno_location() == libc::EINTR
            {}
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &old_mask, std::ptr::null_mut());
        result
    }
}
