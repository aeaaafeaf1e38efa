//! A driver that runs arbitrary call sequences against a [`VfdCtx`], for
//! the fuzz target in `fuzz/` and its proptest stand-in.
//!
//! A sequence is what a hostile guest could send: any fd number (open,
//! closed, reused, huge), any length, flag bits, offsets, and paths with
//! `..`, NUL bytes, very long names and symlinks pointing out. After every
//! call the driver checks the table's invariants; at the end it drops the
//! context and checks that every host descriptor vfd opened is closed and
//! that nothing outside the mount changed.
//!
//! Calls that could block forever are kept from doing so: pipes and socket
//! pairs are made non-blocking, and `set-status-flags` keeps `nonblock`;
//! files stay below 1 MiB.
//!
//! [`run_p1`] does the same through the preview 1 functions of a module
//! (see the `p1` module).

use arbitrary::Arbitrary;
use std::collections::HashMap;
use std::path::Path;
use vfd_host::bindings::vfd::posix::descriptors::Host as Descriptors;
use vfd_host::bindings::vfd::posix::handles::HostFile;
use vfd_host::bindings::vfd::posix::pipes::Host as Pipes;
use vfd_host::bindings::vfd::posix::poll::{Events, Host as Poll, PollFd};
use vfd_host::bindings::vfd::posix::sockets::Host as Sockets;
use vfd_host::bindings::{
    Advice, FdFlags, NewTimestamp, OpenFlags, StatusFlags, Timestamp, Whence,
};
use vfd_host::{AT_FDCWD, DescriptionInfo, MountPerms, VfdCtx, VfdCtxBuilder};

mod p1;
pub use p1::{Arg, P1Op, run_p1};

/// A descriptor argument.
#[derive(Debug, Arbitrary)]
pub enum Fd {
    /// One of the numbers the sequence was given so far (by index).
    Given(u8),
    /// Any number at all.
    Raw(u32),
    /// `AT_FDCWD`.
    Cwd,
}

/// A path argument.
#[derive(Debug, Arbitrary)]
pub enum PathArg {
    /// One of [`PATHS`].
    Known(u8),
    /// Any short string.
    Any(String),
    /// A name of `n` bytes (past NAME_MAX and PATH_MAX for large `n`).
    Long(u16),
}

/// Paths that probe the mount's edges; the fixture gives them meaning.
pub const PATHS: &[&str] = &[
    "/data/file.txt",
    "/data/dir",
    "/data/dir/inner.txt",
    "/data/missing",
    "/data/../outside/secret.txt",
    "/data/dir/../../outside/secret.txt",
    "/data/abs-link",
    "/data/rel-out",
    "/data/abs-link/",
    "/data/loop",
    "/data/inner-link",
    "/data/file.txt/",
    "/data/dangling-out",
    "/ro/ro.txt",
    "/ro",
    "/",
    "..",
    "../..",
    "dir",
    "file.txt",
    "",
    "/data/a\0b",
    "/data/new.txt",
    "/ro/new.txt",
];

/// One guest call.
#[derive(Debug, Arbitrary)]
pub enum Op {
    Open(PathArg, u16),
    OpenAt(Fd, PathArg, u16),
    Close(Fd),
    Dup(Fd),
    Dup2(Fd, Fd),
    Dup3(Fd, Fd, bool),
    DupMin(Fd, u32, bool),
    Read(Fd, u32),
    Write(Fd, u16),
    Pread(Fd, u32, u64),
    Pwrite(Fd, u16, u64),
    Seek(Fd, i64, u8),
    Stat(Fd),
    StatAt(Fd, PathArg, bool),
    Truncate(Fd, u64),
    Sync(Fd),
    GetFdFlags(Fd),
    SetFdFlags(Fd, bool),
    GetStatusFlags(Fd),
    SetStatusFlags(Fd, bool),
    AccessMode(Fd),
    IsTerminal(Fd),
    ReadDir(Fd),
    Mkdir(Fd, PathArg),
    Unlink(Fd, PathArg),
    RemoveDir(Fd, PathArg),
    Rename(Fd, PathArg, Fd, PathArg),
    Symlink(PathArg, Fd, PathArg),
    Readlink(Fd, PathArg),
    Link(Fd, PathArg, Fd, PathArg),
    SetTimesAt(Fd, PathArg, Time, Time, bool),
    SetTimes(Fd, Time, Time),
    Advise(Fd, u64, u64, u8),
    Allocate(Fd, u64, u64),
    Chdir(PathArg),
    Getcwd,
    Pipe(bool),
    Socketpair(bool),
    TcpListen(PathArg),
    Shutdown(Fd, u8),
    LocalAddress(Fd),
    Poll(Vec<(Fd, u8)>),
    Wrap(Fd, bool),
    HandleRead(u8, u32),
    DropHandle(u8),
}

