//! Differential test at the preview 1 level: random sequences of
//! descriptor calls made by a C program through wasi-libc's own `openat`,
//! `read`, `write`, `pread`, `pwrite`, `lseek`, `close`, `fcntl`,
//! `ftruncate`, `fstat`, `__wasilibc_fd_renumber`, the directory calls,
//! `symlinkat`, `readlinkat`, `linkat`, `utimensat` and `futimens`, run
//! under vfd, and the same C source built natively run on Linux: one
//! source, two builds, and every line compared (each call's result, data
//! and errno, then every open number's access mode, flags and offset).
//! Built a second time with vfd's C library (c/vfd.h), the sequences also
//! have `dup`, `dup2`, `dup3`, `F_DUPFD(_CLOEXEC)`, `F_GETFD`/`F_SETFD`,
//! pipes and socket pairs, through vfd's import module.
//!
//! `VFD_DIFF_P1_CASES` sets the number of sequences (default 100);
//! `VFD_DIFF_SEED` replays a run. Needs the C toolchain of
//! `p1::c_compiler` (skipped without it, unless CI requires it).

use crate::harness::{engine, read_all};
use crate::p1::{CTarget, build_c, c_compiler};
use std::path::Path;
use std::process::{Command, Stdio};
use vfd_host::{MountPerms, VfdCtx};
use wasmtime_wasi::WasiCtx;

/// A small, seeded generator (xorshift64*): a failing sequence is replayed
/// from the seed the failure prints.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Paths inside the directory at fd 3: files, a directory, the symlinks
/// of `tree`, missing names and trailing slashes. (`..` is left out: under
/// vfd it cannot leave the mount, which the escape corpus tests, while
/// natively it can.)
const PATHS: &[&str] = &[
    "file.txt",
    "new.txt",
    "sub",
    "sub/",
    "sub/x",
    "sub/y.txt",
    "missing",
    "file.txt/",
    "new.txt/",
    "lf",
    "ld",
    "ld/",
    "dangling",
];

/// What `symlink` makes a link point to: a file, a directory, missing
/// names (`new.txt` is a loop when the link is `new.txt` itself), a link,
/// a `..` that stays inside (it climbs back from `sub`, which no link
/// makes the tree's root), and the empty target (`""` to the replay;
/// `ENOENT`). A target that leaves the directory, absolute or through
/// `..`, would differ by construction once followed: vfd refuses it
/// (`ENOTCAPABLE`) where Linux goes there.
const TARGETS: &[&str] = &[
    "file.txt",
    "sub",
    "sub/",
    "missing",
    "new.txt",
    "lf",
    "sub/../file.txt",
    "\"\"",
];

/// The times `utimens` and `futimens` set (see `times_of` in replay.c).
const TIMES: &[&str] = &["now", "omit", "set", "mixed"];

/// Descriptor arguments: the directory itself (3), numbers the sequence is
/// likely to have opened, and one never open.
const FDS: &[&str] = &["3", "4", "4", "5", "5", "6", "7", "8", "1000"];

/// The numbers `close` and `renumber` take: not 3. The directory stays
/// there, because wasi-libc's `openat` asks `fd_fdstat_get` of its
/// directory before anything else, so with 3 closed or moved every open
/// is `EBADF`, where Linux looks at the flags first (`O_CREAT` with
/// `O_DIRECTORY` is `EINVAL`): wasi-libc's order, not vfd's.
const MOVABLE_FDS: &[&str] = &["4", "4", "5", "5", "6", "7", "8", "1000"];

const TEXTS: &[&str] = &["a", "bc", "hello", "xyz12"];

/// The second number of `dup2`, `dup3` and `F_DUPFD`: free and open ones,
/// 3 itself (the directory, replaced by `dup2`), 2, and numbers that no
/// table reaches or that a C `int` makes negative. Never 0 or 1: the
/// replay reads its script from 0 and writes its results to 1. (F_DUPFD
/// from 2 finds the lowest free number at or above it.)
const TARGET_FDS: &[&str] = &["2", "3", "5", "6", "9", "14", "15", "4096", "-1"];

