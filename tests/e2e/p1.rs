//! WASI preview 1: unmodified std programs built for wasm32-wasip1
//! (tests/p1_guest, no vfd crate) run as core modules on vfd's descriptor
//! table, through the host library (`run_module`) and through `vfd run`,
//! against real host files, real pipes and real TCP on loopback.

use crate::harness::{
    Fixture, Output, engine, p1_guest, p1_module, read_all, stderr_of, stdout_of, vfd, vfd_cli,
};
use crate::net::{PATIENCE, finish, patient};
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};
use vfd_host::VfdCtx;
use wasmtime_wasi::WasiCtx;

/// The arguments `name` sees: its own name, then `args`.
fn wasi(name: &str, args: &[&str]) -> WasiCtx {
    WasiCtx::builder().args(&[name]).args(args).build()
}

/// Run the preview 1 guest `name` with `args` through the host library on
/// the table `vfd`, and return its exit status.
fn run_module(name: &str, args: &[&str], vfd: VfdCtx) -> i32 {
    vfd_host::run_module(engine(), &p1_module(name), wasi(name, args), vfd)
        .unwrap_or_else(|e| panic!("guest {name} trapped: {e:?}"))
}

/// Run `name` with `args` through the host library on the fixture's table
/// (/data and /ro preopened at 3 and 4, as `vfd run` does for a module),
/// with stdout and stderr into host files.
fn run_lib(fixture: &Fixture, name: &str, args: &[&str]) -> Output {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let vfd = fixture
        .vfd(&out, &err)
        .preopen_mounts(true)
        .build()
        .unwrap();
    let code = run_module(name, args, vfd);
    Output {
        code,
        stdout: read_all(out),
        stderr: read_all(err),
    }
}

/// A guest running on a thread of its own.
struct Running {
    name: &'static str,
    status: mpsc::Receiver<i32>,
}

/// Start `name` with `args` on a thread of its own, so that a guest that
/// never ends fails its test (see [`Running::wait`]) instead of hanging it.
fn start(name: &'static str, args: &[&str], vfd: VfdCtx) -> Running {
    // Compiled (and built) here, before the clock of `wait` starts.
    let module = p1_module(name);
    let wasi = wasi(name, args);
    let (done, status) = mpsc::channel();
    std::thread::spawn(move || {
        let code = vfd_host::run_module(engine(), &module, wasi, vfd)
            .unwrap_or_else(|e| panic!("guest {name} trapped: {e:?}"));
        let _ = done.send(code);
    });
    Running { name, status }
}

impl Running {
    /// The guest's exit status, once it has ended.
    fn wait(self) -> i32 {
        match self.status.recv_timeout(PATIENCE) {
            Ok(code) => code,
            Err(RecvTimeoutError::Timeout) => {
                panic!("guest {} did not finish in {PATIENCE:?}", self.name)
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("guest {} failed (its panic is above)", self.name)
            }
        }
    }
}

/// What p1-files prints on the fixture (see its doc comment).
const FILES_STDOUT: &str = "hello, vfd\nwrote /data/out.txt\nlocked /data/app.lock\n\
    second attempt: AlreadyExists\n/data/sub: inner.txt\ndone\n";

/// What p1-files leaves in the mount, and nothing outside it.
fn assert_files_left_behind(fixture: &Fixture) {
    assert_eq!(
        std::fs::read_to_string(fixture.path("mnt/out.txt")).unwrap(),
        "written by p1-files\n"
    );
    let lock = std::fs::metadata(fixture.path("mnt/app.lock")).unwrap();
    assert!(lock.is_file() && lock.len() == 0, "{lock:?}");
    assert_eq!(
        std::fs::read_to_string(fixture.path("mnt/hello.txt")).unwrap(),
        "hello, vfd\n"
    );
    fixture.assert_outside_untouched();
}

#[test]
fn std_file_work_through_vfd_run() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg(p1_guest("p1-files"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), FILES_STDOUT);
    assert_files_left_behind(&fixture);
}

#[test]
fn std_file_work_through_the_host_library() {
    let fixture = Fixture::new();
    let out = run_lib(&fixture, "p1-files", &[]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, FILES_STDOUT);
    assert_files_left_behind(&fixture);
}

