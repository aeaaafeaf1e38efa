//! The per-guest context and its builder, in the style of wasmtime-wasi's
//! `WasiCtx`.

use crate::bindings::OpenFlags;
use crate::description::Description;
use crate::mounts::{MountPerms, Mounts};
use crate::net_policy::{AddrPattern, NetPolicy};
use crate::object::{Object, Stdio, host_stream};
use crate::table::{DEFAULT_MAX_FDS, MAX_MAX_FDS, Table};
use cap_std::ambient_authority;
use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;
use wasmtime::component::ResourceTable;

/// One guest's descriptor state: its table, its mounts and its current
/// directory. Build one with [`VfdCtx::builder`] and keep it in the
/// `Store`'s data next to wasmtime-wasi's `WasiCtx`.
///
/// Dropping it releases every owned host object the guest still held.
pub struct VfdCtx {
    pub(crate) table: Table<Arc<Description>>,
    pub(crate) mounts: Mounts,
    pub(crate) cwd: String,
    pub(crate) dev_mode: bool,
    pub(crate) handles: ResourceTable,
    pub(crate) handle_count: usize,
    pub(crate) net: NetPolicy,
    /// Whether the guest's `wasi:cli` stdout and stderr are fd 1 and 2
    /// (see [`VfdCtxBuilder::wasi_stdio`]).
    pub(crate) wasi_stdio: bool,
    host_stdio: HostStdioFlags,
}

impl VfdCtx {
    /// A builder with the defaults: the host's stdio lent as 0, 1 and 2,
    /// no mounts, a limit of 1024 descriptors, dev mode off.
    pub fn builder() -> VfdCtxBuilder {
        VfdCtxBuilder::default()
    }

    /// The open descriptor numbers and what each refers to, in order.
    pub fn open_fds(&self) -> Vec<(u32, String)> {
        self.table
            .iter()
            .map(|(fd, e)| (fd, format!("{:?}", e.object)))
            .collect()
    }

    /// The limit on descriptor numbers (`RLIMIT_NOFILE`).
    pub fn max_fds(&self) -> u32 {
        self.table.max_fds()
    }

    /// Print a dev-mode warning about a guest call.
    pub(crate) fn warn(&self, call: &str, fd: u32, what: &str) {
        if self.dev_mode {
            report(format_args!("vfd: {call}(fd {fd}): {what}"));
        }
    }
}

/// A line on the host's stderr that never fails or panics: dev mode must
/// not take the host down because its stderr is a closed pipe or
/// non-blocking.
fn report(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(io::stderr().lock(), "{line}");
}

impl VfdCtx {
    /// Print the table if it was asked for ([`request_table`]): on the
    /// host's stderr, and as table events.
    ///
    /// [`request_table`]: crate::trace::request_table
    #[inline]
    pub(crate) fn answer_table_request(&self) {
        // A load on every call; the swap only when asked.
        if crate::trace::table_requested() && crate::trace::take_table_request() {
            self.print_table();
        }
    }

    #[cold]
    fn print_table(&self) {
        let table = self.descriptors();
        report(format_args!("vfd: table on request: {} open", table.len()));
        for d in &table {
            report(format_args!("vfd: table on request: {d}"));
            crate::trace::emit_table_entry(d, "request");
        }
    }
}

impl Drop for VfdCtx {
    fn drop(&mut self) {
        self.host_stdio.restore();
        if crate::trace::table_enabled() {
            for d in self.descriptors() {
                crate::trace::emit_table_entry(&d, "exit");
            }
        }
        if !self.dev_mode {
            return;
        }
        let left: Vec<_> = self
            .descriptors()
            .into_iter()
            .filter(|d| d.fd > 2)
            .collect();
        if !left.is_empty() {
            report(format_args!(
                "vfd: the guest left {} descriptor(s) open:",
                left.len()
            ));
            for d in left {
                report(format_args!("vfd:   {d}"));
            }
        }
    }
}

impl std::fmt::Debug for VfdCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VfdCtx")
            .field("table", &self.table)
            .field("mounts", &self.mounts)
            .field("cwd", &self.cwd)
            .finish_non_exhaustive()
    }
}

/// Builds a [`VfdCtx`]: mounts, stdio, host objects at chosen numbers.
pub struct VfdCtxBuilder {
    mounts: Mounts,
    /// Each stream set by the embedder, and whether it was lent.
    stdio: [Option<(OwnedFd, bool)>; 3],
    inherit_stdio: [bool; 3],
    /// Handed-in objects, and whether each was lent.
    inserts: Vec<(u32, Object, bool)>,
    max_fds: Option<u32>,
    dev_mode: bool,
    net: NetPolicy,
    preopen_mounts: bool,
    wasi_stdio: bool,
    built: bool,
}

