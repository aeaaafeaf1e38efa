//! [`VfdCtx::descriptors`]: a guest's table as `lsof -p` shows a process's,
//! for embedders and for `vfd run --dev`.
//!
//! Everything here is read from vfd's table and from the host kernel at
//! the time of the call (`fcntl(F_GETFL)`, `lseek(SEEK_CUR)`, `fstat`,
//! `getsockname`, `getpeername`, `/proc/self/fd`), so it is what the guest
//! would see itself, and the view changes nothing.

use crate::VfdCtx;
use crate::description::Description;
use crate::object::{Object, Stdio};
use rustix::fs::{FileType as HostType, OFlags, SeekFrom};
use std::fmt;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd};

/// One open number of a guest's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptorInfo {
    /// The number.
    pub fd: u32,
    /// `FD_CLOEXEC`: a property of the number, not shared with duplicates.
    pub cloexec: bool,
    /// The open file description the number refers to, shared by its
    /// duplicates.
    pub description: DescriptionInfo,
}

/// An open file description, as several numbers may share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptionInfo {
    /// Equal for the numbers that share the description (`dup`, `dup2`,
    /// `F_DUPFD`, `fork`'s children on Linux), different otherwise; never
    /// reused within a process.
    pub id: u64,
    /// What vfd made it from.
    pub object: ObjectInfo,
    /// What the host kernel says the object is.
    pub file_type: FileType,
    /// The access mode it was opened with.
    pub access: Access,
    /// `O_APPEND`.
    pub append: bool,
    /// `O_NONBLOCK`.
    pub nonblock: bool,
    /// The file offset (`lseek(fd, 0, SEEK_CUR)`); `None` where there is
    /// none (pipes, sockets, terminals).
    pub offset: Option<u64>,
    /// The host's name for the object, as `/proc/self/fd` gives it: a
    /// path for files and directories, `pipe:[N]` or `socket:[N]` otherwise.
    pub host_name: Option<String>,
    /// A socket's own address (`getsockname`).
    pub local_addr: Option<SocketAddr>,
    /// A connected socket's peer (`getpeername`).
    pub peer_addr: Option<SocketAddr>,
    /// Lent by the host (the host keeps its own descriptor for the object,
    /// so closing the guest's last number does not close the host's), or
    /// given to or made by the guest (the last close closes it).
    pub lent: bool,
    /// The guest path or call it came from: kept in dev mode only.
    pub origin: Option<String>,
}

/// What vfd made an open description from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectInfo {
    /// A file (or FIFO, or device) opened through a mount.
    File,
    /// A directory opened through a mount.
    Directory,
    /// One end of a pipe the guest made.
    Pipe,
    /// A socket the guest made, accepted, or got from `socketpair`.
    Socket,
    /// The guest's standard stream as its table was built.
    Stdio(Stdio),
    /// A host descriptor handed in by the embedder (`--fd` for `vfd run`).
    HandedIn,
}

/// The kind of a host object, from `fstat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    RegularFile,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
    Unknown,
}

/// An open description's access mode (`O_ACCMODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    WriteOnly,
    ReadWrite,
    /// `O_PATH`: neither.
    Path,
}

impl VfdCtx {
    /// The guest's open numbers, lowest first, with their open
    /// descriptions and objects: `lsof -p` for a guest.
    pub fn descriptors(&self) -> Vec<DescriptorInfo> {
        self.table
            .iter()
            .map(|(fd, entry)| DescriptorInfo {
                fd,
                cloexec: entry.cloexec,
                description: describe(&entry.object),
            })
            .collect()
    }
}

