//! Builds the wasm layer (`layer/`, package `vfd-layer`) for wasm32-wasip2
//! and leaves its component in `OUT_DIR/vfd_layer.wasm`, which
//! `src/compose.rs` embeds for `vfd compose`.
//!
//! The layer is built by a nested `cargo build` into its own target
//! directory (`target/layer`): the outer cargo holds the lock on the default
//! one, so sharing it would deadlock. The outer build's settings that are
//! meant for host code (RUSTFLAGS from a fuzzer's sanitizers, clippy's rustc
//! wrapper, a target dir) are kept out of the nested one.
//!
//! Not being able to build the layer never fails the host build: the file
//! is left empty, cargo prints a warning, and `vfd compose` says what to do.
//! `VFD_LAYER_WASM=PATH` embeds a layer built elsewhere instead.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";
const PACKAGE: &str = "vfd-layer";
const ARTIFACT: &str = "vfd_layer.wasm";

/// Variables of the outer build that must not reach the nested one.
const OUTER_ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_TARGET",
];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let embedded = out.join(ARTIFACT);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=VFD_LAYER_WASM");
    let status = match layer() {
        Ok(path) => match std::fs::copy(&path, &embedded) {
            Ok(_) => format!("embedded {}", path.display()),
            Err(e) => missing(&embedded, &format!("cannot copy {}: {e}", path.display())),
        },
        Err(Skip::Quiet(why)) => {
            write_empty(&embedded);
            why
        }
        Err(Skip::Warn(why)) => missing(&embedded, &why),
    };
    println!(
        "cargo:rustc-env=VFD_LAYER_STATUS={}",
        status.replace('\n', " ")
    );
}

enum Skip {
    /// A build that has no use for the layer (a fuzzer's, miri's).
    Quiet(String),
    /// A build that should have had it.
    Warn(String),
}

/// The layer's component: the one `VFD_LAYER_WASM` names, or a fresh build.
fn layer() -> Result<PathBuf, Skip> {
    if let Some(path) = env::var_os("VFD_LAYER_WASM") {
        let path = PathBuf::from(path);
        println!("cargo:rerun-if-changed={}", path.display());
        return match path.is_file() {
            true => Ok(path),
            false => Err(Skip::Warn(format!(
                "VFD_LAYER_WASM={} is not a file",
                path.display()
            ))),
        };
    }
    // cargo-fuzz builds with `--cfg fuzzing` and sanitizers on a nightly
    // toolchain: building the layer there would only rebuild target/layer
    // with another compiler.
    if env::var_os("CARGO_CFG_FUZZING").is_some() || env::var_os("CARGO_CFG_MIRI").is_some() {
        return Err(Skip::Quiet("not built in a fuzzing or miri build".into()));
    }
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let workspace = manifest.parent().expect("host/ is inside the workspace");
    // Adding the crate to the workspace changes the root manifest.
    println!(
        "cargo:rerun-if-changed={}",
        workspace.join("Cargo.toml").display()
    );
    if !workspace.join("layer/Cargo.toml").is_file() {
        return Err(Skip::Warn("this source tree has no layer/ crate".into()));
    }
    for dir in ["layer", "table", "wit"] {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }
    if !target_installed()? {
        return Err(Skip::Warn(format!(
            "the {TARGET} target is not installed (rustup target add {TARGET})"
        )));
    }

    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
        .join("layer");
    let mut cargo = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .current_dir(workspace)
        .args(["build", "--release", "--target", TARGET, "-p", PACKAGE])
        .arg("--target-dir")
        .arg(&target_dir);
    for name in OUTER_ENV {
        cargo.env_remove(name);
    }
    let output = cargo
        .output()
        .map_err(|e| Skip::Warn(format!("cannot run cargo: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error"))
            .take(5)
            .collect();
        return Err(Skip::Warn(format!(
            "building {PACKAGE} for {TARGET} failed ({}): {}",
            output.status,
            errors.join(" / ")
        )));
    }
    let artifact = target_dir.join(TARGET).join("release").join(ARTIFACT);
    match artifact.is_file() {
        true => Ok(artifact),
        false => Err(Skip::Warn(format!(
            "{PACKAGE} built, but {} is missing",
            artifact.display()
        ))),
    }
}

/// Whether the toolchain building us has the wasm32-wasip2 standard
/// library. When it has not, the build script is run again once
/// `rustup target add` has changed the toolchain's component list.
fn target_installed() -> Result<bool, Skip> {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| Skip::Warn(format!("cannot run rustc: {e}")))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let rustlib = sysroot.join("lib").join("rustlib");
    let components = rustlib.join("components");
    if components.is_file() {
        println!("cargo:rerun-if-changed={}", components.display());
    }
    Ok(rustlib.join(TARGET).join("lib").is_dir())
}

/// No layer: an empty file to embed, and a warning saying why.
fn missing(embedded: &Path, why: &str) -> String {
    write_empty(embedded);
    println!("cargo:warning=vfd compose will need --layer: no wasm layer embedded: {why}");
    format!("no layer embedded: {why}")
}

fn write_empty(path: &Path) {
    std::fs::write(path, b"").expect("cannot write to OUT_DIR");
}