impl Default for VfdCtxBuilder {
    fn default() -> Self {
        VfdCtxBuilder {
            mounts: Mounts::default(),
            stdio: Default::default(),
            inherit_stdio: [true; 3],
            inserts: Vec::new(),
            max_fds: None,
            dev_mode: false,
            net: NetPolicy::default(),
            preopen_mounts: false,
            wasi_stdio: true,
            built: false,
        }
    }
}

impl VfdCtxBuilder {
    /// Mount the host directory `host_dir` at the absolute guest path
    /// `guest_path`. Guest paths under it resolve inside `host_dir` only:
    /// `..` and symlinks cannot lead out.
    pub fn mount(
        &mut self,
        host_dir: impl AsRef<Path>,
        guest_path: &str,
        perms: MountPerms,
    ) -> io::Result<&mut Self> {
        let host_dir = host_dir.as_ref();
        let dir =
            cap_std::fs::Dir::open_ambient_dir(host_dir, ambient_authority()).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot mount {}: {e}", host_dir.display()),
                )
            })?;
        self.mount_dir(dir, guest_path, perms);
        Ok(self)
    }

    /// Mount an already open directory at `guest_path`.
    pub fn mount_dir(
        &mut self,
        dir: cap_std::fs::Dir,
        guest_path: &str,
        perms: MountPerms,
    ) -> &mut Self {
        self.mounts.add(guest_path, dir, perms);
        self
    }

    /// The guest's fd 0, given to it: vfd takes `object` over and closes it
    /// when the guest closes its last number for it, or when the context is
    /// dropped. The default is the host's stdin, borrowed.
    pub fn stdin(&mut self, object: impl Into<OwnedFd>) -> &mut Self {
        self.stdio[0] = Some((take_over(object), false));
        self
    }

    /// The guest's fd 0, lent to it: like [`stdin`](Self::stdin), but vfd
    /// works on a duplicate (`dup(2)`, one open description: the offset and
    /// status flags are shared), so `object` stays open whatever the guest
    /// does.
    pub fn stdin_borrowed(&mut self, object: BorrowedFd<'_>) -> io::Result<&mut Self> {
        self.stdio[0] = Some((take_over(object.try_clone_to_owned()?), true));
        Ok(self)
    }

    /// The guest's fd 1, given to it: like [`stdin`](Self::stdin). The
    /// default is the host's stdout, borrowed.
    pub fn stdout(&mut self, object: impl Into<OwnedFd>) -> &mut Self {
        self.stdio[1] = Some((take_over(object), false));
        self
    }

    /// The guest's fd 1, lent to it: like [`stdin_borrowed`](Self::stdin_borrowed).
    pub fn stdout_borrowed(&mut self, object: BorrowedFd<'_>) -> io::Result<&mut Self> {
        self.stdio[1] = Some((take_over(object.try_clone_to_owned()?), true));
        Ok(self)
    }

    /// The guest's fd 2, given to it: like [`stdin`](Self::stdin). The
    /// default is the host's stderr, borrowed.
    pub fn stderr(&mut self, object: impl Into<OwnedFd>) -> &mut Self {
        self.stdio[2] = Some((take_over(object), false));
        self
    }

    /// The guest's fd 2, lent to it: like [`stdin_borrowed`](Self::stdin_borrowed).
    pub fn stderr_borrowed(&mut self, object: BorrowedFd<'_>) -> io::Result<&mut Self> {
        self.stdio[2] = Some((take_over(object.try_clone_to_owned()?), true));
        Ok(self)
    }

    /// Start the guest with fd 0, 1 and 2 closed, unless set above.
    pub fn no_stdio(&mut self) -> &mut Self {
        self.inherit_stdio = [false; 3];
        self.stdio = Default::default();
        self
    }

    /// Give the host object `object` (a file, a socket, a pipe end: any
    /// descriptor) to the guest at number `fd`. vfd takes it over and closes
    /// it when the guest closes its last number for it (a peer then sees end
    /// of file), or when the context is dropped. A number already given is
    /// replaced; numbers at or above the limit make [`build`](Self::build)
    /// fail.
    pub fn insert(&mut self, fd: u32, object: impl Into<OwnedFd>) -> &mut Self {
        self.hand_in(fd, take_over(object), false)
    }

    /// Lend the host object `object` to the guest at number `fd`: like
    /// [`insert`](Self::insert), but vfd works on a duplicate (`dup(2)`, one
    /// open description: the offset and status flags are shared), so
    /// `object` stays open and usable whatever the guest does with its
    /// number.
    pub fn insert_borrowed(&mut self, fd: u32, object: BorrowedFd<'_>) -> io::Result<&mut Self> {
        Ok(self.hand_in(fd, take_over(object.try_clone_to_owned()?), true))
    }

    fn hand_in(&mut self, fd: u32, object: OwnedFd, lent: bool) -> &mut Self {
        self.inserts.retain(|(n, _, _)| *n != fd);
        self.inserts.push((fd, Object::Host(object), lent));
        self
    }

    /// Let the guest connect (TCP) and send (UDP) to addresses matching
    /// `pattern`, an [`AddrPattern`] such as `127.0.0.1:8080` or
    /// `10.0.0.0/8:*`. Without any, the guest may connect nowhere.
    pub fn allow_connect(&mut self, pattern: &str) -> io::Result<&mut Self> {
        self.net.allow_connect(pattern.parse()?);
        Ok(self)
    }

    /// Let the guest listen (TCP) and bind (UDP) on addresses matching
    /// `pattern`. Without any, the guest may listen nowhere.
    pub fn allow_listen(&mut self, pattern: &str) -> io::Result<&mut Self> {
        self.net.allow_listen(pattern.parse()?);
        Ok(self)
    }

    /// Let the guest connect and listen anywhere.
    pub fn allow_network(&mut self) -> &mut Self {
        self.net.allow_connect(AddrPattern::ANY);
        self.net.allow_listen(AddrPattern::ANY);
        self
    }

    /// Replace the whole network policy.
    pub fn net_policy(&mut self, policy: NetPolicy) -> &mut Self {
        self.net = policy;
        self
    }

    /// The limit on descriptor numbers, like `RLIMIT_NOFILE` (default
    /// 1024, at most 1,048,576): new numbers at the limit are `mfile`.
    pub fn max_fds(&mut self, n: u32) -> &mut Self {
        self.max_fds = Some(n);
        self
    }

    /// Development mode: warn on stderr, naming the fd and the call, about
    /// double closes and stale closes through an owning wrapper, and list
    /// the descriptors the guest left open when the context is dropped.
    pub fn dev_mode(&mut self, on: bool) -> &mut Self {
        self.dev_mode = on;
        self
    }

    /// Whether the guest's `wasi:cli` stdin, stdout and stderr are its fd
    /// 0, 1 and 2, as on Linux, where a process has one table: on (the
    /// default), a component's `println!`, `eprintln!` and panic messages go
    /// where fd 1 and 2 point at each write and its stdin reads fd 0, with a linker made by
    /// [`add_to_linker_with_wasi`](crate::add_to_linker_with_wasi) (what
    /// [`run_command`](crate::run_command) and `vfd run` use). Off, they
    /// are the `WasiCtx`'s streams, a second path beside vfd's numbers: for
    /// a host that reads the guest's reports there while the guest does
    /// what it likes with 0, 1 and 2.
    pub fn wasi_stdio(&mut self, on: bool) -> &mut Self {
        self.wasi_stdio = on;
        self
    }

    /// Give each mount a descriptor as well, at 3, 4, ... in the order
    /// mounted: what a preview 1 program (`wasm32-wasip1`) expects of its
    /// preopened directories. wasi-libc and Rust's std find them by asking
    /// `fd_prestat_get` from 3 upward and stop at the first number that is
    /// not one, so [`build`](Self::build) refuses a handed-in number among
    /// them. `vfd run` sets this for modules. Components resolve paths
    /// through the mounts without it.
    pub fn preopen_mounts(&mut self, on: bool) -> &mut Self {
        self.preopen_mounts = on;
        self
    }

    /// Build the context.
    pub fn build(&mut self) -> io::Result<VfdCtx> {
        let max_fds = self.max_fds.unwrap_or(DEFAULT_MAX_FDS);
        if max_fds == 0 || max_fds > MAX_MAX_FDS {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("max-fds must be between 1 and {MAX_MAX_FDS}, not {max_fds}"),
            ));
        }
        self.mounts
            .check_read_only_nesting()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        if self.built {
            return Err(io::Error::other(
                "VfdCtxBuilder::build can only be called once",
            ));
        }
        self.built = true;
        let mut table = Table::new(max_fds);
        let dev = self.dev_mode;
        let mut host_stdio = HostStdioFlags::default();
        for (i, which) in Stdio::ALL.into_iter().enumerate() {
            let stream = match self.stdio[i].take() {
                Some(given) => Some(given),
                // A host started with this stream closed lends nothing,
                // just as a Linux child inherits the closed number.
                None if self.inherit_stdio[i] => host_stream(which)
                    .ok()
                    .inspect(|fd| host_stdio.record(i, fd))
                    .map(|fd| (fd, true)),
                None => None,
            };
            if let Some((fd, lent)) = stream {
                let desc = Description::new(Object::Stdio(which, fd), dev.then_some(which.name()));
                put(&mut table, i as u32, desc.lent(lent))?;
            }
        }
        if self.preopen_mounts {
            self.preopen(&mut table)?;
        }
        for (fd, object, lent) in self.inserts.drain(..) {
            let desc = Description::new(object, dev.then_some("handed in by the host"));
            put(&mut table, fd, desc.lent(lent))?;
        }
        Ok(VfdCtx {
            table,
            mounts: std::mem::take(&mut self.mounts),
            cwd: "/".to_owned(),
            dev_mode: dev,
            handles: ResourceTable::new(),
            handle_count: 0,
            net: std::mem::take(&mut self.net),
            wasi_stdio: self.wasi_stdio,
            host_stdio,
        })
    }
}

