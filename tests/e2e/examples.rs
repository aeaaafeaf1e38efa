//! Every example guest program, with its exact output, in every mode:
//! through the library and `vfd run` (each test), and composed with the
//! wasm layer under plain wasmtime-wasi (the same tests in `composed`).

use crate::harness::{Fixture, Output, run_cli, run_composed, run_lib};

const CAT: &str = "hello, vfd\ninner\n";
const REDIRECT: &str = "to the terminal\nredirect.log holds: to the file\n";
const SHARED_OFFSET: &str = "dup a: ab\ndup b: cd\ndup a: ef\nopen 1: ab\nopen 2: ab\n";
const CLOSEFD: &str = "opened /data/hello.txt as fd 3\n\
     owning handle: fd 3, owns it: true\n\
     borrowing handle: fd 3, owns it: false\n\
     dropped the borrowing handle: fd 3 still open\n\
     read through the owning handle: hello, vfd\n\
     dropped the owning handle: fd 3 is closed (EBADF)\n\
     stale handle: wraps fd 3, owns it: true\n\
     closed fd 3 behind its back\n\
     reopened: /data/sub/inner.txt is fd 3 again\n\
     dropped the stale handle: fd 3 still open, reads: inner\n";
const LOCKFILE: &str =
    "first attempt: locked\nsecond attempt: AlreadyExists\nlock released\nthird attempt: locked\n";
const APPEND: &str = "read back: one\noffset before writing: 0\noffset after writing: 8\nwhole file:\none\ntwo\n\
     append flag: true\nappend flag on the clone: true\n";
const PIPELINE: &str = "pipe: read end fd 3, write end fd 4 (non-blocking)\n\
     sending 200000 bytes of a counting pattern, 1000 bytes per write\n\
     the pipe filled up (EAGAIN) at least once: yes\n\
     each time it was full, poll said the read end was readable: yes\n\
     all 200000 bytes written; closing the write end\n\
     the reader drained the rest, then read returned 0 (end of file)\n\
     received 200000 bytes, every one in order: yes\n";
const REDIRECT_TO_PIPE: &str = "fd 1 goes into a pipe (read end fd 3, write end fd 4) while printing 3 lines\n\
     fd 1 is back; reading the pipe to end of file\n\
     captured: hello from fd 1\n\
     captured: 6 x 7 = 42\n\
     captured: the last line\n\
     end of file after 3 lines\n";

/// Run an example through the library and through `vfd run`; both must
/// succeed with the same output.
fn both(name: &str, args: &[&str]) -> (Fixture, Output) {
    let fixture = Fixture::new();
    let lib = run_lib(&fixture, name, args);
    assert_eq!(lib.code, 0, "{name} (library) failed: {lib:#?}");
    let cli = run_cli(&fixture, name, args);
    assert_eq!(cli.code, 0, "{name} (vfd run) failed: {cli:#?}");
    assert_eq!(lib.stdout, cli.stdout, "{name}: library and vfd run differ");
    fixture.assert_outside_untouched();
    (fixture, lib)
}

#[test]
fn cat_copies_files_to_fd_1() {
    let (_, out) = both("cat", &["/data/hello.txt", "/data/sub/inner.txt"]);
    assert_eq!(out.stdout, CAT);
}

#[test]
fn cat_reports_a_missing_file_and_fails() {
    let fixture = Fixture::new();
    let out = run_lib(&fixture, "cat", &["/data/missing.txt"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("/data/missing.txt"), "{out:#?}");
}

#[test]
fn redirect_sends_one_line_to_the_file_and_one_to_the_terminal() {
    let (fixture, out) = both("redirect", &[]);
    assert_eq!(out.stdout, REDIRECT);
    assert!(
        !fixture.path("mnt/redirect.log").exists(),
        "the example cleans up its log"
    );
}

#[test]
fn shared_offset_dups_continue_each_other_and_opens_do_not() {
    let (_, out) = both("shared-offset", &[]);
    assert_eq!(out.stdout, SHARED_OFFSET);
}

#[test]
fn closefd_owning_and_borrowing_wrappers() {
    let (_, out) = both("closefd", &[]);
    assert_eq!(out.stdout, CLOSEFD);
}

#[test]
fn lockfile_second_attempt_gets_already_exists() {
    let (fixture, out) = both("lockfile", &[]);
    assert_eq!(out.stdout, LOCKFILE);
    assert!(!fixture.path("mnt/app.lock").exists());
}

#[test]
fn append_read_and_append_on_one_description() {
    let (_, out) = both("append", &[]);
    assert_eq!(out.stdout, APPEND);
}

#[test]
fn pipeline_non_blocking_pipe_with_poll_inside_one_guest() {
    let (_, out) = both("pipeline", &[]);
    assert_eq!(out.stdout, PIPELINE);
}

#[test]
fn redirect_to_pipe_captures_what_the_guest_printed() {
    let (_, out) = both("redirect-to-pipe", &[]);
    assert_eq!(out.stdout, REDIRECT_TO_PIPE);
}

/// The same examples, composed with the wasm layer (`vfd compose`) and run
/// under plain wasmtime-wasi, with no vfd host code: the same output.
mod composed {
    use super::*;

    /// Run an example composed; it must succeed with `expected` as its
    /// output and touch nothing outside its mounts.
    fn composed(name: &str, args: &[&str], expected: &str) -> Fixture {
        let fixture = Fixture::new();
        let out = run_composed(&fixture, name, args);
        assert_eq!(
            out.stdout, expected,
            "{name} (composed): stdout differs\nstderr:\n{}",
            out.stderr
        );
        assert_eq!(out.code, 0, "{name} (composed) failed: {out:#?}");
        fixture.assert_outside_untouched();
        fixture
    }

    #[test]
    fn cat_copies_files_to_fd_1() {
        composed("cat", &["/data/hello.txt", "/data/sub/inner.txt"], CAT);
    }

    #[test]
    fn cat_reports_a_missing_file_and_fails() {
        let fixture = Fixture::new();
        let out = run_composed(&fixture, "cat", &["/data/missing.txt"]);
        assert_eq!(out.code, 1);
        assert_eq!(out.stdout, "");
        assert!(out.stderr.contains("/data/missing.txt"), "{out:#?}");
    }

    #[test]
    fn redirect_sends_one_line_to_the_file_and_one_to_the_terminal() {
        let fixture = composed("redirect", &[], REDIRECT);
        assert!(!fixture.path("mnt/redirect.log").exists());
    }

    #[test]
    fn shared_offset_dups_continue_each_other_and_opens_do_not() {
        composed("shared-offset", &[], SHARED_OFFSET);
    }

    #[test]
    fn closefd_owning_and_borrowing_wrappers() {
        composed("closefd", &[], CLOSEFD);
    }

    #[test]
    fn lockfile_second_attempt_gets_already_exists() {
        let fixture = composed("lockfile", &[], LOCKFILE);
        assert!(!fixture.path("mnt/app.lock").exists());
    }

    #[test]
    fn append_read_and_append_on_one_description() {
        composed("append", &[], APPEND);
    }

    /// The pipe is in memory, inside the one instance: the same EAGAIN,
    /// poll and end-of-file answers as a host pipe.
    #[test]
    fn pipeline_non_blocking_pipe_with_poll_inside_one_guest() {
        composed("pipeline", &[], PIPELINE);
    }

    #[test]
    fn redirect_to_pipe_captures_what_the_guest_printed() {
        composed("redirect-to-pipe", &[], REDIRECT_TO_PIPE);
    }
}
