//! vfd's own import module for preview 1 modules (`vfd`): the calls
//! preview 1 lacks (dup, dup2, dup3, F_DUPFD, close-on-exec and status
//! flags, pipes, socket pairs, TCP and UDP sockets), from C programs built
//! with wasi-libc and vfd's C library (c/vfd.h), on the same table as their
//! preview 1 calls. Each program is its own oracle: the same source built
//! natively must print the same lines.

use crate::harness::{engine, stderr_of, stdout_of, vfd};
use crate::p1::{CTarget, build_c, c_compiler};
use std::path::Path;
use std::process::Command;

/// `tests/p1_c/NAME.c` built natively and for wasm32-wasi into `bin`, run
/// natively with `native_args` and as `vfd run OPTIONS MODULE MODULE_ARGS`,
/// both successfully and printing the same lines; returns what `vfd run`
/// printed (`None` without a C compiler). The module must import each of
/// vfd's `calls`: they are vfd's, not an emulation inside the program.
fn same_output_as_native(
    name: &str,
    bin: &Path,
    calls: &[&str],
    native_args: &[&str],
    (options, module_args): (&[&str], &[&str]),
) -> Option<String> {
    let Some(clang) = c_compiler() else {
        eprintln!("skipped: no C compiler for wasm32-wasi (see p1::c_compiler)");
        return None;
    };
    let native = build_c(&clang, name, CTarget::Native, bin);
    let wasm = build_c(&clang, name, CTarget::Wasi, bin);
    let module = wasmtime::Module::from_file(engine(), &wasm).unwrap();
    for call in calls {
        assert!(
            module
                .imports()
                .any(|i| i.module() == vfd_host::p1::VFD_MODULE && i.name() == *call),
            "the program imports vfd's {call}"
        );
    }
    let linux = Command::new(&native).args(native_args).output().unwrap();
    assert!(linux.status.success(), "{}", stderr_of(&linux));
    let under_vfd = vfd()
        .arg("run")
        .args(options)
        .arg(&wasm)
        .args(module_args)
        .output()
        .unwrap();
    assert!(under_vfd.status.success(), "{}", stderr_of(&under_vfd));
    let (linux, vfd) = (stdout_of(&linux), stdout_of(&under_vfd));
    for (i, (l, v)) in linux.lines().zip(vfd.lines()).enumerate() {
        assert_eq!(l, v, "line {} differs\nLinux:\n{linux}\nvfd:\n{vfd}", i + 1);
    }
    assert_eq!(
        linux.lines().count(),
        vfd.lines().count(),
        "Linux:\n{linux}\nvfd:\n{vfd}"
    );
    Some(vfd)
}

#[test]
fn a_c_program_with_dup2_pipes_and_socketpairs_matches_its_native_build() {
    let bin = tempfile::tempdir().unwrap();
    let native_dir = tempfile::tempdir().unwrap();
    let vfd_dir = tempfile::tempdir().unwrap();
    let mount = format!("{}::/data", vfd_dir.path().display());
    let Some(vfd) = same_output_as_native(
        "stories",
        bin.path(),
        &["dup", "dup2", "dup3", "dup_min", "pipe", "socketpair"],
        &[native_dir.path().to_str().unwrap()],
        (&["--dir", &mount], &["/data"]),
    ) else {
        return;
    };
    // The line printed while fd 1 was the file went there, not to stdout.
    assert!(
        !vfd.lines().any(|l| l == "this line goes to the file"),
        "{vfd}"
    );
    assert_eq!(
        std::fs::read_to_string(vfd_dir.path().join("story.txt")).unwrap(),
        std::fs::read_to_string(native_dir.path().join("story.txt")).unwrap()
    );
}

#[test]
fn a_c_echo_server_and_udp_over_loopback_match_their_native_build() {
    let bin = tempfile::tempdir().unwrap();
    // Loopback only, and listening only where the kernel picks the port.
    let grants = [
        "--allow-listen",
        "127.0.0.1:0",
        "--allow-listen",
        "[::1]:0",
        "--allow-connect",
        "127.0.0.1:*",
        "--allow-connect",
        "[::1]:*",
    ];
    let calls = [
        "socketpair",
        "dup3",
        "tcp_listen",
        "tcp_connect",
        "udp_bind",
        "accept",
        "send_to",
        "recv_from",
        "shutdown",
        "local_address",
        "peer_address",
        "set_nodelay",
        "get_nodelay",
        "set_reuseaddr",
    ];
    let Some(vfd) = same_output_as_native("sockets", bin.path(), &calls, &[], (&grants, &[]))
    else {
        return;
    };
    assert!(vfd.contains("echoed: HELLO\nWORLD\n"), "{vfd}");
    assert!(vfd.contains("b got ping from a: yes"), "{vfd}");
}
