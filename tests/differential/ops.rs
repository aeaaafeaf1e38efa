//! The generated steps, and how one becomes a concrete call.
//!
//! A step names its descriptors abstractly ([`Fd`]): the n-th open number,
//! the n-th most recently closed one, or a literal number. They are
//! resolved when the step runs, against the reference table, so a sequence
//! keeps meaning something after shrinking has removed steps from it.
//!
//! The `Debug` form of every type here is Rust source that builds it (with
//! the imports of `regressions.rs`), so a shrunk counterexample can be
//! pasted as a regression test.

use proptest::prelude::*;
use proptest::sample::select;
use std::fmt;
pub use vfd_host::AT_FDCWD;
use vfd_host::MAX_READ_LEN;

/// `read` in [`OpenBits`] (O_RDONLY, or O_RDWR with `W`).
pub const R: u16 = 1 << 0;
/// `write` (O_WRONLY, or O_RDWR with `R`).
pub const W: u16 = 1 << 1;
/// `create` (O_CREAT).
pub const CREAT: u16 = 1 << 2;
/// `exclusive` (O_EXCL).
pub const EXCL: u16 = 1 << 3;
/// `truncate` (O_TRUNC).
pub const TRUNC: u16 = 1 << 4;
/// `append` (O_APPEND).
pub const APPEND: u16 = 1 << 5;
/// `nonblock` (O_NONBLOCK).
pub const NONBLOCK: u16 = 1 << 6;
/// `directory` (O_DIRECTORY).
pub const DIRECTORY: u16 = 1 << 7;
/// `nofollow` (O_NOFOLLOW).
pub const NOFOLLOW: u16 = 1 << 8;
/// `cloexec` (O_CLOEXEC).
pub const CLOEXEC: u16 = 1 << 9;

const BIT_NAMES: [(u16, &str); 10] = [
    (R, "R"),
    (W, "W"),
    (CREAT, "CREAT"),
    (EXCL, "EXCL"),
    (TRUNC, "TRUNC"),
    (APPEND, "APPEND"),
    (NONBLOCK, "NONBLOCK"),
    (DIRECTORY, "DIRECTORY"),
    (NOFOLLOW, "NOFOLLOW"),
    (CLOEXEC, "CLOEXEC"),
];

/// A set of the WIT `open-flags`, one bit each, in the WIT's order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OpenBits(pub u16);

impl OpenBits {
    pub fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
}

impl fmt::Debug for OpenBits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = BIT_NAMES
            .iter()
            .filter(|(bit, _)| self.has(*bit))
            .map(|(_, name)| *name)
            .collect();
        if names.is_empty() {
            write!(f, "OpenBits(0)")
        } else {
            write!(f, "OpenBits({})", names.join(" | "))
        }
    }
}

/// A descriptor argument, resolved when its step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fd {
    /// The n-th open number from the highest down (the newest, usually),
    /// counting modulo how many are open (a number that is never open when
    /// none is).
    Nth(u8),
    /// The n-th most recently closed number, counting modulo how many have
    /// been closed: closed still, or reused since.
    Freed(u8),
    /// This number, whatever it is: free, open, at or past the limit,
    /// negative as a C `int`.
    Num(u32),
}

/// The `whence` of a seek.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    Set,
    Cur,
    End,
}

/// The paths a step may open, relative to the tree's root (see `tree.rs`):
/// regular files (existing, missing, through a symlink)...
pub const FILES: &[&str] = &["a", "b", "new", "sub/x", "sub/y", "link"];

/// ... and directories, a dangling symlink, and paths that cannot be
/// files.
pub const OTHERS: &[&str] = &[
    "sub", ".", "dlink", "sub/", "dangle", "a/x", "nodir/x", "a/",
];

/// Absolute paths for `open-at`, which then ignores its directory.
pub const ABSOLUTE: &[&str] = &["/data/a", "/data/new", "/data/sub"];

