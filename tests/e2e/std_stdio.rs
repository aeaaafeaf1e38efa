//! One table for stdio: a component's own `println!`, `eprintln!` and
//! panic message go through vfd's descriptors 1 and 2, so they follow a
//! `dup2` as they would on Linux (tests/guest/src/bin/std-stdio.rs), in
//! the host library (`run_command`) and under `vfd run`.

use crate::harness::{
    Fixture, Output, component, engine, guest, read_all, run_cli, run_lib, stdout_of, vfd_cli,
};
use std::io::Write;
use std::process::Stdio;
use wasmtime_wasi::WasiCtx;

/// The scenario `which`, embedded and under `vfd run`: the same output
/// both ways, which is returned.
fn both(which: &str) -> Output {
    let lib = run_lib(&Fixture::new(), "std-stdio", &[which]);
    let cli = run_cli(&Fixture::new(), "std-stdio", &[which]);
    assert_eq!(lib.code, cli.code, "{which}: {lib:?}\n{cli:?}");
    assert_eq!(lib.stdout, cli.stdout, "{which}");
    assert_eq!(lib.stderr, cli.stderr, "{which}");
    lib
}

#[test]
fn println_follows_a_file_dup2ed_onto_1_and_2_and_back() {
    let out = both("redirect");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "stdout before\nstdout after, the file holds:\n\
         stdout into the file\nstderr into the file\n"
    );
    assert_eq!(
        out.stderr,
        "stderr before\nstderr still on stderr\nstderr after\n"
    );
}

#[test]
fn println_follows_a_pipe_on_1() {
    let out = both("pipe");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "read back: through the pipe\n");
}

#[test]
fn println_on_a_closed_1_goes_nowhere_then_into_what_takes_1() {
    // As on Linux: Rust's std ignores EBADF on its stdout; the next open
    // takes the lowest free number, 1, and std's output follows it.
    let out = both("closed");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "before closing fd 1\n");
    assert_eq!(
        out.stderr,
        "the file took fd 1\nthe file holds: \"into the file on fd 1\\n\"\n"
    );
}

#[test]
fn a_panic_message_lands_in_the_file_on_2() {
    let fixture = Fixture::new();
    let lib = run_lib_panicking(&fixture);
    assert!(
        lib.contains("a panic on a redirected fd 2"),
        "the file on fd 2 holds {lib:?}"
    );
    let fixture = Fixture::new();
    let cli = run_cli(&fixture, "std-stdio", &["panic"]);
    assert_ne!(cli.code, 0);
    assert!(
        !cli.stderr.contains("a panic on a redirected fd 2"),
        "the message went to the terminal: {}",
        cli.stderr
    );
    let file = std::fs::read_to_string(fixture.path("mnt/std-stdio.txt")).unwrap();
    assert!(file.contains("a panic on a redirected fd 2"), "{file:?}");
}

/// The panic scenario through the host library: the guest traps; what
/// its fd 2 file holds after.
fn run_lib_panicking(fixture: &Fixture) -> String {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let vfd = fixture.vfd(&out, &err).build().unwrap();
    let wasi = WasiCtx::builder().args(&["std-stdio", "panic"]).build();
    let ran = vfd_host::run_command(engine(), &component("std-stdio"), wasi, vfd);
    assert!(ran.is_err(), "the panicking guest did not trap: {ran:?}");
    assert_eq!(read_all(err), "", "the message went to the host's fd 2");
    std::fs::read_to_string(fixture.path("mnt/std-stdio.txt")).unwrap()
}

#[test]
fn std_stdin_reads_a_file_dup2ed_onto_0() {
    let out = both("stdin-file");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "stdin from a file: \"hello, vfd\\n\"\n");
}

#[test]
fn std_stdin_reads_a_pipe_on_0() {
    let out = both("stdin-pipe");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "stdin from a pipe: \"through a pipe\\n\"\n");
}

#[test]
fn std_stdin_on_a_closed_0_is_at_its_end() {
    let out = both("stdin-closed");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "stdin closed: \"\"\n");
}

#[test]
fn std_stdin_under_vfd_run_is_the_host_stdin() {
    let fixture = Fixture::new();
    let mut child = vfd_cli(&fixture)
        .arg(guest("std-stdio"))
        .arg("stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"typed in\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout_of(&out), "stdin: \"typed in\\n\"\n");
}

#[test]
fn vfd_println_after_half_a_std_line_keeps_the_order() {
    let out = both("mixed");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "std's half, vfd's half\nstd's line\n");
}

#[test]
fn stdin_stream_readiness_follows_the_pipe_on_0() {
    let out = both("stdin-poll");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "empty: ready false\n\
         empty: poll with a zero timeout has stdin false\n\
         empty: read gives []\n\
         one byte: ready true\n\
         one byte: poll with a zero timeout has stdin true\n\
         one byte: read gives [120]\n\
         writer closed: ready true\n\
         writer closed: read gives closed\n"
    );
}
