//! Tracing a guest's descriptor calls: one [`tracing`] event per call, in
//! the shape of an strace line.
//!
//! Every call of every `vfd:posix` interface, of preview 1 and of vfd's
//! own preview 1 module is an event at `TRACE` level with target
//! [`CALL_TARGET`] and these fields:
//!
//! | field        | what                                                      |
//! |--------------|-----------------------------------------------------------|
//! | `call`       | the function's name: the WIT's (`open-at`, `file.read`), or preview 1's (`fd_read`) |
//! | `args`       | its arguments, decoded: `AT_FDCWD, "/data/a", O_RDONLY|O_CLOEXEC`; data as a short escaped prefix |
//! | `ret`        | what it returned: `3`, `[4, 5]`, `"127.0.0.1:80"`, or `-1` for an error |
//! | `errno`      | the error's name (`EBADF`), or empty                      |
//! | `error`      | the error's text (`Bad file descriptor`), or empty        |
//! | `fds`        | the descriptor numbers it took or made, comma-separated   |
//! | `elapsed_ns` | how long the host took over it                            |
//!
//! An embedder's own subscriber (a log file, OpenTelemetry) gets them as
//! they are; `vfd run --trace` prints them as
//! `open-at(AT_FDCWD, "/data/a", O_RDONLY) = 3 <4.1us>`. With no subscriber
//! interested, a call pays one check of a static.
//!
//! # References
//!  - [strace(1)](https://man7.org/linux/man-pages/man1/strace.1.html)

use crate::bindings::vfd::posix::poll::{PollFd, Revents};
use crate::bindings::vfd::posix::sockets::ShutdownHow;
use crate::bindings::{
    AccessMode, Advice, DirEntry, Errno, FdFlags, FileStat, NewTimestamp, OpenFlags, StatusFlags,
    Whence,
};
use crate::handles::Handle;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasmtime::component::Resource;

/// The target of the call events.
pub const CALL_TARGET: &str = "vfd::call";

/// The target of the table's events: one per open number, with fields
/// `fd`, `entry` (the [`DescriptorInfo`](crate::DescriptorInfo) line) and
/// `when` (`exit`: what the guest left open when its context was dropped).
pub const TABLE_TARGET: &str = "vfd::table";

/// The most bytes of data, or characters of a string, an event shows.
pub const DATA_PREFIX: usize = 32;

/// Whether a subscriber wants call events: a load of the global maximum
/// level when none is installed, then of the callsite's cached interest.
#[inline]
pub(crate) fn enabled() -> bool {
    tracing::enabled!(target: "vfd::call", tracing::Level::TRACE)
}

/// Whether the table has been asked for ([`request_table`]).
static TABLE_REQUESTED: AtomicBool = AtomicBool::new(false);

/// Ask for the table of every guest running in this process: each prints
/// it on the host's stderr, one `vfd: table on request: ...` line per open
/// number (and emits it as [`TABLE_TARGET`] events with `when` =
/// `request`), at its next descriptor call, or at once if it is blocked in
/// one that a signal interrupts (a read, write, `accept`, `recv-from` or
/// poll: the call then goes on, unseen by the guest; a poll's timeout
/// starts again). A guest in a loop with no call prints it when it makes
/// one.
///
/// One atomic store: safe to call from a signal handler, which is how
/// `vfd run` answers SIGUSR1 (installed without `SA_RESTART`, so that a
/// blocking system call is interrupted).
pub fn request_table() {
    TABLE_REQUESTED.store(true, Ordering::Relaxed);
}

/// Whether the table has been asked for and not yet printed.
#[inline]
pub(crate) fn table_requested() -> bool {
    TABLE_REQUESTED.load(Ordering::Relaxed)
}

/// Take a pending request: true once per [`request_table`].
pub(crate) fn take_table_request() -> bool {
    TABLE_REQUESTED.swap(false, Ordering::Relaxed)
}