/// The paths of the directory calls (`mkdir-at`, `unlink-at`,
/// `remove-dir-at`, `rename-at`, `stat-at`, `symlink-at`, `readlink-at`,
/// `link-at`, `set-times-at`): names to create, files, directories full
/// and empty, symlinks to each, trailing slashes, and paths through a file
/// or a missing directory. Never the mount's root (vfd answers for a mount
/// point, which the native tree is not).
pub const DIR_PATHS: &[&str] = &[
    "new",
    "newdir",
    "newdir/x",
    "newdir/",
    "sub",
    "sub/",
    "sub/y",
    "sub/z",
    "a",
    "a/",
    "b",
    "link",
    "link/",
    "dlink",
    "dlink/",
    "dangle",
    "dangle/",
    "nodir/x",
    "a/x",
    "/data/newdir",
    "/data/sub/y",
];

/// What `symlink-at` makes a link hold: a file, a directory, a name that
/// is missing until a step creates it (as a file or a directory; a link
/// made at `new` itself is a loop), `..` back to the link's own directory,
/// the empty target (`ENOENT`), and a `..` that comes back down to a file.
/// All are relative, and none leads above the link's directory whatever
/// links the steps make: a `..` climbs out of `sub` only, which can never
/// lead back to the link's directory itself (every way there goes through
/// `sub` again, a loop). A target that led out of the tree, or an absolute
/// one, would differ by design: Linux follows it, vfd refuses it
/// (`EPERM` for an absolute target, a documented difference).
pub const TARGETS: &[&str] = &["a", "sub", "new", "sub/..", "", "sub/../a"];

/// The times a set-times step gives (access, modification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Times {
    /// Both now.
    Now,
    /// Both left as they are: Linux succeeds before it looks at anything.
    Omit,
    /// Access at 1_000_000_000 s + 5 ns, modification at
    /// 1_200_000_000 s + 7 ns.
    Explicit,
    /// Access left as it is, modification at 1_300_000_000 s.
    Mixed,
    /// Both before the epoch: access at -86_400 s, modification at
    /// -5 s + 3 ns (Linux keeps them; the wasm layer cannot, a documented
    /// difference).
    BeforeEpoch,
}

/// One of the two times of a set-times call, as `struct timespec` gives
/// it with its special values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamp {
    /// `UTIME_OMIT`.
    Omit,
    /// `UTIME_NOW`.
    Now,
    /// Seconds and nanoseconds since the epoch.
    At(i64, u32),
}

impl Times {
    /// The access and the modification time.
    pub fn stamps(self) -> (Stamp, Stamp) {
        match self {
            Times::Now => (Stamp::Now, Stamp::Now),
            Times::Omit => (Stamp::Omit, Stamp::Omit),
            Times::Explicit => (Stamp::At(1_000_000_000, 5), Stamp::At(1_200_000_000, 7)),
            Times::Mixed => (Stamp::Omit, Stamp::At(1_300_000_000, 0)),
            Times::BeforeEpoch => (Stamp::At(-86_400, 0), Stamp::At(-5, 3)),
        }
    }
}

