//! The guest's file namespace: host directories mounted at guest paths.
//!
//! Mounts are not descriptors. An absolute guest path is matched against
//! the mount points component by component; `..` among the components
//! that name mount points (the virtual part of the tree, above any real
//! directory) is resolved by name, as Linux resolves `..` at a mount
//! point. The rest of the path is resolved by cap-std inside the mount, so
//! nothing can lead out of it.

use crate::bindings::Errno;
use crate::object::Directory;
use rustix::fs::{Mode, OFlags};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

/// Linux's `PATH_MAX`, counting the terminating NUL: longer paths are
/// `nametoolong` before any lookup.
pub const PATH_MAX: usize = 4096;

/// Linux's `NAME_MAX`: the longest single path component.
pub const NAME_MAX: usize = 255;

/// Whether guest code may change what is under a mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountPerms {
    /// Read and write.
    ReadWrite,
    /// Read only: every change is `rofs`.
    ReadOnly,
}

/// One host directory, mounted at a guest path.
#[derive(Debug)]
pub struct Mount {
    components: Vec<String>,
    /// The host directory, writable or not.
    pub root: Arc<Directory>,
}

/// A guest path resolved to a mount and the path within it.
pub struct Resolved<'a> {
    /// The directory the rest of the path starts from.
    pub dir: &'a Directory,
    /// The path within `dir` (`.` for the directory itself).
    pub rel: String,
    /// Whether the path names a mount point itself, which, as on Linux,
    /// cannot be removed (`busy`) or renamed (`xdev`).
    pub mount_point: bool,
}

/// The set of mounts of one guest.
#[derive(Debug, Default)]
pub struct Mounts {
    mounts: Vec<Mount>,
    next_id: usize,
}

impl Mounts {
    /// Mount `dir` at `guest_path`, replacing an earlier mount there.
    pub fn add(&mut self, guest_path: &str, dir: cap_std::fs::Dir, perms: MountPerms) {
        let components = split(guest_path).map(str::to_owned).collect::<Vec<_>>();
        self.mounts.retain(|m| m.components != components);
        self.next_id += 1;
        self.mounts.push(Mount {
            components,
            root: Arc::new(Directory {
                dir,
                writable: perms == MountPerms::ReadWrite,
                mount: self.next_id,
            }),
        });
    }

    /// Resolve an absolute guest path to a mount and a path inside it.
    pub fn resolve(&self, path: &str) -> Result<Resolved<'_>, Errno> {
        debug_assert!(path.starts_with('/'));
        let comps: Vec<&str> = split(path).collect();
        let mut depth: Vec<&str> = Vec::new();
        let mut i = 0;
        // Walk the virtual part: components that lead towards a mount point.
        while i < comps.len() {
            let c = comps[i];
            if c == ".." {
                depth.pop();
            } else if self
                .mounts
                .iter()
                .any(|m| extends(&m.components, &depth, c))
            {
                depth.push(c);
            } else {
                break;
            }
            i += 1;
        }
        // The deepest mount at or above where the walk stopped.
        let mount = self
            .mounts
            .iter()
            .filter(|m| {
                depth.starts_with(&m.components.iter().map(String::as_str).collect::<Vec<_>>())
            })
            .max_by_key(|m| m.components.len())
            .ok_or(Errno::Noent)?;
        let mut rel: Vec<&str> = depth[mount.components.len()..].to_vec();
        rel.extend_from_slice(&comps[i..]);
        let mut rel = if rel.is_empty() {
            ".".to_owned()
        } else {
            rel.join("/")
        };
        // A trailing `/` or `/.` demands a directory (and `/.` follows a
        // final symlink): keep it as it was for cap-std and the kernel.
        if rel != "." {
            if path.ends_with("/.") {
                rel.push_str("/.");
            } else if path.ends_with('/') {
                rel.push('/');
            }
        }
        Ok(Resolved {
            dir: &mount.root,
            mount_point: rel == ".",
            rel,
        })
    }

    /// Refuse a read-only mount that lies inside the host tree of a
    /// writable one: a writable mount grants its whole host tree (through
    /// `..` and symlinks within it, and directory descriptors), so the
    /// read-only view would only look protected.
    pub fn check_read_only_nesting(&self) -> Result<(), String> {
        let identity = |fd: BorrowedFd<'_>| rustix::fs::fstat(fd).map(|st| (st.st_dev, st.st_ino));
        let writable: Vec<_> = self
            .mounts
            .iter()
            .filter(|m| m.root.writable)
            .filter_map(|m| Some((identity(m.root.dir.as_fd()).ok()?, m)))
            .collect();
        for ro in self.mounts.iter().filter(|m| !m.root.writable) {
            // Walk from the read-only root up to the host's `/`.
            let mut dir = ro
                .root
                .dir
                .as_fd()
                .try_clone_to_owned()
                .map_err(|e| e.to_string())?;
            loop {
                let here = identity(dir.as_fd()).map_err(|e| e.to_string())?;
                if let Some((_, rw)) = writable.iter().find(|(id, _)| *id == here) {
                    return Err(format!(
                        "the read-only mount at /{} lies inside the host directory of the writable mount at /{}",
                        ro.components.join("/"),
                        rw.components.join("/")
                    ));
                }
                let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
                let parent = rustix::fs::openat(&dir, "..", flags, Mode::empty())
                    .map_err(|e| e.to_string())?;
                if identity(parent.as_fd()).map_err(|e| e.to_string())? == here {
                    break;
                }
                dir = parent;
            }
        }
        Ok(())
    }

    /// Whether the absolute, normalized `path` names a directory of the
    /// virtual tree that leads to mount points (`/` when only `/data` is
    /// mounted): the guest may `chdir` there, as it may on Linux.
    pub fn is_virtual_dir(&self, path: &str) -> bool {
        let comps: Vec<&str> = split(path).collect();
        self.mounts.iter().any(|m| {
            m.components.len() > comps.len() && m.components.iter().zip(&comps).all(|(a, b)| a == b)
        })
    }
}

