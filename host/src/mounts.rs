//! The guest's file namespace: host directories mounted at guest paths.
//!
//! The path rules (mount points, `..` above them, `PATH_MAX`) are in
//! `vfd_core::paths`, shared with the wasm build; what is left of a path is
//! resolved by cap-std inside the mount, so nothing can lead out of it.
//! This module adds what only a host has: read-only mounts, and the check
//! that a read-only mount is not reachable through a writable one.

use crate::object::Directory;
use rustix::fs::{Mode, OFlags};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

pub use vfd_core::paths::{NAME_MAX, PATH_MAX};

/// Whether guest code may change what is under a mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountPerms {
    /// Read and write.
    ReadWrite,
    /// Read only: every change is `rofs`.
    ReadOnly,
}

/// The set of mounts of one guest.
#[derive(Debug, Default)]
pub struct Mounts {
    mounts: vfd_core::paths::Mounts<Arc<Directory>>,
    next_id: usize,
}

impl Mounts {
    /// Mount `dir` at `guest_path`, replacing an earlier mount there.
    pub fn add(&mut self, guest_path: &str, dir: cap_std::fs::Dir, perms: MountPerms) {
        self.next_id += 1;
        let root = Arc::new(Directory {
            dir,
            writable: perms == MountPerms::ReadWrite,
            mount: self.next_id,
        });
        self.mounts.add(guest_path, root);
    }

    /// The mounts as the path rules see them (`vfd_core::paths`).
    pub fn paths(&self) -> &vfd_core::paths::Mounts<Arc<Directory>> {
        &self.mounts
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
            .filter(|(_, root)| root.writable)
            .filter_map(|(point, root)| Some((identity(root.dir.as_fd()).ok()?, point)))
            .collect();
        for (ro_point, ro) in self.mounts.iter().filter(|(_, root)| !root.writable) {
            // Walk from the read-only root up to the host's `/`.
            let mut dir = ro
                .dir
                .as_fd()
                .try_clone_to_owned()
                .map_err(|e| e.to_string())?;
            loop {
                let here = identity(dir.as_fd()).map_err(|e| e.to_string())?;
                if let Some((_, rw)) = writable.iter().find(|(id, _)| *id == here) {
                    return Err(format!(
                        "the read-only mount at {ro_point} lies inside the host directory of the writable mount at {rw}"
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_gives_the_mounted_directory_and_linux_errnos() {
        let tmp = tempfile::tempdir().unwrap();
        let open = || {
            cap_std::fs::Dir::open_ambient_dir(tmp.path(), cap_std::ambient_authority()).unwrap()
        };
        let mut m = Mounts::default();
        m.add("/data", open(), MountPerms::ReadWrite);
        m.add("/ro", open(), MountPerms::ReadOnly);
        let m = m.paths();
        let r = m.resolve("/ro/x/").unwrap();
        assert!(!r.root.writable);
        assert_eq!((r.rel.as_str(), r.mount_point), ("x/", false));
        assert!(m.resolve("/data").unwrap().mount_point);
        assert!(m.resolve("/data").unwrap().root.writable);
        assert_eq!(m.resolve("/etc/passwd").err(), Some(vfd_core::Errno::Noent));
        assert!(m.is_virtual_dir("/"));
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
}