/// One generated step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// open(2) of `/data/<path>`.
    Open {
        path: &'static str,
        flags: OpenBits,
    },
    /// openat(2) of `path` through the directory `dir` (AT_FDCWD: the
    /// root, which is vfd's current directory).
    OpenAt {
        dir: Fd,
        path: &'static str,
        flags: OpenBits,
    },
    Close(Fd),
    Dup(Fd),
    Dup2(Fd, Fd),
    /// dup3(fd, target, cloexec).
    Dup3(Fd, Fd, bool),
    /// F_DUPFD (F_DUPFD_CLOEXEC with `true`) with this minimum.
    DupMin(Fd, u32, bool),
    Read(Fd, u32),
    /// write(2) of this many bytes (their values depend on the step).
    Write(Fd, u8),
    Pread(Fd, u32, u64),
    Pwrite(Fd, u8, u64),
    Seek(Fd, i64, Whence),
    Stat(Fd),
    Truncate(Fd, u64),
    GetFdFlags(Fd),
    /// F_SETFD with or without FD_CLOEXEC.
    SetFdFlags(Fd, bool),
    GetStatusFlags(Fd),
    /// F_SETFL with (append, nonblock).
    SetStatusFlags(Fd, bool, bool),
    GetAccessMode(Fd),
    /// pipe2(2) with (cloexec, nonblock, append): append is EINVAL.
    Pipe(bool, bool, bool),
    /// mkdirat(2) of `path` through `dir`.
    Mkdir {
        dir: Fd,
        path: &'static str,
    },
    /// unlinkat(2) without AT_REMOVEDIR.
    Unlink {
        dir: Fd,
        path: &'static str,
    },
    /// unlinkat(2) with AT_REMOVEDIR.
    RemoveDir {
        dir: Fd,
        path: &'static str,
    },
    /// renameat(2).
    Rename {
        dir: Fd,
        path: &'static str,
        new_dir: Fd,
        new_path: &'static str,
    },
    /// fstatat(2), with AT_SYMLINK_NOFOLLOW unless `follow`.
    StatAt {
        dir: Fd,
        path: &'static str,
        follow: bool,
    },
    /// symlinkat(2) of a link at `path` through `dir`, holding `target`.
    Symlink {
        target: &'static str,
        dir: Fd,
        path: &'static str,
    },
    /// readlinkat(2).
    Readlink {
        dir: Fd,
        path: &'static str,
    },
    /// linkat(2) without AT_SYMLINK_FOLLOW.
    Link {
        dir: Fd,
        path: &'static str,
        new_dir: Fd,
        new_path: &'static str,
    },
    /// utimensat(2), with AT_SYMLINK_NOFOLLOW unless `follow`.
    SetTimesAt {
        dir: Fd,
        path: &'static str,
        times: Times,
        follow: bool,
    },
    /// futimens(2). Not made on a character device, by any runner: that is
    /// stdio, the machine's own `/dev/null` on every side, whose times a
    /// test run as root would change, shared with the cases running at the
    /// same time.
    SetTimes {
        fd: Fd,
        times: Times,
    },
}

/// A generated test case: the table limit and the steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The table limit (vfd's `max_fds`, emulated natively).
    pub limit: u32,
    pub ops: Vec<Op>,
}

/// A step with its descriptors resolved and its data made: what both
/// sides are asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// openat(2) of the guest path `path` (vfd's `open` when `dir` is
    /// AT_FDCWD and the path absolute, else `open-at`).
    Open {
        dir: u32,
        path: String,
        flags: OpenBits,
    },
    Close(u32),
    Dup(u32),
    Dup2(u32, u32),
    Dup3(u32, u32, bool),
    DupMin(u32, u32, bool),
    Read(u32, u32),
    Write(u32, Vec<u8>),
    Pread(u32, u32, u64),
    Pwrite(u32, Vec<u8>, u64),
    Seek(u32, i64, Whence),
    Stat(u32),
    Truncate(u32, u64),
    GetFdFlags(u32),
    SetFdFlags(u32, bool),
    GetStatusFlags(u32),
    SetStatusFlags(u32, bool, bool),
    GetAccessMode(u32),
    Pipe(bool, bool, bool),
    Mkdir {
        dir: u32,
        path: String,
    },
    Unlink {
        dir: u32,
        path: String,
    },
    RemoveDir {
        dir: u32,
        path: String,
    },
    Rename {
        dir: u32,
        path: String,
        new_dir: u32,
        new_path: String,
    },
    StatAt {
        dir: u32,
        path: String,
        follow: bool,
    },
    Symlink {
        target: String,
        dir: u32,
        path: String,
    },
    Readlink {
        dir: u32,
        path: String,
    },
    Link {
        dir: u32,
        path: String,
        new_dir: u32,
        new_path: String,
    },
    SetTimesAt {
        dir: u32,
        path: String,
        times: Times,
        follow: bool,
    },
    SetTimes {
        fd: u32,
        times: Times,
    },
}

