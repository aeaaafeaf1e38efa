//! `vfd run --trace`: one strace-style line per descriptor call of the
//! guest, for each interface and for preview 1, the filters, and the table
//! at exit. Times are masked; everything else is compared as printed.

use crate::harness::{Fixture, guest, p1_guest, stderr_of, vfd, vfd_cli};
use std::io::Write;
use std::process::Stdio;

/// What a traced run wrote: the call lines (times cut off) and the table
/// lines, apart.
struct Trace {
    calls: Vec<String>,
    table: Vec<String>,
}

/// The trace of `wasm` run with `args` and extra `flags`, written to a
/// file so that it never mixes with the guest's own output.
fn traced(fixture: &Fixture, flags: &[&str], wasm: std::path::PathBuf, args: &[&str]) -> Trace {
    let file = fixture.path("trace.txt");
    let out = vfd_cli(fixture)
        .arg(format!("--trace={}", file.display()))
        .args(flags)
        .arg(wasm)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}\n{}", stderr_of(&out));
    parse(&std::fs::read_to_string(&file).unwrap())
}

fn parse(text: &str) -> Trace {
    let (table, calls): (Vec<&str>, Vec<&str>) = text
        .lines()
        .partition(|l| l.starts_with("vfd: table at exit: "));
    let calls = calls
        .into_iter()
        .map(|line| {
            let (call, time) = line.rsplit_once(" <").expect("a time at the end");
            assert!(time.ends_with("s>"), "{line}");
            call.to_owned()
        })
        .collect();
    Trace {
        calls,
        table: table.into_iter().map(str::to_owned).collect(),
    }
}

#[test]
fn descriptors_calls_of_the_shared_offset_example() {
    let fixture = Fixture::new();
    let trace = traced(&fixture, &[], guest("shared-offset"), &[]);
    assert_eq!(
        trace.calls,
        [
            r#"open("/data/shared.txt", O_WRONLY|O_CREAT|O_TRUNC) = 3"#,
            r#"write(3, "abcdef", 6) = 6"#,
            "close(3) = 0",
            r#"open("/data/shared.txt", O_RDONLY) = 3"#,
            "dup(3) = 4",
            r#"read(3, "ab", 2) = 2"#,
            r#"output-stream.write(1, "dup a: ab\n", 10) = 10"#,
            r#"read(4, "cd", 2) = 2"#,
            r#"output-stream.write(1, "dup b: cd\n", 10) = 10"#,
            r#"read(3, "ef", 2) = 2"#,
            r#"output-stream.write(1, "dup a: ef\n", 10) = 10"#,
            r#"open("/data/shared.txt", O_RDONLY) = 5"#,
            r#"open("/data/shared.txt", O_RDONLY) = 6"#,
            r#"read(5, "ab", 2) = 2"#,
            r#"output-stream.write(1, "open 1: ab\n", 11) = 11"#,
            r#"read(6, "ab", 2) = 2"#,
            r#"output-stream.write(1, "open 2: ab\n", 11) = 11"#,
            r#"unlink-at(AT_FDCWD, "/data/shared.txt") = 0"#,
            "close(6) = 0",
            "close(5) = 0",
            "close(4) = 0",
            "close(3) = 0",
        ]
    );
    // What was open at exit: stdio only, each with its open description.
    assert_eq!(trace.table.len(), 3, "{:?}", trace.table);
    for (line, prefix) in
        trace
            .table
            .iter()
            .zip(["fd 0: stdin r", "fd 1: stdout w", "fd 2: stderr w"])
    {
        assert!(
            line.starts_with(&format!("vfd: table at exit: {prefix}")),
            "{line}"
        );
    }
}

