//! The escape corpus (tests/guest/src/bin/escape.rs): hostile paths and
//! call sequences, each refused with its exact errno, through vfd-host,
//! `vfd run` and composed with the wasm layer; then the host tree outside
//! the writable mount is checked byte for byte.

use crate::harness::{Fixture, Output, run_cli_with, run_composed, run_lib_with};
use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Every check of the corpus, in order.
const CORPUS: &[&str] = &[
    "dotdot_chain_from_subdir",
    "dotdot_chain_deep",
    "dotdot_chain_mixed_separators",
    "dotdot_above_mount_by_name",
    "dotdot_create_out",
    "dotdot_mkdir_out",
    "dotdot_stat_out",
    "dotdot_cwd_relative",
    "openat_dotdot_out",
    "openat_absolute_ignores_dir",
    "dotdot_after_file",
    "host_absolute_paths",
    "fixture_host_paths",
    "virtual_root_not_openable",
    "abs_symlink_every_call",
    "rel_symlink_every_call",
    "dir_symlink_out_abs",
    "dir_symlink_out_rel",
    "symlink_chain_out",
    "symlink_inside_then_out",
    "symlink_to_host_root",
    "dangling_out_create",
    "dangling_out_create_exclusive",
    "dangling_abs_create",
    "nofollow_escaping_symlink",
    "openat_symlink_out_from_subdir",
    "rename_through_symlink_dir",
    "unlink_through_symlink_dir",
    "chdir_through_symlink_out",
    "symlink_loop_pair",
    "symlink_self_loop",
    "symlink_loop_create",
    "symlink_chain_limit",
    "dir_swapped_for_abs_symlink",
    "dir_swapped_for_rel_symlink",
    "cwd_swapped_for_symlink",
    "file_swapped_for_symlink",
    "trailing_slash_abs_link",
    "trailing_slash_rel_link",
    "trailing_slash_file_link",
    "trailing_slash_nofollow_inside_link",
    "trailing_slash_dir_link_out",
    "trailing_slash_create_dangling",
    "trailing_slash_mkdir_dangling",
    "trailing_slash_rmdir_link_out",
    "rmdir_link_out",
    "trailing_slash_unlink_link_out",
    "trailing_slash_unlink_file_link",
    "trailing_slash_remove_dangling_out",
    "trailing_slash_rename_link",
    "trailing_slash_rename_onto_link",
    "trailing_slash_rename_file_to_new_dir_name",
    "nul_in_open",
    "nul_in_every_path_call",
    "path_max_boundary",
    "path_huge",
    "long_dotdot_chain",
    "long_path_every_call",
    "openat_on_file_fd",
    "openat_on_pipe_and_socket",
    "openat_on_stdio",
    "openat_on_closed_fd",
    "rename_between_mounts",
    "rename_out_by_name",
    "rename_dotdot_out",
    "unlink_out",
    "mount_root_unlink",
    "mount_root_rmdir",
    "mount_root_rename",
    "rename_at_between_dir_fds",
    "ro_open_truncate",
    "ro_ftruncate",
    "ro_write_through_dir_fd",
    "ro_reached_by_name",
    "ro_dir_fd_dotdot",
    "lookalike_dots",
    "untouched_inside",
];