/// The bytes step `step` writes: a different run of letters each step, so
/// a write landing at the wrong offset shows in the files.
pub fn data(step: usize, len: u8) -> Vec<u8> {
    (0..len as usize)
        .map(|i| b'a' + ((step * 7 + i) % 26) as u8)
        .collect()
}

/// A number that is never open: the resolution of `Nth`/`Freed` when
/// there is nothing to pick.
pub const NEVER: u32 = 5000;

impl Op {
    /// The call this step makes, given the open numbers (in order) and the
    /// closed ones (oldest first).
    pub fn resolve(&self, step: usize, open: &[u32], freed: &[u32]) -> Call {
        let fd = |f: &Fd| match *f {
            Fd::Nth(n) if !open.is_empty() => open[open.len() - 1 - n as usize % open.len()],
            Fd::Freed(n) if !freed.is_empty() => freed[freed.len() - 1 - n as usize % freed.len()],
            Fd::Num(n) => n,
            _ => NEVER,
        };
        match self {
            Op::Open { path, flags } => Call::Open {
                dir: AT_FDCWD,
                path: format!("/data/{path}"),
                flags: *flags,
            },
            Op::OpenAt { dir, path, flags } => Call::Open {
                dir: fd(dir),
                path: path.to_string(),
                flags: *flags,
            },
            Op::Close(f) => Call::Close(fd(f)),
            Op::Dup(f) => Call::Dup(fd(f)),
            Op::Dup2(f, t) => Call::Dup2(fd(f), fd(t)),
            Op::Dup3(f, t, c) => Call::Dup3(fd(f), fd(t), *c),
            Op::DupMin(f, min, c) => Call::DupMin(fd(f), *min, *c),
            Op::Read(f, len) => Call::Read(fd(f), *len),
            Op::Write(f, len) => Call::Write(fd(f), data(step, *len)),
            Op::Pread(f, len, off) => Call::Pread(fd(f), *len, *off),
            Op::Pwrite(f, len, off) => Call::Pwrite(fd(f), data(step, *len), *off),
            Op::Seek(f, off, whence) => Call::Seek(fd(f), *off, *whence),
            Op::Stat(f) => Call::Stat(fd(f)),
            Op::Truncate(f, size) => Call::Truncate(fd(f), *size),
            Op::GetFdFlags(f) => Call::GetFdFlags(fd(f)),
            Op::SetFdFlags(f, c) => Call::SetFdFlags(fd(f), *c),
            Op::GetStatusFlags(f) => Call::GetStatusFlags(fd(f)),
            Op::SetStatusFlags(f, a, n) => Call::SetStatusFlags(fd(f), *a, *n),
            Op::GetAccessMode(f) => Call::GetAccessMode(fd(f)),
            Op::Pipe(c, n, a) => Call::Pipe(*c, *n, *a),
            Op::Mkdir { dir, path } => Call::Mkdir {
                dir: fd(dir),
                path: path.to_string(),
            },
            Op::Unlink { dir, path } => Call::Unlink {
                dir: fd(dir),
                path: path.to_string(),
            },
            Op::RemoveDir { dir, path } => Call::RemoveDir {
                dir: fd(dir),
                path: path.to_string(),
            },
            Op::Rename {
                dir,
                path,
                new_dir,
                new_path,
            } => Call::Rename {
                dir: fd(dir),
                path: path.to_string(),
                new_dir: fd(new_dir),
                new_path: new_path.to_string(),
            },
            Op::StatAt { dir, path, follow } => Call::StatAt {
                dir: fd(dir),
                path: path.to_string(),
                follow: *follow,
            },
            Op::Symlink { target, dir, path } => Call::Symlink {
                target: target.to_string(),
                dir: fd(dir),
                path: path.to_string(),
            },
            Op::Readlink { dir, path } => Call::Readlink {
                dir: fd(dir),
                path: path.to_string(),
            },
            Op::Link {
                dir,
                path,
                new_dir,
                new_path,
            } => Call::Link {
                dir: fd(dir),
                path: path.to_string(),
                new_dir: fd(new_dir),
                new_path: new_path.to_string(),
            },
            Op::SetTimesAt {
                dir,
                path,
                times,
                follow,
            } => Call::SetTimesAt {
                dir: fd(dir),
                path: path.to_string(),
                times: *times,
                follow: *follow,
            },
            Op::SetTimes { fd: f, times } => Call::SetTimes {
                fd: fd(f),
                times: *times,
            },
        }
    }
}

