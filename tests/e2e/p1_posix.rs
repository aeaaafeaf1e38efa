//! vfd's own import module for preview 1 modules (`vfd`): the calls
//! preview 1 lacks (dup, dup2, dup3, F_DUPFD, close-on-exec and status
//! flags, pipes, socket pairs), from a C program built with wasi-libc and
//! vfd's C library (c/vfd.h), on the same table as its preview 1 calls.
//! The program is its own oracle: the same source built natively must
//! print the same lines.

use crate::harness::{engine, stderr_of, stdout_of, vfd};
use crate::p1::{CTarget, build_c, c_compiler};
use std::process::Command;

#[test]
fn a_c_program_with_dup2_pipes_and_socketpairs_matches_its_native_build() {
    let Some(clang) = c_compiler() else {
        eprintln!("skipped: no C compiler for wasm32-wasi (see p1::c_compiler)");
        return;
    };
    let bin = tempfile::tempdir().unwrap();
    let native_dir = tempfile::tempdir().unwrap();
    let vfd_dir = tempfile::tempdir().unwrap();
    let native = build_c(&clang, "stories", CTarget::Native, bin.path());
    let wasm = build_c(&clang, "stories", CTarget::Wasi, bin.path());
    // The calls are vfd's, not an emulation inside the program.
    let module = wasmtime::Module::from_file(engine(), &wasm).unwrap();
    for call in ["dup", "dup2", "dup3", "dup_min", "pipe", "socketpair"] {
        assert!(
            module
                .imports()
                .any(|i| i.module() == vfd_host::p1::VFD_MODULE && i.name() == call),
            "the program imports vfd's {call}"
        );
    }

    let linux = Command::new(&native)
        .arg(native_dir.path())
        .output()
        .unwrap();
    assert!(linux.status.success(), "{}", stderr_of(&linux));
    let under_vfd = vfd()
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", vfd_dir.path().display()))
        .arg(&wasm)
        .arg("/data")
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
