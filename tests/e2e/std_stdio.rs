//! One table for stdio: a component's own `println!`, `eprintln!` and
//! panic message go through vfd's descriptors 1 and 2, so they follow a
//! `dup2` as they would on Linux (tests/guest/src/bin/std-stdio), in the
//! host library (`run_command`), under `vfd run`, and composed with the
//! layer; the same program built natively, with the C library's calls,
//! says where Linux puts each line.

use crate::harness::{
    Fixture, Output, component, composed, composed_wasi, engine, guest, read_all, run_cli,
    run_cli_with, run_composed, run_composed_with, run_lib, run_lib_with, run_native, run_plain,
    stdout_of, vfd_cli,
};
use std::io::Write;
use std::process::Stdio;
use vfd_host::MountPerms;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, WasiCtx};

/// The scenario `which` embedded and under `vfd run`: the same output
/// both ways, which is returned.
fn embedded_and_run(which: &str) -> Output {
    let lib = run_lib(&Fixture::new(), "std-stdio", &[which]);
    let cli = run_cli(&Fixture::new(), "std-stdio", &[which]);
    assert_eq!(lib.code, cli.code, "{which}: {lib:?}\n{cli:?}");
    assert_eq!(lib.stdout, cli.stdout, "{which}");
    assert_eq!(lib.stderr, cli.stderr, "{which}");
    lib
}

/// The scenario `which` in the three modes: embedded, under `vfd run`,
/// and composed with the layer under plain wasmtime-wasi. The same output
/// every way, which is returned.
fn three_modes(which: &str) -> Output {
    let lib = embedded_and_run(which);
    let composed = run_composed(&Fixture::new(), "std-stdio", &[which]);
    assert_eq!(lib.code, composed.code, "{which} composed: {composed:?}");
    assert_eq!(lib.stdout, composed.stdout, "{which} composed");
    assert_eq!(lib.stderr, composed.stderr, "{which} composed");
    lib
}

/// The scenario `which` in the three modes and natively, with the C
/// library's calls, as the reference: the same output every way.
fn both(which: &str) -> Output {
    let wasm = three_modes(which);
    let native = run_native(&Fixture::new(), "std-stdio", &[which]);
    assert_eq!(wasm.code, native.code, "{which} native: {native:?}");
    assert_eq!(wasm.stdout, native.stdout, "{which} native");
    assert_eq!(wasm.stderr, native.stderr, "{which} native");
    wasm
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
fn println_on_a_read_only_1_goes_nowhere() {
    // Linux: a write to a descriptor open read-only is EBADF, which std
    // ignores on its stdout and stderr.
    let out = both("read-only");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "stdout back\n");
    assert_eq!(out.stderr, "stderr back\n");
}

#[test]
fn println_into_dev_null_goes_nowhere_and_back() {
    // The host's /dev mounted at /dev in every mode, so the guest opens
    // the real /dev/null.
    let which = ["dev-null"];
    let lib = run_lib_with(&Fixture::new(), "std-stdio", &which, |b| {
        b.mount("/dev", "/dev", MountPerms::ReadWrite).unwrap();
    });
    let cli = run_cli_with(
        &Fixture::new(),
        &["--dir", "/dev::/dev"],
        "std-stdio",
        &which,
    );
    let composed = run_composed_with(&Fixture::new(), "std-stdio", &which, |b| {
        b.preopened_dir("/dev", "/dev", FsPerms::ReadWrite).unwrap();
    });
    let native = run_native(&Fixture::new(), "std-stdio", &which);
    for (mode, out) in [
        ("lib", &lib),
        ("vfd run", &cli),
        ("composed", &composed),
        ("native", &native),
    ] {
        assert_eq!(out.code, 0, "{mode}: {out:?}");
        assert_eq!(out.stdout, "stdout back\n", "{mode}");
        assert_eq!(out.stderr, "stderr back\n", "{mode}");
    }
}

