//! The guest's file namespace: the runtime's preopens, mounted at their
//! names.
//!
//! The rules are the host build's (`vfd-host`'s mounts): an absolute guest
//! path is matched against the mount points component by component, `..`
//! among the components that name mount points is resolved by name (as
//! Linux resolves `..` at a mount point), and the rest of the path is
//! handed to wasi:filesystem inside the mount, which refuses `..` and
//! symlinks that would lead out of it.
//!
//! This module is pure path logic, generic over what a mount holds, so it
//! is unit-tested on the host target.

use crate::bindings::Errno;

/// Linux's `PATH_MAX`, counting the terminating NUL: longer paths are
/// `nametoolong` before any lookup.
pub const PATH_MAX: usize = 4096;

/// Linux's `NAME_MAX`: the longest single path component.
pub const NAME_MAX: usize = 255;

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
    /// The path within it (`.` for the mount point itself).
    pub rel: String,
    /// Whether the path names the mount point itself, which, as on Linux,
    /// cannot be removed (`busy`) or renamed (`xdev`).
    pub mount_point: bool,
}

/// The mounts of the guest.
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
    /// (`wasmtime run --dir .` names its preopen `.`) is taken from `/`.
    pub fn add(&mut self, guest_path: &str, root: D) {
        let components: Vec<String> = split(&normalize("/", guest_path))
            .map(str::to_owned)
            .collect();
        self.mounts.retain(|m| m.components != components);
        self.mounts.push(Mount { components, root });
    }

    /// Resolve an absolute guest path to a mount and a path inside it.
    pub fn resolve(&self, path: &str) -> Result<Resolved<'_, D>, Errno> {
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
        // A trailing `/` or `/.` demands a directory (and `/.` follows a
        // final symlink): keep it for the lookup inside the mount.
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

/// A path split into the directory that holds its last component and
/// that component, as the calls that act on a name (mkdir, unlink...)
/// look it up: (`parent`, `name`), without trailing slashes.
pub fn split_last(path: &str) -> (&str, &str) {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        // `/` or `///`: the root is its own parent.
        return (if path.is_empty() { "." } else { "/" }, ".");
    }
    match trimmed.rfind('/') {
        Some(i) => {
            let parent = trimmed[..i].trim_end_matches('/');
            (
                if parent.is_empty() { "/" } else { parent },
                &trimmed[i + 1..],
            )
        }
        None => (".", trimmed),
    }
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

    fn mounts(points: &[&str]) -> Mounts<usize> {
        let mut m = Mounts::default();
        for (i, p) in points.iter().enumerate() {
            m.add(p, i);
        }
        m
    }

    fn rel(m: &Mounts<usize>, path: &str) -> Result<(usize, String), Errno> {
        m.resolve(path).map(|r| (*r.root, r.rel))
    }

    #[test]
    fn resolve_walks_mount_points_and_dotdot_above_them() {
        let m = mounts(&["/data"]);
        assert_eq!(rel(&m, "/data/x/y"), Ok((0, "x/y".into())));
        assert_eq!(rel(&m, "/data"), Ok((0, ".".into())));
        assert!(m.resolve("/data").unwrap().mount_point);
        assert_eq!(rel(&m, "/data/../data/x"), Ok((0, "x".into())));
        assert_eq!(rel(&m, "/data/x/"), Ok((0, "x/".into())));
        assert_eq!(rel(&m, "/data/x/."), Ok((0, "x/.".into())));
        // Below the mount root, `..` is wasi:filesystem's business.
        assert_eq!(rel(&m, "/data/sub/../x"), Ok((0, "sub/../x".into())));
        assert_eq!(rel(&m, "/etc/passwd"), Err(Errno::Noent));
        assert_eq!(rel(&m, "/"), Err(Errno::Noent));
    }

    #[test]
    fn resolve_prefers_the_deepest_mount() {
        let m = mounts(&["/", "/a/b"]);
        assert_eq!(rel(&m, "/a/b/c"), Ok((1, "c".into())));
        assert_eq!(rel(&m, "/a/c"), Ok((0, "a/c".into())));
        assert_eq!(rel(&m, "/x"), Ok((0, "x".into())));
        assert_eq!(rel(&m, "/"), Ok((0, ".".into())));
    }

    #[test]
    fn relative_preopen_names_hang_from_the_root() {
        let m = mounts(&[".", "data/"]);
        assert_eq!(rel(&m, "/data/x"), Ok((1, "x".into())));
        assert_eq!(rel(&m, "/x"), Ok((0, "x".into())));
    }

    #[test]
    fn a_later_mount_at_the_same_point_wins() {
        let m = mounts(&["/data", "/data/"]);
        assert_eq!(rel(&m, "/data/x"), Ok((1, "x".into())));
    }

    #[test]
    fn virtual_dirs_lead_to_mount_points() {
        let m = mounts(&["/a/b"]);
        assert!(m.is_virtual_dir("/"));
        assert!(m.is_virtual_dir("/a"));
        assert!(!m.is_virtual_dir("/a/b"));
        assert!(!m.is_virtual_dir("/c"));
    }

    #[test]
    fn split_last_finds_parent_and_name() {
        assert_eq!(split_last("f"), (".", "f"));
        assert_eq!(split_last("a//b//"), ("a", "b"));
        assert_eq!(split_last("/x"), ("/", "x"));
        assert_eq!(split_last("a/b/."), ("a/b", "."));
        assert_eq!(split_last("/"), ("/", "."));
    }
}
