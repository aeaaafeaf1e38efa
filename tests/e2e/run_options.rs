//! `vfd run` on par with `wasmtime run`: limits on memory, fuel and time
//! (`-W`), the compiled-code cache (`-C cache`), `--version`.

use crate::harness::{Fixture, guest, run_cli_with, stderr_of, stdout_of, vfd};
use crate::limits::{in_child, run_child};
use std::time::Duration;
use vfd_host::{LimitReached, RunLimits};

/// The status `vfd run` exits with when a guest traps, as `wasmtime run`
/// (128 + SIGABRT).
const TRAP_STATUS: i32 = 134;

#[test]
fn version_names_vfd_and_wasmtime() {
    let out = vfd().arg("--version").output().unwrap();
    assert!(out.status.success());
    let version = stdout_of(&out);
    assert!(
        version.starts_with(&format!("vfd {} (wasmtime 48.", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
}

#[test]
fn a_guest_out_of_time_is_stopped_with_a_clear_message() {
    let fixture = Fixture::new();
    let out = run_cli_with(
        &fixture,
        &["-W", "timeout=200ms"],
        "probe",
        &["write-fd:1:before", "spin"],
    );
    assert_eq!(out.code, TRAP_STATUS, "{out:#?}");
    assert_eq!(out.stdout, "before\n");
    assert!(
        out.stderr
            .contains("the guest ran out of time (-W timeout=200ms)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_guest_out_of_fuel_is_stopped_with_a_clear_message() {
    let fixture = Fixture::new();
    let out = run_cli_with(&fixture, &["-W", "fuel=1000000"], "probe", &["spin"]);
    assert_eq!(out.code, TRAP_STATUS, "{out:#?}");
    assert!(
        out.stderr
            .contains("the guest used all its fuel (-W fuel=1000000)"),
        "{}",
        out.stderr
    );
    // Enough fuel: the guest finishes as without a limit.
    let out = run_cli_with(
        &fixture,
        &["-W", "fuel=100000000"],
        "probe",
        &["write-fd:1:done"],
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, "done\n"), "{out:#?}");
}

#[test]
fn a_memory_limit_fails_growth_or_traps_as_asked() {
    let fixture = Fixture::new();
    let out = run_cli_with(&fixture, &[], "probe", &["grow:64"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "grow 64: ok\n"),
        "{out:#?}"
    );
    let limit = ["-W", "max-memory-size=16777216"];
    let out = run_cli_with(&fixture, &limit, "probe", &["grow:64", "grow:1"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "grow 64: out of memory\ngrow 1: ok\n"),
        "{out:#?}"
    );
    let out = run_cli_with(
        &fixture,
        &["-W", "max-memory-size=16777216,trap-on-grow-failure"],
        "probe",
        &["grow:64"],
    );
    assert_eq!(out.code, TRAP_STATUS, "{out:#?}");
    assert!(
        out.stderr.contains("the guest's memory reached its limit (-W max-memory-size=16777216,trap-on-grow-failure)"),
        "{}",
        out.stderr
    );
}

/// A guest that allocates without end under a memory limit: its
/// allocator aborts when the memory cannot grow, and the message says why.
#[test]
fn a_guest_that_allocates_without_end_is_stopped_at_its_limit() {
    let fixture = Fixture::new();
    let out = run_cli_with(
        &fixture,
        &["-W", "max-memory-size=33554432"],
        "probe",
        &["hog"],
    );
    assert_eq!(out.code, TRAP_STATUS, "{out:#?}");
    assert!(
        out.stderr
            .contains("the guest's memory reached its limit (-W max-memory-size=33554432)"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_limits_are_clear_errors() {
    let fixture = Fixture::new();
    for (flags, message) in [
        (
            ["-W", "timeout=soon"],
            "-W timeout: \"soon\" is not a duration",
        ),
        (["-W", "fuel"], "-W fuel: needs a value"),
        (
            ["-W", "max-wasm-stack=1"],
            "-W max-wasm-stack: unknown option",
        ),
        (["-C", "cache=maybe"], "-C cache: \"maybe\" is not y or n"),
    ] {
        let out = run_cli_with(&fixture, &flags, "probe", &[]);
        assert_eq!(out.code, 1, "{flags:?}: {out:#?}");
        assert!(out.stderr.contains(message), "{flags:?}: {}", out.stderr);
    }
}

/// The host descriptors of this process.
fn host_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Through the host library: a guest stopped by its timeout, its fuel or
/// its memory while it holds files and a listener loses no host
/// descriptor, and the error names the limit. Counted in a child process,
/// alone.
#[test]
fn a_guest_stopped_by_a_limit_leaves_no_host_descriptor() {
    let out = run_child("run_options::stopped_guest_child");
    assert!(out.contains("stopped guest child done"), "{out}");
}

#[test]
#[ignore = "run in a child process by a_guest_stopped_by_a_limit_leaves_no_host_descriptor"]
fn stopped_guest_child() {
    if !in_child("stopped_guest_child") {
        return;
    }
    let fixture = Fixture::new();
    let cases = [
        (
            RunLimits {
                timeout: Some(Duration::from_millis(200)),
                ..RunLimits::default()
            },
            "spin",
            LimitReached::Timeout,
        ),
        (
            RunLimits {
                fuel: Some(10_000_000),
                ..RunLimits::default()
            },
            "spin",
            LimitReached::Fuel,
        ),
        (
            RunLimits {
                max_memory_size: Some(32 << 20),
                ..RunLimits::default()
            },
            "hog",
            LimitReached::Memory,
        ),
    ];
    for (limits, step, expected) in cases {
        let engine = limits.engine().unwrap();
        let probe = vfd_host::compile::from_file(&engine, guest("probe")).unwrap();
        let (out, err) = (tempfile::tempfile().unwrap(), tempfile::tempfile().unwrap());
        // A first run of the same step makes what the process keeps for
        // good: wasmtime's memory images of the component (made on its
        // first instantiation), and wasmtime-wasi's runtime, started by
        // the allocator's message on wasi:cli stderr.
        let wasi = wasmtime_wasi::WasiCtx::builder()
            .args(&["probe", step])
            .build();
        let vfd = fixture.vfd(&out, &err).build().unwrap();
        let warm_up = vfd_host::run_command_within(&engine, &probe, wasi, vfd, &limits);
        assert_eq!(LimitReached::of(&warm_up.unwrap_err()), Some(expected));
        let before = host_fds();
        let mut b = fixture.vfd(&out, &err);
        b.insert(7, std::net::TcpListener::bind("127.0.0.1:0").unwrap());
        let wasi = wasmtime_wasi::WasiCtx::builder()
            .args(&["probe", "open:/data/hello.txt", "open:/ro/ro.txt", step])
            .build();
        let vfd = b.build().unwrap();
        let error = vfd_host::run_command_within(&engine, &probe, wasi, vfd, &limits).unwrap_err();
        assert_eq!(LimitReached::of(&error), Some(expected), "{error:?}");
        assert_eq!(host_fds(), before, "{expected:?}: host descriptors leaked");
    }
    println!("stopped guest child done");
}

/// The cache entries under `home`, an `XDG_CACHE_HOME`.
fn cache_entries(home: &std::path::Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(home.join("vfd")) {
        Ok(dir) => dir.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// `vfd run` with its cache in `home`.
fn run_cached(home: &std::path::Path, flags: &[&str]) -> std::process::Output {
    vfd()
        .env("XDG_CACHE_HOME", home)
        .arg("run")
        .args(flags)
        .arg(guest("probe"))
        .arg("write-fd:1:hi")
        .output()
        .unwrap()
}

#[test]
fn compiled_code_is_cached_unless_turned_off() {
    let home = tempfile::tempdir().unwrap();
    let out = run_cached(home.path(), &["-C", "cache=n"]);
    assert_eq!(stdout_of(&out), "hi\n", "{}", stderr_of(&out));
    assert!(
        cache_entries(home.path()).is_empty(),
        "cache=n wrote an entry"
    );

    let out = run_cached(home.path(), &[]);
    assert_eq!(stdout_of(&out), "hi\n", "{}", stderr_of(&out));
    let entries = cache_entries(home.path());
    assert_eq!(entries.len(), 1, "{entries:?}");
    let first = std::fs::metadata(&entries[0]).unwrap();

    // A second run loads the entry: no new one, the same bytes.
    let out = run_cached(home.path(), &[]);
    assert_eq!(stdout_of(&out), "hi\n", "{}", stderr_of(&out));
    assert_eq!(cache_entries(home.path()), entries);
    assert_eq!(std::fs::metadata(&entries[0]).unwrap().len(), first.len());

    // Different engine settings (fuel changes compiled code): an entry
    // of their own.
    let out = run_cached(home.path(), &["-W", "fuel=100000000"]);
    assert_eq!(stdout_of(&out), "hi\n", "{}", stderr_of(&out));
    assert_eq!(cache_entries(home.path()).len(), 2);
}

#[test]
fn a_damaged_cache_entry_is_replaced() {
    let home = tempfile::tempdir().unwrap();
    let out = run_cached(home.path(), &[]);
    assert_eq!(stdout_of(&out), "hi\n", "{}", stderr_of(&out));
    let entries = cache_entries(home.path());
    let good = std::fs::read(&entries[0]).unwrap();
    std::fs::write(&entries[0], b"not compiled code").unwrap();

    let out = run_cached(home.path(), &[]);
    assert_eq!(stdout_of(&out), "hi\n", "{}", stderr_of(&out));
    assert!(out.status.success());
    let out = run_cached(home.path(), &[]);
    assert_eq!(stdout_of(&out), "hi\n", "{}", stderr_of(&out));
    assert_eq!(cache_entries(home.path()), entries);
    assert_eq!(std::fs::read(&entries[0]).unwrap(), good);
}

#[test]
fn an_unwritable_cache_is_a_warning_not_an_error() {
    let home = tempfile::tempdir().unwrap();
    // A file where the cache's directory would be.
    std::fs::write(home.path().join("vfd"), "").unwrap();
    let out = run_cached(home.path(), &[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "hi\n");
    assert!(
        stderr_of(&out).contains("vfd: warning: cannot write the compiled-code cache"),
        "{}",
        stderr_of(&out)
    );
}