/// A literal descriptor number: small ones (open, free, reused), the
/// numbers around both limits, and ones no table can hold.
fn number() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => 0u32..12,
        2 => 0u32..70,
        1 => select(vec![
            7,
            8,
            9,
            63,
            64,
            65,
            NEVER,
            i32::MAX as u32,
            1 << 31,
            AT_FDCWD,
            u32::MAX,
        ]),
    ]
}

fn fd() -> impl Strategy<Value = Fd> {
    prop_oneof![
        4 => (0u8..3).prop_map(Fd::Nth),
        2 => (0u8..16).prop_map(Fd::Nth),
        2 => (0u8..8).prop_map(Fd::Freed),
        2 => number().prop_map(Fd::Num),
    ]
}

fn dir_fd() -> impl Strategy<Value = Fd> {
    prop_oneof![
        2 => Just(Fd::Num(AT_FDCWD)),
        3 => fd(),
    ]
}

fn path() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        3 => select(FILES),
        2 => select(OTHERS),
    ]
}

fn at_path() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => path(),
        1 => select(ABSOLUTE),
    ]
}

/// Every combination can come out; the bits that make most opens fail
/// (`directory`, `nofollow`, `exclusive`) come out less often.
fn open_bits() -> impl Strategy<Value = OpenBits> {
    use prop::bool::weighted;
    (
        (weighted(0.5), weighted(0.6), weighted(0.4), weighted(0.2)),
        (weighted(0.2), weighted(0.3), weighted(0.2), weighted(0.1)),
        (weighted(0.1), weighted(0.3)),
    )
        .prop_map(|((r, w, c, x), (t, a, n, d), (f, e))| {
            let bits = [r, w, c, x, t, a, n, d, f, e];
            OpenBits(
                bits.iter()
                    .enumerate()
                    .filter(|(_, on)| **on)
                    .fold(0, |acc, (i, _)| acc | 1 << i),
            )
        })
}

fn read_len() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 0u32..40,
        1 => select(vec![MAX_READ_LEN + 1, u32::MAX]),
    ]
}

/// File offsets and sizes: small ones, and the edges of 32-bit, of
/// ext4's largest file, of `off_t` and of `u64`.
fn offset() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 0u64..64,
        1 => select(vec![
            4096,
            1 << 32,
            (16 << 40) - 4096,
            16 << 40,
            i64::MAX as u64,
            1 << 63,
            u64::MAX,
        ]),
    ]
}

fn seek_offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => -64i64..64,
        1 => select(vec![i64::MIN, -1 << 32, 1 << 32, 16 << 40, i64::MAX]),
    ]
}

fn whence() -> impl Strategy<Value = Whence> {
    prop_oneof![Just(Whence::Set), Just(Whence::Cur), Just(Whence::End)]
}

