//! Project automation, run as `cargo xtask <task>`.
//!
//! - `test`: every test CI runs: formatting, clippy (host and wasm),
//!   rustdoc, the guest programs, the unit and end-to-end tests.
//! - `demo`: build the examples and run each with a short narration.
//! - `bench`: build in release mode and run the benchmarks (BENCHMARKS.md).

mod bench;
mod python;
mod tools;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-wasip2";
const GUEST_PACKAGES: [&str; 4] = ["vfd", "vfd-examples", "vfd-test-guests", "vfd-layer"];
/// WASI preview 1: the guest library's build for core modules, and the
/// std programs that vfd runs as core modules (the end-to-end tests build
/// them).
const P1_TARGET: &str = "wasm32-wasip1";
const P1_GUEST_PACKAGES: [&str; 2] = ["vfd", "vfd-p1-guests"];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("demo") => demo(),
        Some("bench") => bench::bench(&args[1..]),
        Some("python-app") => python::python_app(&args[1..]),
        _ => bail!(
            "usage: cargo xtask <test|demo|bench|python-app>\n  test  run every check and test (what CI runs)\n  demo  build and run the examples, with a narration\n  bench build in release mode and run the benchmarks [--quick] [--reps N] [--rows ROW,...]\n  python-app DIR OUT.wasm  build a Python app (module `app` in DIR) with vfd's package, by componentize-py"
        ),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Where cargo puts host builds: `target/` unless `CARGO_TARGET_DIR`,
/// `build.target-dir` or another setting moves it, as cargo itself reports.
fn host_target_dir() -> Result<PathBuf> {
    metadata(&["--no-deps"])?["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata gave no target_directory")
}