/// An argument given again to a call restarted after the table was
/// printed (see [`request_table`]): only for the calls that can wait,
/// whose arguments are all cheap to give again.
pub(crate) trait Again {
    fn again(&self) -> Self;
}

macro_rules! again_by_copy {
    ($($ty:ty),*) => {$(
        impl Again for $ty {
            fn again(&self) -> Self {
                *self
            }
        }
    )*};
}
again_by_copy!(u32, u64, i32, FdFlags, StatusFlags);

impl Again for String {
    fn again(&self) -> Self {
        self.clone()
    }
}

impl Again for Vec<PollFd> {
    fn again(&self) -> Self {
        self.clone()
    }
}

/// A method's `self`: always borrowed, so the same handle can be borrowed
/// again.
impl Again for Resource<Handle> {
    fn again(&self) -> Self {
        Resource::new_borrow(self.rep())
    }
}

/// Whether a table request interrupted `result`'s call, which must then
/// be made again once the table is printed.
pub(crate) fn interrupted<T>(result: &Result<T, Errno>) -> bool {
    matches!(result, Err(Errno::Intr)) && table_requested()
}

/// Whether a subscriber wants the table's events.
#[inline]
pub(crate) fn table_enabled() -> bool {
    tracing::enabled!(target: "vfd::table", tracing::Level::TRACE)
}

/// One open number's event.
pub(crate) fn emit_table_entry(d: &crate::DescriptorInfo, when: &str) {
    tracing::trace!(target: "vfd::table", fd = d.fd, entry = %d, when);
}

/// A call's arguments as text, and the descriptor numbers among them.
#[derive(Default)]
pub(crate) struct Args {
    text: String,
    fds: Vec<u32>,
}

impl Args {
    /// Add the argument `name` (its name tells a descriptor number from
    /// other integers).
    pub(crate) fn push(&mut self, name: &str, value: &dyn TraceArg) {
        if !self.text.is_empty() {
            self.text.push_str(", ");
        }
        value.write(name, self);
    }

    /// Add raw data, as a short escaped prefix.
    pub(crate) fn push_data(&mut self, data: &[u8]) {
        if !self.text.is_empty() {
            self.text.push_str(", ");
        }
        escape(data, &mut self.text);
    }

    /// Add an argument already formatted.
    fn push_raw(&mut self, text: std::fmt::Arguments<'_>) {
        if !self.text.is_empty() {
            self.text.push_str(", ");
        }
        let _ = self.text.write_fmt(text);
    }

    fn number(&mut self, name: &str, n: u32) {
        if is_fd_name(name) {
            if n == crate::AT_FDCWD && name.contains("dir") {
                self.text.push_str("AT_FDCWD");
                return;
            }
            self.fds.push(n);
        }
        let _ = write!(self.text, "{n}");
    }
}

/// Whether an argument of this name is a descriptor number.
fn is_fd_name(name: &str) -> bool {
    matches!(
        name,
        "fd" | "dir" | "new_dir" | "target" | "to" | "dirfd" | "old_fd" | "new_fd"
    )
}

/// One argument's text.
pub(crate) trait TraceArg {
    fn write(&self, name: &str, args: &mut Args);
}

impl TraceArg for u32 {
    fn write(&self, name: &str, args: &mut Args) {
        args.number(name, *self);
    }
}

macro_rules! display_arg {
    ($($ty:ty),*) => {$(
        impl TraceArg for $ty {
            fn write(&self, _: &str, args: &mut Args) {
                let _ = write!(args.text, "{self}");
            }
        }
    )*};
}
display_arg!(u64, i64, i32, bool, usize);

impl TraceArg for String {
    fn write(&self, _: &str, args: &mut Args) {
        escape(self.as_bytes(), &mut args.text);
    }
}

impl TraceArg for Vec<u8> {
    fn write(&self, _: &str, args: &mut Args) {
        escape(self, &mut args.text);
    }
}

impl TraceArg for Resource<Handle> {
    fn write(&self, _: &str, args: &mut Args) {
        let _ = write!(args.text, "file#{}", self.rep());
    }
}

