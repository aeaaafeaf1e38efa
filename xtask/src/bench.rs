//! `cargo xtask bench [--quick] [--reps N] [--rows ROW,...]`: build the
//! benchmark workloads and the runner in release mode, and run them.
//!
//! Everything is built in `target/bench`, away from `target/`, so the long
//! release build of wasmtime does not hold the lock of the debug builds.
//! A full run rewrites the generated part of BENCHMARKS.md; `--quick`
//! (tiny iteration counts, one repetition: what CI runs) and a run of
//! some `--rows` only print.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

use crate::{cargo, ensure_wasm_targets, root, run};

const WORKLOADS: &str = "vfd-bench-workloads";
const WASIP1: &str = "wasm32-wasip1";
const WASIP2: &str = "wasm32-wasip2";

fn bench_target_dir() -> PathBuf {
    root().join("target").join("bench")
}

/// `cargo build --release --target-dir target/bench` with `args`.
fn build(what: &str, args: &[&str]) -> Result<()> {
    run(
        what,
        cargo()
            .args(["build", "--release", "--target-dir"])
            .arg(bench_target_dir())
            .args(args),
    )
}

pub fn bench(args: &[String]) -> Result<()> {
    let mut quick = false;
    let mut some_rows = false;
    let mut runner_args = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--reps" | "--rows" => {
                let value = it.next().with_context(|| format!("{arg} needs a value"))?;
                runner_args.extend([arg.clone(), value.clone()]);
                some_rows |= arg == "--rows";
            }
            _ => bail!("usage: cargo xtask bench [--quick] [--reps N] [--rows ROW,...]"),
        }
    }
    ensure_wasm_targets(&[WASIP2, WASIP1])?;
    build(
        "build the native workload (release)",
        &["-p", WORKLOADS, "--bin", "std-workload"],
    )?;
    build(
        "build the std and vfd workloads for wasm32-wasip2 (release)",
        &["-p", WORKLOADS, "--target", WASIP2, "--bins"],
    )?;
    build(
        "build the std workload for wasm32-wasip1 (release)",
        &["-p", WORKLOADS, "--target", WASIP1, "--bin", "std-workload"],
    )?;
    build("build the benchmark runner (release)", &["-p", "vfd-bench"])?;
    let dir = bench_target_dir();
    let command = std::iter::once("cargo xtask bench".to_owned())
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let mut runner = Command::new(dir.join("release/vfd-bench"));
    runner
        .current_dir(root())
        .arg("--native")
        .arg(dir.join("release/std-workload"))
        .arg("--vfd")
        .arg(dir.join(WASIP2).join("release/vfd-workload.wasm"))
        .arg("--p2")
        .arg(dir.join(WASIP2).join("release/std-workload.wasm"))
        .arg("--p1")
        .arg(dir.join(WASIP1).join("release/std-workload.wasm"))
        .args(["--command", &command])
        .args(&runner_args);
    if quick {
        runner.arg("--quick");
    }
    if !quick && !some_rows {
        runner.arg("--markdown").arg(root().join("BENCHMARKS.md"));
    }
    run("run the benchmarks", &mut runner)
}
