//! The side under test: the same calls on a `VfdCtx`, through the host
//! traits a guest's calls reach.

use crate::ops::{APPEND, CLOEXEC, CREAT, Call, DIRECTORY, EXCL, NOFOLLOW, NONBLOCK, OpenBits};
use crate::ops::{R, Stamp, TRUNC, W, Whence};
use crate::outcome::{Bytes, Mtime, Outcome, Value, times_set, unit, value};
use std::fs::{File, OpenOptions};
use std::path::Path;
use vfd_host::bindings::vfd::posix::descriptors::Host as Descriptors;
use vfd_host::bindings::vfd::posix::pipes::Host as Pipes;
use vfd_host::bindings::vfd::posix::poll::{Events, Host as Poll, PollFd, Revents};
use vfd_host::bindings::{
    AccessMode, Errno, FdFlags, FileStat, FileType, NewTimestamp, OpenFlags, StatusFlags,
    Timestamp, Whence as WitWhence,
};
use vfd_host::{MountPerms, VfdCtx};

fn errno_name(e: Errno) -> String {
    vfd_host::errno_name(e).to_owned()
}

impl From<Errno> for Outcome {
    fn from(e: Errno) -> Self {
        Outcome::Err(errno_name(e))
    }
}

pub struct Virt {
    pub ctx: VfdCtx,
}

fn dev_null(write: bool) -> File {
    OpenOptions::new()
        .read(!write)
        .write(write)
        .open("/dev/null")
        .expect("open /dev/null")
}

fn fd_flags(cloexec: bool) -> FdFlags {
    if cloexec {
        FdFlags::CLOEXEC
    } else {
        FdFlags::empty()
    }
}

fn status_flags(append: bool, nonblock: bool) -> StatusFlags {
    let mut s = StatusFlags::empty();
    if append {
        s |= StatusFlags::APPEND;
    }
    if nonblock {
        s |= StatusFlags::NONBLOCK;
    }
    s
}

fn open_flags(bits: OpenBits) -> OpenFlags {
    let mut flags = OpenFlags::empty();
    for (bit, flag) in [
        (R, OpenFlags::READ),
        (W, OpenFlags::WRITE),
        (CREAT, OpenFlags::CREATE),
        (EXCL, OpenFlags::EXCLUSIVE),
        (TRUNC, OpenFlags::TRUNCATE),
        (APPEND, OpenFlags::APPEND),
        (NONBLOCK, OpenFlags::NONBLOCK),
        (DIRECTORY, OpenFlags::DIRECTORY),
        (NOFOLLOW, OpenFlags::NOFOLLOW),
        (CLOEXEC, OpenFlags::CLOEXEC),
    ] {
        if bits.has(bit) {
            flags |= flag;
        }
    }
    flags
}

fn kind(t: FileType) -> &'static str {
    match t {
        FileType::RegularFile => "regular-file",
        FileType::Directory => "directory",
        FileType::Symlink => "symlink",
        FileType::Pipe => "pipe",
        FileType::SocketStream | FileType::SocketDgram => "socket",
        FileType::CharacterDevice => "character-device",
        FileType::BlockDevice => "block-device",
        FileType::Unknown => "unknown",
    }
}

fn new_timestamp(stamp: Stamp) -> NewTimestamp {
    match stamp {
        Stamp::Omit => NewTimestamp::Omit,
        Stamp::Now => NewTimestamp::Now,
        Stamp::At(seconds, nanoseconds) => NewTimestamp::At(Timestamp {
            seconds,
            nanoseconds,
        }),
    }
}

/// The kind and modification time of a stat.
fn mtime(s: FileStat) -> Mtime {
    (s.modify_time.seconds, s.modify_time.nanoseconds)
}

impl Virt {
    /// A guest with 0, 1 and 2 on `/dev/null`, the tree at `root` mounted
    /// at `/data` (also its current directory), and a table of `limit`.
    /// Its `wasi:cli` stdio stays the `WasiCtx`'s: the replay guest reports
    /// there, apart from the numbers its sequence plays with.
    pub fn new(root: &Path, limit: u32) -> Virt {
        let mut ctx = VfdCtx::builder()
            .wasi_stdio(false)
            .no_stdio()
            .stdin(dev_null(false))
            .stdout(dev_null(true))
            .stderr(dev_null(true))
            .mount(root, "/data", MountPerms::ReadWrite)
            .unwrap()
            .max_fds(limit)
            .build()
            .unwrap();
        ctx.chdir("/data".into()).unwrap();
        Virt { ctx }
    }

    /// The open numbers, in order.
    pub fn open_numbers(&self) -> Vec<u32> {
        self.ctx.open_fds().into_iter().map(|(fd, _)| fd).collect()
    }

    /// Whether a read (or write) on `fd` would wait forever, judged from
    /// what vfd itself reports: a blocking pipe end open for it, not ready.
    fn would_block(&mut self, fd: u32, write: bool) -> bool {
        let c = &mut self.ctx;
        let wrong_way = if write {
            AccessMode::ReadOnly
        } else {
            AccessMode::WriteOnly
        };
        let blocking_pipe = c.stat(fd).is_ok_and(|s| s.file_type == FileType::Pipe)
            && c.get_access_mode(fd).is_ok_and(|m| m != wrong_way)
            && c.get_status_flags(fd)
                .is_ok_and(|s| !s.contains(StatusFlags::NONBLOCK));
        if !blocking_pipe {
            return false;
        }
        let events = if write {
            Events::WRITABLE
        } else {
            Events::READABLE
        };
        let ready = Poll::poll(c, vec![PollFd { fd, events }], 0).expect("poll");
        ready[0] == Revents::empty()
    }