/// Whether `prefix + [next]` is a prefix of the mount point `mount`.
fn extends(mount: &[String], prefix: &[&str], next: &str) -> bool {
    mount.len() > prefix.len()
        && mount[..prefix.len()]
            .iter()
            .zip(prefix)
            .all(|(a, b)| a == b)
        && mount[prefix.len()] == next
}

/// The components of a path, without empty ones and `.`.
fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// Reject what no Linux path can be: NUL bytes (`inval`), the empty path
/// (`noent`), and paths or names past `PATH_MAX` / `NAME_MAX`
/// (`nametoolong`).
pub fn check_path(path: &str) -> Result<(), Errno> {
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if path.contains('\0') {
        return Err(Errno::Inval);
    }
    if path.len() >= PATH_MAX || path.split('/').any(|c| c.len() > NAME_MAX) {
        return Err(Errno::Nametoolong);
    }
    Ok(())
}

/// The logical absolute path of `path` seen from `cwd`: `.` and `..`
/// resolved by name, as the shell's `cd` does.
pub fn normalize(cwd: &str, path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let base = if path.starts_with('/') { "" } else { cwd };
    for c in split(base).chain(split(path)) {
        if c == ".." {
            out.pop();
        } else {
            out.push(c);
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots_by_name() {
        assert_eq!(normalize("/", "data/sub/../x"), "/data/x");
        assert_eq!(normalize("/data", "../../.."), "/");
        assert_eq!(normalize("/a", "/b/./c/"), "/b/c");
    }

    #[test]
    fn check_path_rejects_what_linux_cannot_name() {
        assert_eq!(check_path(""), Err(Errno::Noent));
        assert_eq!(check_path("a\0b"), Err(Errno::Inval));
        assert_eq!(check_path(&"a".repeat(256)), Err(Errno::Nametoolong));
        assert_eq!(check_path(&"a/".repeat(2048)), Err(Errno::Nametoolong));
        assert_eq!(check_path(&"a".repeat(255)), Ok(()));
    }

    fn mounts(points: &[&str]) -> (tempfile::TempDir, Mounts) {
        let tmp = tempfile::tempdir().unwrap();
        let mut m = Mounts::default();
        for p in points {
            let dir = cap_std::fs::Dir::open_ambient_dir(tmp.path(), cap_std::ambient_authority())
                .unwrap();
            m.add(p, dir, MountPerms::ReadWrite);
        }
        (tmp, m)
    }

    fn rel(m: &Mounts, path: &str) -> Result<String, Errno> {
        m.resolve(path).map(|r| r.rel)
    }

    #[test]
    fn resolve_walks_mount_points_and_dotdot_above_them() {
        let (_t, m) = mounts(&["/data"]);
        assert_eq!(rel(&m, "/data/x/y").unwrap(), "x/y");
        assert_eq!(rel(&m, "/data").unwrap(), ".");
        assert_eq!(rel(&m, "/data/../data/x").unwrap(), "x");
        assert_eq!(rel(&m, "/data/x/").unwrap(), "x/");
        // Below the mount root, `..` is cap-std's business (and cannot escape).
        assert_eq!(rel(&m, "/data/sub/../x").unwrap(), "sub/../x");
        assert_eq!(rel(&m, "/etc/passwd").err(), Some(Errno::Noent));
        assert_eq!(rel(&m, "/").err(), Some(Errno::Noent));
    }

    #[test]
    fn a_read_only_mount_inside_a_writable_tree_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("rw/config")).unwrap();
        std::fs::create_dir_all(tmp.path().join("other")).unwrap();
        let open = |p: &str| {
            cap_std::fs::Dir::open_ambient_dir(tmp.path().join(p), cap_std::ambient_authority())
                .unwrap()
        };
        let mut m = Mounts::default();
        m.add("/project", open("rw"), MountPerms::ReadWrite);
        m.add("/elsewhere", open("other"), MountPerms::ReadOnly);
        assert_eq!(m.check_read_only_nesting(), Ok(()));
        m.add("/project/config", open("rw/config"), MountPerms::ReadOnly);
        let err = m.check_read_only_nesting().unwrap_err();
        assert!(
            err.contains("/project/config") && err.contains("/project"),
            "{err}"
        );
    }

    #[test]
    fn resolve_prefers_the_deepest_mount() {
        let (_t, m) = mounts(&["/", "/a/b"]);
        assert_eq!(rel(&m, "/a/b/c").unwrap(), "c");
        assert_eq!(rel(&m, "/a/c").unwrap(), "a/c");
        assert_eq!(rel(&m, "/x").unwrap(), "x");
        assert_eq!(rel(&m, "/").unwrap(), ".");
    }
}