/// The fixture plus the links and directories the corpus needs (listed in
/// the guest's header).
fn escape_fixture() -> Fixture {
    let fixture = Fixture::new();
    let root = fixture.tmp.path().to_path_buf();
    let mnt = fixture.path("mnt");
    let link = |target: &Path, name: &str| symlink(target, mnt.join(name)).unwrap();
    let write = |name: &str, text: &str| std::fs::write(mnt.join(name), text).unwrap();
    std::fs::create_dir(root.join("empty-out")).unwrap();

    link(&root.join("outside"), "dir-out");
    link(Path::new("../outside"), "rel-dir-out");
    link(Path::new("/"), "root-link");
    link(Path::new("/proc/self/root"), "proc-link");
    link(Path::new("chain-2"), "chain-1");
    link(Path::new("sub/chain-3"), "chain-2");
    link(Path::new("../../outside/secret.txt"), "sub/chain-3");
    link(Path::new(".."), "sub/up");
    link(Path::new("../.."), "sub/up2");
    link(Path::new("../outside/new.txt"), "dangling-out");
    link(&root.join("outside/new-abs.txt"), "dangling-abs");
    link(Path::new("../outside/newdir"), "dangling-dir-out");
    link(Path::new("self-loop"), "self-loop");
    for i in 0..40 {
        link(Path::new(&format!("hop-{}", i + 1)), &format!("hop-{i}"));
    }
    link(Path::new("hello.txt"), "hop-40");
    link(&root.join("empty-out"), "empty-link");
    link(&root.join("outside"), "onto-link");

    for (dir, target, name) in [
        ("swap-dir", root.join("outside"), "swap-link"),
        ("swap-rel-dir", "../outside".into(), "swap-rel-link"),
        ("swapc", "../outside".into(), "swapc-link"),
    ] {
        std::fs::create_dir(mnt.join(dir)).unwrap();
        write(&format!("{dir}/own.txt"), "own\n");
        link(&target, name);
    }
    write("swapf.txt", "own file\n");
    link(&root.join("outside/secret.txt"), "swapf-link");
    fixture
}

/// What a host tree holds: each path (relative to the root) with its type
/// and contents (file bytes, link target, or nothing for a directory).
fn snapshot(root: &Path, skip: &str) -> BTreeMap<String, String> {
    fn walk(dir: &Path, rel: &str, skip: &str, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if rel == skip {
                continue;
            }
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.is_symlink() {
                format!("link {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                walk(&path, &rel, skip, out);
                "dir".to_owned()
            } else {
                let data = std::fs::read(&path).unwrap();
                format!("file {}", String::from_utf8_lossy(&data))
            };
            out.insert(rel, what);
        }
    }
    let mut out = BTreeMap::new();
    walk(root, "", skip, &mut out);
    out
}

fn run_corpus(mode: &str, run: impl FnOnce(&Fixture, &str) -> Output) {
    let fixture = escape_fixture();
    let root = fixture.tmp.path().to_path_buf();
    let before = snapshot(&root, "mnt");
    let out = run(&fixture, root.to_str().unwrap());
    let got: Vec<&str> = out.stdout.lines().collect();
    let want: Vec<String> = CORPUS.iter().map(|c| format!("ok {c}")).collect();
    assert_eq!(
        got, want,
        "escape ({mode}): stdout differs\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert_eq!(out.code, 0, "escape ({mode}) exit status");
    // Nothing outside the writable mount changed: not T/outside, not the
    // read-only mount, not T itself (no new file beside the mounts).
    fixture.assert_outside_untouched();
    assert_eq!(
        snapshot(&root, "mnt"),
        before,
        "escape ({mode}): the host tree outside the mount changed"
    );
    assert!(root.join("empty-out").is_dir());
}

#[test]
fn escape_corpus_is_refused_through_the_library() {
    assert!(CORPUS.len() >= 40, "the corpus has at least 40 entries");
    run_corpus("library", |fixture, root| {
        run_lib_with(fixture, "escape", &[root], |_| {})
    });
}

#[test]
fn escape_corpus_is_refused_through_vfd_run() {
    run_corpus("vfd run", |fixture, root| {
        run_cli_with(fixture, &[], "escape", &[root])
    });
}

/// The wasm layer under plain wasmtime-wasi: its mounts are the runtime's
/// preopens, and the same corpus gets the same errnos.
#[test]
fn escape_corpus_is_refused_composed() {
    run_corpus("composed", |fixture, root| {
        run_composed(fixture, "escape", &[root])
    });
}