/// `cargo metadata` with `args`, as JSON.
fn metadata(args: &[&str]) -> Result<serde_json::Value> {
    let out = cargo()
        .arg("metadata")
        .args(args)
        .args(["--format-version", "1"])
        .output()
        .context("cannot run cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_slice(&out.stdout).context("cargo metadata printed no JSON")
}

/// Guests get their own target directory: the end-to-end tests build them
/// from inside `cargo test`, while the outer build holds the default one.
fn wasm_target_dir() -> PathBuf {
    root().join("target").join("wasm")
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

fn run(what: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: {what}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start: {cmd:?}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Add each of `targets` that rustup does not have yet.
fn ensure_wasm_targets(targets: &[&str]) -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm targets")?;
    let installed = String::from_utf8_lossy(&out.stdout);
    for target in targets {
        if !installed.lines().any(|l| l.trim() == *target) {
            run(
                &format!("add the {target} target"),
                Command::new("rustup").args(["target", "add", target]),
            )?;
        }
    }
    Ok(())
}

/// `cargo SUBCOMMAND` for `packages`, built for `target` in the guests'
/// target directory.
fn wasm_cargo(subcommand: &str, target: &str, packages: &[&str]) -> Command {
    let mut cmd = cargo();
    cmd.arg(subcommand)
        .args(["--target", target, "--target-dir"])
        .arg(wasm_target_dir());
    for p in packages {
        cmd.args(["-p", p]);
    }
    cmd
}

fn build_guests() -> Result<()> {
    run(
        "build the guest programs for wasm32-wasip2",
        wasm_cargo("build", WASM_TARGET, &GUEST_PACKAGES).arg("--release"),
    )
}

fn test() -> Result<()> {
    ensure_wasm_targets(&[WASM_TARGET, P1_TARGET])?;
    run(
        "check formatting",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    run(
        "clippy (host)",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "clippy (wasm32-wasip2)",
        wasm_cargo("clippy", WASM_TARGET, &GUEST_PACKAGES).args(["--", "-D", "warnings"]),
    )?;
    run(
        "clippy (wasm32-wasip1)",
        wasm_cargo("clippy", P1_TARGET, &P1_GUEST_PACKAGES).args(["--", "-D", "warnings"]),
    )?;
    // Broken links in the docs of the two published libraries fail the
    // run: the host's, and the guest library's as it is built (for wasm).
    run(
        "rustdoc, warnings denied (vfd-core, vfd-host)",
        cargo().env("RUSTDOCFLAGS", "-D warnings").args([
            "doc",
            "--no-deps",
            "--lib",
            "-p",
            "vfd-core",
            "-p",
            "vfd-host",
        ]),
    )?;
    for target in [WASM_TARGET, P1_TARGET] {
        run(
            &format!("rustdoc, warnings denied (vfd, for {target})"),
            cargo()
                .env("RUSTDOCFLAGS", "-D warnings")
                .args(["doc", "--no-deps", "--lib", "-p", "vfd", "--target", target])
                .arg("--target-dir")
                .arg(wasm_target_dir()),
        )?;
    }
    build_guests()?;
    let wasmtime = tools::wasmtime_cli()?;
    let componentize_py = tools::componentize_py()?;
    let python_wit = python::wit_dir()?;
    // One feature set for every step, so nothing is built twice: the
    // fuzz driver's proptest stand-in (VFD_FUZZ_CASES sequences) runs with
    // the rest.
    run(
        "unit, end-to-end, differential, fuzz stand-in and doc tests",
        cargo()
            .env("VFD_WASMTIME", &wasmtime)
            .env("VFD_COMPONENTIZE_PY", &componentize_py)
            .env("VFD_PYTHON_WIT", &python_wit)
            .args(["test", "--workspace"]),
    )?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

fn demo() -> Result<()> {
    ensure_wasm_targets(&[WASM_TARGET])?;
    build_guests()?;
    run(
        "build the vfd command and the embedding example",
        cargo().args(["build", "-p", "vfd-cli", "-p", "vfd-host-examples"]),
    )?;
    let binaries = host_target_dir()?.join("debug");
    let vfd = binaries.join("vfd");
    let guests = wasm_target_dir().join(WASM_TARGET).join("release");
    let scratch = tempdir()?;
    std::fs::create_dir_all(scratch.join("sub"))?;
    std::fs::write(scratch.join("hello.txt"), "hello, vfd\n")?;
    std::fs::write(scratch.join("sub/inner.txt"), "inner\n")?;
    let data = format!("{}::/data", scratch.display());

    /// One example run: the program, what it shows, `vfd run` flags, arguments.
    struct Step(
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    );
    let steps = [
        Step(
            "cat",
            "cat: read host files through a mount and copy them to fd 1",
            &[],
            &["/data/hello.txt", "/data/sub/inner.txt"],
        ),
        Step(
            "redirect",
            "redirect: dup2 a file onto fd 1, print, restore fd 1 from a saved dup",
            &[],
            &[],
        ),
        Step(
            "shared-offset",
            "shared-offset: two dups share one offset; two opens do not",
            &[],
            &[],
        ),
        Step(
            "closefd",
            "closefd: owning and borrowing wrappers; a stale close is refused (--dev reports it)",
            &["--dev"],
            &[],
        ),
        Step(
            "lockfile",
            "lockfile: O_CREAT|O_EXCL as a lock; the second attempt gets AlreadyExists",
            &[],
            &[],
        ),
        Step(
            "append",
            "append: one read+append description, like Python's \"ab+\"",
            &[],
            &[],
        ),
        Step(
            "pipeline",
            "pipeline: a non-blocking pipe inside one guest, drained with poll, EOF after the writer closes",
            &[],
            &[],
        ),
        Step(
            "redirect-to-pipe",
            "redirect-to-pipe: dup2 a pipe onto fd 1 and read back what was printed",
            &[],
            &[],
        ),
    ];
    for Step(name, narration, flags, args) in steps {
        println!("\n== {narration}");
        let shown_flags: String = flags.iter().map(|f| format!("{f} ")).collect();
        println!(
            "$ vfd run {shown_flags}--dir {data} {name}.wasm {}",
            args.join(" ")
        );
        let status = Command::new(&vfd)
            .arg("run")
            .args(flags)
            .args(["--dir", &data])
            .arg(guests.join(format!("{name}.wasm")))
            .args(args)
            .status()?;
        if !status.success() {
            bail!("example {name} failed ({status})");
        }
    }
    println!(
        "\n== embed: a host application builds the table itself (two mounts, its stdout lent) and runs cat"
    );
    let status = Command::new(binaries.join("embed"))
        .arg(guests.join("cat.wasm"))
        .status()?;
    if !status.success() {
        bail!("the embedding example failed ({status})");
    }
    echo_server_demo(&vfd, &guests.join("echo-server.wasm"))?;
    println!("\n== two-guest-pipeline: two guests in one host, cat | upper, joined by a host pipe");
    let status = Command::new(binaries.join("two-guest-pipeline"))
        .arg(guests.join("cat.wasm"))
        .arg(guests.join("upper.wasm"))
        .arg(&scratch)
        .arg("hello.txt")
        .status()?;
    if !status.success() {
        bail!("the pipeline example failed ({status})");
    }
    std::fs::remove_dir_all(&scratch).ok();
    Ok(())
}

/// Socket activation: vfd binds a listener and hands it to the guest at
/// fd 3; the demo is the client.
fn echo_server_demo(vfd: &Path, wasm: &Path) -> Result<()> {
    use std::io::{BufRead, BufReader, Read, Write};
    println!(
        "\n== echo-server: socket activation, a host listener handed in at fd 3; two clients in turn"
    );
    println!("$ vfd run --fd 3=tcp-listen:127.0.0.1:0 echo-server.wasm --fd3 --clients 2");
    let mut child = Command::new(vfd)
        .args(["run", "--fd", "3=tcp-listen:127.0.0.1:0"])
        .arg(wasm)
        .args(["--fd3", "--clients", "2"])
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut out = BufReader::new(child.stdout.take().context("no stdout")?);
    let mut first = String::new();
    out.read_line(&mut first)?;
    print!("{first}");
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .context("the server did not announce its address")?;
    for line in ["hello, server\n", "second client here\n"] {
        let mut client = std::net::TcpStream::connect(addr)?;
        client.set_read_timeout(Some(std::time::Duration::from_secs(20)))?;
        client.write_all(line.as_bytes())?;
        client.shutdown(std::net::Shutdown::Write)?;
        let mut echoed = String::new();
        client.read_to_string(&mut echoed)?;
        println!("(the client sent {line:?} and got back {echoed:?})");
    }
    let mut rest = String::new();
    out.read_to_string(&mut rest)?;
    print!("{rest}");
    let status = child.wait()?;
    if !status.success() {
        bail!("example echo-server failed ({status})");
    }
    Ok(())
}

/// A fresh scratch directory for the demo's files.
fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("vfd-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
