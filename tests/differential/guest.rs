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

use crate::native::Native;
use crate::ops::{Call, Case, Whence};
use crate::outcome::Outcome;
use crate::script::{call_line, outcome_line};
use crate::tree;
use crate::virt::Virt;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};

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

/// The replay guest, built once per test run into its own target dir (the
/// outer `cargo test` holds the lock on the default one), and compiled.
fn replay() -> &'static (Engine, Component) {
    static REPLAY: OnceLock<(Engine, Component)> = OnceLock::new();
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
        let wasm = target.join("wasm32-wasip2/release/replay.wasm");
        let engine = vfd_host::engine().unwrap();
        let component = Component::from_file(&engine, wasm).unwrap();
        (engine, component)
    })
}

/// The script of `case`, with Linux's answers, from a run on `root`.
fn script(case: &Case, root: &Path) -> Vec<Line> {
    let mut native = Native::new(root, case.limit);
    let mut lines = Vec::new();
    let mut push = |native: &mut Native, call: Call, context: String| {
        let linux = native.call(&call);
        lines.push(Line {
            call: call_line(&call),
            linux: outcome_line(&linux),
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

/// Replay `script` in a guest over the tree at `root`: its result lines.
fn run_guest(
    engine: &Engine,
    component: &Component,
    script: &[Line],
    root: &Path,
    limit: u32,
) -> Result<Vec<String>, String> {
    let mut input = String::new();
    for line in script {
        writeln!(input, "{}", line.call).unwrap();
    }
    let stdout = MemoryOutputPipe::new(MAX_OUTPUT);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let wasi = WasiCtx::builder()
        .arg("replay")
        .stdin(MemoryInputPipe::new(input))
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .build();
    let vfd = Virt::new(root, limit).ctx;
    let code = vfd_host::run_command(engine, component, wasi, vfd)
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

/// Run `case` natively and through a guest; the first difference, with
/// the script up to it, is the error.
pub fn run(case: &Case) -> Result<(), String> {
    // Built (a child process) before this case opens anything natively.
    let (engine, component) = replay();
    let _no_spawn = crate::SPAWN_GUARD.read().unwrap_or_else(|e| e.into_inner());
    let native_tree = tree::new_tree();
    let vfd_tree = tree::new_tree();
    let script = script(case, native_tree.path());
    let results = run_guest(engine, component, &script, vfd_tree.path(), case.limit)?;
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
                "Linux and vfd (through a guest) differ (table limit {}).\n\
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
