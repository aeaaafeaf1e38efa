//! The guest level: the same sequences replayed by a guest program through
//! the vfd guest library, the WIT bindings and the host, compared with
//! Linux line by line.
//!
//! The native side runs first and turns the case into a script: each step
//! (its descriptors resolved against the native table, as at the host
//! level), then for every number open on Linux the offset, status flags,
//! close-on-exec and access mode. A last probe asks for the descriptor
//! flags of every number up to the limit, so a number open on one side
//! only shows. The replay guest (tests/guest/src/bin/replay.rs) runs the
//! whole script in one instance, on a table like the host level's, and
//! prints one result per line; the first line that differs from Linux's
//! is the failure. The trees are compared at the end.
//!
//! The same runs a second time against the wasm build of the layer: the
//! replay guest composed with `vfd-layer` (as `vfd compose` does) and run
//! under plain wasmtime-wasi, with the tree preopened at `/data`. There the
//! layer's 0, 1 and 2 are the runtime's stdio streams, not `/dev/null`, so
//! both sides start the sequence with them closed. Where Linux lets the
//! filesystem decide and wasi:filesystem does not tell (lseek's limits),
//! the layer answers as ext4 does; when the temporary directory is on
//! another filesystem, the cases whose seeks reach those limits are
//! passed over, and the run says how many. Where the README lists the
//! layer as different from Linux (its in-memory pipes and socket pairs
//! keep no times, and no time before the epoch), the expected line is the
//! layer's documented answer.

use crate::native::Native;
use crate::ops::{Call, Case, Op, Times, Whence};
use crate::outcome::Outcome;
use crate::script::{call_line, outcome_line};
use crate::tree;
use crate::virt::Virt;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use vfd_cli::compose::{Stdio, compose_with};
use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtx};

/// The most output a replay may produce: far above what 40 steps print.
const MAX_OUTPUT: usize = 64 << 20;

/// One line of the script, with Linux's answer and where it came from.
struct Line {
    call: String,
    linux: String,
    /// The step, or the state check after it, for the report.
    context: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Which build of vfd the replay guest's calls reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `vfd-host`, linked into this process.
    Host,
    /// `vfd-layer` composed with the guest, under plain wasmtime-wasi.
    Composed,
}

/// The replay guest, built once per test run into its own target dir (the
/// outer `cargo test` holds the lock on the default one): its wasm.
fn replay_wasm() -> &'static [u8] {
    static REPLAY: OnceLock<Vec<u8>> = OnceLock::new();
    REPLAY.get_or_init(|| {
        let target = workspace().join("target").join("wasm");
        let _spawning = crate::SPAWN_GUARD
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(workspace())
            .args(["build", "--release", "--target", "wasm32-wasip2"])
            .args(["-p", "vfd-test-guests", "--bin", "replay", "--target-dir"])
            .arg(&target)
            .status()
            .expect("cannot run cargo to build the replay guest");
        assert!(status.success(), "building the replay guest failed");
        std::fs::read(target.join("wasm32-wasip2/release/replay.wasm")).unwrap()
    })
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| vfd_host::engine().unwrap())
}

/// The replay guest as `mode` runs it, compiled once per test run.
fn replay(mode: Mode) -> &'static Component {
    static HOST: OnceLock<Component> = OnceLock::new();
    static COMPOSED: OnceLock<Component> = OnceLock::new();
    match mode {
        Mode::Host => HOST.get_or_init(|| Component::new(engine(), replay_wasm()).unwrap()),
        Mode::Composed => COMPOSED.get_or_init(|| {
            let layer =
                vfd_cli::compose::require_embedded_layer().unwrap_or_else(|e| panic!("{e:#}"));
            // The replay guest reads its script and reports on its WASI
            // stdio while the sequences close and dup2 over 0, 1 and 2:
            // that stdio stays the runtime's, as the host run's stays its
            // WasiCtx's (`wasi_stdio(false)`).
            let composed = compose_with(replay_wasm(), layer, Stdio::Runtime)
                .unwrap_or_else(|e| panic!("cannot compose the replay guest: {e:#}"));
            Component::new(engine(), composed.bytes).unwrap()
        }),
    }
}

/// The script of `case`, with Linux's answers, from a run on `native`.
fn script(case: &Case, mode: Mode, mut native: Native) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut push = |native: &mut Native, call: Call, context: String| {
        let linux = native.call(&call);
        let difference = (mode == Mode::Composed)
            .then(|| layer_difference(native, &call, &linux))
            .flatten();
        lines.push(Line {
            call: call_line(&call),
            linux: difference.unwrap_or_else(|| outcome_line(&linux)),
            context,
        });
        linux
    };
    for (step, op) in case.ops.iter().enumerate() {
        let call = op.resolve(step, &native.open_numbers(), native.freed());
        push(&mut native, call, format!("step {step} ({op:?})"));
        for fd in native.open_numbers() {
            for call in [
                Call::Seek(fd, 0, Whence::Cur),
                Call::GetStatusFlags(fd),
                Call::GetFdFlags(fd),
                Call::GetAccessMode(fd),
            ] {
                let outcome = push(&mut native, call, format!("state after step {step}"));
                debug_assert!(!matches!(outcome, Outcome::WouldBlock));
            }
        }
    }
    for fd in 0..case.limit {
        push(
            &mut native,
            Call::GetFdFlags(fd),
            "open numbers at the end".into(),
        );
    }
    lines
}

