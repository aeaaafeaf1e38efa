//! What Linux answers when a call would change something under a
//! read-only mount.
//!
//! Linux does not refuse such a call up front: it resolves the path first
//! and reports what it finds (a missing parent, a name that exists, a
//! directory opened for writing...) before `rofs`. The functions here replay
//! its checks, in its order, by looking at the host tree without changing
//! it. A call they let through is then made without anything that could
//! write: `open` goes to the host read-only, without `O_CREAT` or `O_TRUNC`,
//! so a file removed between the check and the open is never created
//! inside the mount.

use super::Directory;
use crate::bindings::{Errno, OpenFlags};
use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{FileTypeExt, Metadata, OpenOptions, OpenOptionsExt};
use rustix::fs::{Access, AtFlags, FileType as HostType, Mode, OFlags};
use std::ffi::OsStr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Linux's limit on the symlinks one lookup follows (`MAXSYMLINKS`).
const MAX_SYMLINKS: usize = 40;

/// How an open that Linux lets through under a read-only mount is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// Read-only, without `create`, `exclusive`, `truncate` or write access:
    /// `create` found the file already there, or `truncate` has nothing to
    /// cut (a FIFO).
    ReadOnly,
    /// A FIFO opened for writing: its data goes to a pipe, not to the
    /// mount, so Linux allows it. See [`open_fifo`].
    Fifo,
}

/// The last component of a path, as Linux classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Normal,
    Dot,
    DotDot,
}

/// A path split the way Linux looks up the parent of a call's target.
#[derive(Debug)]
struct Split<'a> {
    /// Everything before the last component (`.` if there is nothing).
    parent: &'a Path,
    last: Last,
    /// Whether slashes follow the last component (`new/`).
    trailing_slash: bool,
}

fn path_of(bytes: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(bytes))
}

fn split(path: &OsStr) -> Split<'_> {
    let bytes = path.as_bytes();
    let end = bytes.iter().rposition(|&b| b != b'/').map_or(0, |i| i + 1);
    let name = &bytes[..end];
    let (parent, last): (&[u8], &[u8]) = match name.iter().rposition(|&b| b == b'/') {
        Some(i) => match name[..i].iter().rposition(|&b| b != b'/') {
            Some(j) => (&name[..=j], &name[i + 1..]),
            None => (b"/", &name[i + 1..]),
        },
        None => (b".", name),
    };
    let last = match last {
        b"" | b"." => Last::Dot,
        b".." => Last::DotDot,
        _ => Last::Normal,
    };
    Split {
        parent: path_of(parent),
        last,
        trailing_slash: end < bytes.len() && end > 0,
    }
}

/// The lookup of the parent that every path call starts with: `noent`,
/// `notdir`, `loop`, `acces`... come before anything about the last
/// component. Looking up `.` in it asks what Linux asks of a parent: that
/// it is a directory the user may search.
fn parent_dir(at: &Directory, s: &Split<'_>) -> Result<(), Errno> {
    at.dir.metadata(s.parent.join("."))?;
    Ok(())
}

/// The checks of open(2) with `create`, `truncate` or write access under a
/// read-only mount, in Linux's order. `Ok` says how to open instead.
pub fn check_open(at: &Directory, path: &str, flags: OpenFlags) -> Result<Allowed, Errno> {
    if flags.contains(OpenFlags::CREATE) {
        return check_create(at, OsStr::new(path), flags, 0);
    }
    // A trailing slash makes even `nofollow` follow the last symlink.
    let s = split(OsStr::new(path));
    let meta = if flags.contains(OpenFlags::NOFOLLOW) && !s.trailing_slash {
        at.dir.symlink_metadata(path)?
    } else {
        at.dir.metadata(path)?
    };
    if flags.contains(OpenFlags::DIRECTORY) && !meta.is_dir() {
        return Err(Errno::Notdir);
    }
    existing(at, OsStr::new(path), &meta, flags)
}

