//! Replays a descriptor call sequence through the vfd guest library, for
//! the guest level of the differential test (tests/differential/guest.rs).
//!
//! The script comes on WASI's stdin, one call per line; one result line per
//! call goes to WASI's stdout. vfd's own 0, 1 and 2 are the sequence's to
//! use, so neither the script nor the results go through them (with
//! `--close-stdio`, the sequence starts with them closed; `--cwd DIR` sets
//! vfd's current directory first). Descriptor
//! numbers come as the host's unsigned numbers and are handed to the
//! library's raw calls as C would (a number past `i32::MAX` is negative;
//! the library passes it on, and the host answers in Linux's order).
//!
//! Calls (`C`, `A`, `N` are 0 or 1: cloexec, append, nonblock):
//!
//! ```text
//! open DIR PATH BITS    dup FD            read FD LEN       seek FD OFF set|cur|end
//! close FD              dup2 FD TARGET    write FD DATA     stat FD
//! getfd FD              dup3 FD TARGET C  pread FD LEN OFF  truncate FD SIZE
//! setfd FD C            dupmin FD MIN C   pwrite FD DATA OFF
//! getfl FD              setfl FD A N      access FD         pipe C N A
//! mkdir DIR PATH        unlink DIR PATH   rmdir DIR PATH    statat DIR PATH FOLLOW
//! rename DIR PATH NEWDIR NEWPATH          link DIR PATH NEWDIR NEWPATH
//! symlink TARGET DIR PATH                 readlink DIR PATH
//! settimes FD ATIME MTIME                 settimesat DIR PATH ATIME MTIME FOLLOW
//! ```
//!
//! `BITS` are the open flags in the WIT's order (read = 1, write = 2,
//! create = 4...), `DATA` is text (`-` for none), `TARGET` too (`-` for
//! the empty target), and each of `ATIME` and `MTIME` is `now`, `omit` or
//! `SECONDS:NANOSECONDS`. Results: `ok`, `fd N`, `pair R W`, `bytes HEX`
//! (`bytes -`), `count N`, `offset N`, `stat KIND SIZE LINKS`,
//! `cloexec B`, `status A N`, `access MODE`, `target TEXT` (what
//! `readlink` read), `err NAME`, or `wouldblock` for a read or write on a
//! blocking pipe that could never finish (judged with `poll`, and not
//! made). A set of times that succeeded with an `MTIME` of its own prints
//! the modification time the file then has, `mtime SECONDS NANOSECONDS`
//! (`mtime err NAME` if the stat fails). A set of times on a character
//! device is not made (`ok`): see `Op::SetTimes` in
//! tests/differential/ops.rs.

use std::io::{self, BufWriter, Read, SeekFrom, Write};
use std::time::UNIX_EPOCH;
use vfd::fd::{BorrowedFd, IntoRawFd, RawFd};
use vfd::fs::{AtFlags, Metadata, Timespec, Timestamps, UTIME_NOW, UTIME_OMIT};
use vfd::io::{AccessMode, FdFlags, OpenFlags, StatusFlags};
use vfd::poll::{PollFd, PollFlags};
use vfd_test_guests::errno;

/// The host's image of `AT_FDCWD` (-100), as the script writes it.
const HOST_AT_FDCWD: u32 = vfd::fd::AT_FDCWD as u32;

/// The library's cap on one read; asking for more is served in part.
const MAX_READ_LEN: u32 = 1 << 20;

/// The open flags, in the WIT's order: bit `i` of `BITS` is `OPEN_BITS[i]`.
const OPEN_BITS: [OpenFlags; 10] = [
    OpenFlags::READ,
    OpenFlags::WRITE,
    OpenFlags::CREATE,
    OpenFlags::EXCLUSIVE,
    OpenFlags::TRUNCATE,
    OpenFlags::APPEND,
    OpenFlags::NONBLOCK,
    OpenFlags::DIRECTORY,
    OpenFlags::NOFOLLOW,
    OpenFlags::CLOEXEC,
];

fn main() {
    let mut script = String::new();
    io::stdin()
        .read_to_string(&mut script)
        .expect("the script on stdin");
    setup(std::env::args().skip(1));
    let mut out = BufWriter::new(io::stdout().lock());
    for line in script.lines() {
        let result = replay(line).unwrap_or_else(|e| error(&e));
        writeln!(out, "{result}").expect("stdout");
    }
    out.flush().expect("stdout");
}

/// The result line of an error: `err NAME`.
fn error(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => match errno::name(n) {
            "?" => format!("err errno {n}"),
            name => format!("err {name}"),
        },
        None => format!("err {e}"),
    }
}