/// Three clients in turn, each connected by `connect`, sending one line
/// and reading back, until the server closes, that line in upper case.
fn three_clients(mut connect: impl FnMut() -> TcpStream) {
    for client in 1..=3 {
        let mut stream = connect();
        patient(&stream);
        stream
            .write_all(format!("hello from client {client}\n").as_bytes())
            .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert_eq!(reply, format!("HELLO FROM CLIENT {client}\n"));
    }
}

#[test]
fn socket_activation_through_the_host_library() {
    // The host binds; the guest only accepts on what it finds at fd 3.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let out = tempfile::tempfile().unwrap();
    let mut b = VfdCtx::builder();
    b.stdout_borrowed(out.as_fd()).unwrap().insert(3, listener);
    let server = start("p1-serve", &["3"], b.build().unwrap());
    three_clients(|| TcpStream::connect(addr).unwrap());
    assert_eq!(server.wait(), 0);
    assert_eq!(read_all(out), "served 3\n");
}

/// A port that was free a moment ago: `vfd run` binds the listener
/// itself, and a port it picks (port 0) cannot be learnt from outside
/// (preview 1 has no getsockname for the guest to print it).
fn free_loopback_addr() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// Start `vfd run` with `command`'s arguments as a server on `addr`, serve
/// [`three_clients`], and return its exit code, stdout and stderr.
fn serve_three_through_vfd_run(command: &mut Command, addr: &str) -> (Option<i32>, String, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = Some(first_connection(&mut child, addr));
    three_clients(|| {
        first
            .take()
            .unwrap_or_else(|| TcpStream::connect(addr).unwrap())
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let status = finish(child);
    let (mut out, mut err) = (String::new(), String::new());
    stdout.read_to_string(&mut out).unwrap();
    stderr.read_to_string(&mut err).unwrap();
    (status.code(), out, err)
}

#[test]
fn socket_activation_through_vfd_run() {
    let addr = free_loopback_addr();
    let mut command = vfd();
    command
        .args(["run", "--fd"])
        .arg(format!("3=tcp-listen:{addr}"))
        .arg(p1_guest("p1-serve"))
        .arg("3");
    let (code, out, err) = serve_three_through_vfd_run(&mut command, &addr);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "served 3\n");
}

/// The first connection to `addr`, where `vfd run` (`child`) is starting
/// a server: refused until it has bound the listener, which may come after
/// it has compiled the module (a while on a loaded machine, as in cli.rs).
/// A `vfd run` that ends first fails the test with its stderr.
fn first_connection(child: &mut Child, addr: &str) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match TcpStream::connect(addr) {
            Ok(stream) => return stream,
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {}
            Err(e) => panic!("cannot connect to {addr}: {e}"),
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            let mut stderr = child.stderr.take().unwrap();
            stderr.read_to_string(&mut err).unwrap();
            panic!("vfd run ended before it accepted a connection ({status}): {err}");
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("nothing listens on {addr} after two minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_pipeline_of_two_modules_through_the_host_library() {
    let (read_end, write_end) = vfd_host::pipe().unwrap();
    // Each end is owned by one table only, so `p1-upper` sees end of file
    // when `p1-count`'s instance, the last writer, is gone.
    let count = VfdCtx::builder()
        .no_stdio()
        .stdout(write_end)
        .build()
        .unwrap();
    let out = tempfile::tempfile().unwrap();
    let upper = VfdCtx::builder()
        .no_stdio()
        .stdin(read_end)
        .stdout(out.try_clone().unwrap())
        .build()
        .unwrap();
    let count = start("p1-count", &["5"], count);
    let upper = start("p1-upper", &[], upper);
    assert_eq!((count.wait(), upper.wait()), (0, 0));
    assert_eq!(read_all(out), "LINE 1\nLINE 2\nLINE 3\nLINE 4\nLINE 5\n");
}

#[test]
fn a_pipeline_of_two_modules_through_vfd_run() {
    // As a shell runs `vfd run p1-count.wasm 3 | vfd run p1-upper.wasm`:
    // the pipe is the modules' inherited stdout and stdin.
    let mut count = vfd()
        .arg("run")
        .arg(p1_guest("p1-count"))
        .arg("3")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let upper = vfd()
        .arg("run")
        .arg(p1_guest("p1-upper"))
        .stdin(count.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(count.wait().unwrap().success());
    assert_eq!(upper.status.code(), Some(0), "{}", stderr_of(&upper));
    assert_eq!(stdout_of(&upper), "LINE 1\nLINE 2\nLINE 3\n");
}

#[test]
fn the_exit_status_is_the_modules_number() {
    // Unlike a component's wasi:cli/exit (success or failure only), preview
    // 1's proc_exit carries the number itself; as exit(2) on Linux, its low
    // 8 bits reach the parent (300 is 44), where wasmtime-wasi refuses
    // anything above 125.
    for (status, seen) in [(0, 0), (7, 7), (200, 200), (300, 44)] {
        let out = vfd()
            .arg("run")
            .arg(p1_guest("p1-exit"))
            .arg(status.to_string())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(seen), "{}", stderr_of(&out));
        let code = run_module(
            "p1-exit",
            &[status.to_string().as_str()],
            VfdCtx::builder().build().unwrap(),
        );
        assert_eq!(code, seen, "through the host library");
    }
}

#[test]
fn an_fd_flag_on_a_preopened_number_is_refused() {
    let fixture = Fixture::new();
    let dir = format!("{}::/data", fixture.path("mnt").display());
    // One mount: preopened at fd 3, which `--fd 3` would take as well.
    let out = vfd()
        .args(["run", "--dir", &dir, "--fd", "3=tcp-listen:127.0.0.1:0"])
        .arg(p1_guest("p1-exit"))
        .arg("0")
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.to_lowercase().contains("preopen"), "{err}");
    assert_eq!(stdout_of(&out), "", "the module must not run");
    // The number after the preopens is free, and what is handed in there
    // ends the guest's search for preopens (fd_prestat_get from 3 upward)
    // without hiding /data at 3.
    let input = fixture.path("input.txt");
    std::fs::write(&input, "handed in at fd 4\n").unwrap();
    let out = vfd()
        .args(["run", "--dir", &dir, "--fd"])
        .arg(format!("4=file:{}", input.display()))
        .arg(p1_guest("p1-files"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), FILES_STDOUT);
}

/// What `p1-raw` prints with /data alone preopened (at 3): preview 1's
/// errno for every hostile argument (21 EFAULT, 25 EILSEQ, 28 EINVAL,
/// 8 EBADF, 37 ENAMETOOLONG, 54 ENOTDIR), never a trap, and nothing
/// written by a call that failed.
const RAW_STDOUT: &str = "\
    fd_write iovs outside: 21\n\
    fd_write buffer outside: 21\n\
    fd_write result outside: 21\n\
    fd_write 2000 iovecs: 28\n\
    fd_write closed fd: 8\n\
    fd_read closed fd: 8\n\
    path_open path outside: 21\n\
    path_open not UTF-8: 25\n\
    path_open bad oflags: 28\n\
    path_open bad lookup flags: 28\n\
    open: 0 fd 4\n\
    open again: 0 fd 5\n\
    fd_seek whence 7: 28\n\
    fd_seek result outside: 21\n\
    fd_renumber onto itself: 0\n\
    fd_renumber onto a closed number: 8\n\
    fd_renumber from a closed number: 8\n\
    fd_renumber: 0\n\
    fd_close the moved-from number: 8\n\
    fd_read the moved-to number: 0\n\
    read 4 bytes: \"hell\"\n\
    fd_close: 0\n\
    open after close: 0 fd 4 (lowest free)\n\
    fd_prestat_get 3: 0\n\
    prestat: tag 0 name length 5\n\
    fd_prestat_dir_name short buffer: 37\n\
    fd_prestat_dir_name: 0\n\
    name: /data\n\
    fd_prestat_get 0 (stdin, not a preopen): 8\n\
    fd_prestat_get 4 (past the preopens): 8\n\
    fd_prestat_dir_name 0: 54\n\
    fd_prestat_get result outside: 21\n\
    fd_fdstat_get 3: 0\n\
    preopen: filetype 3 inherits FD_READ true FD_WRITE true\n\
    fd_fdstat_get result outside: 21\n\
    args_sizes_get result outside: 21\n\
    random_get buffer outside: 21\n\
    path_open a 4 GiB path: 37\n\
    path_readlink with no room: 28\n\
    random_get 3 MiB: 0\n\
    last MiB filled: true\n\
    poll_oneoff no subscriptions: 28\n\
    poll_oneoff fd 77: 0\n\
    events 1: userdata 42 error 8 type 1\n\
    poll_oneoff clock: 0\n\
    events 1: userdata 7 type 0\n\
    poll_oneoff events over the subscriptions: 0\n\
    events 2: userdata 1 and 2\n\
    done\n";

#[test]
fn hostile_arguments_get_an_errno_through_vfd_run() {
    let fixture = Fixture::new();
    let out = vfd()
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", fixture.path("mnt").display()))
        .arg(p1_guest("p1-raw"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), RAW_STDOUT);
}

#[test]
fn hostile_arguments_get_an_errno_through_the_host_library() {
    let fixture = Fixture::new();
    let out = tempfile::tempfile().unwrap();
    let mut b = VfdCtx::builder();
    b.stdout(out.try_clone().unwrap()).preopen_mounts(true);
    b.mount(
        fixture.path("mnt"),
        "/data",
        vfd_host::MountPerms::ReadWrite,
    )
    .unwrap();
    let code = run_module("p1-raw", &[], b.build().unwrap());
    assert_eq!(code, 0);
    assert_eq!(read_all(out), RAW_STDOUT);
}

/// The C compiler for wasm32-wasi: `VFD_CLANG`, or Debian's `clang-16`
/// (`apt-get install clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32`).
/// Without one the C test says it was skipped, unless
/// `VFD_REQUIRE_C_TOOLCHAIN` is set (CI installs it and sets it), when
/// that is a failure.
pub fn c_compiler() -> Option<String> {
    let clang = std::env::var("VFD_CLANG").unwrap_or_else(|_| "clang-16".into());
    let found = Command::new(&clang)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(clang);
    }
    assert!(
        std::env::var_os("VFD_REQUIRE_C_TOOLCHAIN").is_none(),
        "no C compiler for wasm32-wasi ({clang}): apt-get install clang-16 lld-16 wasi-libc \
         libclang-rt-16-dev-wasm32, or set VFD_CLANG"
    );
    None
}

