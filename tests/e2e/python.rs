//! Python apps on vfd: the `vfd` package (python/vfd) built into an app by
//! componentize-py, run under `vfd run`, against CPython's own `os` on
//! Linux running the same stories (CPython is the oracle).

use crate::harness::{Fixture, stderr_of, stdout_of, vfd};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// componentize-py and the app world's WIT folder, as `cargo xtask test`
/// provides them; `None` (the test says it is skipped) under a plain
/// `cargo test`, and a failure in CI.
pub fn toolchain() -> Option<(PathBuf, PathBuf)> {
    let tools = std::env::var_os("VFD_COMPONENTIZE_PY").zip(std::env::var_os("VFD_PYTHON_WIT"));
    if tools.is_none() {
        let why = "VFD_COMPONENTIZE_PY and VFD_PYTHON_WIT are not set (cargo xtask test sets them)";
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipped: {why}");
    }
    tools.map(|(c, w)| (PathBuf::from(c), PathBuf::from(w)))
}

/// The app in the folder `dir` of the repository, built as
/// `python-NAME.wasm` in the tests' directory.
pub fn build(dir: &str, name: &str, componentize_py: &Path, wit: &Path) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("python-{name}.wasm"));
    let status = Command::new(componentize_py)
        .arg("-d")
        .arg(wit)
        .args(["-w", "app", "componentize", "app", "-p"])
        .arg(root().join(dir))
        .arg("-p")
        .arg(root().join("python"))
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "componentize-py could not build {name}");
    out
}

#[test]
fn vfd_os_tells_the_stories_as_cpython_does() {
    let Some((componentize_py, wit)) = toolchain() else {
        return;
    };
    let app = build("tests/python/stories", "stories", &componentize_py, &wit);
    let fixture = Fixture::new();
    let under_vfd = vfd()
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", fixture.path("mnt").display()))
        .arg("--allow-network")
        .arg(&app)
        .output()
        .unwrap();
    assert!(under_vfd.status.success(), "{}", stderr_of(&under_vfd));

    let native_dir = tempfile::tempdir().unwrap();
    let native = Command::new("python3")
        .arg(root().join("tests/python/stories/native.py"))
        .arg(native_dir.path())
        .output()
        .unwrap();
    assert!(native.status.success(), "{}", stderr_of(&native));
    let native = stdout_of(&native).replace(&native_dir.path().display().to_string(), "/data");
    assert_eq!(stdout_of(&under_vfd), native);
    assert!(native.ends_with("done\n"), "{native}");
}