/// Apply the options, once the script is read:
/// - `--close-stdio` closes vfd's 0, 1 and 2, for a layer whose stdio are
///   the runtime's streams (the wasm build) rather than `/dev/null`, so the
///   sequence starts on an empty table;
/// - `--cwd DIR` changes vfd's current directory first.
fn setup(mut args: impl Iterator<Item = String>) {
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--close-stdio" => {
                for fd in 0..3 {
                    // Closed already under a limit below 3: nothing to do.
                    let _ = vfd::io::close_raw(fd);
                }
            }
            "--cwd" => {
                let dir = args.next().expect("--cwd needs a directory");
                vfd::env::set_current_dir(&dir).unwrap_or_else(|e| panic!("cd {dir}: {e}"));
            }
            other => panic!("unknown option {other:?}: expected --close-stdio or --cwd DIR"),
        }
    }
}

/// The words of one script line.
struct Args<'a>(std::str::SplitWhitespace<'a>);

impl<'a> Args<'a> {
    fn word(&mut self) -> &'a str {
        self.0.next().expect("a word missing from the script line")
    }

    fn num<T: std::str::FromStr>(&mut self) -> T {
        let word = self.word();
        word.parse()
            .unwrap_or_else(|_| panic!("not a number in the script: {word}"))
    }

    fn flag(&mut self) -> bool {
        self.num::<u8>() == 1
    }

    /// A descriptor number as C holds it: the host's `u32`, as an `int`.
    fn raw(&mut self) -> RawFd {
        self.num::<u32>() as RawFd
    }

    /// A borrowed descriptor for the raw number.
    fn fd(&mut self) -> BorrowedFd<'static> {
        // SAFETY: the script manages its numbers as C does; a number that
        // is not open is what the call under test is about.
        unsafe { BorrowedFd::borrow_raw(self.raw()) }
    }

    fn data(&mut self) -> &'a [u8] {
        match self.word() {
            "-" => b"",
            text => text.as_bytes(),
        }
    }

    /// A symlink's target: `-` is the empty one.
    fn target(&mut self) -> &'a str {
        match self.word() {
            "-" => "",
            target => target,
        }
    }

    /// The rule for a final symlink: `1` follows it.
    fn follow(&mut self) -> AtFlags {
        if self.flag() {
            AtFlags::empty()
        } else {
            AtFlags::SYMLINK_NOFOLLOW
        }
    }

    /// One time of futimens(2): `now`, `omit` or `SECONDS:NANOSECONDS`.
    fn timespec(&mut self) -> Timespec {
        let (tv_sec, tv_nsec) = match self.word() {
            "now" => (0, UTIME_NOW),
            "omit" => (0, UTIME_OMIT),
            at => {
                let (seconds, nanoseconds) = at
                    .split_once(':')
                    .unwrap_or_else(|| panic!("not a time in the script: {at}"));
                let number = |n: &str| -> i64 {
                    n.parse()
                        .unwrap_or_else(|_| panic!("not a time in the script: {at}"))
                };
                (number(seconds), number(nanoseconds))
            }
        };
        Timespec { tv_sec, tv_nsec }
    }

    /// The access time, then the modification time.
    fn times(&mut self) -> Timestamps {
        Timestamps {
            last_access: self.timespec(),
            last_modification: self.timespec(),
        }
    }
}

fn bit(on: bool) -> u8 {
    on as u8
}

fn fd_flags(cloexec: bool) -> FdFlags {
    if cloexec {
        FdFlags::CLOEXEC
    } else {
        FdFlags::empty()
    }
}

