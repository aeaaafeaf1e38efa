//! A tiny check harness shared by the test guests.
//!
//! Each guest runs a fixed list of named checks, in a fixed order. A check
//! prints `ok NAME` or `FAIL NAME: DETAIL` on vfd's fd 1, and the guest exits
//! with status 1 if any check failed, so the host test can assert both the
//! exit status and the exact list of `ok` lines. Run with
//! [`LIST_CHECKS_VAR`] set, a guest prints `check NAME` for each check it
//! would run, and runs none: the host tests take the list from there, so
//! each name is written once, in the guest.
//!
//! Checks return `Result<(), String>` rather than panicking: a panic aborts a
//! wasm guest, which would hide every later check.

use std::fmt::Debug;
use std::io;

/// The errno numbers of wasi-libc, as `std::io::Error::raw_os_error` gives
/// them for errors coming from vfd: taken from libc rather than from vfd,
/// so that a wrong mapping in the guest library shows.
pub mod errno {
    #[cfg(target_os = "wasi")]
    pub use libc::ENOTCAPABLE;
    pub use libc::{
        EACCES, EADDRINUSE, EADDRNOTAVAIL, EAGAIN, EBADF, EBUSY, ECONNREFUSED, ECONNRESET, EDQUOT,
        EEXIST, EFBIG, EINTR, EINVAL, EIO, EISDIR, ELOOP, EMFILE, EMLINK, EMSGSIZE, ENAMETOOLONG,
        ENFILE, ENOENT, ENOMEM, ENOSPC, ENOSYS, ENOTCONN, ENOTDIR, ENOTEMPTY, ENOTSOCK, ENOTSUP,
        ENOTTY, ENXIO, EOVERFLOW, EPERM, EPIPE, ERANGE, EROFS, ESPIPE, ETXTBSY, EXDEV,
    };
    /// Where only lints see this crate (a host target), as the guest
    /// library reads it there.
    #[cfg(not(target_os = "wasi"))]
    pub const ENOTCAPABLE: i32 = libc::EPERM;

    /// The symbolic name of `n`, for failure messages.
    pub fn name(n: i32) -> &'static str {
        let errno = if cfg!(target_os = "wasi") {
            u16::try_from(n).ok().and_then(vfd_core::Errno::from_wasi)
        } else {
            vfd_core::Errno::from_linux(n)
        };
        errno.map_or("?", vfd_core::Errno::name)
    }
}

/// The result of one check.
pub type Check = Result<(), String>;

/// The environment variable that makes a guest list its checks instead of
/// running them.
pub const LIST_CHECKS_VAR: &str = "VFD_TEST_LIST_CHECKS";

/// Runs checks in order and remembers whether any failed.
pub struct Checks {
    failed: Vec<String>,
    leak_probe: bool,
    list_only: bool,
}

impl Default for Checks {
    fn default() -> Self {
        Self::new()
    }
}

impl Checks {
    /// A new run. After each check, the harness makes sure the check left
    /// no descriptor open at or above 3, so every check starts from the
    /// table of a fresh guest (0, 1 and 2) and fd numbers stay exact.
    pub fn new() -> Self {
        Checks {
            failed: Vec::new(),
            leak_probe: true,
            list_only: std::env::var_os(LIST_CHECKS_VAR).is_some(),
        }
    }

    /// Run the check `name`, print its outcome, then close any descriptor
    /// it leaked (and fail it for that).
    pub fn run(&mut self, name: &str, check: impl FnOnce() -> Check) {
        if self.list_only {
            vfd::println!("check {name}");
            return;
        }
        let mut outcome = check();
        if self.leak_probe {
            let leaked = close_leaked();
            if !leaked.is_empty() && outcome.is_ok() {
                outcome = Err(format!("left descriptors open: {leaked:?}"));
            }
        }
        match outcome {
            Ok(()) => vfd::println!("ok {name}"),
            Err(detail) => {
                vfd::println!("FAIL {name}: {detail}");
                self.failed.push(name.to_string());
            }
        }
    }

    /// Print a summary and exit: status 0 if every check passed, else 1.
    pub fn finish(self) -> ! {
        if self.failed.is_empty() {
            std::process::exit(0);
        }
        vfd::println!("{} failed: {}", self.failed.len(), self.failed.join(", "));
        std::process::exit(1);
    }
}

/// The highest number the leak probe looks at.
const PROBE_MAX: vfd::fd::RawFd = 64;

