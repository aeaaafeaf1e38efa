//! The `vfd` command: flags, exit codes, handed-in files, limits, dev mode.

use crate::harness::{Fixture, guest, run_lib_with, stderr_of, stdout_of, vfd, vfd_cli};
use std::os::fd::AsFd;

#[test]
fn help_lists_the_run_flags() {
    let out = vfd().args(["run", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = stdout_of(&out);
    for flag in [
        "--dir",
        "--dir-ro",
        "--env",
        "--max-fds",
        "--dev",
        "--fd",
        "-W",
        "-C",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}

#[test]
fn a_missing_component_is_a_clear_error() {
    let out = vfd().args(["run", "/no/such/guest.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("cannot load /no/such/guest.wasm"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_missing_mount_is_a_clear_error() {
    let out = vfd()
        .args(["run", "--dir", "/no/such/dir::/data"])
        .arg(guest("probe"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("cannot mount /no/such/dir"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn bad_fd_flags_are_clear_errors() {
    for (flag, message) in [
        ("3", "expected N=file:PATH"),
        ("x=file:/etc/hostname", "is not a descriptor number"),
        ("3=tcp:127.0.0.1:1", "unknown kind \"tcp\""),
        ("3=inherit:9999", "host descriptor 9999 is not open"),
        ("3=inherit:1", "vfd's own stdio"),
        ("3=tcp-listen:nonsense", "--fd 3=tcp-listen:nonsense"),
        ("3=file:/no/such/file", "cannot open /no/such/file"),
        ("5000=file:/dev/null", "at or above --max-fds"),
    ] {
        let out = vfd()
            .args(["run", "--fd", flag])
            .arg(guest("probe"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "--fd {flag}");
        assert!(
            stderr_of(&out).contains(message),
            "--fd {flag}: {}",
            stderr_of(&out)
        );
    }
    let out = vfd()
        .args(["run", "--max-fds", "lots"])
        .arg(guest("probe"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap's usage error");
}

#[test]
fn the_guest_exit_status_is_vfds() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg(guest("probe"))
        .arg("exit:0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // wasi:cli/exit in WASI 0.2 carries only success or failure (the
    // numeric `exit-with-code` is unstable and wasi-libc does not use it),
    // so any non-zero status arrives as 1, as under `wasmtime run`.
    let out = vfd_cli(&fixture)
        .arg(guest("probe"))
        .arg("exit:7")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = vfd_cli(&fixture)
        .arg(guest("probe"))
        .arg("panic")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(134),
        "a trap exits as wasmtime run does"
    );
}

#[test]
fn fd_flag_hands_a_host_file_to_the_guest() {
    let fixture = Fixture::new();
    let input = fixture.path("input.txt");
    std::fs::write(&input, "handed in at fd 7\n").unwrap();
    let log = fixture.path("log.txt");
    let out = vfd_cli(&fixture)
        .arg("--fd")
        .arg(format!("7={}", format_args!("file:{}", input.display())))
        .arg("--fd")
        .arg(format!("8=file:{}:create", log.display()))
        .arg(guest("probe"))
        .args(["cat-fd:7", "write-fd:8:logged by the guest"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "handed in at fd 7\n");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "logged by the guest\n"
    );
}

#[test]
fn max_fds_gives_emfile_at_the_limit_and_the_host_stays_healthy() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .args(["--max-fds", "16"])
        .arg(guest("probe"))
        .args(["fill:/data/hello.txt", "open:/data/hello.txt"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    // 0, 1, 2 are taken: 13 opens fill 3..=15. The files were closed when
    // the step's Vec dropped, so the next open gets 3 again.
    assert_eq!(
        stdout_of(&out),
        "fill: opened 13, then EMFILE\nopen /data/hello.txt: fd 3\n"
    );
}

#[test]
fn dev_mode_reports_double_close_stale_close_and_leftovers() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg("--dev")
        .arg(guest("probe"))
        .args([
            "open:/data/hello.txt",
            "close:3",
            "close:3",
            "stale:/data/hello.txt",
            "open:/data/sub/inner.txt",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "open /data/hello.txt: fd 3\nclose 3: ok\nclose 3: EBADF\n\
         stale: fd 3 reused as 3, still open after the drop: true\nopen /data/sub/inner.txt: fd 4\n"
    );
    let err = stderr_of(&out);
    assert!(
        err.contains("vfd: close(fd 3): not open (a double close?)"),
        "{err}"
    );
    assert!(
        err.contains("vfd: file.drop(fd 3): stale close refused"),
        "{err}"
    );
    assert!(
        err.contains("vfd: the guest left 2 descriptor(s) open:"),
        "{err}"
    );
    assert!(err.contains("vfd:   fd 3: file /data/hello.txt"), "{err}");
    assert!(
        err.contains("vfd:   fd 4: file /data/sub/inner.txt"),
        "{err}"
    );
}

#[test]
fn without_dev_mode_nothing_is_reported() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg(guest("probe"))
        .args(["open:/data/hello.txt", "close:3", "close:3"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stderr_of(&out), "");
}

#[test]
fn a_borrowed_host_file_stays_open_after_the_guest_closes_it() {
    let fixture = Fixture::new();
    let path = fixture.path("shared.txt");
    std::fs::write(&path, "from the host\n").unwrap();
    let host_file = std::fs::File::open(&path).unwrap();
    let out = run_lib_with(&fixture, "probe", &["cat-fd:5", "close:5"], |b| {
        b.insert_borrowed(5, host_file.as_fd()).unwrap();
    });
    assert_eq!(out.stdout, "from the host\nclose 5: EBADF\n", "{out:#?}");
    // cat-fd took ownership of fd 5 and closed it; the host's copy lives on
    // (and shares the offset the guest moved to the end).
    use std::io::{Read, Seek, SeekFrom};
    let mut f = &host_file;
    assert_eq!(f.stream_position().unwrap(), 14);
    f.seek(SeekFrom::Start(0)).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    assert_eq!(s, "from the host\n");
}

#[test]
fn an_owned_host_pipe_is_closed_when_the_guest_closes_it() {
    let fixture = Fixture::new();
    let (reader, writer) = rustix::pipe::pipe().unwrap();
    let out = run_lib_with(
        &fixture,
        "probe",
        &["write-fd:6:through the pipe", "close:6"],
        |b| {
            b.insert(6, writer);
        },
    );
    assert_eq!(out.stdout, "close 6: ok\n", "{out:#?}");
    // The guest's close was the last reference to the write end: the reader
    // sees the data, then end of file, with no host copy left behind.
    let mut buf = [0u8; 64];
    let n = rustix::io::read(&reader, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"through the pipe\n");
    assert_eq!(rustix::io::read(&reader, &mut buf).unwrap(), 0);
}

#[test]
fn a_read_only_mount_inside_a_writable_one_is_refused() {
    let fixture = Fixture::new();
    let out = vfd()
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", fixture.path("mnt").display()))
        .arg("--dir-ro")
        .arg(format!("{}::/data/sub", fixture.path("mnt/sub").display()))
        .arg(guest("probe"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("the read-only mount at /data/sub lies inside the host directory of the writable mount at /data"), "{err}");
}

/// `vfd run` compiles the guest on threads that are gone before it runs,
/// so the guest's system calls take the kernel's single-threaded fast
/// path (no file reference or position lock per call).
#[test]
fn the_guest_runs_in_a_single_threaded_process() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    use std::time::Duration;

    let mut child = vfd()
        .arg("run")
        .arg(guest("upper"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    // An answer means the guest is running, blocked in its next read. It
    // is awaited on a thread of its own so that a guest that never
    // answers fails the test instead of hanging it.
    stdin.write_all(b"running\n").unwrap();
    let (answered, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = answered.send(line);
    });
    let line = answer.recv_timeout(Duration::from_secs(120));
    // A joined thread has left user space, but the kernel may still be
    // tearing it down (it wakes the joiner before it lets go of the
    // process's descriptor table), and a loaded machine can leave it
    // there a while: so a short grace. A pool that outlives compilation,
    // as rayon's global one does, never leaves and still fails.
    let threads = || -> Vec<String> {
        std::fs::read_dir(format!("/proc/{}/task", child.id()))
            .unwrap()
            .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
            .collect()
    };
    let gone_by = std::time::Instant::now() + Duration::from_secs(5);
    let mut names = threads();
    while names.len() > 1 && std::time::Instant::now() < gone_by {
        std::thread::sleep(Duration::from_millis(10));
        names = threads();
    }
    drop(stdin);
    if line.is_err() {
        child.kill().unwrap();
    }
    let status = child.wait().unwrap();
    assert_eq!(line.as_deref(), Ok("RUNNING\n"), "no answer from the guest");
    assert!(status.success(), "{status}");
    assert_eq!(names.len(), 1, "threads while the guest runs: {names:?}");
}
