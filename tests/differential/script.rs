//! The text the replay guest (tests/guest/src/bin/replay.rs) reads and
//! writes: one call per line in, one result per line out. The formats are
//! documented with the guest.

use crate::ops::{Call, Stamp, Times, Whence};
use crate::outcome::{Outcome, Value};

fn bit(on: bool) -> u8 {
    on as u8
}

/// Written data is letters only (see `ops::data`), so it goes as text.
fn data(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "-".into()
    } else {
        String::from_utf8(bytes.to_vec()).expect("step data is letters")
    }
}

/// A symlink's target as a word: `-` for the empty one, which no path
/// is.
fn target_word(target: &str) -> &str {
    if target.is_empty() { "-" } else { target }
}

/// The two times of a set-times call: each `now`, `omit` or
/// `SECONDS:NANOSECONDS`.
fn times_words(times: Times) -> String {
    let stamp = |stamp: Stamp| match stamp {
        Stamp::Omit => "omit".to_owned(),
        Stamp::Now => "now".to_owned(),
        Stamp::At(seconds, nanoseconds) => format!("{seconds}:{nanoseconds}"),
    };
    let (access, modification) = times.stamps();
    format!("{} {}", stamp(access), stamp(modification))
}

/// `call` as a script line.
pub fn call_line(call: &Call) -> String {
    match call {
        Call::Open { dir, path, flags } => format!("open {dir} {path} {}", flags.0),
        Call::Close(fd) => format!("close {fd}"),
        Call::Dup(fd) => format!("dup {fd}"),
        Call::Dup2(fd, target) => format!("dup2 {fd} {target}"),
        Call::Dup3(fd, target, c) => format!("dup3 {fd} {target} {}", bit(*c)),
        Call::DupMin(fd, min, c) => format!("dupmin {fd} {min} {}", bit(*c)),
        Call::Read(fd, len) => format!("read {fd} {len}"),
        Call::Write(fd, bytes) => format!("write {fd} {}", data(bytes)),
        Call::Pread(fd, len, offset) => format!("pread {fd} {len} {offset}"),
        Call::Pwrite(fd, bytes, offset) => format!("pwrite {fd} {} {offset}", data(bytes)),
        Call::Seek(fd, offset, whence) => {
            let whence = match whence {
                Whence::Set => "set",
                Whence::Cur => "cur",
                Whence::End => "end",
            };
            format!("seek {fd} {offset} {whence}")
        }
        Call::Stat(fd) => format!("stat {fd}"),
        Call::Truncate(fd, size) => format!("truncate {fd} {size}"),
        Call::GetFdFlags(fd) => format!("getfd {fd}"),
        Call::SetFdFlags(fd, c) => format!("setfd {fd} {}", bit(*c)),
        Call::GetStatusFlags(fd) => format!("getfl {fd}"),
        Call::SetStatusFlags(fd, a, n) => format!("setfl {fd} {} {}", bit(*a), bit(*n)),
        Call::GetAccessMode(fd) => format!("access {fd}"),
        Call::Pipe(c, n, a) => format!("pipe {} {} {}", bit(*c), bit(*n), bit(*a)),
        Call::Mkdir { dir, path } => format!("mkdir {dir} {path}"),
        Call::Unlink { dir, path } => format!("unlink {dir} {path}"),
        Call::RemoveDir { dir, path } => format!("rmdir {dir} {path}"),
        Call::Rename {
            dir,
            path,
            new_dir,
            new_path,
        } => format!("rename {dir} {path} {new_dir} {new_path}"),
        Call::StatAt { dir, path, follow } => format!("statat {dir} {path} {}", bit(*follow)),
        Call::Symlink { target, dir, path } => {
            format!("symlink {} {dir} {path}", target_word(target))
        }
        Call::Readlink { dir, path } => format!("readlink {dir} {path}"),
        Call::Link {
            dir,
            path,
            new_dir,
            new_path,
        } => format!("link {dir} {path} {new_dir} {new_path}"),
        Call::SetTimesAt {
            dir,
            path,
            times,
            follow,
        } => format!(
            "settimesat {dir} {path} {} {}",
            times_words(*times),
            bit(*follow)
        ),
        Call::SetTimes { fd, times } => format!("settimes {fd} {}", times_words(*times)),
    }
}

/// `outcome` as the guest prints it.
pub fn outcome_line(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok(value) => match value {
            Value::Unit => "ok".into(),
            Value::Fd(fd) => format!("fd {fd}"),
            Value::Pair(r, w) => format!("pair {r} {w}"),
            Value::Bytes(b) if b.0.is_empty() => "bytes -".into(),
            Value::Bytes(b) => {
                let hex: String = b.0.iter().map(|b| format!("{b:02x}")).collect();
                format!("bytes {hex}")
            }
            Value::Count(n) => format!("count {n}"),
            Value::Offset(n) => format!("offset {n}"),
            Value::Stat { kind, size, links } => format!("stat {kind} {size} {links}"),
            Value::Cloexec(c) => format!("cloexec {}", bit(*c)),
            Value::Status { append, nonblock } => {
                format!("status {} {}", bit(*append), bit(*nonblock))
            }
            Value::Access(mode) => format!("access {mode}"),
            Value::Target(target) => format!("target {target}"),
            Value::Modified(Ok((seconds, nanoseconds))) => {
                format!("mtime {seconds} {nanoseconds}")
            }
            Value::Modified(Err(name)) => format!("mtime err {name}"),
        },
        Outcome::Err(name) => format!("err {name}"),
        Outcome::WouldBlock => "wouldblock".into(),
    }
}
