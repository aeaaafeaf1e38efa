//! `vfd compose`: the guest and the wasm layer as one component that a
//! stock runtime runs. What it imports, what it refuses, the command, what
//! the composed mode cannot do by design, and the real `wasmtime` CLI.

use crate::harness::{
    Fixture, composed, composed_bytes, composed_wasi, engine, guest, layer, run_composed,
    run_composed_with, run_plain, vfd,
};
use std::path::PathBuf;
use std::process::Command;
use wasmtime::component::Component;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;

/// Every guest program of the examples and the tests.
const GUESTS: &[&str] = &[
    "cat",
    "redirect",
    "shared-offset",
    "closefd",
    "lockfile",
    "append",
    "pipeline",
    "redirect-to-pipe",
    "echo-server",
    "upper",
    "dup",
    "errors",
    "escape",
    "handed",
    "leaky",
    "limits",
    "named",
    "netpolicy",
    "offsets",
    "pipes",
    "probe",
    "reads",
    "rofs",
    "sandbox",
    "sockets",
    "tree",
];

/// The interfaces every example imports from vfd, to patch in the tests.
const VFD_INTERFACES: &[&str] = &[
    "types",
    "descriptors",
    "handles",
    "pipes",
    "sockets",
    "poll",
];

fn is_wasi(name: &str) -> bool {
    name.starts_with("wasi:")
}

#[test]
fn composed_guests_import_only_wasi() {
    for name in GUESTS {
        let before = vfd_cli::compose::imports(&std::fs::read(guest(name)).unwrap()).unwrap();
        assert!(
            before.iter().any(|i| i.starts_with("vfd:posix/")),
            "{name} imports no vfd interface: {before:?}"
        );
        let after = vfd_cli::compose::imports(&composed_bytes(name)).unwrap();
        let others: Vec<_> = after.iter().filter(|i| !is_wasi(i)).collect();
        assert!(
            others.is_empty(),
            "{name} composed still imports {others:?}"
        );
    }
}

/// The same, as the runtime sees it: wasmtime's own reading of the
/// compiled component's type.
#[test]
fn wasmtime_sees_only_wasi_imports() {
    for name in ["cat", "pipeline", "closefd"] {
        let component = composed(name);
        let ty = component.component_type();
        let imports: Vec<String> = ty.imports(engine()).map(|(n, _)| n.to_owned()).collect();
        assert!(!imports.is_empty());
        assert!(
            imports.iter().all(|i| is_wasi(i)),
            "{name} composed imports {imports:?}"
        );
        let exports: Vec<String> = ty.exports(engine()).map(|(n, _)| n.to_owned()).collect();
        assert!(
            exports.iter().any(|e| e.starts_with("wasi:cli/run@")),
            "{name} composed exports {exports:?}"
        );
    }
}

/// The layer itself imports nothing but WASI, so it can be plugged into
/// any runtime's guest.
#[test]
fn the_layer_imports_only_wasi() {
    let imports = vfd_cli::compose::imports(layer()).unwrap();
    let others: Vec<_> = imports.iter().filter(|i| !is_wasi(i)).collect();
    assert!(others.is_empty(), "the layer imports {others:?}");
}

#[test]
fn a_guest_without_vfd_imports_is_refused() {
    // The layer is a component that imports no vfd interface.
    let err = vfd_cli::compose::compose(layer(), layer()).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("imports no vfd interface"), "{msg}");
}

#[test]
fn a_vfd_version_the_layer_does_not_export_is_refused() {
    let cat = with_vfd_version(&std::fs::read(guest("cat")).unwrap(), "0.1.0", "0.2.0");
    let err = vfd_cli::compose::compose(&cat, layer()).unwrap_err();
    let msg = format!("{err:#}");
    assert!(
        msg.contains("@0.2.0`, which the layer does not export"),
        "{msg}"
    );
}

/// A later patch release of `vfd:posix@0.1` is served by this layer, as
/// the component model's semver rules have it.
#[test]
fn a_semver_compatible_vfd_version_is_plugged() {
    let cat = with_vfd_version(&std::fs::read(guest("cat")).unwrap(), "0.1.0", "0.1.9");
    let bytes = vfd_cli::compose::compose(&cat, layer()).unwrap();
    let imports = vfd_cli::compose::imports(&bytes).unwrap();
    assert!(imports.iter().all(|i| is_wasi(i)), "{imports:?}");
}

