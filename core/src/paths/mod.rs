//! The guest's file namespace: directories mounted at guest paths.
//!
//! Mounts are not descriptors. An absolute guest path is matched against
//! the mount points component by component; `..` among the components
//! that name mount points (the virtual part of the tree, above any real
//! directory) is resolved by name, as Linux resolves `..` at a mount
//! point. What is left of the path is handed to the mount's own
//! resolution (cap-std in `vfd-host`, wasi:filesystem in `vfd-layer`),
//! which keeps it inside the mount.
//!
//! Generic over what a mount holds, so both builds of the layer follow one
//! set of rules.

mod mounts;
#[cfg(test)]
mod tests;

pub use mounts::{Mounts, Resolved};

use crate::Errno;
pub use crate::limits::{NAME_MAX, PATH_MAX};

/// The `dir` value of the `-at` calls that means the current directory:
/// `AT_FDCWD` (-100) as the WIT's unsigned 32-bit `fd`.
pub const AT_FDCWD: u32 = -100i32 as u32;

/// Reject what no Linux path can be: the empty path (`ENOENT`), NUL
/// bytes (`EINVAL`), and paths or names past `PATH_MAX` / `NAME_MAX`
/// (`ENAMETOOLONG`), in the order Linux's `getname` and lookup check them.
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
    for c in components(base).chain(components(path)) {
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

/// `rel` without its trailing slashes, once they have been checked to
/// name a directory: cap-std and wasi:filesystem read `dir/` as `dir/.`,
/// which rmdir and rename refuse (`inval`) where Linux removes or renames
/// `dir`. All slashes (`/`) stay as they are.
pub fn trim_trailing_slashes(rel: &str) -> &str {
    match rel.trim_end_matches('/') {
        "" => rel,
        trimmed => trimmed,
    }
}

/// The directory that holds the last component of the relative path
/// `rel` (`.` when it has one component), as a lookup of the parent sees
/// it.
pub fn parent_of(rel: &str) -> &str {
    trim_trailing_slashes(rel)
        .rsplit_once('/')
        .map_or(".", |(parent, _)| parent)
}

/// The components of a path, without empty ones and `.`.
fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}