fn describe(desc: &Description) -> DescriptionInfo {
    let fd = desc.as_fd();
    let status = rustix::fs::fcntl_getfl(fd).unwrap_or_else(|_| OFlags::empty());
    let file_type = rustix::fs::fstat(fd)
        .map(|st| file_type_of(HostType::from_raw_mode(st.st_mode)))
        .unwrap_or(FileType::Unknown);
    let is_socket = file_type == FileType::Socket;
    DescriptionInfo {
        id: desc.id,
        object: object_info(&desc.object),
        file_type,
        access: access_of(status),
        append: status.contains(OFlags::APPEND),
        nonblock: status.contains(OFlags::NONBLOCK),
        offset: rustix::fs::seek(fd, SeekFrom::Current(0)).ok(),
        host_name: std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd()))
            .ok()
            .map(|p| p.to_string_lossy().into_owned()),
        local_addr: is_socket
            .then(|| rustix::net::getsockname(fd).ok())
            .flatten()
            .and_then(|a| SocketAddr::try_from(a).ok()),
        peer_addr: is_socket
            .then(|| rustix::net::getpeername(fd).ok().flatten())
            .flatten()
            .and_then(|a| SocketAddr::try_from(a).ok()),
        lent: desc.lent,
        origin: desc.origin.as_deref().map(str::to_owned),
    }
}

fn object_info(object: &Object) -> ObjectInfo {
    match object {
        Object::File(_) => ObjectInfo::File,
        Object::FileOrDir(f) if f.kind() == "directory" => ObjectInfo::Directory,
        Object::FileOrDir(_) => ObjectInfo::File,
        Object::Dir(_) => ObjectInfo::Directory,
        Object::Stdio(which, _) => ObjectInfo::Stdio(*which),
        Object::Host(_) => ObjectInfo::HandedIn,
        Object::Pipe(_) => ObjectInfo::Pipe,
        Object::Socket(_) => ObjectInfo::Socket,
    }
}

fn file_type_of(t: HostType) -> FileType {
    match t {
        HostType::RegularFile => FileType::RegularFile,
        HostType::Directory => FileType::Directory,
        HostType::Symlink => FileType::Symlink,
        HostType::Fifo => FileType::Fifo,
        HostType::Socket => FileType::Socket,
        HostType::CharacterDevice => FileType::CharacterDevice,
        HostType::BlockDevice => FileType::BlockDevice,
        HostType::Unknown => FileType::Unknown,
    }
}

fn access_of(status: OFlags) -> Access {
    if status.contains(OFlags::PATH) {
        return Access::Path;
    }
    match status & OFlags::RWMODE {
        m if m == OFlags::WRONLY => Access::WriteOnly,
        m if m == OFlags::RDWR => Access::ReadWrite,
        _ => Access::ReadOnly,
    }
}

/// One line: the number, the object and where it came from, the access
/// mode and status flags, the offset, the host's name or the socket's
/// addresses, the description's id, and the number's close-on-exec flag.
///
/// ```text
/// fd 3: file /data/log.txt rw append off 120 host /srv/data/log.txt desc#7
/// fd 4: socket rw 127.0.0.1:8080 -> 127.0.0.1:51234 desc#9 cloexec
/// ```
impl fmt::Display for DescriptorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.description;
        write!(f, "fd {}: {}", self.fd, d.object)?;
        if let Some(origin) = &d.origin {
            write!(f, " {origin}")?;
        }
        f.write_str(match d.access {
            Access::ReadOnly => " r",
            Access::WriteOnly => " w",
            Access::ReadWrite => " rw",
            Access::Path => " path",
        })?;
        if d.append {
            f.write_str(" append")?;
        }
        if d.nonblock {
            f.write_str(" nonblock")?;
        }
        if let Some(offset) = d.offset {
            write!(f, " off {offset}")?;
        }
        match (d.local_addr, d.peer_addr) {
            (Some(local), Some(peer)) => write!(f, " {local} -> {peer}")?,
            (Some(local), None) => write!(f, " {local}")?,
            _ => {
                if let Some(name) = &d.host_name {
                    write!(f, " host {name}")?;
                }
            }
        }
        write!(f, " desc#{}", d.id)?;
        if d.lent {
            f.write_str(" lent")?;
        }
        if self.cloexec {
            f.write_str(" cloexec")?;
        }
        Ok(())
    }
}