/// `guest` with its `vfd:posix/*@FROM` names renamed to `@TO` (the same
/// length, so the component stays well formed).
fn with_vfd_version(guest: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut bytes = guest.to_vec();
    for iface in VFD_INTERFACES {
        let old = format!("vfd:posix/{iface}@{from}");
        let new = format!("vfd:posix/{iface}@{to}");
        bytes = renamed(&bytes, &old, &new);
    }
    bytes
}

/// `component` with every `old` in it replaced by `new`, of the same
/// length, so the component stays well formed.
fn renamed(component: &[u8], old: &str, new: &str) -> Vec<u8> {
    assert_eq!(old.len(), new.len());
    let mut bytes = component.to_vec();
    let mut at = 0;
    while let Some(i) = find(&bytes[at..], old.as_bytes()) {
        bytes[at + i..at + i + old.len()].copy_from_slice(new.as_bytes());
        at += i + old.len();
    }
    bytes
}

/// A guest whose streams the layer serves gets its standard I/O from the
/// layer's table, silently; `--stdio=runtime` leaves it to the runtime.
#[test]
fn the_layer_serves_a_guest_s_stdio_unless_told_not_to() {
    use vfd_cli::compose::{Stdio, compose_with};
    let std_stdio = std::fs::read(guest("std-stdio")).unwrap();
    let served = compose_with(&std_stdio, layer(), Stdio::Auto).unwrap();
    assert_eq!(served.stdio, None);
    let left = compose_with(&std_stdio, layer(), Stdio::Runtime).unwrap();
    assert_eq!(left.stdio.as_deref(), Some("--stdio=runtime"));
}