fn times() -> impl Strategy<Value = Times> {
    prop_oneof![
        Just(Times::Now),
        Just(Times::Omit),
        Just(Times::Explicit),
        Just(Times::Mixed),
        Just(Times::BeforeEpoch),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let any_bool = any::<bool>;
    prop_oneof![
        6 => (path(), open_bits()).prop_map(|(path, flags)| Op::Open { path, flags }).boxed(),
        2 => (dir_fd(), at_path(), open_bits())
            .prop_map(|(dir, path, flags)| Op::OpenAt { dir, path, flags })
            .boxed(),
        4 => fd().prop_map(Op::Close).boxed(),
        2 => fd().prop_map(Op::Dup).boxed(),
        2 => (fd(), fd()).prop_map(|(f, t)| Op::Dup2(f, t)).boxed(),
        2 => (fd(), fd(), any_bool()).prop_map(|(f, t, c)| Op::Dup3(f, t, c)).boxed(),
        2 => (fd(), number(), any_bool()).prop_map(|(f, m, c)| Op::DupMin(f, m, c)).boxed(),
        4 => (fd(), read_len()).prop_map(|(f, n)| Op::Read(f, n)).boxed(),
        4 => (fd(), 0u8..12).prop_map(|(f, n)| Op::Write(f, n)).boxed(),
        2 => (fd(), read_len(), offset()).prop_map(|(f, n, o)| Op::Pread(f, n, o)).boxed(),
        2 => (fd(), 0u8..12, offset()).prop_map(|(f, n, o)| Op::Pwrite(f, n, o)).boxed(),
        3 => (fd(), seek_offset(), whence()).prop_map(|(f, o, w)| Op::Seek(f, o, w)).boxed(),
        1 => fd().prop_map(Op::Stat).boxed(),
        2 => (fd(), offset()).prop_map(|(f, s)| Op::Truncate(f, s)).boxed(),
        1 => fd().prop_map(Op::GetFdFlags).boxed(),
        1 => (fd(), any_bool()).prop_map(|(f, c)| Op::SetFdFlags(f, c)).boxed(),
        1 => fd().prop_map(Op::GetStatusFlags).boxed(),
        2 => (fd(), any_bool(), any_bool())
            .prop_map(|(f, a, n)| Op::SetStatusFlags(f, a, n))
            .boxed(),
        1 => fd().prop_map(Op::GetAccessMode).boxed(),
        1 => (any_bool(), any_bool(), prop::bool::weighted(0.1))
            .prop_map(|(c, n, a)| Op::Pipe(c, n, a))
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS))
            .prop_map(|(dir, path)| Op::Mkdir { dir, path })
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS))
            .prop_map(|(dir, path)| Op::Unlink { dir, path })
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS))
            .prop_map(|(dir, path)| Op::RemoveDir { dir, path })
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS), dir_fd(), select(DIR_PATHS))
            .prop_map(|(dir, path, new_dir, new_path)| Op::Rename {
                dir,
                path,
                new_dir,
                new_path,
            })
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS), any_bool())
            .prop_map(|(dir, path, follow)| Op::StatAt { dir, path, follow })
            .boxed(),
        1 => (select(TARGETS), dir_fd(), select(DIR_PATHS))
            .prop_map(|(target, dir, path)| Op::Symlink { target, dir, path })
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS))
            .prop_map(|(dir, path)| Op::Readlink { dir, path })
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS), dir_fd(), select(DIR_PATHS))
            .prop_map(|(dir, path, new_dir, new_path)| Op::Link {
                dir,
                path,
                new_dir,
                new_path,
            })
            .boxed(),
        1 => (dir_fd(), select(DIR_PATHS), times(), any_bool())
            .prop_map(|(dir, path, times, follow)| Op::SetTimesAt {
                dir,
                path,
                times,
                follow,
            })
            .boxed(),
        1 => (fd(), times()).prop_map(|(fd, times)| Op::SetTimes { fd, times }).boxed(),
    ]
}

/// Up to `max_len` steps, under the usual limit of 64 or a small one that
/// a sequence can fill (EMFILE from open, dup and pipe).
pub fn case(max_len: usize) -> impl Strategy<Value = Case> {
    (
        prop_oneof![3 => Just(64u32), 1 => Just(8u32)],
        prop::collection::vec(op(), 1..=max_len),
    )
        .prop_map(|(limit, ops)| Case { limit, ops })
}

/// `case` as the source of a regression test.
pub fn as_test(case: &Case) -> String {
    let mut out = String::from("#[test]\nfn name_me() {\n    check(&Case {\n");
    out += &format!("        limit: {},\n        ops: vec![\n", case.limit);
    for op in &case.ops {
        out += &format!("            {op:?},\n");
    }
    out + "        ],\n    });\n}\n"
}
