//! Unit tests of the path rules; each expectation is what Linux does with
//! the same path and the same mount points.

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
    assert_eq!(check_path(&"a/".repeat(2047)), Ok(()));
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
    assert!(!m.resolve("/data/x").unwrap().mount_point);
    assert_eq!(rel(&m, "/data/../data/x"), Ok((0, "x".into())));
    assert_eq!(rel(&m, "/../../data/x"), Ok((0, "x".into())));
    assert_eq!(rel(&m, "/data/sub/.."), Ok((0, "sub/..".into())));
    assert_eq!(rel(&m, "/data/x/."), Ok((0, "x/.".into())));
    // Below the mount root, `..` is the mount's own business.
    assert_eq!(rel(&m, "/data/sub/../x"), Ok((0, "sub/../x".into())));
    assert_eq!(rel(&m, "/data/sub/.."), Ok((0, "sub/..".into())));
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
fn relative_mount_names_hang_from_the_root() {
    let m = mounts(&[".", "data/"]);
    assert_eq!(rel(&m, "/data/x"), Ok((1, "x".into())));
    assert_eq!(rel(&m, "/x"), Ok((0, "x".into())));
    let points: Vec<String> = m.iter().map(|(p, _)| p).collect();
    assert_eq!(points, ["/", "/data"]);
}

#[test]
fn a_later_mount_at_the_same_point_wins() {
    let m = mounts(&["/data", "/data/"]);
    assert_eq!(rel(&m, "/data/x"), Ok((1, "x".into())));
    assert_eq!(m.iter().count(), 1);
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
fn trailing_slashes_trim_to_the_name_and_parents_are_found() {
    assert_eq!(trim_trailing_slashes("sub//"), "sub");
    assert_eq!(trim_trailing_slashes("a/b"), "a/b");
    assert_eq!(trim_trailing_slashes("/"), "/");
    assert_eq!(parent_of("a/b/"), "a");
    assert_eq!(parent_of("b"), ".");
    assert_eq!(parent_of("x/y/z"), "x/y");
}

#[test]
fn split_last_finds_parent_and_name() {
    assert_eq!(split_last("f"), (".", "f"));
    assert_eq!(split_last("a//b//"), ("a", "b"));
    assert_eq!(split_last("/x"), ("/", "x"));
    assert_eq!(split_last("a/b/."), ("a/b", "."));
    assert_eq!(split_last("/"), ("/", "."));
}