/// The names in `table` of the flags `has` says are set.
fn set_names<F: Copy, const N: usize>(
    table: [(F, &'static str); N],
    has: impl Fn(F) -> bool,
) -> impl Iterator<Item = &'static str> {
    table
        .into_iter()
        .filter(move |(flag, _)| has(*flag))
        .map(|(_, name)| name)
}

/// Flag names joined by `|`, or `0` for none.
fn flag_names(out: &mut String, names: impl IntoIterator<Item = &'static str>) {
    let start = out.len();
    for name in names {
        if out.len() > start {
            out.push('|');
        }
        out.push_str(name);
    }
    if out.len() == start {
        out.push('0');
    }
}

impl TraceArg for OpenFlags {
    fn write(&self, _: &str, args: &mut Args) {
        let access = match (
            self.contains(OpenFlags::READ),
            self.contains(OpenFlags::WRITE),
        ) {
            (true, true) => Some("O_RDWR"),
            (false, true) => Some("O_WRONLY"),
            (true, false) => Some("O_RDONLY"),
            (false, false) => None,
        };
        let others = [
            (OpenFlags::CREATE, "O_CREAT"),
            (OpenFlags::EXCLUSIVE, "O_EXCL"),
            (OpenFlags::TRUNCATE, "O_TRUNC"),
            (OpenFlags::APPEND, "O_APPEND"),
            (OpenFlags::NONBLOCK, "O_NONBLOCK"),
            (OpenFlags::DIRECTORY, "O_DIRECTORY"),
            (OpenFlags::NOFOLLOW, "O_NOFOLLOW"),
            (OpenFlags::CLOEXEC, "O_CLOEXEC"),
        ];
        let set = set_names(others, |flag| self.contains(flag));
        flag_names(&mut args.text, access.into_iter().chain(set));
    }
}

impl TraceArg for FdFlags {
    fn write(&self, _: &str, args: &mut Args) {
        fd_flag_names(*self, &mut args.text);
    }
}

fn fd_flag_names(flags: FdFlags, out: &mut String) {
    flag_names(
        out,
        flags.contains(FdFlags::CLOEXEC).then_some("FD_CLOEXEC"),
    );
}

impl TraceArg for StatusFlags {
    fn write(&self, _: &str, args: &mut Args) {
        status_flag_names(*self, &mut args.text);
    }
}

fn status_flag_names(flags: StatusFlags, out: &mut String) {
    let names = [
        (StatusFlags::APPEND, "O_APPEND"),
        (StatusFlags::NONBLOCK, "O_NONBLOCK"),
    ];
    flag_names(out, set_names(names, |flag| flags.contains(flag)));
}

impl TraceArg for Whence {
    fn write(&self, _: &str, args: &mut Args) {
        args.text.push_str(match self {
            Whence::Set => "SEEK_SET",
            Whence::Cur => "SEEK_CUR",
            Whence::End => "SEEK_END",
        });
    }
}

impl TraceArg for NewTimestamp {
    fn write(&self, _: &str, args: &mut Args) {
        match self {
            NewTimestamp::Omit => args.text.push_str("UTIME_OMIT"),
            NewTimestamp::Now => args.text.push_str("UTIME_NOW"),
            NewTimestamp::At(t) => {
                let _ = write!(args.text, "{}.{:09}", t.seconds, t.nanoseconds);
            }
        }
    }
}

impl TraceArg for Advice {
    fn write(&self, _: &str, args: &mut Args) {
        args.text.push_str(match self {
            Advice::Normal => "POSIX_FADV_NORMAL",
            Advice::Sequential => "POSIX_FADV_SEQUENTIAL",
            Advice::Random => "POSIX_FADV_RANDOM",
            Advice::WillNeed => "POSIX_FADV_WILLNEED",
            Advice::DontNeed => "POSIX_FADV_DONTNEED",
            Advice::NoReuse => "POSIX_FADV_NOREUSE",
        });
    }
}

impl TraceArg for ShutdownHow {
    fn write(&self, _: &str, args: &mut Args) {
        args.text.push_str(match self {
            ShutdownHow::Read => "SHUT_RD",
            ShutdownHow::Write => "SHUT_WR",
            ShutdownHow::Both => "SHUT_RDWR",
        });
    }
}

impl TraceArg for Vec<PollFd> {
    fn write(&self, _: &str, args: &mut Args) {
        args.text.push('[');
        for (i, entry) in self.iter().enumerate() {
            if i > 0 {
                args.text.push_str(", ");
            }
            args.fds.push(entry.fd);
            let _ = write!(args.text, "{{fd={}, events=", entry.fd);
            use crate::bindings::vfd::posix::poll::Events;
            let names = [(Events::READABLE, "POLLIN"), (Events::WRITABLE, "POLLOUT")];
            flag_names(
                &mut args.text,
                set_names(names, |flag| entry.events.contains(flag)),
            );
            args.text.push('}');
        }
        args.text.push(']');
    }
}

/// What a call returned, as text, with any data it read and descriptor
/// numbers it made.
#[derive(Default)]
pub(crate) struct Outcome {
    ret: String,
    data: Option<String>,
    fds: Vec<u32>,
    errno: Option<vfd_core::Errno>,
}

/// One result's text.
pub(crate) trait TraceValue {
    fn describe(&self, out: &mut Outcome);
}

/// A WIT call's result.
impl<T: TraceValue> TraceValue for Result<T, Errno> {
    fn describe(&self, out: &mut Outcome) {
        match self {
            Ok(value) => value.describe(out),
            Err(e) => out.errno = Some((*e).into()),
        }
    }
}

impl TraceValue for () {
    fn describe(&self, out: &mut Outcome) {
        out.ret.push('0');
    }
}

macro_rules! display_value {
    ($($ty:ty),*) => {$(
        impl TraceValue for $ty {
            fn describe(&self, out: &mut Outcome) {
                let _ = write!(out.ret, "{self}");
            }
        }
    )*};
}
display_value!(u32, u64, bool);

impl TraceValue for String {
    fn describe(&self, out: &mut Outcome) {
        escape(self.as_bytes(), &mut out.ret);
    }
}

/// Read data: its length is the result, a prefix goes with the arguments.
impl TraceValue for Vec<u8> {
    fn describe(&self, out: &mut Outcome) {
        let _ = write!(out.ret, "{}", self.len());
        let mut data = String::new();
        escape(self, &mut data);
        out.data = Some(data);
    }
}

/// A new pair of descriptors (pipe, socketpair).
impl TraceValue for (u32, u32) {
    fn describe(&self, out: &mut Outcome) {
        let _ = write!(out.ret, "[{}, {}]", self.0, self.1);
        out.fds.extend([self.0, self.1]);
    }
}

/// An accepted connection and its peer.
impl TraceValue for (u32, String) {
    fn describe(&self, out: &mut Outcome) {
        let _ = write!(out.ret, "{} (peer {})", self.0, self.1);
        out.fds.push(self.0);
    }
}

/// Received data and its sender.
impl TraceValue for (Vec<u8>, String) {
    fn describe(&self, out: &mut Outcome) {
        self.0.describe(out);
        let _ = write!(out.ret, " (from {})", self.1);
    }
}

impl TraceValue for FdFlags {
    fn describe(&self, out: &mut Outcome) {
        fd_flag_names(*self, &mut out.ret);
    }
}

impl TraceValue for StatusFlags {
    fn describe(&self, out: &mut Outcome) {
        status_flag_names(*self, &mut out.ret);
    }
}

impl TraceValue for AccessMode {
    fn describe(&self, out: &mut Outcome) {
        out.ret.push_str(match self {
            AccessMode::ReadOnly => "O_RDONLY",
            AccessMode::WriteOnly => "O_WRONLY",
            AccessMode::ReadWrite => "O_RDWR",
        });
    }
}

impl TraceValue for FileStat {
    fn describe(&self, out: &mut Outcome) {
        let _ = write!(
            out.ret,
            "{{type={:?}, size={}, ino={}}}",
            self.file_type, self.size, self.inode
        );
    }
}

impl TraceValue for Vec<DirEntry> {
    fn describe(&self, out: &mut Outcome) {
        let _ = write!(out.ret, "{} entries", self.len());
    }
}

impl TraceValue for Vec<Revents> {
    fn describe(&self, out: &mut Outcome) {
        let ready = self.iter().filter(|r| **r != Revents::empty()).count();
        let _ = write!(out.ret, "{ready}");
    }
}

impl TraceValue for Resource<Handle> {
    fn describe(&self, out: &mut Outcome) {
        let _ = write!(out.ret, "file#{}", self.rep());
    }
}

/// What dropping a wrapper did to its number.
impl TraceValue for vfd_core::handles::OnDrop {
    fn describe(&self, out: &mut Outcome) {
        use vfd_core::handles::OnDrop;
        match *self {
            OnDrop::Keep => out.ret.push_str("0 (borrowed: nothing closed)"),
            OnDrop::Close(fd) => {
                let _ = write!(out.ret, "0 (closed {fd})");
                out.fds.push(fd);
            }
            OnDrop::RefuseStale(fd) => {
                let _ = write!(out.ret, "0 (stale: {fd} was closed behind it, left alone)");
                out.fds.push(fd);
            }
        }
    }
}

/// The calls whose `u32` result is a new descriptor number.
const MAKES_FD: [&str; 10] = [
    "open",
    "open-at",
    "dup",
    "dup2",
    "dup3",
    "dup-min",
    "tcp-connect",
    "tcp-listen",
    "udp-bind",
    "file.fd",
];

/// Emit the event of one call.
pub(crate) fn emit(call: &str, args: Args, result: &dyn TraceValue, elapsed: Duration) {
    // A resource's functions go by `file.read`, not `[method]file.read`.
    let call = call
        .trim_start_matches("[method]")
        .trim_start_matches("[static]");
    let mut outcome = Outcome::default();
    result.describe(&mut outcome);
    if outcome.errno.is_none()
        && MAKES_FD.contains(&call)
        && let Ok(fd) = outcome.ret.parse()
    {
        outcome.fds.push(fd);
    }
    emit_outcome(call, args, outcome, elapsed);
}

/// Emit the event of one call from its arguments and outcome.
fn emit_outcome(call: &str, mut args: Args, outcome: Outcome, elapsed: Duration) {
    // Read data goes where strace shows it: after the descriptor.
    if let Some(data) = outcome.data {
        args.text = match args.text.split_once(", ") {
            Some((first, rest)) => format!("{first}, {data}, {rest}"),
            None => format!("{}, {data}", args.text),
        };
    }
    let mut fds = String::new();
    for fd in args.fds.iter().chain(&outcome.fds) {
        if !fds.is_empty() {
            fds.push(',');
        }
        let _ = write!(fds, "{fd}");
    }
    let (ret, errno, error) = match outcome.errno {
        Some(e) => ("-1", e.name(), e.message()),
        None => (outcome.ret.as_str(), "", ""),
    };
    tracing::trace!(
        target: "vfd::call",
        call,
        args = args.text.as_str(),
        ret,
        errno,
        error,
        fds = fds.as_str(),
        elapsed_ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
    );
}

/// The preview 1 (and `vfd` module) calls whose `out` is a new number.
const P1_MAKES_FD: [&str; 10] = [
    "path_open",
    "sock_accept",
    "dup",
    "dup2",
    "dup3",
    "dup_min",
    "accept",
    "tcp_connect",
    "tcp_listen",
    "udp_bind",
];

/// The preview 1 (and `vfd` module) calls whose `out` is a count or a
/// flags word worth showing.
const P1_OUT_VALUE: [&str; 11] = [
    "fd_read",
    "fd_write",
    "fd_pread",
    "fd_pwrite",
    "fd_readdir",
    "path_readlink",
    "poll",
    "poll_oneoff",
    "get_fd_flags",
    "get_status_flags",
    "get_access_mode",
];

/// The preview 1 (and `vfd` module) calls whose `out` is a new pair.
const P1_MAKES_PAIR: [&str; 2] = ["pipe", "socketpair"];

/// Whether a preview 1 argument of this name is a pointer (shown in hex).
fn is_pointer_name(name: &str) -> bool {
    name.ends_with("out")
        || matches!(
            name,
            "buf"
                | "iovs"
                | "addr"
                | "peer"
                | "subs"
                | "argv"
                | "environ"
                | "fds"
                | "from"
                | "events"
                | "out_flags"
        )
}

/// A preview 1 (or `vfd` module) call's event. Its arguments are raw
/// numbers, decoded by name: descriptor numbers, paths read from `memory`
/// (a `path` and the length after it), pointers in hex. On success the
/// number or pair a call wrote at `out` is shown after the 0.
pub(crate) fn emit_p1(
    call: &str,
    raw: &[(&str, i128)],
    memory: &[u8],
    errno: u16,
    elapsed: Duration,
) {
    let read_u32 = |at: i128| -> Option<u32> {
        let at = usize::try_from(at).ok()?;
        let bytes = memory.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    };
    let mut args = Args::default();
    let out = raw
        .iter()
        .find(|(name, _)| *name == "out")
        .map(|&(_, at)| at);
    let mut i = 0;
    while i < raw.len() {
        let (name, value) = raw[i];
        i += 1;
        // The bytes of an iovec list: all of a write's, and of a read's
        // the ones it filled (none if it failed).
        if name == "iovs"
            && let Some(&(_, count)) = raw.get(i)
        {
            i += 1;
            let filled = if call.contains("read") {
                if errno == 0 {
                    out.and_then(read_u32).unwrap_or(0) as usize
                } else {
                    0
                }
            } else {
                usize::MAX
            };
            match iovec_bytes(memory, value, count, filled) {
                Some(bytes) => args.push_data(&bytes),
                None => args.push_raw(format_args!("{value:#x}")),
            }
            args.push_raw(format_args!("{count}"));
            continue;
        }
        // A string argument: a pointer named so, then its length.
        let is_text = matches!(name, "path" | "old_path" | "new_path" | "addr");
        let length = raw.get(i).filter(|(next, _)| next.ends_with("len"));
        if is_text && let Some(&(_, len)) = length {
            i += 1;
            let text = usize::try_from(value)
                .ok()
                .zip(usize::try_from(len).ok())
                .and_then(|(at, len)| memory.get(at..at.checked_add(len)?));
            match text {
                Some(bytes) => args.push_data(bytes),
                None => args.push_raw(format_args!("{value:#x}, {len}")),
            }
        } else if is_fd_name(name) {
            args.push(name, &(value as u32));
        } else if is_pointer_name(name) {
            args.push_raw(format_args!("{value:#x}"));
        } else {
            args.push_raw(format_args!("{value}"));
        }
    }
    let mut outcome = Outcome::default();
    match errno {
        0 => {
            outcome.ret.push('0');
            let first = out.and_then(read_u32);
            let second = out.and_then(|at| read_u32(at + 4));
            if let Some(n) = first.filter(|_| P1_MAKES_FD.contains(&call)) {
                let _ = write!(outcome.ret, " (fd {n})");
                outcome.fds.push(n);
            } else if let (Some(a), Some(b), true) = (first, second, P1_MAKES_PAIR.contains(&call))
            {
                let _ = write!(outcome.ret, " ([{a}, {b}])");
                outcome.fds.extend([a, b]);
            } else if let Some(n) = first.filter(|_| P1_OUT_VALUE.contains(&call)) {
                let _ = write!(outcome.ret, " ({n})");
            }
        }
        raw => {
            outcome.errno = Some(vfd_core::Errno::from_wasi(raw).unwrap_or(vfd_core::Errno::Io));
        }
    }
    emit_outcome(call, args, outcome, elapsed);
}

/// The first bytes (up to one more than [`DATA_PREFIX`], so a cut shows)
/// of the iovec list at `at`, at most `filled` in all; `None` if the list
/// is not in `memory`.
fn iovec_bytes(memory: &[u8], at: i128, count: i128, filled: usize) -> Option<Vec<u8>> {
    let at = usize::try_from(at).ok()?;
    let count = usize::try_from(count).ok()?;
    let want = filled.min(DATA_PREFIX + 1);
    let mut bytes = Vec::with_capacity(want);
    for i in 0..count {
        if bytes.len() >= want {
            break;
        }
        let entry = memory.get(at.checked_add(i * 8)?..at.checked_add(i * 8 + 8)?)?;
        let base = u32::from_le_bytes(entry[..4].try_into().ok()?) as usize;
        let len = u32::from_le_bytes(entry[4..].try_into().ok()?) as usize;
        let buf = memory.get(base..base.checked_add(len)?)?;
        let take = buf.len().min(want - bytes.len());
        bytes.extend_from_slice(&buf[..take]);
    }
    Some(bytes)
}

/// `data` as a C string literal, cut at [`DATA_PREFIX`] bytes (`...`
/// after the quote marks a cut), as strace shows buffers.
fn escape(data: &[u8], out: &mut String) {
    out.push('"');
    for &b in data.iter().take(DATA_PREFIX) {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    if data.len() > DATA_PREFIX {
        out.push_str("...");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(push: impl FnOnce(&mut Args)) -> (String, Vec<u32>) {
        let mut args = Args::default();
        push(&mut args);
        (args.text, args.fds)
    }

    #[test]
    fn arguments_read_as_strace_shows_them() {
        let (text, fds) = args(|a| {
            a.push("dir", &crate::AT_FDCWD);
            a.push("path", &"/data/a".to_owned());
            a.push("flags", &(OpenFlags::READ | OpenFlags::CLOEXEC));
        });
        assert_eq!(text, "AT_FDCWD, \"/data/a\", O_RDONLY|O_CLOEXEC");
        assert!(fds.is_empty());
        let (text, fds) = args(|a| {
            a.push("fd", &3u32);
            a.push("target", &7u32);
            a.push("flags", &FdFlags::empty());
        });
        assert_eq!((text.as_str(), fds), ("3, 7, 0", vec![3, 7]));
        let (text, _) = args(|a| a.push("len", &4096u32));
        assert_eq!(text, "4096");
    }

    #[test]
    fn data_is_a_short_escaped_prefix() {
        let mut out = String::new();
        escape(b"hi\n\"\\\0\xff", &mut out);
        assert_eq!(out, r#""hi\n\"\\\x00\xff""#);
        let mut out = String::new();
        escape(&[b'a'; DATA_PREFIX + 1], &mut out);
        assert_eq!(out, format!("\"{}\"...", "a".repeat(DATA_PREFIX)));
    }

    #[test]
    fn results_and_errors() {
        let describe = |r: &dyn TraceValue| {
            let mut out = Outcome::default();
            r.describe(&mut out);
            (out.ret, out.data, out.fds, out.errno.map(|e| e.name()))
        };
        let ok: Result<(u32, u32), Errno> = Ok((4, 5));
        assert_eq!(describe(&ok), ("[4, 5]".into(), None, vec![4, 5], None));
        let read: Result<Vec<u8>, Errno> = Ok(b"abc".to_vec());
        assert_eq!(
            describe(&read),
            ("3".into(), Some("\"abc\"".into()), vec![], None)
        );
        let bad: Result<u32, Errno> = Err(Errno::Badf);
        assert_eq!(describe(&bad).3, Some("EBADF"));
    }
}