fn replay(line: &str) -> io::Result<String> {
    let mut args = Args(line.split_whitespace());
    Ok(match args.word() {
        "open" => {
            let dir = args.num::<u32>();
            let path = args.word();
            let bits = args.num::<u16>();
            let flags = OPEN_BITS
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .fold(OpenFlags::empty(), |acc, (_, f)| acc | *f);
            let fd = if dir == HOST_AT_FDCWD && path.starts_with('/') {
                vfd::fs::open(path, flags)?
            } else if dir == HOST_AT_FDCWD {
                vfd::fs::openat(vfd::fs::CWD, path, flags)?
            } else {
                // SAFETY: as `Args::fd`.
                let dir = unsafe { BorrowedFd::borrow_raw(dir as RawFd) };
                vfd::fs::openat(dir, path, flags)?
            };
            format!("fd {}", fd.into_raw_fd())
        }
        "close" => {
            vfd::io::close_raw(args.raw())?;
            "ok".into()
        }
        "dup" => format!("fd {}", vfd::io::dup_raw(args.raw())?),
        "dup2" => format!("fd {}", vfd::io::dup2_raw(args.raw(), args.raw())?),
        "dup3" => {
            let (fd, target) = (args.raw(), args.raw());
            let flags = fd_flags(args.flag());
            format!("fd {}", vfd::io::dup3_raw(fd, target, flags)?)
        }
        "dupmin" => {
            let (fd, min) = (args.fd(), args.raw());
            let new = if args.flag() {
                vfd::io::fcntl_dupfd_cloexec(fd, min)?
            } else {
                vfd::io::fcntl_dupfd(fd, min)?
            };
            format!("fd {}", new.into_raw_fd())
        }
        "read" => {
            let (fd, len) = (args.fd(), args.num::<u32>());
            if len > 0 && would_block(fd, false) {
                return Ok("wouldblock".into());
            }
            let mut buf = vec![0; len.min(MAX_READ_LEN) as usize];
            let n = vfd::io::read(fd, &mut buf)?;
            bytes(&buf[..n])
        }
        "write" => {
            let (fd, data) = (args.fd(), args.data());
            if !data.is_empty() && would_block(fd, true) {
                return Ok("wouldblock".into());
            }
            format!("count {}", vfd::io::write(fd, data)?)
        }
        "pread" => {
            let (fd, len, offset) = (args.fd(), args.num::<u32>(), args.num::<u64>());
            let mut buf = vec![0; len.min(MAX_READ_LEN) as usize];
            let n = vfd::io::pread(fd, &mut buf, offset)?;
            bytes(&buf[..n])
        }
        "pwrite" => {
            let (fd, data, offset) = (args.fd(), args.data(), args.num::<u64>());
            format!("count {}", vfd::io::pwrite(fd, data, offset)?)
        }
        "seek" => {
            let (fd, offset) = (args.fd(), args.num::<i64>());
            let pos = match args.word() {
                // A negative offset goes in as C passes it: the same bits.
                "set" => SeekFrom::Start(offset as u64),
                "cur" => SeekFrom::Current(offset),
                "end" => SeekFrom::End(offset),
                other => panic!("unknown whence in the script: {other}"),
            };
            format!("offset {}", vfd::io::seek(fd, pos)?)
        }
        "stat" => {
            let meta = vfd::fs::fstat(args.fd())?;
            format!("stat {} {} {}", kind(&meta), meta.len(), meta.nlink())
        }
        "truncate" => {
            let (fd, size) = (args.fd(), args.num::<u64>());
            vfd::fs::ftruncate(fd, size)?;
            "ok".into()
        }
        "getfd" => {
            let flags = vfd::io::fcntl_getfd(args.fd())?;
            format!("cloexec {}", bit(flags.contains(FdFlags::CLOEXEC)))
        }
        "setfd" => {
            let fd = args.fd();
            vfd::io::fcntl_setfd(fd, fd_flags(args.flag()))?;
            "ok".into()
        }
        "getfl" => {
            let s = vfd::io::fcntl_getfl(args.fd())?;
            format!(
                "status {} {}",
                bit(s.contains(StatusFlags::APPEND)),
                bit(s.contains(StatusFlags::NONBLOCK))
            )
        }
        "setfl" => {
            let fd = args.fd();
            let status = status_flags(args.flag(), args.flag());
            vfd::io::fcntl_setfl(fd, status)?;
            "ok".into()
        }
        "access" => format!(
            "access {}",
            match vfd::io::access_mode(args.fd())? {
                AccessMode::ReadOnly => "read-only",
                AccessMode::WriteOnly => "write-only",
                AccessMode::ReadWrite => "read-write",
            }
        ),
        "pipe" => {
            let flags = fd_flags(args.flag());
            let (nonblock, append) = (args.flag(), args.flag());
            let (r, w) = vfd::pipe::pipe_with(flags, status_flags(append, nonblock))?;
            format!("pair {} {}", r.into_raw_fd(), w.into_raw_fd())
        }
        "mkdir" => {
            let (dir, path) = (args.fd(), args.word());
            vfd::fs::mkdirat(dir, path)?;
            "ok".into()
        }
        "unlink" => {
            let (dir, path) = (args.fd(), args.word());
            vfd::fs::unlinkat(dir, path, AtFlags::empty())?;
            "ok".into()
        }
        "rmdir" => {
            let (dir, path) = (args.fd(), args.word());
            vfd::fs::unlinkat(dir, path, AtFlags::REMOVEDIR)?;
            "ok".into()
        }
        "rename" => {
            let (dir, path, new_dir, new_path) = (args.fd(), args.word(), args.fd(), args.word());
            vfd::fs::renameat(dir, path, new_dir, new_path)?;
            "ok".into()
        }
        "statat" => {
            let (dir, path, flags) = (args.fd(), args.word(), args.follow());
            let meta = vfd::fs::statat(dir, path, flags)?;
            format!("stat {} {} {}", kind(&meta), meta.len(), meta.nlink())
        }
        "symlink" => {
            let (target, dir, path) = (args.target(), args.fd(), args.word());
            vfd::fs::symlinkat(target, dir, path)?;
            "ok".into()
        }
        "readlink" => {
            let (dir, path) = (args.fd(), args.word());
            format!("target {}", vfd::fs::readlinkat(dir, path)?.display())
        }
        "link" => {
            let (dir, path, new_dir, new_path) = (args.fd(), args.word(), args.fd(), args.word());
            vfd::fs::linkat(dir, path, new_dir, new_path, AtFlags::empty())?;
            "ok".into()
        }
        "settimes" => {
            let (fd, times) = (args.fd(), args.times());
            if vfd::fs::fstat(fd).is_ok_and(|m| m.file_type().is_char_device()) {
                return Ok("ok".into());
            }
            vfd::fs::futimens(fd, &times)?;
            modified(&times, || vfd::fs::fstat(fd))
        }
        "settimesat" => {
            let (dir, path, times, flags) = (args.fd(), args.word(), args.times(), args.follow());
            vfd::fs::utimensat(dir, path, &times, flags)?;
            modified(&times, || vfd::fs::statat(dir, path, flags))
        }
        other => panic!("unknown call in the script: {other}"),
    })
}

