//! The Python recipes (examples/python) as a Python user runs them: built
//! once with componentize-py, run by `vfd run` and composed with the wasm
//! layer under plain wasmtime-wasi, each compared with the same recipe run
//! natively by CPython on its own `open`, `os` and `socket`
//! (tests/python/cpython), the oracle.

use crate::harness::{Fixture, composed_wasi, engine, layer, run_plain, vfd_cli};
use crate::net::{echo_clients, finish, start_composed_server};
use crate::python::{build, root, toolchain};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use wasmtime::component::Component;

/// The examples app, built once per test run; `None` when the Python
/// toolchain is not there (the test says it is skipped).
fn app() -> Option<&'static Path> {
    static APP: OnceLock<Option<PathBuf>> = OnceLock::new();
    APP.get_or_init(|| {
        toolchain().map(|(componentize_py, wit)| {
            build("examples/python", "examples", &componentize_py, &wit)
        })
    })
    .as_deref()
}

/// The app composed with the layer (as `vfd compose` writes it) and
/// compiled, once.
fn composed_app(app: &Path) -> Component {
    static COMPOSED: OnceLock<Component> = OnceLock::new();
    COMPOSED
        .get_or_init(|| {
            let bytes = vfd_cli::compose::compose(&std::fs::read(app).unwrap(), layer())
                .unwrap_or_else(|e| panic!("cannot compose the Python examples: {e:#}"));
            Component::new(engine(), &bytes).unwrap()
        })
        .clone()
}

/// What one run printed, and its status.
#[derive(Debug, PartialEq)]
struct Run {
    code: i32,
    stdout: Vec<u8>,
}

fn run_of(out: &Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout.clone(),
    }
}

/// `recipe` under `vfd run` with `flags`, the files it is given named
/// under /data.
fn under_vfd(
    app: &Path,
    fixture: &Fixture,
    flags: &[&str],
    recipe: &str,
    files: &[&str],
) -> Output {
    vfd_cli(fixture)
        .args(flags)
        .arg(app)
        .arg(recipe)
        .args(files.iter().map(|f| format!("/data/{f}")))
        .output()
        .unwrap()
}

