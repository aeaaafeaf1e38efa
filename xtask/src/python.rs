//! `cargo xtask python-app DIR OUT`: build the Python app in DIR (its
//! `app` module exports `wasi:cli/run`) into the component OUT, with the
//! `vfd` package (python/vfd) beside it, against the world of
//! python/wit/app.wit.

use crate::{host_target_dir, metadata, root, run, tools};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The WIT folder componentize-py reads: python/wit/app.wit, with vfd's
/// package and the WASI packages it refers to as `deps/`. The WASI ones
/// are those of the wasmtime-wasi vfd is built on, read from its crate,
/// so the app's imports are the ones the host provides.
pub fn wit_dir() -> Result<PathBuf> {
    let dir = host_target_dir()?.join("python-wit");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
    }
    let deps = dir.join("deps");
    copy_wit(&root().join("python/wit"), &dir)?;
    copy_wit(&root().join("wit"), &deps.join("vfd"))?;
    let wasi = wasmtime_wasi_dir()?.join("src/p2/wit/deps");
    for entry in std::fs::read_dir(&wasi).with_context(|| format!("{}", wasi.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_stem().and_then(|n| n.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "wit") {
            let into = deps.join(name);
            std::fs::create_dir_all(&into)?;
            std::fs::copy(&path, into.join(path.file_name().unwrap()))?;
        }
    }
    Ok(dir)
}

/// Every `.wit` file of `from`, into `to`.
fn copy_wit(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("{}", from.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wit") {
            std::fs::copy(&path, to.join(path.file_name().unwrap()))?;
        }
    }
    Ok(())
}

/// The source folder of the wasmtime-wasi crate in the build, as cargo
/// reports it.
fn wasmtime_wasi_dir() -> Result<PathBuf> {
    let meta = metadata(&[])?;
    let manifest = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "wasmtime-wasi")
        .and_then(|p| p["manifest_path"].as_str())
        .context("wasmtime-wasi is not in the build")?;
    Ok(PathBuf::from(manifest).parent().unwrap().to_path_buf())
}

/// `cargo xtask python-app DIR OUT`.
pub fn python_app(args: &[String]) -> Result<()> {
    let [app, out] = args else {
        bail!("usage: cargo xtask python-app DIR OUT.wasm (DIR holds the module `app`)");
    };
    let componentize_py = tools::componentize_py()?;
    let wit = wit_dir()?;
    run(
        &format!("build {app} into {out} with componentize-py"),
        std::process::Command::new(componentize_py)
            .arg("-d")
            .arg(&wit)
            .args(["-w", "app", "componentize", "app", "-p"])
            .arg(app)
            .arg("-p")
            .arg(root().join("python"))
            .arg("-o")
            .arg(out),
    )
}
