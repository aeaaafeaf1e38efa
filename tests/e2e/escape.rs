//! The escape corpus (tests/guest/src/bin/escape.rs): hostile paths and
//! call sequences, each refused with its exact errno, through vfd-host,
//! `vfd run` and composed with the wasm layer; then the host tree outside
//! the writable mount is checked byte for byte.

use crate::harness::{
    Fixture, Output, listed_checks, run_cli_with, run_composed, run_lib_with, vfd,
};
use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::Path;

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
    let root_arg = root.to_str().unwrap();
    let corpus = listed_checks("escape", &[root_arg]);
    assert!(corpus.len() >= 40, "the corpus has at least 40 entries");
    let out = run(&fixture, root_arg);
    let got: Vec<&str> = out.stdout.lines().collect();
    let want: Vec<String> = corpus.iter().map(|c| format!("ok {c}")).collect();
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

/// The corpus through preview 1: `tests/p1_c/escape.c`, a C program built
/// with wasi-libc, tries every path call (`openat` to read, create and
/// truncate, `mkdirat`, `unlinkat`, `renameat` out and in, `symlinkat`,
/// `linkat` out and in, `utimensat`, `fstatat`, `readlinkat`) on each
/// hostile path, under `vfd run`. Whatever each call answers, nothing from
/// outside the mount reaches the guest and nothing outside it changes.
#[test]
fn escape_corpus_through_preview_1() {
    use crate::p1::{CTarget, build_c, c_compiler};
    use std::os::unix::fs::MetadataExt;
    let Some(clang) = c_compiler() else {
        eprintln!("skipped: no C compiler for wasm32-wasi (see p1::c_compiler)");
        return;
    };
    let fixture = escape_fixture();
    let root = fixture.tmp.path().to_path_buf();
    let bin = tempfile::tempdir().unwrap();
    let wasm = build_c(&clang, "escape", CTarget::Wasi, bin.path());
    let secret = root.join("outside/secret.txt");
    let secret_times = std::fs::metadata(&secret)
        .map(|m| (m.mtime(), m.mtime_nsec()))
        .unwrap();
    let before = snapshot(&root, "mnt");

    let out = vfd()
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", fixture.path("mnt").display()))
        .arg(&wasm)
        .arg(&root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.ends_with("done\n"), "{stdout}");
    let attempts = stdout.lines().filter(|l| l.contains(" = ")).count();
    // 14 calls on each of the 34 paths: the program ran to its end.
    assert_eq!(attempts, 34 * 14, "calls made\n{stdout}");
    // What the guest read: only its own files (`own`, `hello, vfd`, what
    // it wrote itself), never the secret or a host file such as passwd.
    for line in stdout.lines().filter(|l| l.starts_with("  ")) {
        assert!(
            !line.contains("secret") && !line.contains("root:"),
            "read from outside the mount: {line}\n{stdout}"
        );
    }
    assert_eq!(
        snapshot(&root, "mnt"),
        before,
        "the host tree outside the mount changed\n{stdout}"
    );
    let after = std::fs::metadata(&secret)
        .map(|m| (m.mtime(), m.mtime_nsec()))
        .unwrap();
    assert_eq!(after, secret_times, "a file outside the mount was touched");
    // Nothing was linked or moved in: no file in the mount holds the secret.
    for (path, what) in snapshot(&fixture.path("mnt"), "") {
        assert!(
            !(what.starts_with("file ") && what.contains("secret")),
            "{path} holds {what}"
        );
    }
}
