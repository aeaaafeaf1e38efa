//! Running guest programs for the end-to-end tests: through the host
//! library (a `Store` with wasmtime-wasi and vfd, as an embedder has it),
//! through the `vfd run` command, and composed with the wasm layer under
//! plain wasmtime-wasi (as `wasmtime run` has it, with no vfd host code).

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use vfd_host::{MountPerms, VfdCtx};
use wasmtime::component::Component;
use wasmtime::{Engine, Module};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder};

/// What a guest run produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    /// What the guest wrote to vfd's fd 1.
    pub stdout: String,
    /// What it wrote to fd 2 (vfd's and wasi's), and vfd's own warnings.
    pub stderr: String,
}

impl Output {
    /// What a finished command returned.
    pub fn of(out: &std::process::Output) -> Output {
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Build every guest program once per test run. Their own target dir: the
/// outer `cargo test` holds the lock on the default one.
pub fn guest(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir =
        BUILT.get_or_init(|| build_guests("wasm32-wasip2", &["vfd-examples", "vfd-test-guests"]));
    guest_in(dir, name)
}

/// Build the WASI preview 1 programs (tests/p1_guest: std alone, no vfd
/// crate) once per test run, next to the others.
pub fn p1_guest(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| build_guests("wasm32-wasip1", &["vfd-p1-guests"]));
    guest_in(dir, name)
}

/// The test guest `name` built for the host, as the reference the wasm
/// build is compared with (a guest that supports it calls the C library
/// where the wasm build calls vfd). Built once per test run, in its own
/// target directory.
pub fn native_guest(name: &str) -> PathBuf {
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let target_dir = workspace().join("target").join("native");
    let mut built = BUILT.lock().unwrap();
    if !built.iter().any(|b| b == name) {
        let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        let status = cargo
            .current_dir(workspace())
            .args(["build", "-p", "vfd-test-guests", "--bin", name])
            .arg("--target-dir")
            .arg(&target_dir)
            .status()
            .expect("cannot run cargo to build a native guest");
        assert!(status.success(), "building the native guest {name} failed");
        built.push(name.to_owned());
    }
    target_dir.join("debug").join(name)
}

/// Run the native build of `name` with `args` in the fixture's `mnt`
/// directory (what the guest sees as `/data`), stdin empty.
pub fn run_native(fixture: &Fixture, name: &str, args: &[&str]) -> Output {
    let out = Command::new(native_guest(name))
        .args(args)
        .current_dir(fixture.path("mnt"))
        .stdin(std::process::Stdio::null())
        // A panic message as a wasm guest's: without a backtrace.
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    Output::of(&out)
}

/// Build `packages` for `target` in release mode under target/wasm, and
/// return where the programs are.
fn build_guests(target: &str, packages: &[&str]) -> PathBuf {
    let target_dir = workspace().join("target").join("wasm");
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .current_dir(workspace())
        .args(["build", "--release", "--target", target]);
    for package in packages {
        cargo.args(["-p", package]);
    }
    let status = cargo
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .expect("cannot run cargo to build the guest programs");
    assert!(
        status.success(),
        "building the {target} guest programs failed"
    );
    target_dir.join(target).join("release")
}

fn guest_in(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wasm"));
    assert!(path.exists(), "no guest program {}", path.display());
    path
}

pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| vfd_host::engine().unwrap())
}

/// Each guest is compiled once and shared by the tests that run it.
pub fn component(name: &str) -> Component {
    static CACHE: OnceLock<Mutex<HashMap<String, Component>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap().get(name) {
        return c.clone();
    }
    let c = Component::from_file(engine(), guest(name)).unwrap();
    cache.lock().unwrap().insert(name.to_owned(), c.clone());
    c
}

/// Each preview 1 guest is compiled once, as a core module, and shared by
/// the tests that run it.
pub fn p1_module(name: &str) -> Module {
    static CACHE: OnceLock<Mutex<HashMap<String, Module>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(m) = cache.lock().unwrap().get(name) {
        return m.clone();
    }
    let m = vfd_host::compile::module_from_file(engine(), p1_guest(name)).unwrap();
    cache.lock().unwrap().insert(name.to_owned(), m.clone());
    m
}