#[test]
fn stdout_stream_write_zeroes_follows_fd_1() {
    let out = three_modes("zeroes");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "zeroes written: true, the pipe holds [0, 0, 0, 0, 0]\n"
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
    // Natively: the same message in the file, none on the terminal (and
    // status 101 where the wasm guest traps).
    let fixture = Fixture::new();
    let native = run_native(&fixture, "std-stdio", &["panic"]);
    assert_eq!(native.code, 101, "{native:?}");
    assert_eq!(native.stderr, "");
    let native_file = std::fs::read_to_string(fixture.path("mnt/std-stdio.txt")).unwrap();
    assert_eq!(without_thread_id(&lib), without_thread_id(&native_file));
}

/// A panic message without the thread's id (`thread 'main' (17911)`),
/// which is the process's own.
fn without_thread_id(message: &str) -> String {
    message
        .lines()
        .map(|line| match (line.find(" ("), line.find(") panicked")) {
            (Some(open), Some(close)) if open < close => {
                format!("{}{}", &line[..open], &line[close + 1..])
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_composed_guest_s_panic_message_lands_in_the_file_on_2() {
    let fixture = Fixture::new();
    let (mut b, _stdout, stderr) = composed_wasi(&fixture, "std-stdio", &["panic"]);
    let ran = run_plain(&composed("std-stdio"), b.build());
    assert!(ran.is_err(), "the panicking guest did not trap: {ran:?}");
    let terminal = String::from_utf8_lossy(&stderr.contents()).into_owned();
    assert!(
        !terminal.contains("a panic on a redirected fd 2"),
        "the message went to the runtime's stderr: {terminal}"
    );
    let file = std::fs::read_to_string(fixture.path("mnt/std-stdio.txt")).unwrap();
    assert!(file.contains("a panic on a redirected fd 2"), "{file:?}");
}

#[test]
fn a_composed_guest_s_std_stdin_is_the_runtime_s_stdin() {
    let out = run_composed_with(&Fixture::new(), "std-stdio", &["stdin"], |b| {
        b.stdin(MemoryInputPipe::new("typed in\n"));
    });
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "stdin: \"typed in\\n\"\n");
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
    // vfd's own print macros: no native counterpart.
    let out = three_modes("mixed");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "std's half, vfd's half\nstd's line\n");
}

/// What the `stdin-poll` scenario prints when the stdin stream's pollable
/// says `later` once the pipe has a byte and once its writer is gone.
fn readiness_story(later: bool) -> String {
    format!(
        "empty: ready false\n\
         empty: poll with a zero timeout has stdin false\n\
         empty: read gives []\n\
         one byte: ready {later}\n\
         one byte: poll with a zero timeout has stdin {later}\n\
         one byte: read gives [120]\n\
         writer closed: ready {later}\n\
         writer closed: read gives closed\n"
    )
}

#[test]
fn stdin_stream_readiness_follows_the_pipe_on_0() {
    let out = embedded_and_run("stdin-poll");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, readiness_story(true));
}

/// Composed, a pollable is the runtime's (the layer does not serve
/// `wasi:io/poll`), so one over a pipe of the layer's says what the pipe
/// was when it was made: the reads still see every change (README,
/// differences).
#[test]
fn composed_stdin_readiness_is_the_pipe_s_when_subscribed() {
    let out = run_composed(&Fixture::new(), "std-stdio", &["stdin-poll"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, readiness_story(false));
}

/// A guest that uses std's files and TCP too: composed, the layer serves
/// (forwards) the interfaces that hand out those streams, and std's
/// stdout still follows vfd's fd 1.
#[test]
fn composed_std_files_and_tcp_still_work_beside_vfd_stdio() {
    let out = run_composed_with(&Fixture::new(), "std-fs-net", &[], |b| {
        b.inherit_network();
    });
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "std::fs read back: written by std::fs\n\
         std::net echoed: OVER STD'S TCP\n\
         the file holds: std's println! into vfd's file\n"
    );
}
