//! Differential testing: the same descriptor call sequences on Linux and
//! through vfd, compared step by step.
//!
//! Linux is the reference (see the design notes): for any sequence of
//! descriptor calls vfd must give the same numbers, data, offsets and
//! errors. Proptest generates sequences of up to 40 steps (`ops.rs`):
//! `open` and `open-at` with any combination of the open flags on existing
//! files, missing files, directories, symlinks and bad paths; `close`,
//! `dup`, `dup2`, `dup3`, `dup-min`; `read`, `write`, `pread`, `pwrite`;
//! `seek` with every whence, negative and past the end; `truncate`, `stat`;
//! descriptor and status flags; the access mode; `pipe`; the directory
//! calls `mkdir-at`, `unlink-at`, `remove-dir-at`, `rename-at`, `stat-at`,
//! `symlink-at`, `readlink-at` (with the target read), `link-at` and
//! `set-times-at` on files, directories, symlinks, trailing slashes and
//! missing paths, through the current directory or an open one; and
//! `set-times` on descriptors. A set of times is now, left alone, or
//! explicit (then the modification time it left is compared too).
//! Descriptor arguments are drawn from the open numbers, the closed
//! numbers (closed still, or reused since) and literal numbers: free ones,
//! the numbers around the table limit, and numbers no table holds
//! (`5000`, `i32::MAX`, `u32::MAX`, values negative as a C `int`).
//!
//! Each case runs on two fresh copies of the same small tree (`tree.rs`):
//! - natively (`native.rs`), with the real system calls on real
//!   descriptors, in the test's own thread;
//! - through vfd (`virt.rs`): a `VfdCtx` with the tree mounted at `/data`
//!   (also its current directory), driven through the host traits that
//!   guest calls reach, so no wasm is involved.
//!
//! Both start with 0, 1 and 2 open on `/dev/null`. After every step the
//! driver (`driver.rs`) compares the result (the value, the errno's name,
//! the number, the bytes read), then for every open number the offset (a
//! seek by 0 from the current position), the status flags, close-on-exec
//! and the access mode, and the contents of both trees.
//!
//! # What the native side emulates, and why
//! The kernel does every call, but its numbering is not comparable as it
//! is: the test process shares its table with the test harness. So the
//! native side keeps a table of virtual numbers, allocated lowest-free as
//! the kernel allocates, each mapped to the native descriptor behind it:
//! - a virtual number that is not open is passed to the kernel as a native
//!   number that is never open, so its `EBADF` is the kernel's own;
//! - `dup2`/`dup3` onto an open virtual number are the real calls onto its
//!   native descriptor; onto a free one, an `F_DUPFD` (`F_DUPFD_CLOEXEC`)
//!   gives the new native descriptor the same descriptor flags;
//! - the table limit (vfd's `max_fds`, 64 in most cases and 8 in some, so
//!   that a sequence can fill the table) is emulated with Linux's rules,
//!   in Linux's order: `EMFILE` for a new number, `EBADF` for a `dup2`
//!   target at or above it, `EINVAL` for an `F_DUPFD` minimum at or above
//!   it. Setting `RLIMIT_NOFILE` instead would limit the whole test
//!   process, harness included, and its numbers are not the virtual ones;
//! - a read returns at most 1 MiB, vfd's documented cap, so the native read
//!   asks for no more;
//! - a blocking read or write on a pipe that would wait forever is not
//!   made; each side judges that on its own (vfd through its `poll`), and
//!   the two judgements are compared like any result.
//!
//! # Two levels, two builds
//! The cases run first on the host library directly, as above (fast, many
//! cases), then through a guest (`guest.rs`): a replay program in wasm
//! makes the same calls through the vfd guest library and the WIT
//! bindings, so the layers between a guest and the host are compared with
//! Linux too. The guest level runs against both builds of the layer: the
//! host library, and the wasm build (`vfd-layer`) composed with the replay
//! program under plain wasmtime-wasi.
//!
//! Not generated: paths that lead out of the mount (vfd refuses them by
//! design, Linux follows them), symlink targets that are absolute or lead
//! out of the tree (the same; see `ops::TARGETS`), the mount's root as the
//! object of a directory call (vfd answers as Linux does for a mount
//! point, which the native tree is not), FIFOs, sockets and read-only
//! mounts (the escape corpus and the guest `rofs` check those against
//! Linux's answers).
//!
//! # Running
//! `VFD_DIFF_CASES` sets the number of cases (default 256, about five
//! seconds in a debug build) at the host level, `VFD_DIFF_GUEST_CASES` at
//! the guest level on the host library and `VFD_DIFF_COMPOSED_CASES` on
//! the wasm build (default 64 each); `VFD_DIFF_SEED` replays a run. A failure is
//! shrunk to a minimal sequence and reported with its seed and as a
//! ready-made test for `regressions.rs`, where every counterexample found
//! so far lives. With `VFD_DIFF_STATS` set, a passing run prints how often
//! each call had each result (with `--nocapture`), to see what the
//! generator reaches.