/// The answer of the wasm layer to a call that succeeded on Linux, where
/// the README lists the layer as different: its in-memory pipes and socket
/// pairs keep no times, so a set of times on one is `ENOTSUP` (Linux
/// changes the pipe's inode), and wasi:filesystem cannot take a time
/// before the epoch (`EOVERFLOW`).
fn layer_difference(native: &mut Native, call: &Call, linux: &Outcome) -> Option<String> {
    let (times, fd) = match call {
        Call::SetTimes { fd, times } => (times, Some(*fd)),
        Call::SetTimesAt { times, .. } => (times, None),
        _ => return None,
    };
    if matches!(linux, Outcome::Err(_)) || *times == Times::Omit {
        return None;
    }
    if let Some(fd) = fd {
        let stat = outcome_line(&native.call(&Call::Stat(fd)));
        if stat.starts_with("stat pipe ") || stat.starts_with("stat socket ") {
            return Some("err ENOTSUP".to_owned());
        }
    }
    (*times == Times::BeforeEpoch).then(|| "err EOVERFLOW".to_owned())
}

/// Replay `script` in a guest over the tree at `root`: its result lines.
fn run_guest(mode: Mode, script: &[Line], root: &Path, limit: u32) -> Result<Vec<String>, String> {
    let mut input = String::new();
    for line in script {
        writeln!(input, "{}", line.call).unwrap();
    }
    let stdout = MemoryOutputPipe::new(MAX_OUTPUT);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let mut wasi = WasiCtx::builder();
    wasi.arg("replay")
        .stdin(MemoryInputPipe::new(input))
        .stdout(stdout.clone())
        .stderr(stderr.clone());
    let code = match mode {
        Mode::Host => {
            let vfd = Virt::new(root, limit).ctx;
            vfd_host::run_command(engine(), replay(mode), wasi.build(), vfd)
        }
        Mode::Composed => {
            wasi.args(&["--close-stdio", "--cwd", "/data"])
                .env("VFD_MAX_FDS", limit.to_string())
                .preopened_dir(root, "/data", FsPerms::ReadWrite)
                .map_err(|e| format!("cannot preopen the tree: {e}"))?;
            crate::plain::run_plain(engine(), replay(mode), wasi.build())
        }
    }
    .map_err(|e| format!("the replay guest trapped: {e:?}"))?;
    if code != 0 {
        return Err(format!(
            "the replay guest exited with {code}: {}",
            String::from_utf8_lossy(&stderr.contents())
        ));
    }
    let out = String::from_utf8(stdout.contents().to_vec())
        .map_err(|e| format!("the replay guest printed bad UTF-8: {e}"))?;
    Ok(out.lines().map(str::to_owned).collect())
}

/// Run `case` natively and through a guest on `vfd-host`.
pub fn run(case: &Case) -> Result<(), String> {
    check(case, Mode::Host)
}

/// Run `case` natively and through a guest composed with `vfd-layer`.
pub fn run_composed(case: &Case) -> Result<(), String> {
    check(case, Mode::Composed)
}

/// ext4's `f_type`, whose limits the wasm layer assumes.
const EXT4_SUPER_MAGIC: u64 = 0xEF53;

/// Cases passed over in composed mode because the trees are not on ext4.
pub static NOT_ON_EXT4: AtomicU32 = AtomicU32::new(0);

/// Whether Linux's answers to `case` may depend on the filesystem where
/// the wasm layer assumes ext4's: a seek from the end (of a directory),
/// or far enough to reach ext4's largest file.
fn depends_on_the_filesystem(case: &Case) -> bool {
    case.ops.iter().any(|op| match op {
        Op::Seek(_, offset, whence) => *whence == Whence::End || offset.unsigned_abs() >= 1 << 40,
        _ => false,
    })
}

fn on_ext4(dir: &Path) -> bool {
    rustix::fs::statfs(dir).is_ok_and(|st| st.f_type as u64 == EXT4_SUPER_MAGIC)
}

/// Run `case` natively and through a guest on `mode`'s build; the first
/// difference, with the script up to it, is the error.
fn check(case: &Case, mode: Mode) -> Result<(), String> {
    // Built (a child process) before this case opens anything natively.
    replay(mode);
    let _no_spawn = crate::SPAWN_GUARD.read().unwrap_or_else(|e| e.into_inner());
    let native_tree = tree::new_tree();
    let vfd_tree = tree::new_tree();
    if mode == Mode::Composed && depends_on_the_filesystem(case) && !on_ext4(native_tree.path()) {
        NOT_ON_EXT4.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    let native = match mode {
        Mode::Host => Native::new(native_tree.path(), case.limit),
        Mode::Composed => Native::without_stdio(native_tree.path(), case.limit),
    };
    let script = script(case, mode, native);
    let results = run_guest(mode, &script, vfd_tree.path(), case.limit)?;
    let mut log = String::new();
    for (i, line) in script.iter().enumerate() {
        let Some(vfd) = results.get(i) else {
            return Err(format!(
                "the replay guest stopped after {} of {} lines (table limit {}).\n{log}",
                results.len(),
                script.len(),
                case.limit
            ));
        };
        if *vfd != line.linux {
            return Err(format!(
                "Linux and vfd (through a guest, {mode:?}) differ (table limit {}).\n\
                 script (call: Linux's result):\n{log}{}: {}\n  Linux: {}\n  vfd:   {vfd}",
                case.limit, line.context, line.call, line.linux
            ));
        }
        if !line.context.starts_with("state") {
            writeln!(log, "  {}: {}: {}", line.context, line.call, line.linux).unwrap();
        }
    }
    let (a, b) = (
        tree::snapshot(native_tree.path()),
        tree::snapshot(vfd_tree.path()),
    );
    if a != b {
        return Err(format!(
            "after the last step, the trees differ:\n  Linux: {a:?}\n  vfd:   {b:?}\n{log}"
        ));
    }
    Ok(())
}