/// An owning wrapper that closes its number when dropped shows which drop
/// did it, and what the caller saw next; a stale one shows that it left
/// the reused number alone.
#[test]
fn handles_show_the_drop_that_closed_a_number() {
    let fixture = Fixture::new();
    let trace = traced(&fixture, &[], guest("closefd"), &[]);
    let after = |line: &str| {
        let at = trace.calls.iter().position(|l| l == line);
        let at = at.unwrap_or_else(|| panic!("no {line:?} in {:#?}", trace.calls));
        trace.calls[at + 1].as_str()
    };
    assert_eq!(
        after("file.wrap(3, true) = file#0"),
        "file.wrap(3, false) = file#1"
    );
    assert_eq!(
        after("file.drop(file#1) = 0 (borrowed: nothing closed)"),
        "get-fd-flags(3) = 0"
    );
    assert_eq!(
        after("file.drop(file#0) = 0 (closed 3)"),
        "get-fd-flags(3) = -1 EBADF (Bad file descriptor)"
    );
    assert!(
        trace
            .calls
            .contains(&r#"file.read(file#0, "hello, vfd\n", 32) = 11"#.to_owned())
    );
    assert_eq!(
        after("file.drop(file#0) = 0 (stale: 3 was closed behind it, left alone)"),
        r#"read(3, "inner\n", 32) = 6"#
    );
}

/// A double close: the second is EBADF, and the trace says so.
#[test]
fn a_double_close_is_shown_as_linux_would_fail_it() {
    let fixture = Fixture::new();
    let trace = traced(
        &fixture,
        &["--trace-calls=open,close"],
        guest("probe"),
        &[
            "open:/data/hello.txt",
            "close:3",
            "close:3",
            "open:/data/hello.txt",
        ],
    );
    assert_eq!(
        trace.calls,
        [
            r#"open("/data/hello.txt", O_RDONLY) = 3"#,
            "close(3) = 0",
            "close(3) = -1 EBADF (Bad file descriptor)",
            r#"open("/data/hello.txt", O_RDONLY) = 3"#,
        ]
    );
    // The second open's number was left open: the table at exit shows it.
    assert!(
        trace
            .table
            .iter()
            .any(|l| l.starts_with("vfd: table at exit: fd 3: file r") && l.contains("hello.txt")),
        "{:?}",
        trace.table
    );
}

#[test]
fn pipes_and_poll_of_the_pipeline_example() {
    let fixture = Fixture::new();
    let trace = traced(&fixture, &[], guest("pipeline"), &[]);
    assert_eq!(
        trace.calls[..3],
        [
            "pipe(0, 0) = [3, 4]",
            "get-status-flags(4) = 0",
            "set-status-flags(4, O_NONBLOCK) = 0",
        ],
    );
    for line in [
        "poll([{fd=3, events=POLLIN}], 0) = 1",
        "write(4, \"\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f\"..., 1000) = 1000",
        "close(4) = 0",
    ] {
        assert!(trace.calls.iter().any(|l| l == line), "no {line:?}");
    }
    // The full pipe: a write that would block, then the reader's poll.
    let full = trace.calls.iter().position(|l| {
        l.starts_with("write(4, \"")
            && l.ends_with(", 1000) = -1 EAGAIN (Resource temporarily unavailable)")
    });
    let full = full.expect("a write answered EAGAIN");
    assert!(trace.calls[full + 1].starts_with("poll([{fd=3, events=POLLIN}], "));
}

/// The sockets interface: ports change from run to run, so they are cut
/// from the lines compared.
#[test]
fn sockets_calls_of_the_sockets_guest() {
    let fixture = Fixture::new();
    let trace = traced(
        &fixture,
        &[
            "--allow-network",
            "--trace-calls=tcp-listen,tcp-connect,accept,shutdown,send-to,recv-from",
        ],
        guest("sockets"),
        &[],
    );
    let masked: Vec<String> = trace
        .calls
        .iter()
        .map(|l| {
            let mut out = String::new();
            let mut rest = l.as_str();
            while let Some(at) = rest.find("127.0.0.1:") {
                let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
                out.push_str(head);
                out.push('P');
                rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
            }
            out.push_str(rest);
            out
        })
        .collect();
    for line in [
        r#"tcp-listen("127.0.0.1:P", 128, 0, 0) = 3"#,
        r#"tcp-connect("127.0.0.1:P", 0, 0) = 4"#,
        "accept(3, 0, 0) = 5 (peer 127.0.0.1:P)",
        "shutdown(4, SHUT_WR) = 0",
    ] {
        assert!(
            masked.iter().any(|l| l == line),
            "no {line:?} in {masked:#?}"
        );
    }
}

#[test]
fn filters_keep_only_the_calls_and_numbers_asked_for() {
    let fixture = Fixture::new();
    let trace_of = |flags: &[&str]| traced(&fixture, flags, guest("shared-offset"), &[]).calls;
    assert_eq!(
        trace_of(&["--trace-calls=dup,close"]),
        [
            "close(3) = 0",
            "dup(3) = 4",
            "close(6) = 0",
            "close(5) = 0",
            "close(4) = 0",
            "close(3) = 0"
        ]
    );
    assert_eq!(
        trace_of(&["--trace-fds=4"]),
        ["dup(3) = 4", r#"read(4, "cd", 2) = 2"#, "close(4) = 0"]
    );
    assert_eq!(
        trace_of(&["--trace-fds=5,6", "--trace-calls=read"]),
        [r#"read(5, "ab", 2) = 2"#, r#"read(6, "ab", 2) = 2"#]
    );
}

#[test]
fn a_filter_alone_traces_to_stderr_and_bad_filters_are_errors() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg("--trace-calls=dup")
        .arg(guest("shared-offset"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = stderr_of(&out);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("vfd: table"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("dup(3) = 4 <"), "{stderr}");
    // The guest's own output is untouched.
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("dup a: ab\n"));

    let out = vfd()
        .args(["run", "--trace-fds=three"])
        .arg(guest("probe"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("--trace-fds: \"three\" is not a descriptor number"));
}

/// Preview 1: p1's own calls, with paths and the bytes of iovec lists
/// decoded, and the number a call wrote at its result pointer.
#[test]
fn preview_1_calls_are_traced_with_their_data() {
    let fixture = Fixture::new();
    let file = fixture.path("trace.txt");
    let mut child = vfd_cli(&fixture)
        .arg(format!("--trace={}", file.display()))
        .arg(p1_guest("p1-upper"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"hi\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"HI\n");
    let trace = parse(&std::fs::read_to_string(&file).unwrap());
    let calls: Vec<String> = trace
        .calls
        .iter()
        // Pointers into the module's stack are the compiler's business.
        .map(|l| l.split(", 0x").next().unwrap().to_owned() + "|" + l.rsplit_once(" = ").unwrap().1)
        .collect();
    assert_eq!(
        calls,
        [
            r#"fd_read(0, "hi\n", 1|0 (3)"#,
            r#"fd_write(1, "HI\n", 1|0 (3)"#,
            r#"fd_read(0, "", 1|0 (0)"#,
        ]
    );
    let fixture = Fixture::new();
    let trace = traced(
        &fixture,
        &["--trace-calls=path_open"],
        p1_guest("p1-files"),
        &[],
    );
    assert!(
        trace.calls.iter().any(
            |l| l.starts_with(r#"path_open(3, 1, "hello.txt", "#) && l.ends_with(" = 0 (fd 5)")
        ),
        "{:#?}",
        trace.calls
    );
}

/// SIGUSR1: a guest blocked in `accept` prints its table at once (the
/// signal interrupts the host's accept, which vfd then makes again), and
/// goes on serving as if nothing happened.
#[test]
fn sigusr1_prints_the_table_of_a_guest_blocked_in_accept() {
    use std::io::{BufRead, BufReader, Read};
    /// The child, killed if the test fails before it ends.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Running(
        vfd()
            .args(["run", "--fd", "3=tcp-listen:127.0.0.1:0"])
            .arg(guest("echo-server"))
            .args(["--fd3", "--clients", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();
    // The guest's next call is the accept it waits in.
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: kill(2) of our own child, with a signal it handles.
    assert_eq!(unsafe { libc::kill(child.0.id() as i32, libc::SIGUSR1) }, 0);
    let (lines, table) = std::sync::mpsc::channel();
    let stderr = child.0.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = lines.send(line.unwrap());
        }
    });
    // The table comes before any client does: it was printed from inside
    // the blocked accept.
    let mut printed = Vec::new();
    while printed.len() < 5 {
        let line = table
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("{e}: the table so far: {printed:#?}"));
        printed.push(line);
    }
    assert_eq!(printed[0], "vfd: table on request: 4 open");
    assert!(
        printed[1].starts_with("vfd: table on request: fd 0: stdin"),
        "{printed:#?}"
    );
    assert!(
        printed[4].starts_with(&format!("vfd: table on request: fd 3: handed-in rw {addr}")),
        "{printed:#?}"
    );
    // The accept goes on: a client is served.
    let mut client = std::net::TcpStream::connect(&addr).unwrap();
    client.write_all(b"hello\n").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut echoed = String::new();
    client.read_to_string(&mut echoed).unwrap();
    assert_eq!(echoed, "hello\n");
    assert!(child.0.wait().unwrap().success());
}

#[test]
fn std_println_is_traced_as_the_write_to_its_number() {
    // Rust's std prints through wasi-libc: check-write, write,
    // blocking-flush; the write is the call that reaches fd 1 or 2.
    let fixture = Fixture::new();
    let trace = traced(
        &fixture,
        &["--trace-calls=output-stream.write,close"],
        guest("std-stdio"),
        &["closed"],
    );
    assert_eq!(
        trace.calls[..3],
        [
            r#"output-stream.write(1, "before closing fd 1\n", 20) = 20"#,
            "close(1) = 0",
            // Taken by the stream as written (what Rust's std does with
            // EBADF on Linux); the trace tells what happened.
            r#"output-stream.write(1, "lost: fd 1 is closed\n", 21) = -1 EBADF (Bad file descriptor)"#,
        ]
    );
}