mod driver;
mod guest;
mod native;
mod ops;
mod outcome;
#[path = "../common/plain.rs"]
mod plain;
mod regressions;
mod script;
mod tree;
mod virt;

use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};
use std::sync::RwLock;

/// Held shared while a case has native descriptors open, and exclusively
/// while this process starts a child (the build of the replay guest). A
/// child inherits every descriptor not marked close-on-exec, and the cases
/// make such descriptors on purpose: a pipe's write end kept open in a
/// child would make Linux's read of that pipe block where vfd's ends.
pub static SPAWN_GUARD: RwLock<()> = RwLock::new(());

/// The cases of a plain `cargo test`, at the host level...
const DEFAULT_CASES: u32 = 256;

/// ... and through a guest, where each case is also a guest instance, on
/// either build of the layer.
const DEFAULT_GUEST_CASES: u32 = 64;

/// The longest sequence generated.
const MAX_STEPS: usize = 40;

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")),
    )
}

#[test]
fn linux_and_vfd_agree() {
    let cases = env_number("VFD_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as u32);
    check_cases(cases, driver::run);
}

#[test]
fn linux_and_vfd_agree_through_a_guest() {
    let cases = env_number("VFD_DIFF_GUEST_CASES").map_or(DEFAULT_GUEST_CASES, |n| n as u32);
    check_cases(cases, guest::run);
}

#[test]
fn linux_and_the_wasm_layer_agree() {
    let cases = env_number("VFD_DIFF_COMPOSED_CASES").map_or(DEFAULT_GUEST_CASES, |n| n as u32);
    check_cases(cases, guest::run_composed);
    let passed_over = guest::NOT_ON_EXT4.load(std::sync::atomic::Ordering::Relaxed);
    if passed_over > 0 {
        eprintln!(
            "{passed_over} of {cases} cases passed over: they seek to limits the layer takes \
             from ext4, and the temporary directory is on another filesystem"
        );
    }
}

/// Run `cases` generated cases through `run`, shrinking a failure.
fn check_cases(cases: u32, run: fn(&ops::Case) -> Result<(), String>) {
    let seed = env_number("VFD_DIFF_SEED").unwrap_or_else(|| {
        use std::hash::{BuildHasher, RandomState};
        RandomState::new().hash_one(std::time::SystemTime::now())
    });
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 20_000,
        max_shrink_time: 300_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&ops::case(MAX_STEPS), |case| {
        run(&case).map_err(proptest::test_runner::TestCaseError::fail)
    }) {
        Ok(()) => {
            if std::env::var_os("VFD_DIFF_STATS").is_some() {
                for (what, n) in driver::STATS.lock().unwrap().iter() {
                    eprintln!("{n:>8}  {what}");
                }
            }
        }
        Err(TestError::Fail(why, case)) => panic!(
            "{why}\n\nReplay with VFD_DIFF_SEED={seed}. As a test for regressions.rs:\n\n{}",
            ops::as_test(&case)
        ),
        Err(e) => panic!("{e} (VFD_DIFF_SEED={seed})"),
    }
}