/// open(2) with `create`: the parent first, then a trailing slash, then
/// the name itself, which is created (`rofs`) unless it exists. A dangling
/// symlink is followed, as Linux does (unless `exclusive` or `nofollow`),
/// and its target is what would be created.
fn check_create(
    at: &Directory,
    path: &OsStr,
    flags: OpenFlags,
    links: usize,
) -> Result<Allowed, Errno> {
    let s = split(path);
    parent_dir(at, &s)?;
    if s.last == Last::Normal && s.trailing_slash {
        return Err(Errno::Isdir);
    }
    let found = match s.last {
        Last::Normal => at.dir.symlink_metadata(path),
        Last::Dot | Last::DotDot => at.dir.metadata(path),
    };
    let meta = found.map_err(|e| match Errno::from(e) {
        Errno::Noent => Errno::Rofs,
        other => other,
    })?;
    if !meta.is_symlink() {
        return created_existing(at, path, &meta, flags);
    }
    if flags.contains(OpenFlags::EXCLUSIVE) {
        return Err(Errno::Exist);
    }
    if flags.contains(OpenFlags::NOFOLLOW) {
        return Err(Errno::Loop);
    }
    match at.dir.metadata(path) {
        Ok(target) => created_existing(at, path, &target, flags),
        Err(e) => match Errno::from(e) {
            Errno::Noent if links < MAX_SYMLINKS => {
                let target = at.dir.read_link(path)?;
                let next = s.parent.join(target);
                check_create(at, next.as_os_str(), flags, links + 1)
            }
            Errno::Noent => Err(Errno::Loop),
            other => Err(other),
        },
    }
}

/// open(2) with `create` of a name that exists.
fn created_existing(
    at: &Directory,
    path: &OsStr,
    meta: &Metadata,
    flags: OpenFlags,
) -> Result<Allowed, Errno> {
    if flags.contains(OpenFlags::EXCLUSIVE) {
        return Err(Errno::Exist);
    }
    if meta.is_dir() {
        return Err(Errno::Isdir);
    }
    existing(at, path, meta, flags)
}

/// Linux's checks on the object an open found at `path`: `truncate` of a
/// regular file needs a writable mount first, then `nofollow` on a symlink
/// is `loop`, write access to a directory `isdir`, the file's permissions
/// `acces`, and write access to anything else but a FIFO or a socket
/// `rofs`.
fn existing(
    at: &Directory,
    path: &OsStr,
    meta: &Metadata,
    flags: OpenFlags,
) -> Result<Allowed, Errno> {
    let t = meta.file_type();
    let write = flags.contains(OpenFlags::WRITE);
    let truncate = flags.contains(OpenFlags::TRUNCATE);
    if t.is_file() && truncate {
        return Err(Errno::Rofs);
    }
    if t.is_symlink() {
        return Err(Errno::Loop);
    }
    if t.is_dir() && (write || truncate) {
        return Err(Errno::Isdir);
    }
    if !write {
        return Ok(Allowed::ReadOnly);
    }
    if t.is_fifo() {
        Ok(Allowed::Fifo)
    } else if t.is_socket() {
        // Linux cannot open a socket (`nxio`); the read-only open says so.
        Ok(Allowed::ReadOnly)
    } else {
        // Device files too: Linux would let a write through to the device,
        // which a read-only mount of vfd must not.
        Err(write_refusal(at, path, flags))
    }
}

/// Open `path` as a path only (`O_PATH`: no access asked, nothing changed,
/// never blocks), to check the very inode a later step will use.
fn pin(at: &Directory, path: &OsStr, flags: OpenFlags) -> Result<cap_std::fs::File, Errno> {
    let mut options = OpenOptions::new();
    options.read(true).custom_flags(OFlags::PATH.bits() as i32);
    if flags.contains(OpenFlags::NOFOLLOW) {
        options.follow(FollowSymlinks::No);
    }
    Ok(at.dir.open_with(path, &options)?)
}

/// The procfs link to the inode behind `file`.
fn proc_link(file: &cap_std::fs::File) -> String {
    format!("/proc/self/fd/{}", file.as_raw_fd())
}

