//! What only a host adds to the read-only rules (`vfd_core::fs::readonly`,
//! which replay Linux's checks in its order): the permission check Linux
//! makes before the mount's (`EACCES`), and writing to a FIFO, whose data
//! goes to a pipe rather than to the mount, opened so that the inode
//! checked is the inode opened.

use super::Directory;
use crate::bindings::{Errno, OpenFlags};
use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{OpenOptions, OpenOptionsExt};
use rustix::fs::{Access, AtFlags, FileType as HostType, Mode, OFlags};
use std::os::fd::{AsRawFd, OwnedFd};
use vfd_core::Errno as CoreErrno;
use vfd_core::fs::readonly::OpenRequest;

vfd_core::open_request_from!(OpenFlags);

/// Open `path` as a path only (`O_PATH`: no access asked, nothing changed,
/// never blocks), to check or change the very inode a later step will use;
/// with `nofollow`, a final symlink is itself the inode.
pub(super) fn pin(at: &Directory, path: &str, nofollow: bool) -> Result<cap_std::fs::File, Errno> {
    let mut options = OpenOptions::new();
    options.read(true).custom_flags(OFlags::PATH.bits() as i32);
    if nofollow {
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
/// only then is anything else `rofs` (`vfd_core::fs::Dir::write_refusal`).
pub fn write_refusal(at: &Directory, path: &str, req: &OpenRequest) -> CoreErrno {
    let Ok(pinned) = pin(at, path, req.nofollow) else {
        return CoreErrno::Rofs;
    };
    let mut want = Access::WRITE_OK;
    if req.read {
        want |= Access::READ_OK;
    }
    let link = proc_link(&pinned);
    match rustix::fs::accessat(rustix::fs::CWD, link.as_str(), want, AtFlags::EACCESS) {
        Err(rustix::io::Errno::ACCESS) => CoreErrno::Acces,
        _ => CoreErrno::Rofs,
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
    let pinned = pin(at, path, flags.contains(OpenFlags::NOFOLLOW))?;
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
    use std::path::Path;
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

    /// Linux's answers on a read-only bind mount of the same tree, call by
    /// call: the record `vfd_core::fs`'s rules are tested against, replayed
    /// here through the host's objects on a real tree (permissions, a real
    /// FIFO and the host's open included).
    const LINUX: &str = include_str!("../../../core/src/fs/readonly_linux.txt");

    #[test]
    fn every_call_fails_as_on_linux_and_changes_nothing() {
        let t = Tree::new();
        let before = t.snapshot();
        let mut wrong = Vec::new();
        let lines = LINUX.lines().map(str::trim);
        for line in lines.filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let words: Vec<&str> = line.split(' ').collect();
            let ro = &t.ro;
            let at = |rel: &str| Resolved {
                root: ro,
                rel: rel.to_owned(),
                mount_point: false,
            };
            let (got, want) = match words[..] {
                ["open", path, f, want] => (open(ro, path, flags(f)).map(drop), want),
                ["unlink", path, want] => (rules::unlink_at(&at(path)).map_err(Errno::from), want),
                ["rmdir", path, want] => {
                    (rules::remove_dir_at(&at(path)).map_err(Errno::from), want)
                }
                ["mkdir", path, want] => (rules::mkdir_at(&at(path)).map_err(Errno::from), want),
                ["rename", from, to, want] => {
                    let renamed = rules::rename_at(|| Ok(at(from)), || Ok(at(to)));
                    (renamed.map_err(Errno::from), want)
                }
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
}