/// The host tree a sequence runs against.
/// One of the two times of a set of times.
#[derive(Debug, Arbitrary)]
pub enum Time {
    Omit,
    Now,
    At(i64, u32),
}

impl From<&Time> for NewTimestamp {
    fn from(t: &Time) -> Self {
        match t {
            Time::Omit => NewTimestamp::Omit,
            Time::Now => NewTimestamp::Now,
            Time::At(seconds, nanoseconds) => NewTimestamp::At(Timestamp {
                seconds: *seconds,
                nanoseconds: *nanoseconds,
            }),
        }
    }
}

/// The largest size a sequence may give a file, so that a run never
/// allocates more than a few MiB of disk.
const MAX_FILE_SIZE: u64 = 1 << 20;

pub struct Fixture {
    dir: tempfile_dir::TempDir,
}

/// A throwaway directory, removed on drop (no dev-dependency needed).
mod tempfile_dir {
    use std::path::{Path, PathBuf};

    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new() -> std::io::Result<TempDir> {
            use std::sync::atomic::{AtomicU64, Ordering};
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("vfd-fuzz-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&path)?;
            Ok(TempDir(path))
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Fixture {
    /// `mnt/` (mounted at `/data`), `ro/` (read-only at `/ro`) and
    /// `outside/` (not mounted), with symlinks out of the mount.
    pub fn new() -> std::io::Result<Fixture> {
        let dir = tempfile_dir::TempDir::new()?;
        let root = dir.path();
        let mnt = root.join("mnt");
        std::fs::create_dir_all(mnt.join("dir"))?;
        std::fs::create_dir_all(root.join("ro"))?;
        std::fs::create_dir_all(root.join("outside"))?;
        std::fs::write(mnt.join("file.txt"), "0123456789")?;
        std::fs::write(mnt.join("dir/inner.txt"), "inner")?;
        std::fs::write(root.join("ro/ro.txt"), "read only")?;
        std::fs::write(root.join("outside/secret.txt"), "secret")?;
        let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, mnt.join(name));
        link(&root.join("outside/secret.txt"), "abs-link")?;
        link(Path::new("../outside/secret.txt"), "rel-out")?;
        link(Path::new("loop"), "loop")?;
        link(Path::new("dir/inner.txt"), "inner-link")?;
        link(Path::new("../outside/new.txt"), "dangling-out")?;
        Ok(Fixture { dir })
    }

    fn context(&self) -> VfdCtx {
        self.builder().build().expect("build")
    }

    /// A context with no stdio, a limit of 64, `/data` and `/ro`.
    fn builder(&self) -> VfdCtxBuilder {
        let root = self.dir.path();
        let mut b = VfdCtx::builder();
        b.no_stdio().max_fds(64);
        b.mount(root.join("mnt"), "/data", MountPerms::ReadWrite)
            .expect("mount /data");
        b.mount(root.join("ro"), "/ro", MountPerms::ReadOnly)
            .expect("mount /ro");
        b
    }

    /// What is outside the mounts, to compare before and after.
    fn outside(&self) -> Vec<(String, Vec<u8>)> {
        let mut seen = Vec::new();
        for sub in ["outside", "ro"] {
            let dir = self.dir.path().join(sub);
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let data = std::fs::read(e.path()).unwrap_or_default();
                seen.push((format!("{sub}/{}", e.file_name().to_string_lossy()), data));
            }
        }
        seen.sort();
        seen
    }
}

/// The number of descriptors this process has open.
pub fn open_host_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

struct Run {
    ctx: VfdCtx,
    given: Vec<u32>,
    handles: Vec<wasmtime::component::Resource<vfd_host::Handle>>,
    /// The process's host descriptors when the context held no open
    /// description (its mounts included).
    host_fds: usize,
}

impl Run {
    fn fd(&self, fd: &Fd) -> u32 {
        match fd {
            Fd::Given(i) if !self.given.is_empty() => self.given[*i as usize % self.given.len()],
            Fd::Given(i) => u32::from(*i),
            Fd::Raw(n) => *n,
            Fd::Cwd => AT_FDCWD,
        }
    }