/// The host tree every guest test runs against (see tests/guest).
pub struct Fixture {
    pub tmp: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let mnt = root.join("mnt");
        std::fs::create_dir_all(mnt.join("sub")).unwrap();
        std::fs::create_dir_all(root.join("ro")).unwrap();
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(mnt.join("hello.txt"), "hello, vfd\n").unwrap();
        std::fs::write(mnt.join("sub/inner.txt"), "inner\n").unwrap();
        std::fs::write(root.join("ro/ro.txt"), "read only\n").unwrap();
        std::fs::write(root.join("outside/secret.txt"), "secret\n").unwrap();
        let link =
            |target: &Path, name: &str| std::os::unix::fs::symlink(target, mnt.join(name)).unwrap();
        link(&root.join("outside/secret.txt"), "abs-link");
        link(Path::new("../outside/secret.txt"), "rel-out");
        link(Path::new("loop-b"), "loop-a");
        link(Path::new("loop-a"), "loop-b");
        link(Path::new("sub/inner.txt"), "inner-link");
        Fixture { tmp }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// Nothing outside the mounts was touched: the one file there is intact
    /// and nothing was added next to it.
    pub fn assert_outside_untouched(&self) {
        let outside = self.path("outside");
        let names: Vec<_> = std::fs::read_dir(&outside)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["secret.txt"], "files appeared outside the mount");
        assert_eq!(
            std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
            "secret\n"
        );
    }

    /// The table the tests give the guest: `/data` read-write, `/ro`
    /// read-only, stdout and stderr into host files.
    pub fn vfd(&self, stdout: &std::fs::File, stderr: &std::fs::File) -> vfd_host::VfdCtxBuilder {
        let mut b = VfdCtx::builder();
        b.mount(self.path("mnt"), "/data", MountPerms::ReadWrite)
            .unwrap();
        b.mount(self.path("ro"), "/ro", MountPerms::ReadOnly)
            .unwrap();
        b.stdout_borrowed(stdout.as_fd()).unwrap();
        b.stderr_borrowed(stderr.as_fd()).unwrap();
        b
    }
}

/// Run `name` with `args` through the host library, with the fixture's
/// table changed by `configure`.
pub fn run_lib_with(
    fixture: &Fixture,
    name: &str,
    args: &[&str],
    configure: impl FnOnce(&mut vfd_host::VfdCtxBuilder),
) -> Output {
    run_lib_env(fixture, name, args, &[], configure)
}

/// The environment variable that makes a test guest list its checks
/// instead of running them (`LIST_CHECKS_VAR` in tests/guest).
const LIST_CHECKS_VAR: &str = "VFD_TEST_LIST_CHECKS";

/// The checks the test guest `name` runs with `args`, in order, as the
/// guest itself lists them: each test expects every one of them to pass,
/// so a check's name is written once, in its guest.
pub fn listed_checks(name: &str, args: &[&str]) -> Vec<String> {
    let fixture = Fixture::new();
    let out = run_lib_env(&fixture, name, args, &[(LIST_CHECKS_VAR, "1")], |_| {});
    assert_eq!(
        out.code, 0,
        "{name} could not list its checks: {}",
        out.stderr
    );
    let checks: Vec<String> = out
        .stdout
        .lines()
        .map(|line| match line.strip_prefix("check ") {
            Some(check) => check.to_owned(),
            None => panic!("{name} listed {line:?}, not a check"),
        })
        .collect();
    assert!(!checks.is_empty(), "{name} lists no checks");
    checks
}

/// [`run_lib_with`] with environment variables for the guest.
fn run_lib_env(
    fixture: &Fixture,
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
    configure: impl FnOnce(&mut vfd_host::VfdCtxBuilder),
) -> Output {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let mut builder = fixture.vfd(&out, &err);
    configure(&mut builder);
    let vfd = builder.build().unwrap();
    let wasi_err = MemoryOutputPipe::new(1 << 20);
    let wasi = WasiCtx::builder()
        .args(&[name])
        .args(args)
        .envs(env)
        .stderr(wasi_err.clone())
        .build();
    let code = vfd_host::run_command(engine(), &component(name), wasi, vfd)
        .unwrap_or_else(|e| panic!("guest {name} trapped: {e:?}"));
    let mut stderr = read_all(err);
    stderr.push_str(&String::from_utf8_lossy(&wasi_err.contents()));
    Output {
        code,
        stdout: read_all(out),
        stderr,
    }
}

pub fn run_lib(fixture: &Fixture, name: &str, args: &[&str]) -> Output {
    run_lib_with(fixture, name, args, |_| {})
}