/// A guest importing a WASI interface the layer does not serve (here one
/// renamed to an unknown name, standing for `wasi:http` and the like)
/// could name its streams there: all of its streams then stay the
/// runtime's, and the composition says why; `--stdio=vfd` refuses.
#[test]
fn an_interface_the_layer_does_not_serve_keeps_the_runtime_s_stdio() {
    use vfd_cli::compose::{Stdio, compose_with};
    let std_stdio = std::fs::read(guest("std-stdio")).unwrap();
    let odd = renamed(&std_stdio, "wasi:cli/environment@", "wasi:cli/xnvironment@");
    let composed = compose_with(&odd, layer(), Stdio::Auto).unwrap();
    let why = composed.stdio.expect("the layer served the guest's stdio");
    assert!(why.contains("`wasi:cli/xnvironment@"), "{why}");
    assert!(why.contains("stays the runtime's"), "{why}");
    let err = compose_with(&odd, layer(), Stdio::Vfd).unwrap_err();
    let msg = format!("{err:#}");
    assert!(
        msg.contains("cannot serve the guest's standard I/O"),
        "{msg}"
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `vfd compose` writes a component that plain wasmtime-wasi runs.
#[test]
fn the_vfd_compose_command_writes_a_runnable_component() {
    let fixture = Fixture::new();
    let out = fixture.path("cat.composed.wasm");
    let status = vfd()
        .arg("compose")
        .arg(guest("cat"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let component = Component::from_file(engine(), &out).unwrap();
    let (mut wasi, stdout, _) = composed_wasi(&fixture, "cat", &["/data/hello.txt"]);
    assert_eq!(run_plain(&component, wasi.build()).unwrap(), 0);
    assert_eq!(stdout.contents(), "hello, vfd\n".as_bytes());
}

#[test]
fn the_vfd_compose_command_explains_its_refusals() {
    let fixture = Fixture::new();
    let layer_file = fixture.path("layer.wasm");
    std::fs::write(&layer_file, layer()).unwrap();
    let vfd = |args: &[&std::ffi::OsStr]| {
        let out = vfd().arg("compose").args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let out = fixture.path("out.wasm");
    // A component that imports no vfd interface.
    let (code, stderr) = vfd(&[layer_file.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("imports no vfd interface"), "{stderr}");
    assert!(!out.exists());
    // --layer that is not there.
    let missing = fixture.path("missing.wasm");
    let cat = guest("cat");
    let (code, stderr) = vfd(&[
        cat.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--layer".as_ref(),
        missing.as_os_str(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot read the layer"), "{stderr}");
    // --layer that is another build: here the same one, from a file.
    let (code, stderr) = vfd(&[
        cat.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--layer".as_ref(),
        layer_file.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(out.exists());
}

/// Host objects cannot be handed in to a composed guest (the runtime has
/// no vfd to do it): the numbers `vfd run --fd` would fill are not open.
#[test]
fn composed_guests_get_no_handed_in_descriptors() {
    let fixture = Fixture::new();
    let out = run_composed(&fixture, "handed", &["listener"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("handed:"), "{out:#?}");
    assert!(out.stderr.contains("Bad file descriptor"), "{out:#?}");
}

/// `vfd run --max-fds` has no flag to carry it under another runtime: the
/// composed layer reads its limit from the environment the runtime gives
/// (`wasmtime run --env VFD_MAX_FDS=16`), with the same EMFILE at it.
#[test]
fn the_composed_table_limit_comes_from_vfd_max_fds() {
    let fixture = Fixture::new();
    let out = run_composed_with(
        &fixture,
        "probe",
        &["fill:/data/hello.txt", "open:/data/hello.txt"],
        |b| {
            b.env("VFD_MAX_FDS", "16");
        },
    );
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        "fill: opened 13, then EMFILE\nopen /data/hello.txt: fd 3\n"
    );
}

/// Pipes live inside one instance; between two composed guests the
/// runtime's stdio is the pipe (`wasmtime run a.wasm | wasmtime run
/// b.wasm`): here one's stdout is the other's stdin.
#[test]
fn two_composed_guests_pipe_through_the_runtimes_stdio() {
    let fixture = Fixture::new();
    let cat = run_composed(&fixture, "cat", &["/data/hello.txt", "/data/sub/inner.txt"]);
    assert_eq!(cat.code, 0, "{cat:#?}");
    let upper = run_composed_with(&fixture, "upper", &[], |b| {
        b.stdin(MemoryInputPipe::new(cat.stdout.clone()));
    });
    assert_eq!(upper.code, 0, "{upper:#?}");
    assert_eq!(upper.stdout, "HELLO, VFD\nINNER\n");
}

/// The `wasmtime` CLI: `VFD_WASMTIME` (`cargo xtask test` installs
/// wasmtime and sets it), else `wasmtime` on PATH.
fn wasmtime_cli() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("VFD_WASMTIME") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("wasmtime"))
        .find(|p| p.is_file())
}

/// The whole story on the stock CLI: `vfd compose`, then
/// `wasmtime run --dir HOST::/data`. Under a plain `cargo test` with no
/// `wasmtime` installed it is skipped, and says so; in CI (`CI` set) it
/// fails instead, and `cargo xtask test` always provides the CLI.
#[test]
fn wasmtime_run_runs_a_composed_example() {
    let Some(wasmtime) = wasmtime_cli() else {
        let why = "no wasmtime CLI on PATH and VFD_WASMTIME is not set \
                   (cargo xtask test installs one)";
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipped: {why}");
        return;
    };
    let fixture = Fixture::new();
    let composed = fixture.path("shared-offset.composed.wasm");
    let status = vfd()
        .arg("compose")
        .arg(guest("shared-offset"))
        .arg("-o")
        .arg(&composed)
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(&wasmtime)
        .env("XDG_CACHE_HOME", crate::harness::code_cache())
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", fixture.path("mnt").display()))
        .arg(&composed)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", wasmtime.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{out:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "dup a: ab\ndup b: cd\ndup a: ef\nopen 1: ab\nopen 2: ab\n"
    );
    fixture.assert_outside_untouched();
}

/// A guest built against a later WASI 0.2 than the layer serves may call
/// what the layer's interfaces lack: its standard I/O stays the runtime's.
#[test]
fn a_later_wasi_than_the_layer_s_keeps_the_runtime_s_stdio() {
    use vfd_cli::compose::{Stdio, compose_with};
    let std_stdio = std::fs::read(guest("std-stdio")).unwrap();
    let later = renamed(
        &std_stdio,
        "wasi:io/streams@0.2.12",
        "wasi:io/streams@0.2.19",
    );
    let composed = compose_with(&later, layer(), Stdio::Auto).unwrap();
    let why = composed.stdio.expect("the layer served a later WASI");
    assert!(why.contains("`wasi:io/streams@0.2.19`"), "{why}");
    assert!(why.contains("it serves WASI 0.2.12"), "{why}");
}
