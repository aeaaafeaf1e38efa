//! The reference: the calls made on real Linux descriptors.
//!
//! Every call is the real system call on real descriptors, so offsets,
//! status flags, close-on-exec, access checks and I/O results are the
//! kernel's. Only the numbering is virtual: the test process shares its
//! descriptor numbers with the test harness, so the shim keeps its own
//! table of virtual numbers (allocated lowest-free, as the kernel does) and
//! maps each one to the native descriptor behind it. See the crate docs
//! for what is emulated and why.

use crate::ops::{CLOEXEC, CREAT, Call, DIRECTORY, EXCL, NOFOLLOW, NONBLOCK, OpenBits};
use crate::ops::{R, Stamp, TRUNC, Times, W, Whence};
use crate::outcome::{Bytes, Mtime, Outcome, Value, linux_errno_name};
use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use vfd_host::{AT_FDCWD, MAX_READ_LEN};

/// A native number that is never open (it lies above any real table), for
/// virtual numbers that are not open: the kernel answers for them.
const NEVER_OPEN: RawFd = 1 << 30;

/// The last OS error, as an errno number.
fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A raw call's result: `-1` becomes the errno, retried on EINTR as vfd does.
fn sys<T: Copy + PartialOrd + Default>(mut call: impl FnMut() -> T) -> Result<T, i32> {
    loop {
        let r = call();
        if r >= T::default() {
            return Ok(r);
        }
        match errno() {
            libc::EINTR => continue,
            e => return Err(e),
        }
    }
}

/// The error of a call on [`NEVER_OPEN`], which cannot succeed.
fn kernel_error<T>(r: Result<T, i32>) -> Outcome {
    match r {
        Ok(_) => unreachable!("fd {NEVER_OPEN} is never open"),
        Err(e) => e.into(),
    }
}

impl From<i32> for Outcome {
    fn from(errno: i32) -> Self {
        Outcome::Err(linux_errno_name(errno))
    }
}

pub struct Native {
    /// The tree's root: the mount, never a number in the table.
    root: OwnedFd,
    /// Where the tree is: what the guest's `/data` stands for.
    root_path: PathBuf,
    /// Virtual number -> the native descriptor behind it.
    table: BTreeMap<u32, OwnedFd>,
    /// Closed numbers, oldest first (for `Fd::Freed`).
    freed: Vec<u32>,
    limit: u32,
}