impl fmt::Display for ObjectInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectInfo::File => "file",
            ObjectInfo::Directory => "dir",
            ObjectInfo::Pipe => "pipe",
            ObjectInfo::Socket => "socket",
            ObjectInfo::Stdio(which) => which.name(),
            ObjectInfo::HandedIn => "handed-in",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MountPerms;
    use crate::bindings::vfd::posix::descriptors::Host as _;
    use crate::bindings::vfd::posix::pipes::Host as _;
    use crate::bindings::{FdFlags, OpenFlags, StatusFlags, Whence};

    fn ctx(dir: &std::path::Path) -> VfdCtx {
        let mut b = VfdCtx::builder();
        b.no_stdio()
            .mount(dir, "/data", MountPerms::ReadWrite)
            .unwrap();
        b.dev_mode(true);
        b.build().unwrap()
    }

    fn by_fd(ctx: &VfdCtx, fd: u32) -> DescriptorInfo {
        let all = ctx.descriptors();
        all.into_iter().find(|d| d.fd == fd).expect("listed")
    }

    /// Duplicates share one description (its id, offset and flags); the
    /// close-on-exec flag stays with each number, as dup(2) says.
    #[test]
    fn duplicates_share_the_description_not_the_cloexec_flag() {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = ctx(dir.path());
        let flags = OpenFlags::CREATE | OpenFlags::WRITE | OpenFlags::APPEND | OpenFlags::CLOEXEC;
        let fd = ctx.open("/data/log.txt".into(), flags).unwrap();
        ctx.write(fd, b"hello".to_vec()).unwrap();
        let dup = ctx.dup(fd).unwrap();
        let other = ctx.open("/data/log.txt".into(), OpenFlags::READ).unwrap();

        let (a, b, c) = (by_fd(&ctx, fd), by_fd(&ctx, dup), by_fd(&ctx, other));
        assert_eq!((a.fd, b.fd, c.fd), (0, 1, 2));
        assert_eq!(a.description, b.description);
        assert_ne!(a.description.id, c.description.id);
        assert!(a.cloexec && !b.cloexec, "FD_CLOEXEC is per number");
        let d = &a.description;
        assert_eq!(d.object, ObjectInfo::File);
        assert_eq!(d.file_type, FileType::RegularFile);
        assert_eq!(
            (d.access, d.append, d.nonblock),
            (Access::WriteOnly, true, false)
        );
        assert_eq!(d.offset, Some(5));
        assert_eq!(d.origin.as_deref(), Some("/data/log.txt"));
        let host = dir.path().join("log.txt").canonicalize().unwrap();
        assert_eq!(d.host_name.as_deref(), host.to_str());
        assert!(!d.lent);
        assert_eq!(c.description.access, Access::ReadOnly);
        assert_eq!(c.description.offset, Some(0));

        ctx.seek(dup, 2, Whence::Set).unwrap();
        assert_eq!(by_fd(&ctx, fd).description.offset, Some(2), "one offset");
        let line = by_fd(&ctx, fd).to_string();
        assert!(
            line.starts_with("fd 0: file /data/log.txt w append off 2 host "),
            "{line}"
        );
        assert!(line.ends_with(" cloexec"), "{line}");
    }

    #[test]
    fn pipes_sockets_and_lent_objects() {
        let dir = tempfile::tempdir().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut b = VfdCtx::builder();
        b.no_stdio().insert_borrowed(5, listener.as_fd()).unwrap();
        b.mount(dir.path(), "/data", MountPerms::ReadWrite).unwrap();
        let mut ctx = b.build().unwrap();
        let (r, w) = ctx.pipe(FdFlags::empty(), StatusFlags::NONBLOCK).unwrap();

        let rd = by_fd(&ctx, r).description;
        assert_eq!(
            (rd.object, rd.file_type),
            (ObjectInfo::Pipe, FileType::Fifo)
        );
        assert_eq!(
            (rd.access, rd.nonblock, rd.offset),
            (Access::ReadOnly, true, None)
        );
        assert!(rd.host_name.unwrap().starts_with("pipe:["));
        assert_eq!(by_fd(&ctx, w).description.access, Access::WriteOnly);

        let sock = by_fd(&ctx, 5).description;
        assert_eq!(
            (sock.object, sock.file_type),
            (ObjectInfo::HandedIn, FileType::Socket)
        );
        assert_eq!((sock.local_addr, sock.peer_addr), (Some(addr), None));
        assert!(sock.lent);
        assert_eq!(
            ctx.descriptors().iter().map(|d| d.fd).collect::<Vec<_>>(),
            [r, w, 5]
        );
        let listed = ctx.open_fds().len();
        assert_eq!(listed, 3);
    }
}