/// How a C test program is built: for wasm32-wasi with wasi-libc, or for
/// the host (the oracle of the differential test).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CTarget {
    Wasi,
    Native,
}

/// `tests/p1_c/NAME.c` built as a C project would build it, into `dir`
/// (with vfd's C library if it includes `vfd.h`).
pub fn build_c(
    clang: &str,
    name: &str,
    target: CTarget,
    dir: &std::path::Path,
) -> std::path::PathBuf {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/p1_c")
        .join(format!("{name}.c"));
    let mut command = Command::new(clang);
    let out = match target {
        CTarget::Wasi => {
            command.args(["--target=wasm32-wasi", "--sysroot=/usr"]);
            dir.join(format!("{name}.wasm"))
        }
        CTarget::Native => dir.join(name),
    };
    // A program that includes vfd.h is built with vfd's C library (the
    // calls wasi-libc lacks, and its own fcntl; natively it is empty), as
    // a C project would; the others with wasi-libc alone, so that its own
    // calls are what they test.
    let c = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../c");
    if std::fs::read_to_string(&source)
        .unwrap()
        .contains("#include \"vfd.h\"")
    {
        command
            .arg("-I")
            .arg(c.join("include"))
            .arg(c.join("vfd.c"));
    }
    let built = command
        .args(["-O2", "-Wall", "-Wextra", "-Werror"])
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr_of(&built));
    out
}

#[test]
fn an_unmodified_c_program_serves_a_handed_in_listener() {
    let Some(clang) = c_compiler() else {
        eprintln!("skipped: no C compiler for wasm32-wasi (see c_compiler)");
        return;
    };
    let fixture = Fixture::new();
    let wasm = build_c(&clang, "serve", CTarget::Wasi, fixture.tmp.path());
    let addr = free_loopback_addr();
    // One mount, preopened at 3: the listener goes to 4.
    let mut command = vfd();
    command
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", fixture.path("mnt").display()))
        .arg("--fd")
        .arg(format!("4=tcp-listen:{addr}"))
        .arg(&wasm)
        .args(["4", "3"]);
    let (code, out, err) = serve_three_through_vfd_run(&mut command, &addr);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "hello, vfd\nsecond O_EXCL open: EEXIST\nserved 3\n");
    assert_eq!(
        std::fs::read_to_string(fixture.path("mnt/from-c.txt")).unwrap(),
        "written by C\n"
    );
    fixture.assert_outside_untouched();
}