fn open_dev_null(flags: i32) -> OwnedFd {
    let fd = unsafe { libc::open(c"/dev/null".as_ptr(), flags) };
    assert!(fd >= 0, "open /dev/null: errno {}", errno());
    // SAFETY: a descriptor we just opened and own.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

impl Native {
    /// A table holding 0, 1 and 2 (`/dev/null`, as vfd's are), over the
    /// tree at `root`, with numbers below `limit`.
    pub fn new(root: &Path, limit: u32) -> Native {
        // SAFETY: plain fcntl on a number, to check it is not open.
        let probe = unsafe { libc::fcntl(NEVER_OPEN, libc::F_GETFD) };
        assert!(
            probe == -1 && errno() == libc::EBADF,
            "fd {NEVER_OPEN} is open"
        );
        let path = CString::new(root.as_os_str().as_bytes()).unwrap();
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
        let fd = unsafe { libc::open(path.as_ptr(), flags) };
        assert!(fd >= 0, "open {}: errno {}", root.display(), errno());
        let mut table = BTreeMap::new();
        table.insert(0, open_dev_null(libc::O_RDONLY));
        table.insert(1, open_dev_null(libc::O_WRONLY));
        table.insert(2, open_dev_null(libc::O_WRONLY));
        Native {
            // SAFETY: opened above, owned by nobody else.
            root: unsafe { OwnedFd::from_raw_fd(fd) },
            root_path: root.to_owned(),
            table,
            freed: Vec::new(),
            limit,
        }
    }

    /// Like [`Native::new`], but with 0, 1 and 2 closed: the start of a
    /// sequence on the wasm layer, whose stdio are the runtime's streams.
    pub fn without_stdio(root: &Path, limit: u32) -> Native {
        let mut native = Native::new(root, limit);
        native.table.clear();
        native
    }

    /// The open virtual numbers, in order.
    pub fn open_numbers(&self) -> Vec<u32> {
        self.table.keys().copied().collect()
    }

    /// The closed virtual numbers, oldest first.
    pub fn freed(&self) -> &[u32] {
        &self.freed
    }

    /// The native descriptor behind `fd`, or one that is never open.
    fn native(&self, fd: u32) -> RawFd {
        self.table.get(&fd).map_or(NEVER_OPEN, |f| f.as_raw_fd())
    }

    /// The lowest free virtual number at or above `min`, below the limit.
    fn lowest_free(&self, min: u32) -> Option<u32> {
        (min..self.limit).find(|n| !self.table.contains_key(n))
    }

    /// Give `native` (a new descriptor) the number `fd`.
    fn install(&mut self, fd: u32, native: RawFd) {
        // SAFETY: `native` was just returned by the kernel and is ours.
        let owned = unsafe { OwnedFd::from_raw_fd(native) };
        let previous = self.table.insert(fd, owned);
        debug_assert!(previous.is_none());
    }

    /// Put a new native descriptor at the lowest free number.
    fn install_lowest(&mut self, native: RawFd) -> u32 {
        let fd = self.lowest_free(0).expect("a free number was checked for");
        self.install(fd, native);
        fd
    }

    pub fn call(&mut self, call: &Call) -> Outcome {
        match call {
            Call::Open {
                dir, path, flags, ..
            } => self.open(*dir, path, *flags),
            Call::Close(fd) => self.close(*fd),
            Call::Dup(fd) => self.dup(*fd),
            Call::Dup2(fd, target) => self.dup2(*fd, *target),
            Call::Dup3(fd, target, cloexec) => self.dup3(*fd, *target, *cloexec),
            Call::DupMin(fd, min, cloexec) => self.dup_min(*fd, *min, *cloexec),
            Call::Read(fd, len) => self.read(*fd, *len, None),
            Call::Pread(fd, len, offset) => self.read(*fd, *len, Some(*offset)),
            Call::Write(fd, data) => self.write(*fd, data, None),
            Call::Pwrite(fd, data, offset) => self.write(*fd, data, Some(*offset)),
            Call::Seek(fd, offset, whence) => self.seek(*fd, *offset, *whence),
            Call::Stat(fd) => self.stat(*fd),
            Call::Truncate(fd, size) => {
                let n = self.native(*fd);
                let r = sys(|| unsafe { libc::ftruncate(n, *size as i64) });
                crate::outcome::unit(r.map(drop))
            }
            Call::GetFdFlags(fd) => {
                let n = self.native(*fd);
                crate::outcome::value(
                    sys(|| unsafe { libc::fcntl(n, libc::F_GETFD) })
                        .map(|f| Value::Cloexec(f & libc::FD_CLOEXEC != 0)),
                )
            }
            Call::SetFdFlags(fd, cloexec) => {
                let n = self.native(*fd);
                let arg = if *cloexec { libc::FD_CLOEXEC } else { 0 };
                crate::outcome::unit(
                    sys(|| unsafe { libc::fcntl(n, libc::F_SETFD, arg) }).map(drop),
                )
            }
            Call::GetStatusFlags(fd) => {
                let n = self.native(*fd);
                crate::outcome::value(sys(|| unsafe { libc::fcntl(n, libc::F_GETFL) }).map(|f| {
                    Value::Status {
                        append: f & libc::O_APPEND != 0,
                        nonblock: f & libc::O_NONBLOCK != 0,
                    }
                }))
            }
            Call::SetStatusFlags(fd, append, nonblock) => {
                let n = self.native(*fd);
                let mut arg = 0;
                if *append {
                    arg |= libc::O_APPEND;
                }
                if *nonblock {
                    arg |= libc::O_NONBLOCK;
                }
                crate::outcome::unit(
                    sys(|| unsafe { libc::fcntl(n, libc::F_SETFL, arg) }).map(drop),
                )
            }
            Call::GetAccessMode(fd) => {
                let n = self.native(*fd);
                crate::outcome::value(sys(|| unsafe { libc::fcntl(n, libc::F_GETFL) }).map(|f| {
                    Value::Access(match f & libc::O_ACCMODE {
                        libc::O_WRONLY => "write-only",
                        libc::O_RDWR => "read-write",
                        _ => "read-only",
                    })
                }))
            }
            Call::Pipe(cloexec, nonblock, append) => self.pipe(*cloexec, *nonblock, *append),
            Call::Mkdir { dir, path } => {
                let (at, path) = (self.at(*dir), self.native_path(path));
                let r = sys(|| unsafe { libc::mkdirat(at, path.as_ptr(), 0o777) });
                crate::outcome::unit(r.map(drop))
            }
            Call::Unlink { dir, path } => self.unlink(*dir, path, 0),
            Call::RemoveDir { dir, path } => self.unlink(*dir, path, libc::AT_REMOVEDIR),
            Call::Rename {
                dir,
                path,
                new_dir,
                new_path,
            } => {
                let (at, path) = (self.at(*dir), self.native_path(path));
                let (new_at, new_path) = (self.at(*new_dir), self.native_path(new_path));
                let r =
                    sys(|| unsafe { libc::renameat(at, path.as_ptr(), new_at, new_path.as_ptr()) });
                crate::outcome::unit(r.map(drop))
            }
            Call::StatAt { dir, path, follow } => {
                let (at, path) = (self.at(*dir), self.native_path(path));
                let flags = at_flags(*follow);
                let mut st: libc::stat = unsafe { std::mem::zeroed() };
                let r = sys(|| unsafe { libc::fstatat(at, path.as_ptr(), &mut st, flags) });
                crate::outcome::value(r.map(|_| stat_value(&st)))
            }
            Call::Symlink { target, dir, path } => {
                let target = CString::new(target.as_bytes()).unwrap();
                let (at, path) = (self.at(*dir), self.native_path(path));
                let r = sys(|| unsafe { libc::symlinkat(target.as_ptr(), at, path.as_ptr()) });
                crate::outcome::unit(r.map(drop))
            }
            Call::Readlink { dir, path } => {
                let (at, path) = (self.at(*dir), self.native_path(path));
                // Every target is the tree's or a step's (`ops::TARGETS`),
                // all short.
                let mut buf = [0u8; 256];
                let r = sys(|| unsafe {
                    libc::readlinkat(at, path.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
                });
                crate::outcome::value(r.map(|n| {
                    Value::Target(String::from_utf8_lossy(&buf[..n as usize]).into_owned())
                }))
            }
            Call::Link {
                dir,
                path,
                new_dir,
                new_path,
            } => {
                let (at, path) = (self.at(*dir), self.native_path(path));
                let (new_at, new_path) = (self.at(*new_dir), self.native_path(new_path));
                let r = sys(|| unsafe {
                    libc::linkat(at, path.as_ptr(), new_at, new_path.as_ptr(), 0)
                });
                crate::outcome::unit(r.map(drop))
            }
            Call::SetTimesAt {
                dir,
                path,
                times,
                follow,
            } => {
                let (at, path) = (self.at(*dir), self.native_path(path));
                let (flags, stamps) = (at_flags(*follow), timespecs(*times));
                let r =
                    sys(|| unsafe { libc::utimensat(at, path.as_ptr(), stamps.as_ptr(), flags) });
                crate::outcome::times_set(r.map(drop), *times, || {
                    let mut st: libc::stat = unsafe { std::mem::zeroed() };
                    let r = sys(|| unsafe { libc::fstatat(at, path.as_ptr(), &mut st, flags) });
                    r.map(|_| mtime(&st)).map_err(linux_errno_name)
                })
            }
            Call::SetTimes { fd, times } => {
                let (n, stamps) = (self.native(*fd), timespecs(*times));
                let mut st: libc::stat = unsafe { std::mem::zeroed() };
                if unsafe { libc::fstat(n, &mut st) } == 0 && kind(st.st_mode) == "character-device"
                {
                    return Outcome::Ok(Value::Unit);
                }
                let r = sys(|| unsafe { libc::futimens(n, stamps.as_ptr()) });
                crate::outcome::times_set(r.map(drop), *times, || {
                    let mut st: libc::stat = unsafe { std::mem::zeroed() };
                    let r = sys(|| unsafe { libc::fstat(n, &mut st) });
                    r.map(|_| mtime(&st)).map_err(linux_errno_name)
                })
            }
        }
    }

    /// The native directory an `-at` call goes through: the tree's root
    /// for AT_FDCWD (vfd's current directory is the mount).
    fn at(&self, dir: u32) -> RawFd {
        if dir == AT_FDCWD {
            self.root.as_raw_fd()
        } else {
            self.native(dir)
        }
    }

    /// A guest path under `/data` is the same path under the tree.
    fn native_path(&self, path: &str) -> CString {
        let native = match path.strip_prefix("/data/") {
            Some(rest) => self.root_path.join(rest),
            None => PathBuf::from(path),
        };
        CString::new(native.as_os_str().as_bytes()).unwrap()
    }

    fn unlink(&mut self, dir: u32, path: &str, flags: i32) -> Outcome {
        let (at, path) = (self.at(dir), self.native_path(path));
        let r = sys(|| unsafe { libc::unlinkat(at, path.as_ptr(), flags) });
        crate::outcome::unit(r.map(drop))
    }

    fn open(&mut self, dir: u32, path: &str, bits: OpenBits) -> Outcome {
        let mut flags = match (bits.has(R), bits.has(W)) {
            (_, false) => libc::O_RDONLY,
            (false, true) => libc::O_WRONLY,
            (true, true) => libc::O_RDWR,
        };
        for (bit, flag) in [
            (CREAT, libc::O_CREAT),
            (EXCL, libc::O_EXCL),
            (TRUNC, libc::O_TRUNC),
            (crate::ops::APPEND, libc::O_APPEND),
            (NONBLOCK, libc::O_NONBLOCK),
            (DIRECTORY, libc::O_DIRECTORY),
            (NOFOLLOW, libc::O_NOFOLLOW),
            (CLOEXEC, libc::O_CLOEXEC),
        ] {
            if bits.has(bit) {
                flags |= flag;
            }
        }
        // Emulated limit, in the kernel's order: build_open_flags refuses
        // O_CREAT|O_DIRECTORY, then get_unused_fd_flags finds no number,
        // both before the path is looked at (so nothing is created).
        if self.lowest_free(0).is_none() {
            let errno = if bits.has(CREAT) && bits.has(DIRECTORY) {
                libc::EINVAL
            } else {
                libc::EMFILE
            };
            return errno.into();
        }
        let (at, cpath) = (self.at(dir), self.native_path(path));
        match sys(|| unsafe { libc::openat(at, cpath.as_ptr(), flags, 0o666) }) {
            Ok(n) => Outcome::Ok(Value::Fd(self.install_lowest(n))),
            Err(e) => e.into(),
        }
    }

    fn close(&mut self, fd: u32) -> Outcome {
        let raw = match self.table.remove(&fd) {
            Some(owned) => {
                self.freed.push(fd);
                owned.into_raw_fd()
            }
            None => NEVER_OPEN,
        };
        // Not retried: a close is never repeated (Linux frees the number
        // even when it reports EINTR).
        match unsafe { libc::close(raw) } {
            0 => Outcome::Ok(Value::Unit),
            _ => errno().into(),
        }
    }

    fn dup(&mut self, fd: u32) -> Outcome {
        let n = self.native(fd);
        if n == NEVER_OPEN {
            return kernel_error(sys(|| unsafe { libc::dup(n) }));
        }
        // Emulated limit: dup finds the descriptor first (EBADF), then no
        // number (EMFILE).
        if self.lowest_free(0).is_none() {
            return libc::EMFILE.into();
        }
        match sys(|| unsafe { libc::dup(n) }) {
            Ok(new) => Outcome::Ok(Value::Fd(self.install_lowest(new))),
            Err(e) => e.into(),
        }
    }

    /// dup2 and dup3 (`cloexec` is `None` for dup2).
    fn dup_onto(&mut self, fd: u32, target: u32, cloexec: Option<bool>) -> Outcome {
        let n = self.native(fd);
        let flags = if cloexec == Some(true) {
            libc::O_CLOEXEC
        } else {
            0
        };
        let result = if fd == target {
            // The kernel's own answer: dup2 checks `fd`, dup3 refuses.
            match cloexec {
                None => sys(|| unsafe { libc::dup2(n, n) }),
                Some(_) => sys(|| unsafe { libc::dup3(n, n, flags) }),
            }
        } else if target >= self.limit {
            // Emulated limit: a target at or above RLIMIT_NOFILE is EBADF,
            // checked before `fd`.
            Err(libc::EBADF)
        } else if let Some(t) = self.table.get(&target) {
            let t = t.as_raw_fd();
            match cloexec {
                None => sys(|| unsafe { libc::dup2(n, t) }),
                Some(_) => sys(|| unsafe { libc::dup3(n, t, flags) }),
            }
        } else {
            // A free target: a new native descriptor, with the descriptor
            // flags dup2 (none) or dup3 (`flags`) give.
            let cmd = if cloexec == Some(true) {
                libc::F_DUPFD_CLOEXEC
            } else {
                libc::F_DUPFD
            };
            sys(|| unsafe { libc::fcntl(n, cmd, 0) }).inspect(|&new| self.install(target, new))
        };
        match result {
            Ok(_) => Outcome::Ok(Value::Fd(target)),
            Err(e) => e.into(),
        }
    }

    fn dup2(&mut self, fd: u32, target: u32) -> Outcome {
        self.dup_onto(fd, target, None)
    }

    fn dup3(&mut self, fd: u32, target: u32, cloexec: bool) -> Outcome {
        self.dup_onto(fd, target, Some(cloexec))
    }

    fn dup_min(&mut self, fd: u32, min: u32, cloexec: bool) -> Outcome {
        let n = self.native(fd);
        let cmd = if cloexec {
            libc::F_DUPFD_CLOEXEC
        } else {
            libc::F_DUPFD
        };
        if n == NEVER_OPEN {
            return kernel_error(sys(|| unsafe { libc::fcntl(n, cmd, 0) }));
        }
        // Emulated limit, as f_dupfd: a minimum at or above the limit is
        // EINVAL, no free number from there on is EMFILE.
        if min >= self.limit {
            return libc::EINVAL.into();
        }
        let Some(fd) = self.lowest_free(min) else {
            return libc::EMFILE.into();
        };
        match sys(|| unsafe { libc::fcntl(n, cmd, 0) }) {
            Ok(new) => {
                self.install(fd, new);
                Outcome::Ok(Value::Fd(fd))
            }
            Err(e) => e.into(),
        }
    }

    /// Whether a read (or write) on `n` would wait forever: a blocking pipe
    /// end open for it, with nothing to read (no room to write).
    fn would_block(n: RawFd, write: bool) -> bool {
        let Ok(fl) = sys(|| unsafe { libc::fcntl(n, libc::F_GETFL) }) else {
            return false;
        };
        let wrong_way = if write {
            libc::O_RDONLY
        } else {
            libc::O_WRONLY
        };
        if fl & libc::O_NONBLOCK != 0 || fl & libc::O_ACCMODE == wrong_way {
            return false;
        }
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(n, &mut st) } != 0 || st.st_mode & libc::S_IFMT != libc::S_IFIFO {
            return false;
        }
        let events = if write { libc::POLLOUT } else { libc::POLLIN };
        let mut p = libc::pollfd {
            fd: n,
            events,
            revents: 0,
        };
        sys(|| unsafe { libc::poll(&mut p, 1, 0) }) == Ok(0)
    }

    fn read(&mut self, fd: u32, len: u32, offset: Option<u64>) -> Outcome {
        let n = self.native(fd);
        if offset.is_none() && len > 0 && Self::would_block(n, false) {
            return Outcome::WouldBlock;
        }
        // vfd serves at most MAX_READ_LEN per call (documented): ask the
        // kernel for no more, so a large read of a large file agrees.
        let cap = len.min(MAX_READ_LEN) as usize;
        let mut buf = vec![0u8; cap];
        let p = buf.as_mut_ptr().cast();
        let r = sys(|| unsafe {
            match offset {
                None => libc::read(n, p, cap),
                Some(off) => libc::pread(n, p, cap, off as i64),
            }
        });
        match r {
            Ok(got) => {
                buf.truncate(got as usize);
                Outcome::Ok(Value::Bytes(Bytes(buf)))
            }
            Err(e) => e.into(),
        }
    }

    fn write(&mut self, fd: u32, data: &[u8], offset: Option<u64>) -> Outcome {
        let n = self.native(fd);
        if offset.is_none() && !data.is_empty() && Self::would_block(n, true) {
            return Outcome::WouldBlock;
        }
        let p = data.as_ptr().cast();
        let r = sys(|| unsafe {
            match offset {
                None => libc::write(n, p, data.len()),
                Some(off) => libc::pwrite(n, p, data.len(), off as i64),
            }
        });
        match r {
            Ok(wrote) => Outcome::Ok(Value::Count(wrote as u32)),
            Err(e) => e.into(),
        }
    }

    fn seek(&mut self, fd: u32, offset: i64, whence: Whence) -> Outcome {
        let n = self.native(fd);
        let whence = match whence {
            Whence::Set => libc::SEEK_SET,
            Whence::Cur => libc::SEEK_CUR,
            Whence::End => libc::SEEK_END,
        };
        match sys(|| unsafe { libc::lseek(n, offset, whence) }) {
            Ok(pos) => Outcome::Ok(Value::Offset(pos as u64)),
            Err(e) => e.into(),
        }
    }

    fn stat(&mut self, fd: u32) -> Outcome {
        let n = self.native(fd);
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        match sys(|| unsafe { libc::fstat(n, &mut st) }) {
            Ok(_) => Outcome::Ok(stat_value(&st)),
            Err(e) => e.into(),
        }
    }

    fn pipe(&mut self, cloexec: bool, nonblock: bool, append: bool) -> Outcome {
        let mut flags = 0;
        if cloexec {
            flags |= libc::O_CLOEXEC;
        }
        if nonblock {
            flags |= libc::O_NONBLOCK;
        }
        if append {
            flags |= libc::O_APPEND;
        }
        let mut ends = [0; 2];
        if let Err(e) = sys(|| unsafe { libc::pipe2(ends.as_mut_ptr(), flags) }) {
            return e.into();
        }
        // SAFETY: the two descriptors pipe2 just made.
        let (r, w) = unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
        // Emulated limit: pipe2 checks its flags, then needs two numbers
        // (a pipe made without them is invisible, so dropping it is exact).
        let Some(first) = self.lowest_free(0) else {
            return libc::EMFILE.into();
        };
        let Some(second) = self.lowest_free(first + 1) else {
            return libc::EMFILE.into();
        };
        self.table.insert(first, r);
        self.table.insert(second, w);
        Outcome::Ok(Value::Pair(first, second))
    }
}

/// The flags of an `-at` call that follows a final symlink or not.
fn at_flags(follow: bool) -> i32 {
    if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW }
}