fn status_flags(append: bool, nonblock: bool) -> StatusFlags {
    let mut s = StatusFlags::empty();
    s.set(StatusFlags::APPEND, append);
    s.set(StatusFlags::NONBLOCK, nonblock);
    s
}

/// The result of a set of times that succeeded: with a modification time
/// of the script's own, the one `stat` then reads.
fn modified(times: &Timestamps, stat: impl FnOnce() -> io::Result<Metadata>) -> String {
    if matches!(times.last_modification.tv_nsec, UTIME_NOW | UTIME_OMIT) {
        return "ok".into();
    }
    let meta = match stat() {
        Ok(meta) => meta,
        Err(e) => return format!("mtime {}", error(&e)),
    };
    let time = match meta.modified() {
        Ok(time) => time,
        Err(e) => return format!("mtime {}", error(&e)),
    };
    // As `struct timespec`: whole seconds down, nanoseconds up from there.
    let (seconds, nanoseconds) = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (after.as_secs() as i64, after.subsec_nanos()),
        Err(e) => {
            let before = e.duration();
            match before.subsec_nanos() {
                0 => (-(before.as_secs() as i64), 0),
                n => (-(before.as_secs() as i64) - 1, 1_000_000_000 - n),
            }
        }
    };
    format!("mtime {seconds} {nanoseconds}")
}

fn bytes(data: &[u8]) -> String {
    if data.is_empty() {
        return "bytes -".into();
    }
    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
    format!("bytes {hex}")
}

fn kind(meta: &vfd::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_file() {
        "regular-file"
    } else if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symlink"
    } else if t.is_fifo() {
        "pipe"
    } else if t.is_socket() {
        "socket"
    } else if t.is_char_device() {
        "character-device"
    } else if t.is_block_device() {
        "block-device"
    } else {
        "unknown"
    }
}

/// Whether a read (or write) on `fd` would wait forever: a blocking pipe
/// end open for it that `poll` does not report ready.
fn would_block(fd: BorrowedFd<'_>, write: bool) -> bool {
    let wrong_way = if write {
        AccessMode::ReadOnly
    } else {
        AccessMode::WriteOnly
    };
    let blocking_pipe = vfd::fs::fstat(fd).is_ok_and(|m| m.file_type().is_fifo())
        && vfd::io::access_mode(fd).is_ok_and(|m| m != wrong_way)
        && vfd::io::fcntl_getfl(fd).is_ok_and(|s| !s.contains(StatusFlags::NONBLOCK));
    if !blocking_pipe {
        return false;
    }
    let events = if write { PollFlags::OUT } else { PollFlags::IN };
    let mut fds = [PollFd::from_borrowed_fd(fd, events)];
    vfd::poll::poll_ms(&mut fds, 0).expect("poll") == 0
}