impl VfdCtxBuilder {
    /// The mounts' descriptors, at [`FIRST_PREOPEN`] upward.
    fn preopen(&self, table: &mut Table<Arc<Description>>) -> io::Result<()> {
        let mounts: Vec<_> = self.mounts.paths().iter().collect();
        let preopens = FIRST_PREOPEN..FIRST_PREOPEN + mounts.len() as u32;
        if let Some((fd, _, _)) = self.inserts.iter().find(|(fd, _, _)| preopens.contains(fd)) {
            let (path, _) = &mounts[(fd - FIRST_PREOPEN) as usize];
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "descriptor {fd} is the preopened directory {path}: preview 1 programs \
                     find their preopens at {FIRST_PREOPEN} upward, one per mount, and stop \
                     at the first number that is not one; hand it in at {} or above",
                    preopens.end
                ),
            ));
        }
        for (fd, (path, root)) in preopens.zip(mounts) {
            // Opened as the guest's open(O_RDONLY|O_DIRECTORY) would: the
            // mount's own handle is O_PATH, on which lseek, fcntl and
            // readdir fail with EBADF.
            let flags = OpenFlags::READ | OpenFlags::DIRECTORY;
            let dir = crate::object::open(root, ".", flags).map_err(|e| {
                io::Error::other(format!(
                    "cannot open the mount {path} as a preopen: {}",
                    crate::errno_name(e)
                ))
            })?;
            let mut desc = Description::new(dir, self.dev_mode.then_some(&path));
            desc.preopen = Some(path.into());
            put(table, fd, desc)?;
        }
        Ok(())
    }
}