/// Write access to a file that exists: Linux checks the file's permissions
/// before the mount, so a file the host user may not write is `acces`, and
/// only then is anything else `rofs`.
fn write_refusal(at: &Directory, path: &OsStr, flags: OpenFlags) -> Errno {
    let Ok(pinned) = pin(at, path, flags) else {
        return Errno::Rofs;
    };
    let mut want = Access::WRITE_OK;
    if flags.contains(OpenFlags::READ) {
        want |= Access::READ_OK;
    }
    let link = proc_link(&pinned);
    match rustix::fs::accessat(rustix::fs::CWD, link.as_str(), want, AtFlags::EACCESS) {
        Err(rustix::io::Errno::ACCESS) => Errno::Acces,
        _ => Errno::Rofs,
    }
}

/// open(2) for writing of the FIFO at `path` under a read-only mount.
///
/// The FIFO is first opened as a path only (`O_PATH`: no access, never
/// blocks), checked, then reopened with the access the guest asked for
/// through its `/proc/self/fd` link. That link leads to the very inode that
/// was checked, so a file put in its place meanwhile is never opened for
/// writing.
pub fn open_fifo(at: &Directory, path: &str, flags: OpenFlags) -> Result<OwnedFd, Errno> {
    let pinned = pin(at, OsStr::new(path), flags)?;
    if HostType::from_raw_mode(rustix::fs::fstat(&pinned)?.st_mode) != HostType::Fifo {
        // Replaced since the check: refused as any other write.
        return Err(Errno::Rofs);
    }
    let mut oflags = OFlags::CLOEXEC | OFlags::NOCTTY;
    oflags |= if flags.contains(OpenFlags::READ) {
        OFlags::RDWR
    } else {
        OFlags::WRONLY
    };
    oflags.set(OFlags::APPEND, flags.contains(OpenFlags::APPEND));
    oflags.set(OFlags::NONBLOCK, flags.contains(OpenFlags::NONBLOCK));
    let link = proc_link(&pinned);
    loop {
        match rustix::fs::open(link.as_str(), oflags, Mode::empty()) {
            Ok(fd) => return Ok(fd),
            // Opening a FIFO waits for a reader; a host signal is no reason
            // to give up.
            Err(rustix::io::Errno::INTR) => continue,
            // Without procfs the checked inode cannot be reached again.
            Err(rustix::io::Errno::NOENT) => return Err(Errno::Rofs),
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{Object, open};
    use std::collections::BTreeMap;
    use std::fs;
    use std::os::unix::fs::{FileTypeExt as _, symlink};
    use vfd_core::fs as rules;
    use vfd_core::paths::Resolved;

    /// A host tree with one of everything, seen through a read-only mount.
    struct Tree {
        tmp: tempfile::TempDir,
        ro: Directory,
    }

    impl Tree {
        fn new() -> Tree {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path();
            fs::create_dir_all(root.join("d/sub")).unwrap();
            fs::write(root.join("f"), "x").unwrap();
            fs::write(root.join("d/inner"), "i").unwrap();
            for (target, name) in [
                ("f", "ln-f"),
                ("d", "ln-d"),
                ("missing", "dangling"),
                ("nodir/x", "dangling2"),
                ("new/", "dangling3"),
                ("loop-b", "loop-a"),
                ("loop-a", "loop-b"),
            ] {
                symlink(target, root.join(name)).unwrap();
            }
            rustix::fs::mkfifoat(rustix::fs::CWD, root.join("fifo"), 0o644.into()).unwrap();
            let ro = Directory {
                dir: cap_std::fs::Dir::open_ambient_dir(root, cap_std::ambient_authority())
                    .unwrap(),
                writable: false,
                mount: 1,
            };
            Tree { tmp, ro }
        }

        /// Every name in the tree with what it is and holds.
        fn snapshot(&self) -> BTreeMap<String, String> {
            fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
                for entry in fs::read_dir(dir).unwrap() {
                    let entry = entry.unwrap();
                    let name = format!("{prefix}{}", entry.file_name().to_str().unwrap());
                    let path = entry.path();
                    let meta = fs::symlink_metadata(&path).unwrap();
                    let t = meta.file_type();
                    let what = if t.is_symlink() {
                        format!("link {}", fs::read_link(&path).unwrap().display())
                    } else if t.is_dir() {
                        walk(&path, &format!("{name}/"), out);
                        "dir".to_owned()
                    } else if t.is_fifo() {
                        "fifo".to_owned()
                    } else {
                        format!("file {:?}", fs::read_to_string(&path).unwrap())
                    };
                    out.insert(name, what);
                }
            }
            let mut out = BTreeMap::new();
            walk(self.tmp.path(), "", &mut out);
            out
        }
    }

    fn flags(s: &str) -> OpenFlags {
        s.split('|')
            .map(|f| match f {
                "R" => OpenFlags::READ,
                "W" => OpenFlags::WRITE,
                "RW" => OpenFlags::READ | OpenFlags::WRITE,
                "C" => OpenFlags::CREATE,
                "X" => OpenFlags::EXCLUSIVE,
                "T" => OpenFlags::TRUNCATE,
                "D" => OpenFlags::DIRECTORY,
                "N" => OpenFlags::NOFOLLOW,
                "A" => OpenFlags::APPEND,
                "NB" => OpenFlags::NONBLOCK,
                other => panic!("flag {other}"),
            })
            .fold(OpenFlags::empty(), |a, b| a | b)
    }

    fn outcome(r: Result<(), Errno>) -> &'static str {
        match r {
            Ok(()) => "ok",
            Err(e) => crate::errno::name(e),
        }
    }

    /// Linux 6.18 on a read-only bind mount of the same tree, call by call
    /// (python's `os.open` as root in a user namespace). The same record
    /// of `unlink`, `rmdir`, `mkdir` and `rename` is in `vfd_core::fs`'s
    /// tests, with the rules.
    const LINUX: &str = "
        open f W EROFS
        open f RW EROFS
        open f R|T EROFS
        open f W|T EROFS
        open f R|C ok
        open f W|C EROFS
        open f R|C|X EEXIST
        open f R|A ok
        open f W|A EROFS
        open d W EISDIR
        open d R|T EISDIR
        open d R|C EISDIR
        open d R|C|X EEXIST
        open d W|D EISDIR
        open d R|T|D EISDIR
        open d R|D ok
        open f W|D ENOTDIR
        open f R|T|D ENOTDIR
        open missing W ENOENT
        open missing R|T ENOENT
        open missing R|C EROFS
        open missing W|C EROFS
        open missing R|C|X EROFS
        open missing W|C|X|N EROFS
        open nodir/x R|C ENOENT
        open nodir/x W ENOENT
        open f/x R|C ENOTDIR
        open f/x W ENOTDIR
        open f/ R|C EISDIR
        open f/ W ENOTDIR
        open f/ R|T ENOTDIR
        open new/ R|C EISDIR
        open new/ R|C|X EISDIR
        open d/ R|C EISDIR
        open d/ R|C|X EISDIR
        open nodir/new/ R|C ENOENT
        open f/x/ R|C ENOTDIR
        open ln-f W EROFS
        open ln-f W|N ELOOP
        open ln-f R|T|N ELOOP
        open ln-f R|N ELOOP
        open ln-f R|C|N ELOOP
        open ln-f R|C ok
        open ln-f W|C EROFS
        open ln-f R|C|X EEXIST
        open ln-d W EISDIR
        open ln-d W|N ELOOP
        open ln-d R|D|N ENOTDIR
        open ln-d W|D|N ENOTDIR
        open ln-d/ W|N EISDIR
        open ln-f W|D|N ENOTDIR
        open dangling R|C EROFS
        open dangling W|C EROFS
        open dangling R|C|X EEXIST
        open dangling R|C|N ELOOP
        open dangling W ENOENT
        open dangling W|N ELOOP
        open dangling2 R|C ENOENT
        open dangling3 R|C EISDIR
        open loop-a R|C ELOOP
        open loop-a W ELOOP
        open loop-a W|N ELOOP
        open loop-a R|C|X EEXIST
        open . R|C EISDIR
        open . R|C|X EEXIST
        open . W EISDIR
        open d/.. R|C EISDIR
        open d/. R|C EISDIR
        open f/. R|C ENOTDIR
        open missing/. R|C ENOENT
        open fifo W|NB ENXIO
        open fifo R|T|NB ok
        open fifo R|C|NB ok
        open fifo W|C|NB ENXIO
        open fifo W|T|NB ENXIO
        open fifo RW ok
    ";

    #[test]
    fn every_call_fails_as_on_linux_and_changes_nothing() {
        let t = Tree::new();
        let before = t.snapshot();
        let mut wrong = Vec::new();
        for line in LINUX.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let words: Vec<&str> = line.split(' ').collect();
            let ro = &t.ro;
            let (got, want) = match words[..] {
                ["open", path, f, want] => (open(ro, path, flags(f)).map(drop), want),
                _ => panic!("bad line {line}"),
            };
            if outcome(got) != want {
                wrong.push(format!("{line}: got {}", outcome(got)));
            }
        }
        assert!(wrong.is_empty(), "unlike Linux:\n{}", wrong.join("\n"));
        assert_eq!(t.snapshot(), before, "the read-only tree changed");
    }

    /// The access mode of the host descriptor behind `object`.
    fn access(object: &Object) -> OFlags {
        rustix::fs::fcntl_getfl(object).unwrap() & OFlags::ACCMODE
    }

    #[test]
    fn create_alone_on_an_existing_file_opens_it_read_only() {
        let t = Tree::new();
        for path in ["f", "ln-f"] {
            let object = open(&t.ro, path, flags("R|C")).unwrap();
            assert!(matches!(object, Object::FileOrDir(_)), "{path}: {object:?}");
            assert_eq!(object.as_dir().err(), Some(Errno::Notdir), "{path}");
            assert_eq!(access(&object), OFlags::RDONLY);
        }
        // `append` is a status flag Linux keeps on a read-only open.
        let object = open(&t.ro, "f", flags("R|C|A")).unwrap();
        let status = rustix::fs::fcntl_getfl(&object).unwrap();
        assert_eq!(status & OFlags::ACCMODE, OFlags::RDONLY);
        assert!(status.contains(OFlags::APPEND));
        assert_eq!(fs::read_to_string(t.tmp.path().join("f")).unwrap(), "x");
    }

    /// Linux checks a file's permissions before the mount: write access
    /// to a file the user may not write is `acces`, not `rofs` (as root,
    /// who may write anything, it is `rofs`). `truncate` is `rofs` first.
    #[test]
    fn permissions_come_before_the_mount() {
        let t = Tree::new();
        let path = t.tmp.path().join("f");
        fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o444)).unwrap();
        let want = match rustix::fs::access(&path, rustix::fs::Access::WRITE_OK) {
            Err(rustix::io::Errno::ACCESS) => Errno::Acces,
            _ => Errno::Rofs,
        };
        for f in ["W", "RW", "W|A", "W|C", "W|N"] {
            assert_eq!(open(&t.ro, "f", flags(f)).err(), Some(want), "{f}");
        }
        assert_eq!(open(&t.ro, "ln-f", flags("W")).err(), Some(want));
        for f in ["R|T", "W|T"] {
            assert_eq!(open(&t.ro, "f", flags(f)).err(), Some(Errno::Rofs), "{f}");
        }
        // A parent the user may not search stops every call before the mount.
        let d = t.tmp.path().join("d");
        fs::set_permissions(&d, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
        let want = match rustix::fs::access(&d, rustix::fs::Access::EXEC_OK) {
            Err(rustix::io::Errno::ACCESS) => Errno::Acces,
            _ => Errno::Rofs,
        };
        let at = |rel: &str| Resolved {
            root: &t.ro,
            rel: rel.to_owned(),
            mount_point: false,
        };
        assert_eq!(
            rules::unlink_at(&at("d/inner")).map_err(Errno::from),
            Err(want)
        );
        assert_eq!(
            rules::remove_dir_at(&at("d/sub")).map_err(Errno::from),
            Err(want)
        );
        let rename = rules::rename_at(|| Ok(at("f")), || Ok(at("d/g")));
        assert_eq!(rename.map_err(Errno::from), Err(want));
        assert_eq!(open(&t.ro, "d/new", flags("W|C")).err(), Some(want));
        let want = if want == Errno::Rofs {
            Errno::Exist
        } else {
            want
        };
        assert_eq!(
            rules::mkdir_at(&at("d/sub")).map_err(Errno::from),
            Err(want)
        );
        fs::set_permissions(&d, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }

    #[test]
    fn rw_mounts_are_not_checked() {
        let t = Tree::new();
        let rw = Directory {
            dir: t.ro.dir.try_clone().unwrap(),
            writable: true,
            mount: 2,
        };
        let object = open(&rw, "new", flags("W|C|X")).unwrap();
        assert!(matches!(object, Object::File(_)));
        assert!(t.tmp.path().join("new").exists());
    }

    /// A FIFO is written as a pipe, from a writable mount or (as Linux
    /// allows) from a read-only one; a read-only open, which can never
    /// raise SIGPIPE, is not asked what it is until it is used as a
    /// directory.
    #[test]
    fn fifos_are_pipes() {
        let t = Tree::new();
        let rw = Directory {
            dir: t.ro.dir.try_clone().unwrap(),
            writable: true,
            mount: 2,
        };
        let reader = open(&t.ro, "fifo", flags("R|NB")).unwrap();
        assert!(matches!(reader, Object::FileOrDir(_)), "{reader:?}");
        for (at, f) in [(&rw, "W"), (&t.ro, "W"), (&t.ro, "W|T|C"), (&t.ro, "RW")] {
            let writer = open(at, "fifo", flags(f)).unwrap();
            assert!(matches!(writer, Object::Pipe(_)), "{f}: {writer:?}");
            let want = if f == "RW" {
                OFlags::RDWR
            } else {
                OFlags::WRONLY
            };
            assert_eq!(access(&writer), want, "{f}");
            assert_eq!(rustix::io::write(&writer, b"ab"), Ok(2));
            let mut buf = [0; 8];
            assert_eq!(rustix::io::read(&reader, &mut buf), Ok(2));
            assert_eq!(&buf[..2], b"ab");
        }
        let nonblock = open(&t.ro, "fifo", flags("W|NB")).unwrap();
        let status = rustix::fs::fcntl_getfl(&nonblock).unwrap();
        assert!(status.contains(OFlags::NONBLOCK));
        let file = open(&t.ro, "f", flags("R")).unwrap();
        assert_eq!(file.as_dir().err(), Some(Errno::Notdir));
        assert_eq!(file.kind(), "file");
        let dir = open(&t.ro, "d", flags("R")).unwrap();
        assert_eq!(dir.kind(), "directory");
        assert!(dir.as_dir().unwrap().entries().is_ok());
        assert_eq!(dir.kind(), "directory");
        assert_eq!(reader.kind(), "pipe");
        assert!(matches!(open(&t.ro, "d", flags("R|D")), Ok(Object::Dir(_))));
        assert!(matches!(open(&rw, "f", flags("W")), Ok(Object::File(_))));
    }

    #[test]
    fn split_finds_parent_and_last() {
        let s = |p: &str| {
            let s = split(OsStr::new(p));
            (
                s.parent.to_str().unwrap().to_owned(),
                s.last,
                s.trailing_slash,
            )
        };
        let n = |p: &str, l, t| (p.to_owned(), l, t);
        assert_eq!(s("f"), n(".", Last::Normal, false));
        assert_eq!(s("a//b//"), n("a", Last::Normal, true));
        assert_eq!(s("a/b/."), n("a/b", Last::Dot, false));
        assert_eq!(s("../.."), n("..", Last::DotDot, false));
        assert_eq!(s("."), n(".", Last::Dot, false));
        assert_eq!(s("/x"), n("/", Last::Normal, false));
    }
}