/// The two `timespec`s of utimensat(2) and futimens(2) for `times`.
fn timespecs(times: Times) -> [libc::timespec; 2] {
    let timespec = |stamp: Stamp| {
        let (tv_sec, tv_nsec) = match stamp {
            Stamp::Omit => (0, libc::UTIME_OMIT),
            Stamp::Now => (0, libc::UTIME_NOW),
            Stamp::At(seconds, nanoseconds) => (seconds, nanoseconds.into()),
        };
        libc::timespec { tv_sec, tv_nsec }
    };
    let (access, modification) = times.stamps();
    [timespec(access), timespec(modification)]
}

/// The file type of `st_mode`, as both sides name it.
fn kind(mode: libc::mode_t) -> &'static str {
    match mode & libc::S_IFMT {
        libc::S_IFREG => "regular-file",
        libc::S_IFDIR => "directory",
        libc::S_IFLNK => "symlink",
        libc::S_IFIFO => "pipe",
        libc::S_IFSOCK => "socket",
        libc::S_IFCHR => "character-device",
        libc::S_IFBLK => "block-device",
        _ => "unknown",
    }
}

/// What both trees agree on in a `struct stat`.
fn stat_value(st: &libc::stat) -> Value {
    Value::Stat {
        kind: kind(st.st_mode),
        size: st.st_size as u64,
        links: st.st_nlink,
    }
}

/// The kind and modification time of a `struct stat`.
fn mtime(st: &libc::stat) -> Mtime {
    (st.st_mtime, st.st_mtime_nsec as u32)
}