/// The number of the first preopened directory, after stdin, stdout and
/// stderr.
pub const FIRST_PREOPEN: u32 = 3;

/// vfd's own descriptor for an object given to the guest, close-on-exec
/// like every other one vfd holds (its duplicates, its opens): one inherited
/// without the flag (a shell's `3<file`) would otherwise leak into every
/// process the host starts, and a pipe's write end left open there keeps
/// the reader from ever seeing end of file.
fn take_over(object: impl Into<OwnedFd>) -> OwnedFd {
    let fd = object.into();
    // F_SETFD fails only on a number that is not open, which an `OwnedFd`
    // never is.
    let _ = rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::CLOEXEC);
    fd
}

fn put(table: &mut Table<Arc<Description>>, fd: u32, desc: Description) -> io::Result<()> {
    table
        .replace(fd, Arc::new(desc), false)
        .map(drop)
        .map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "descriptor {fd} is at or above the limit of {}",
                    table.max_fds()
                ),
            )
        })
}

/// The status flags of the host's own stdio when a guest borrowed it.
///
/// A borrowed stream shares its open description with the host, so a
/// guest that sets O_NONBLOCK on its fd 1 sets it on the host's stdout
/// (and the user's terminal), as a Linux child does to its parent. The
/// flags are put back when the guest's context is dropped.
#[derive(Default)]
struct HostStdioFlags([Option<rustix::fs::OFlags>; 3]);

impl HostStdioFlags {
    fn record(&mut self, i: usize, fd: &OwnedFd) {
        self.0[i] = rustix::fs::fcntl_getfl(fd).ok();
    }

    fn restore(&self) {
        use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
        let host = [
            rustix::stdio::stdin(),
            rustix::stdio::stdout(),
            rustix::stdio::stderr(),
        ];
        for (fd, recorded) in host.into_iter().zip(self.0) {
            let Some(recorded) = recorded else { continue };
            let guest_bits = OFlags::NONBLOCK | OFlags::APPEND;
            if let Ok(now) = fcntl_getfl(fd)
                && now & guest_bits != recorded & guest_bits
            {
                let _ = fcntl_setfl(fd, (now - guest_bits) | (recorded & guest_bits));
            }
        }
    }
}