    pub fn call(&mut self, call: &Call) -> Outcome {
        let c = &mut self.ctx;
        match call.clone() {
            Call::Open { dir, path, flags } => {
                let r = if dir == vfd_host::AT_FDCWD && path.starts_with('/') {
                    c.open(path, open_flags(flags))
                } else {
                    c.open_at(dir, path, open_flags(flags))
                };
                value(r.map(Value::Fd))
            }
            Call::Close(fd) => unit(c.close(fd)),
            Call::Dup(fd) => value(c.dup(fd).map(Value::Fd)),
            Call::Dup2(fd, target) => value(c.dup2(fd, target).map(Value::Fd)),
            Call::Dup3(fd, target, cloexec) => {
                value(c.dup3(fd, target, fd_flags(cloexec)).map(Value::Fd))
            }
            Call::DupMin(fd, min, cloexec) => {
                value(c.dup_min(fd, min, fd_flags(cloexec)).map(Value::Fd))
            }
            Call::Read(fd, len) => {
                if len > 0 && self.would_block(fd, false) {
                    return Outcome::WouldBlock;
                }
                value(self.ctx.read(fd, len).map(|b| Value::Bytes(Bytes(b))))
            }
            Call::Pread(fd, len, offset) => {
                value(c.pread(fd, len, offset).map(|b| Value::Bytes(Bytes(b))))
            }
            Call::Write(fd, data) => {
                if !data.is_empty() && self.would_block(fd, true) {
                    return Outcome::WouldBlock;
                }
                value(self.ctx.write(fd, data).map(Value::Count))
            }
            Call::Pwrite(fd, data, offset) => value(c.pwrite(fd, data, offset).map(Value::Count)),
            Call::Seek(fd, offset, whence) => {
                let whence = match whence {
                    Whence::Set => WitWhence::Set,
                    Whence::Cur => WitWhence::Cur,
                    Whence::End => WitWhence::End,
                };
                value(c.seek(fd, offset, whence).map(Value::Offset))
            }
            Call::Stat(fd) => value(c.stat(fd).map(|s| Value::Stat {
                kind: kind(s.file_type),
                size: s.size,
                links: s.link_count,
            })),
            Call::Truncate(fd, size) => unit(c.truncate(fd, size)),
            Call::GetFdFlags(fd) => value(
                c.get_fd_flags(fd)
                    .map(|f| Value::Cloexec(f.contains(FdFlags::CLOEXEC))),
            ),
            Call::SetFdFlags(fd, cloexec) => unit(c.set_fd_flags(fd, fd_flags(cloexec))),
            Call::GetStatusFlags(fd) => value(c.get_status_flags(fd).map(|s| Value::Status {
                append: s.contains(StatusFlags::APPEND),
                nonblock: s.contains(StatusFlags::NONBLOCK),
            })),
            Call::SetStatusFlags(fd, append, nonblock) => {
                unit(c.set_status_flags(fd, status_flags(append, nonblock)))
            }
            Call::GetAccessMode(fd) => value(c.get_access_mode(fd).map(|m| {
                Value::Access(match m {
                    AccessMode::ReadOnly => "read-only",
                    AccessMode::WriteOnly => "write-only",
                    AccessMode::ReadWrite => "read-write",
                })
            })),
            Call::Pipe(cloexec, nonblock, append) => value(
                Pipes::pipe(c, fd_flags(cloexec), status_flags(append, nonblock))
                    .map(|(r, w)| Value::Pair(r, w)),
            ),
            Call::Mkdir { dir, path } => unit(c.mkdir_at(dir, path)),
            Call::Unlink { dir, path } => unit(c.unlink_at(dir, path)),
            Call::RemoveDir { dir, path } => unit(c.remove_dir_at(dir, path)),
            Call::Rename {
                dir,
                path,
                new_dir,
                new_path,
            } => unit(c.rename_at(dir, path, new_dir, new_path)),
            Call::StatAt { dir, path, follow } => {
                value(c.stat_at(dir, path, follow).map(|s| Value::Stat {
                    kind: kind(s.file_type),
                    size: s.size,
                    links: s.link_count,
                }))
            }
            Call::Symlink { target, dir, path } => unit(c.symlink_at(target, dir, path)),
            Call::Readlink { dir, path } => value(c.readlink_at(dir, path).map(Value::Target)),
            Call::Link {
                dir,
                path,
                new_dir,
                new_path,
            } => unit(c.link_at(dir, path, new_dir, new_path)),
            Call::SetTimesAt {
                dir,
                path,
                times,
                follow,
            } => {
                let (access, modify) = times.stamps();
                let (access, modify) = (new_timestamp(access), new_timestamp(modify));
                let r = c.set_times_at(dir, path.clone(), access, modify, follow);
                times_set(r, times, || {
                    c.stat_at(dir, path, follow).map(mtime).map_err(errno_name)
                })
            }
            Call::SetTimes { fd, times } => {
                if c.stat(fd)
                    .is_ok_and(|s| s.file_type == FileType::CharacterDevice)
                {
                    return Outcome::Ok(Value::Unit);
                }
                let (access, modify) = times.stamps();
                let r = c.set_times(fd, new_timestamp(access), new_timestamp(modify));
                times_set(r, times, || c.stat(fd).map(mtime).map_err(errno_name))
            }
        }
    }
}