/// Everything written to `f`, from its start.
pub fn read_all(mut f: std::fs::File) -> String {
    use std::io::{Read, Seek};
    f.rewind().unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// The `vfd` command, with the fixture's mounts.
pub fn vfd_cli(fixture: &Fixture) -> Command {
    let mut cmd = vfd();
    cmd.arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", fixture.path("mnt").display()))
        .arg("--dir-ro")
        .arg(format!("{}::/ro", fixture.path("ro").display()));
    cmd
}

/// Run `name` with `args` through `vfd run`.
pub fn run_cli(fixture: &Fixture, name: &str, args: &[&str]) -> Output {
    run_cli_with(fixture, &[], name, args)
}

/// Run `name` with `args` through `vfd run` with extra `flags`.
pub fn run_cli_with(fixture: &Fixture, flags: &[&str], name: &str, args: &[&str]) -> Output {
    let out = vfd_cli(fixture)
        .args(flags)
        .arg(guest(name))
        .args(args)
        .output()
        .unwrap();
    Output::of(&out)
}

/// The wasm layer the composed mode plugs in: the one built into vfd
/// (host/build.rs), which is what `vfd compose` uses.
pub fn layer() -> &'static [u8] {
    vfd_cli::compose::require_embedded_layer().unwrap_or_else(|e| panic!("{e:#}"))
}

/// `name` composed with the layer, as `vfd compose` writes it, once per
/// guest.
pub fn composed_bytes(name: &str) -> std::sync::Arc<Vec<u8>> {
    type Cache = Mutex<HashMap<String, std::sync::Arc<Vec<u8>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(bytes) = cache.lock().unwrap().get(name) {
        return bytes.clone();
    }
    let guest = std::fs::read(guest(name)).unwrap();
    let bytes = vfd_cli::compose::compose(&guest, layer())
        .unwrap_or_else(|e| panic!("cannot compose {name}: {e:#}"));
    let bytes = std::sync::Arc::new(bytes);
    cache.lock().unwrap().insert(name.to_owned(), bytes.clone());
    bytes
}

/// `name` composed with the layer and compiled, once per guest.
pub fn composed(name: &str) -> Component {
    static CACHE: OnceLock<Mutex<HashMap<String, Component>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap().get(name) {
        return c.clone();
    }
    let c = Component::new(engine(), &*composed_bytes(name)).unwrap();
    cache.lock().unwrap().insert(name.to_owned(), c.clone());
    c
}

/// Run a wasi:cli command under wasmtime-wasi p2 and nothing else, and
/// return its exit status as `vfd_host::run_command` does.
pub fn run_plain(component: &Component, wasi: WasiCtx) -> wasmtime::Result<i32> {
    crate::plain::run_plain(engine(), component, wasi)
}

/// The WASI context the composed mode gives a guest, as `wasmtime run`
/// would: the fixture's `mnt` preopened read-write at /data and `ro`
/// read-only at /ro (`--dir`), TCP and UDP usable but no address granted
/// (the CLI's defaults until `-S inherit-network`), stdout and stderr
/// captured.
pub fn composed_wasi(
    fixture: &Fixture,
    name: &str,
    args: &[&str],
) -> (WasiCtxBuilder, MemoryOutputPipe, MemoryOutputPipe) {
    let stdout = MemoryOutputPipe::new(64 << 20);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let mut b = WasiCtx::builder();
    b.args(&[name])
        .args(args)
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .allow_tcp(true)
        .allow_udp(true);
    b.preopened_dir(fixture.path("mnt"), "/data", FsPerms::ReadWrite)
        .unwrap();
    b.preopened_dir(fixture.path("ro"), "/ro", FsPerms::ReadOnly)
        .unwrap();
    (b, stdout, stderr)
}

/// Run `name` with `args` composed with the layer, under plain
/// wasmtime-wasi, with the fixture's WASI context changed by `configure`
/// (a network grant, stdin).
pub fn run_composed_with(
    fixture: &Fixture,
    name: &str,
    args: &[&str],
    configure: impl FnOnce(&mut WasiCtxBuilder),
) -> Output {
    let (mut b, stdout, stderr) = composed_wasi(fixture, name, args);
    configure(&mut b);
    let code = run_plain(&composed(name), b.build())
        .unwrap_or_else(|e| panic!("composed guest {name} trapped: {e:?}"));
    Output {
        code,
        stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
    }
}

/// Run `name` with `args` composed with the layer, under plain
/// wasmtime-wasi.
pub fn run_composed(fixture: &Fixture, name: &str, args: &[&str]) -> Output {
    run_composed_with(fixture, name, args, |_| {})
}

/// The `vfd` command, with its compiled-code cache in the tests' own
/// directory ([`code_cache`]) rather than the user's.
pub fn vfd() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vfd"));
    cmd.env("XDG_CACHE_HOME", code_cache());
    cmd
}

/// `XDG_CACHE_HOME` for the `vfd` commands the tests run: shared by them
/// all, so each guest is compiled once per test build.
pub fn code_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cache")
}

/// What a finished command printed on its stdout.
pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a finished command printed on its stderr.
pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