/// `recipe` composed with the layer under plain wasmtime-wasi.
fn composed(app: &Path, recipe: &str, files: &[&str]) -> Run {
    let fixture = Fixture::new();
    let mut args = vec![recipe.to_owned()];
    args.extend(files.iter().map(|f| format!("/data/{f}")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (mut b, stdout, stderr) = composed_wasi(&fixture, "python-examples", &args);
    let code = run_plain(&composed_app(app), b.build())
        .unwrap_or_else(|e| panic!("the composed {recipe} trapped: {e:?}"));
    assert_eq!(
        code,
        0,
        "composed {recipe}: {}",
        String::from_utf8_lossy(&stderr.contents())
    );
    Run {
        code,
        stdout: stdout.contents().to_vec(),
    }
}

/// `recipe` natively on CPython, its files in a directory of its own whose
/// path its output then shows as /data.
fn native(recipe: &str, files: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/python/cpython/run.py"))
        .arg(recipe)
        .args(files.iter().map(|f| dir.path().join(f)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{recipe} natively: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = dir.path().display().to_string();
    let stdout = String::from_utf8(out.stdout.clone())
        .map(|text| text.replace(&shown, "/data").into_bytes())
        .unwrap_or(out.stdout);
    Run { code: 0, stdout }
}

/// `recipe` in the three ways; all must print `expected`.
fn three_ways(recipe: &str, files: &[&str], expected: &[u8]) {
    let Some(app) = app() else {
        return;
    };
    let fixture = Fixture::new();
    let out = under_vfd(app, &fixture, &[], recipe, files);
    assert!(
        out.status.success(),
        "{recipe}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = Run {
        code: 0,
        stdout: expected.to_vec(),
    };
    assert_eq!(native(recipe, files), expected, "natively");
    assert_eq!(run_of(&out), expected, "under vfd run");
    assert_eq!(composed(app, recipe, files), expected, "composed");
}

#[test]
fn binary_stdout_writes_bytes_on_descriptor_1() {
    three_ways("binary-stdout", &[], b"Hello World\ncaf\xe9 (raw bytes)\n");
}

#[test]
fn append_reads_and_appends_on_one_file_object() {
    three_ways(
        "append",
        &["append.txt"],
        b"read back: b'one\\n'\noffset before writing: 4\n\
          offset after writing: 8\nwhole file: b'one\\ntwo\\n'\n",
    );
}

#[test]
fn lockfile_second_attempt_gets_file_exists_error() {
    three_ways(
        "lockfile",
        &["app.lock"],
        b"first attempt: locked /data/app.lock\n\
          second attempt: FileExistsError: File exists: '/data/app.lock'\n\
          lock released\n",
    );
}

#[test]
fn lockfile_held_by_an_earlier_run_is_refused() {
    let Some(app) = app() else {
        return;
    };
    let fixture = Fixture::new();
    let first = vfd_cli(&fixture)
        .arg(app)
        .args(["lockfile", "/data/app.lock", "--keep"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    assert!(fixture.path("mnt/app.lock").exists());
    let second = under_vfd(app, &fixture, &[], "lockfile", &["app.lock"]);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "first attempt: FileExistsError: File exists: '/data/app.lock'\n"
    );
}

#[test]
fn double_close_raises_ebadf_and_dev_mode_names_it() {
    three_ways(
        "double-close",
        &["double-close.txt"],
        b"wrote through fd 3\nclosed fd 3 behind the file object\n\
          f.close(): OSError EBADF Bad file descriptor\n",
    );
    let Some(app) = app() else {
        return;
    };
    let fixture = Fixture::new();
    let out = under_vfd(
        app,
        &fixture,
        &["--dev"],
        "double-close",
        &["double-close.txt"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("vfd: file.drop(fd 3): stale close refused"),
        "{stderr}"
    );
}

#[test]
fn finalizer_closes_a_handed_descriptor_and_dev_mode_shows_it() {
    three_ways(
        "finalizer",
        &["data.txt", "log.txt"],
        b"handed fd 3 to the child\nthen opened the log as fd 3\nthe child wrote into: log\n",
    );
    let Some(app) = app() else {
        return;
    };
    let fixture = Fixture::new();
    let trace = fixture.path("trace.txt");
    let trace_flag = format!("--trace={}", trace.display());
    let out = under_vfd(
        app,
        &fixture,
        &["--env", "PYTHONDEVMODE=1", &trace_flag],
        "finalizer",
        &["data.txt", "log.txt"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // What CPython's development mode prints for the collected file.
    assert!(
        stderr.contains(
            "ResourceWarning: unclosed file <_io.TextIOWrapper name='/data/data.txt' mode='w'"
        ),
        "{stderr}"
    );
    let trace = std::fs::read_to_string(trace).unwrap();
    assert!(
        trace
            .lines()
            .any(|l| l.starts_with("file.drop(") && l.contains("(closed 3)")),
        "{trace}"
    );
}

/// The address in the echo server's first line.
fn announced(first: &str) -> String {
    let addr = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    addr.to_owned()
}

/// What the echo server printed after its first line, one line per
/// client with the client's port left out.
fn connections(log: &str) -> Vec<&str> {
    log.lines()
        .map(|l| l.rsplit_once(", ").map_or(l, |(before, _)| before))
        .collect()
}

/// Serve two clients with the echo server `child` whose stdout is piped;
/// what it printed after its first line must be one connection per client.
fn serve_two_clients(mut child: Child) {
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    echo_clients(&announced(&first), 2, ": caf\u{e9}");
    let status = finish(child);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{status:?}\n{rest}");
    assert_eq!(
        connections(&rest),
        ["Got connection from ('127.0.0.1'"; 2],
        "{rest}"
    );
}

#[test]
fn echo_server_serves_a_listener_handed_in_at_fd_3() {
    let Some(app) = app() else {
        return;
    };
    let fixture = Fixture::new();
    let child = vfd_cli(&fixture)
        .args(["--fd", "3=tcp-listen:127.0.0.1:0"])
        .arg(app)
        .args(["echo-server", "--fd3", "--clients", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    serve_two_clients(child);
}

#[test]
fn echo_server_composed_on_its_own_listener() {
    let Some(app) = app() else {
        return;
    };
    let args = ["echo-server", "--listen", "127.0.0.1:0", "--clients", "2"];
    let (server, stdout, first) =
        start_composed_server(composed_app(app), "python-examples", &args);
    echo_clients(&announced(&first), 2, ": caf\u{e9}");
    let status = server.join().unwrap().unwrap();
    let log = String::from_utf8_lossy(&stdout.contents()).into_owned();
    assert_eq!(status, 0, "{log}");
    let rest = log.split_once('\n').unwrap().1;
    assert_eq!(
        connections(rest),
        ["Got connection from ('127.0.0.1'"; 2],
        "{log}"
    );
}

#[test]
fn echo_server_natively_is_the_same() {
    // The oracle for the two above: the same recipe on CPython's socket.
    let child = Command::new("python3")
        .arg(root().join("tests/python/cpython/run.py"))
        .args(["echo-server", "--listen", "127.0.0.1:0", "--clients", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    serve_two_clients(child);
}