fn open_flags(rng: &mut Rng) -> String {
    let mut flags = vec![rng.pick(&["RDONLY", "WRONLY", "RDWR"])];
    for flag in [
        "CREAT",
        "EXCL",
        "TRUNC",
        "APPEND",
        "NONBLOCK",
        "DIRECTORY",
        "NOFOLLOW",
    ] {
        if rng.below(4) == 0 {
            flags.push(flag);
        }
    }
    flags.join("|")
}

/// One script of up to 30 calls.
/// A sequence of calls; with `vfd`, also the calls of vfd's import
/// module (the replay built with vfd.h).
fn script(rng: &mut Rng, vfd: bool) -> String {
    let mut lines = Vec::new();
    // Most sequences start by opening something to work on.
    lines.push(format!("open file.txt {}", open_flags(rng)));
    for _ in 0..rng.below(30) {
        let fd = rng.pick(FDS);
        let line = match rng.below(if vfd { 23 } else { 19 }) {
            0..=2 => format!("open {} {}", rng.pick(PATHS), open_flags(rng)),
            3 => format!("close {}", rng.pick(MOVABLE_FDS)),
            4 => format!("read {fd} {}", rng.below(20)),
            5 => format!("write {fd} {}", rng.pick(TEXTS)),
            6 => format!("pread {fd} {} {}", rng.below(20), rng.below(20) as i64 - 2),
            7 => format!(
                "pwrite {fd} {} {}",
                rng.pick(TEXTS),
                rng.below(20) as i64 - 2
            ),
            8 => format!(
                "lseek {fd} {} {}",
                rng.below(24) as i64 - 4,
                rng.pick(&["SET", "CUR", "END"])
            ),
            9 => format!("ftruncate {fd} {}", rng.below(20) as i64 - 2),
            10 => format!("fstat {fd}"),
            11 => format!("getfl {fd}"),
            12 => format!(
                "setfl {fd} {}",
                rng.pick(&["0", "APPEND", "NONBLOCK", "APPEND|NONBLOCK"])
            ),
            13 => format!(
                "renumber {} {}",
                rng.pick(MOVABLE_FDS),
                rng.pick(MOVABLE_FDS)
            ),
            14 => format!(
                "{} {}",
                rng.pick(&["mkdir", "unlink", "rmdir"]),
                rng.pick(PATHS)
            ),
            15 => match rng.below(2) {
                0 => format!("symlink {} {}", rng.pick(TARGETS), rng.pick(PATHS)),
                _ => format!("readlink {}", rng.pick(PATHS)),
            },
            16 => format!("link {} {}", rng.pick(PATHS), rng.pick(PATHS)),
            17 => match rng.below(2) {
                0 => format!(
                    "utimens {} {} {}",
                    rng.pick(PATHS),
                    rng.pick(TIMES),
                    rng.pick(&["follow", "nofollow"])
                ),
                _ => format!("futimens {fd} {}", rng.pick(TIMES)),
            },
            18 => format!("rename {} {}", rng.pick(PATHS), rng.pick(PATHS)),
            19 => match rng.below(5) {
                0 => format!("dup {fd}"),
                1 => format!("dup2 {fd} {}", rng.pick(TARGET_FDS)),
                2 => format!("dup3 {fd} {}", rng.pick(TARGET_FDS)),
                3 => format!("dupfd {fd} {}", rng.pick(TARGET_FDS)),
                _ => format!("dupfd_cloexec {fd} {}", rng.pick(TARGET_FDS)),
            },
            20 => match rng.below(3) {
                0 => format!("getfd {fd}"),
                _ => format!("setfd {fd} {}", rng.below(2)),
            },
            21 => format!("poll {fd} {}", rng.pick(&["IN", "OUT", "INOUT", "NONE"])),
            _ => rng.pick(&["pipe", "socketpair"]).to_owned(),
        };
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

/// The tree each run starts from: with a symlink to a file, one to a
/// directory and a dangling one, relative so that they mean the same in
/// both copies.
fn tree(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("file.txt"), "0123456789").unwrap();
    std::fs::write(dir.join("sub/y.txt"), "y").unwrap();
    std::os::unix::fs::symlink("file.txt", dir.join("lf")).unwrap();
    std::os::unix::fs::symlink("sub", dir.join("ld")).unwrap();
    std::os::unix::fs::symlink("missing", dir.join("dangling")).unwrap();
}

/// Held to spawn a native run (write) and to run a module (read): a child
/// forked while a module runs in this process holds copies of its host
/// pipes until it execs, so a pipe whose last reader the module closed
/// could still have one, and a write that Linux answers with `EPIPE`
/// would succeed. The two tests here run side by side.
static SPAWNING: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn cases() -> u64 {
    std::env::var("VFD_DIFF_P1_CASES")
        .ok()
        .map(|n| n.parse().expect("VFD_DIFF_P1_CASES: a number"))
        .unwrap_or(100)
}

#[test]
fn wasi_libc_calls_under_vfd_match_linux() {
    differential("replay", false);
}

/// The same with vfd's C library (replay_vfd.c): the dup family,
/// `F_GETFD`/`F_SETFD`, pipes and socket pairs through vfd's import
/// module, among wasi-libc's own calls, on one table.
#[test]
fn vfd_calls_under_vfd_match_linux() {
    differential("replay_vfd", true);
}

/// Run `VFD_DIFF_P1_CASES` sequences through the C program `name`, built
/// natively and for WASI, and compare every line.
fn differential(name: &str, vfd: bool) {
    let Some(clang) = c_compiler() else {
        eprintln!("skipped: no C compiler for wasm32-wasi (see p1::c_compiler)");
        return;
    };
    let bin = tempfile::tempdir().unwrap();
    let native = build_c(&clang, name, CTarget::Native, bin.path());
    let wasm = build_c(&clang, name, CTarget::Wasi, bin.path());
    let module = vfd_host::compile::module_from_file(engine(), &wasm).unwrap();
    let seed: u64 = std::env::var("VFD_DIFF_SEED")
        .ok()
        .map(|s| s.parse().expect("VFD_DIFF_SEED: a number"))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let mut rng = Rng(seed | 1);
    let cases = cases();
    for case in 0..cases {
        let script = script(&mut rng, vfd);
        let work = tempfile::tempdir().unwrap();
        let (linux_dir, vfd_dir) = (work.path().join("linux"), work.path().join("vfd"));
        tree(&linux_dir);
        tree(&vfd_dir);

        let script_file = work.path().join("script");
        std::fs::write(&script_file, &script).unwrap();
        let linux = {
            let _spawning = SPAWNING.write().unwrap_or_else(|e| e.into_inner());
            Command::new(&native)
                .arg(&linux_dir)
                .stdin(std::fs::File::open(&script_file).unwrap())
                .stderr(Stdio::inherit())
                .output()
                .unwrap()
        };
        assert!(
            linux.status.success(),
            "the native replay failed ({}), case {case} of seed {seed}:\n{script}",
            linux.status
        );
        let linux = String::from_utf8(linux.stdout).unwrap();

        let out = tempfile::tempfile().unwrap();
        let mut b = VfdCtx::builder();
        b.stdin(std::fs::File::open(&script_file).unwrap())
            .stdout(out.try_clone().unwrap())
            .mount(&vfd_dir, "/data", MountPerms::ReadWrite)
            .unwrap()
            .preopen_mounts(true);
        let wasi = WasiCtx::builder().args(&["replay"]).build();
        let code = {
            let _no_spawn = SPAWNING.read().unwrap_or_else(|e| e.into_inner());
            vfd_host::run_module(engine(), &module, wasi, b.build().unwrap()).unwrap()
        };
        assert_eq!(code, 0);
        let vfd = read_all(out);

        if let Some((i, (l, v))) = linux
            .lines()
            .zip(vfd.lines())
            .enumerate()
            .find(|(_, (l, v))| l != v)
        {
            panic!(
                "case {case} of seed {seed} (VFD_DIFF_SEED={seed}) differs at line {}:\n  \
                 linux: {l}\n  vfd:   {v}\nscript:\n{script}\nlinux:\n{linux}\nvfd:\n{vfd}",
                i + 1
            );
        }
        assert_eq!(
            linux.lines().count(),
            vfd.lines().count(),
            "seed {seed}, case {case}"
        );
    }
    println!("{name}: {cases} sequences, seed {seed}: no difference");
}