/// Close every open descriptor from 3 to `PROBE_MAX`, returning their numbers.
fn close_leaked() -> Vec<vfd::fd::RawFd> {
    let mut leaked = Vec::new();
    for n in 3..=PROBE_MAX {
        if is_open(n) {
            leaked.push(n);
            let _ = vfd::io::close_raw(n);
        }
    }
    leaked
}

/// Whether `n` is an open descriptor (F_GETFD succeeds on it).
pub fn is_open(n: vfd::fd::RawFd) -> bool {
    vfd::io::fcntl_getfd(raw(n)).is_ok()
}

/// Borrow a raw number, open or not, to probe it.
///
/// Every call through a `BorrowedFd` reaches the host, which checks the
/// number; a closed one is just `EBADF`, never undefined behaviour.
pub fn raw(n: vfd::fd::RawFd) -> vfd::fd::BorrowedFd<'static> {
    // SAFETY: vfd descriptors are numbers in a table the host checks on
    // every call; borrowing a number that is not open only yields EBADF.
    unsafe { vfd::fd::BorrowedFd::borrow_raw(n) }
}

/// Compare `got` with `want`, naming `what` on a mismatch.
pub fn eq<T: PartialEq + Debug>(what: &str, got: T, want: T) -> Check {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

/// Require `cond`, naming `what` if it is false.
pub fn ensure(what: &str, cond: bool) -> Check {
    if cond {
        Ok(())
    } else {
        Err(format!("{what}: not true"))
    }
}

/// Require that `res` failed with errno `want`.
pub fn expect_errno<T: Debug>(what: &str, res: io::Result<T>, want: i32) -> Check {
    match res {
        Ok(v) => Err(format!(
            "{what}: succeeded with {v:?}, want {}",
            errno::name(want)
        )),
        Err(e) if e.raw_os_error() == Some(want) => Ok(()),
        Err(e) => Err(format!(
            "{what}: got error {e} ({}), want {} ({want})",
            e.raw_os_error().map_or("no errno", errno::name),
            errno::name(want)
        )),
    }
}

/// Turn an `io::Result` into a check result that names the failing step.
pub trait Ctx<T> {
    /// Name the step `what` in the error message.
    fn ctx(self, what: &str) -> Result<T, String>;
}

impl<T> Ctx<T> for io::Result<T> {
    fn ctx(self, what: &str) -> Result<T, String> {
        self.map_err(|e| {
            let name = e.raw_os_error().map_or("no errno", errno::name);
            format!("{what}: {e} ({name})")
        })
    }
}

/// Read everything from `fd` at its current offset, in small steps.
pub fn read_all(fd: impl vfd::fd::AsFd) -> io::Result<Vec<u8>> {
    let fd = fd.as_fd();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = vfd::io::read(fd, &mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// Read exactly up to `n` bytes from `fd` (fewer only at end of file).
pub fn read_n(fd: impl vfd::fd::AsFd, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    let got = vfd::io::read(fd, &mut buf)?;
    buf.truncate(got);
    Ok(buf)
}

/// The current offset of `fd` (lseek(fd, 0, SEEK_CUR)).
pub fn offset(fd: impl vfd::fd::AsFd) -> io::Result<u64> {
    vfd::io::seek(fd, io::SeekFrom::Current(0))
}

/// The type `fstat` reports for `fd`.
pub fn file_type(
    fd: impl vfd::fd::AsFd,
) -> Result<vfd::bindings::vfd::posix::types::FileType, String> {
    use vfd::fd::AsRawFd;
    let n = fd.as_fd().as_raw_fd() as u32;
    vfd::bindings::vfd::posix::descriptors::stat(n)
        .map(|s| s.file_type)
        .map_err(|e| format!("stat {n}: {e:?}"))
}

/// poll(2) on one descriptor: the count it returns and the revents.
pub fn poll_one(
    fd: impl vfd::fd::AsFd,
    events: vfd::poll::PollFlags,
    timeout: Option<std::time::Duration>,
) -> Result<(usize, vfd::poll::PollFlags), String> {
    let fd = fd.as_fd();
    let mut fds = [vfd::poll::PollFd::new(&fd, events)];
    let n = vfd::poll::poll(&mut fds, timeout).ctx("poll")?;
    Ok((n, fds[0].revents()))
}

/// A path of `len` bytes under `/data` made of short components, so that
/// only its whole length can be too long.
pub fn path_of_len(len: usize) -> String {
    let mut p = String::from("/data");
    while p.len() + 2 <= len {
        p.push_str("/a");
    }
    if p.len() < len {
        p.push('b');
    }
    assert_eq!(p.len(), len);
    p
}