    fn keep(&mut self, fd: Result<u32, vfd_host::bindings::Errno>) {
        if let Ok(fd) = fd {
            self.given.push(fd);
        }
    }

    fn path(p: &PathArg) -> String {
        match p {
            PathArg::Known(i) => PATHS[*i as usize % PATHS.len()].to_owned(),
            PathArg::Any(s) => s.chars().take(64).collect(),
            PathArg::Long(n) => format!("/data/{}", "x".repeat(usize::from(*n) % 5000)),
        }
    }

    fn step(&mut self, op: &Op) {
        use vfd_host::bindings::vfd::posix::sockets::ShutdownHow;
        let open_flags = |bits: u16| {
            let all = [
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
            (0..all.len())
                .filter(|i| bits & (1 << i) != 0)
                .fold(OpenFlags::empty(), |f, i| f | all[i])
        };
        let cloexec = |on: bool| {
            if on {
                FdFlags::CLOEXEC
            } else {
                FdFlags::empty()
            }
        };
        match op {
            Op::Open(p, f) => {
                let r = self.ctx.open(Self::path(p), open_flags(*f));
                self.keep(r);
            }
            Op::OpenAt(d, p, f) => {
                let r = self.ctx.open_at(self.fd(d), Self::path(p), open_flags(*f));
                self.keep(r);
            }
            Op::Close(d) => ignore(self.ctx.close(self.fd(d))),
            Op::Dup(d) => {
                let r = self.ctx.dup(self.fd(d));
                self.keep(r);
            }
            Op::Dup2(a, b) => ignore(self.ctx.dup2(self.fd(a), self.fd(b))),
            Op::Dup3(a, b, c) => ignore(self.ctx.dup3(self.fd(a), self.fd(b), cloexec(*c))),
            Op::DupMin(d, min, c) => {
                let r = self.ctx.dup_min(self.fd(d), *min, cloexec(*c));
                self.keep(r);
            }
            Op::Read(d, n) => {
                let fd = self.fd(d);
                ignore(Descriptors::read(&mut self.ctx, fd, *n));
            }
            Op::Write(d, n) => {
                let fd = self.fd(d);
                ignore(Descriptors::write(
                    &mut self.ctx,
                    fd,
                    vec![b'w'; usize::from(*n)],
                ));
            }
            Op::Pread(d, n, o) => ignore(self.ctx.pread(self.fd(d), *n, *o)),
            Op::Pwrite(d, n, o) => {
                ignore(self.ctx.pwrite(self.fd(d), vec![b'p'; usize::from(*n)], *o))
            }
            Op::Seek(d, o, w) => {
                let whence = [Whence::Set, Whence::Cur, Whence::End][usize::from(*w) % 3];
                let fd = self.fd(d);
                ignore(Descriptors::seek(&mut self.ctx, fd, *o, whence));
            }
            Op::Stat(d) => ignore(self.ctx.stat(self.fd(d))),
            Op::StatAt(d, p, f) => ignore(self.ctx.stat_at(self.fd(d), Self::path(p), *f)),
            // Files stay small: a huge truncate would fill the disk with
            // nothing the fuzzer learns from.
            Op::Truncate(d, n) => ignore(self.ctx.truncate(self.fd(d), *n % MAX_FILE_SIZE)),
            Op::Sync(d) => ignore(self.ctx.sync(self.fd(d))),
            Op::GetFdFlags(d) => ignore(self.ctx.get_fd_flags(self.fd(d))),
            Op::SetFdFlags(d, c) => ignore(self.ctx.set_fd_flags(self.fd(d), cloexec(*c))),
            Op::GetStatusFlags(d) => ignore(self.ctx.get_status_flags(self.fd(d))),
            Op::SetStatusFlags(d, append) => {
                let mut flags = StatusFlags::NONBLOCK;
                if *append {
                    flags |= StatusFlags::APPEND;
                }
                ignore(self.ctx.set_status_flags(self.fd(d), flags));
            }
            Op::AccessMode(d) => ignore(self.ctx.get_access_mode(self.fd(d))),
            Op::IsTerminal(d) => ignore(self.ctx.is_terminal(self.fd(d))),
            Op::ReadDir(d) => ignore(self.ctx.read_dir(self.fd(d))),
            Op::Mkdir(d, p) => ignore(self.ctx.mkdir_at(self.fd(d), Self::path(p))),
            Op::Unlink(d, p) => ignore(self.ctx.unlink_at(self.fd(d), Self::path(p))),
            Op::RemoveDir(d, p) => ignore(self.ctx.remove_dir_at(self.fd(d), Self::path(p))),
            Op::Rename(a, p, b, q) => {
                ignore(
                    self.ctx
                        .rename_at(self.fd(a), Self::path(p), self.fd(b), Self::path(q)),
                )
            }
            Op::Symlink(target, d, p) => ignore(self.ctx.symlink_at(
                Self::path(target),
                self.fd(d),
                Self::path(p),
            )),
            Op::Readlink(d, p) => ignore(self.ctx.readlink_at(self.fd(d), Self::path(p))),
            Op::Link(a, p, b, q) => {
                ignore(
                    self.ctx
                        .link_at(self.fd(a), Self::path(p), self.fd(b), Self::path(q)),
                )
            }
            Op::SetTimesAt(d, p, access, modify, follow) => ignore(self.ctx.set_times_at(
                self.fd(d),
                Self::path(p),
                access.into(),
                modify.into(),
                *follow,
            )),
            Op::SetTimes(d, access, modify) => {
                ignore(self.ctx.set_times(self.fd(d), access.into(), modify.into()))
            }
            Op::Advise(d, offset, len, advice) => {
                let advice = [
                    Advice::Normal,
                    Advice::Sequential,
                    Advice::Random,
                    Advice::WillNeed,
                    Advice::DontNeed,
                    Advice::NoReuse,
                ][usize::from(*advice) % 6];
                ignore(self.ctx.advise(self.fd(d), *offset, *len, advice))
            }
            // fallocate really allocates: the file stays small.
            Op::Allocate(d, offset, len) => ignore(self.ctx.allocate(
                self.fd(d),
                offset % MAX_FILE_SIZE,
                len % MAX_FILE_SIZE,
            )),
            Op::Chdir(p) => ignore(self.ctx.chdir(Self::path(p))),
            Op::Getcwd => ignore(self.ctx.getcwd()),
            Op::Pipe(c) => {
                if let Ok((r, w)) = Pipes::pipe(&mut self.ctx, cloexec(*c), StatusFlags::NONBLOCK) {
                    self.given.extend([r, w]);
                }
            }
            Op::Socketpair(c) => {
                if let Ok((a, b)) = self.ctx.socketpair(cloexec(*c), StatusFlags::NONBLOCK) {
                    self.given.extend([a, b]);
                }
            }
            // The policy denies the network: this must be `acces`, always.
            Op::TcpListen(p) => {
                let r =
                    self.ctx
                        .tcp_listen(Self::path(p), 1, FdFlags::empty(), StatusFlags::NONBLOCK);
                assert!(r.is_err(), "a listener was made without a grant: {r:?}");
            }
            Op::Shutdown(d, h) => {
                let how =
                    [ShutdownHow::Read, ShutdownHow::Write, ShutdownHow::Both][usize::from(*h) % 3];
                ignore(self.ctx.shutdown(self.fd(d), how));
            }
            Op::LocalAddress(d) => ignore(self.ctx.local_address(self.fd(d))),
            Op::Poll(list) => {
                let fds = list
                    .iter()
                    .take(80)
                    .map(|(d, e)| PollFd {
                        fd: self.fd(d),
                        events: [Events::empty(), Events::READABLE, Events::WRITABLE]
                            [usize::from(*e) % 3]
                            | if *e >= 128 {
                                Events::READABLE | Events::WRITABLE
                            } else {
                                Events::empty()
                            },
                    })
                    .collect();
                ignore(Poll::poll(&mut self.ctx, fds, 0));
            }
            Op::Wrap(d, owns) => {
                if let Ok(h) = self.ctx.wrap(self.fd(d), *owns) {
                    self.handles.push(h);
                }
            }
            Op::HandleRead(i, n) => {
                if let Some(h) = self.handle(*i) {
                    ignore(HostFile::read(&mut self.ctx, h, *n));
                }
            }
            Op::DropHandle(i) => {
                if !self.handles.is_empty() {
                    let h = self
                        .handles
                        .swap_remove(usize::from(*i) % self.handles.len());
                    HostFile::drop(&mut self.ctx, h).expect("dropping a live handle");
                }
            }
        }
    }

    fn handle(&self, i: u8) -> Option<wasmtime::component::Resource<vfd_host::Handle>> {
        let h = self
            .handles
            .get(usize::from(i) % self.handles.len().max(1))?;
        Some(wasmtime::component::Resource::new_borrow(h.rep()))
    }
}

/// Every open number of `ctx` is below the limit; numbers that share a
/// description see the same offset and flags; and vfd holds exactly one
/// host descriptor per open description besides the `host_fds` the process
/// held without any, so a description that no number refers to any more
/// was closed at once, as Linux closes a file with its last descriptor (no
/// reference kept by a wrapper, a failed call or a replaced number).
fn check_table(ctx: &VfdCtx, host_fds: usize) {
    let view = ctx.descriptors();
    let mut descriptions: HashMap<u64, &DescriptionInfo> = HashMap::new();
    for d in &view {
        assert!(d.fd < ctx.max_fds(), "fd {} at or above the limit", d.fd);
        let shared = descriptions
            .entry(d.description.id)
            .or_insert(&d.description);
        assert_eq!(
            **shared, d.description,
            "fd {}: its description differs from a duplicate's",
            d.fd
        );
    }
    assert_eq!(
        open_host_fds(),
        host_fds + descriptions.len(),
        "host descriptors held against open descriptions: {view:#?}"
    );
}

/// Results are errnos or data the driver has no use for: what matters is
/// what the calls did to the table and the host.
fn ignore<T>(_: T) {}

/// Run `ops` against a fresh context over a fresh fixture, checking the
/// invariants after every call and the host's descriptors at the end.
pub fn run(ops: &[Op]) {
    let fixture = Fixture::new().expect("fixture");
    let outside = fixture.outside();
    let fds_before = open_host_fds();
    {
        let ctx = fixture.context();
        let mut run = Run {
            host_fds: open_host_fds(),
            ctx,
            given: Vec::new(),
            handles: Vec::new(),
        };
        for op in ops {
            run.step(op);
            check_table(&run.ctx, run.host_fds);
        }
        for h in std::mem::take(&mut run.handles) {
            HostFile::drop(&mut run.ctx, h).expect("dropping a live handle");
        }
    }
    assert_eq!(open_host_fds(), fds_before, "host descriptors leaked");
    assert_eq!(
        fixture.outside(),
        outside,
        "something outside the mount changed"
    );
}
