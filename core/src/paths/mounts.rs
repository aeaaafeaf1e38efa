//! The mount table: guest paths to mounted directories.

use super::{Errno, components, normalize};

/// One mounted directory.
#[derive(Debug)]
struct Mount<D> {
    components: Vec<String>,
    root: D,
}

/// A guest path resolved to a mount and the path within it.
#[derive(Debug, PartialEq, Eq)]
pub struct Resolved<'a, D> {
    /// The mount's directory.
    pub root: &'a D,
    /// The path within it (`.` for the mount point itself), with a
    /// trailing `/` or `/.` kept: both demand a directory, and `/.` follows
    /// a final symlink.
    pub rel: String,
    /// Whether the path names the mount point itself, which, as on Linux,
    /// cannot be removed (`busy`) or renamed (`xdev`).
    pub mount_point: bool,
}

/// The mounts of one guest, over directories of type `D`.
#[derive(Debug)]
pub struct Mounts<D> {
    mounts: Vec<Mount<D>>,
}

impl<D> Default for Mounts<D> {
    fn default() -> Self {
        Mounts { mounts: Vec::new() }
    }
}

impl<D> Mounts<D> {
    /// Mount `root` at `guest_path`, replacing an earlier mount there (as
    /// a later `--dir` with the same guest path does). A relative name
    /// (`wasmtime run --dir .` names its preopen `.`) hangs from `/`.
    pub fn add(&mut self, guest_path: &str, root: D) {
        let components: Vec<String> = components(&normalize("/", guest_path))
            .map(str::to_owned)
            .collect();
        self.mounts.retain(|m| m.components != components);
        self.mounts.push(Mount { components, root });
    }

    /// Every mount point (as an absolute path) with its directory, in the
    /// order they were mounted.
    pub fn iter(&self) -> impl Iterator<Item = (String, &D)> {
        self.mounts
            .iter()
            .map(|m| (format!("/{}", m.components.join("/")), &m.root))
    }

    /// Resolve an absolute guest path to a mount and a path inside it;
    /// `ENOENT` when no mount holds it.
    pub fn resolve(&self, path: &str) -> Result<Resolved<'_, D>, Errno> {
        debug_assert!(path.starts_with('/'));
        let comps: Vec<&str> = components(path).collect();
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
                m.components.len() <= depth.len()
                    && m.components.iter().zip(&depth).all(|(a, b)| a == b)
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
        if rel != "." {
            if path.ends_with("/.") {
                rel.push_str("/.");
            } else if path.ends_with('/') {
                rel.push('/');
            }
        }
        Ok(Resolved {
            root: &mount.root,
            mount_point: rel == ".",
            rel,
        })
    }

    /// Whether the absolute, normalized `path` names a directory of the
    /// virtual tree that leads to mount points (`/` when only `/data` is
    /// mounted): the guest may `chdir` there, as it may on Linux.
    pub fn is_virtual_dir(&self, path: &str) -> bool {
        let comps: Vec<&str> = components(path).collect();
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
