//! `vfd-bench`: runs the benchmark workloads in five columns and reports
//! the medians as a markdown table.
//!
//! ```text
//! vfd-bench --native BIN --vfd WASM --p2 WASM --p1 WASM
//!           [--quick] [--reps N] [--rows ROW,...] [--markdown FILE] [--command TEXT]
//! ```
//!
//! - native: `BIN` (std-workload built for the host), run as a process;
//! - vfd: `vfd-workload` as a component, through `vfd_host::run_command`;
//! - vfd composed: `vfd-workload` composed with the wasm layer embedded
//!   in vfd-host (`vfd compose`), run with wasmtime-wasi's p2 bindings
//!   alone, as `wasmtime run` would;
//! - wasmtime-wasi p2: std-workload for wasm32-wasip2, as a wasi:cli
//!   command with wasmtime-wasi's p2 bindings;
//! - wasmtime-wasi p1: std-workload for wasm32-wasip1, a core module run
//!   with wasmtime-wasi's p1.
//!
//! Every run is a process of its own: the native workload, or this
//! program again for a wasm column ([`child`]), loading the guest compiled
//! once at the start, so that no run has threads another left behind.
//! The workloads time themselves, around their loop only. For each
//! repetition, for each row, each column runs once, so drift on the
//! machine hits every column alike; each cell is the median over the
//! repetitions. Then the host-side measurements of [`extras`].

mod alloc;
mod child;
mod columns;
mod extras;
mod report;

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use vfd_bench_workloads::{DATA_FILE, DATA_LEN, OTHER_FILE, ROWS};

use crate::columns::{COLUMNS, Columns};

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

/// The command line.
pub struct Options {
    native: PathBuf,
    vfd: PathBuf,
    p2: PathBuf,
    p1: PathBuf,
    quick: bool,
    reps: usize,
    markdown: Option<PathBuf>,
    command: String,
    /// Only these rows (all if empty).
    rows: Vec<String>,
}

fn options() -> Result<Options> {
    let mut args = std::env::args().skip(1);
    let mut native = None;
    let mut vfd = None;
    let mut p2 = None;
    let mut p1 = None;
    let mut quick = false;
    let mut reps = None;
    let mut markdown = None;
    let mut command = None;
    let mut rows = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--native" => native = Some(PathBuf::from(value()?)),
            "--vfd" => vfd = Some(PathBuf::from(value()?)),
            "--p2" => p2 = Some(PathBuf::from(value()?)),
            "--p1" => p1 = Some(PathBuf::from(value()?)),
            "--quick" => quick = true,
            "--reps" => reps = Some(value()?.parse().context("--reps")?),
            "--markdown" => markdown = Some(PathBuf::from(value()?)),
            "--command" => command = Some(value()?),
            "--rows" => rows.extend(value()?.split(',').map(str::to_owned)),
            _ => bail!(
                "usage: vfd-bench --native BIN --vfd WASM --p2 WASM --p1 WASM \
                 [--quick] [--reps N] [--rows ROW,...] [--markdown FILE] [--command TEXT]"
            ),
        }
    }
    Ok(Options {
        native: native.context("--native is required")?,
        vfd: vfd.context("--vfd is required")?,
        p2: p2.context("--p2 is required")?,
        p1: p1.context("--p1 is required")?,
        quick,
        reps: reps.unwrap_or(if quick { 1 } else { 11 }),
        markdown,
        command: command.unwrap_or_else(|| "vfd-bench".to_owned()),
        rows,
    })
}

/// The medians of one row, per column (`None`: the column cannot run it).
pub struct RowResult {
    pub row: &'static vfd_bench_workloads::Row,
    pub iterations: u64,
    /// Per column, every repetition's value.
    pub samples: Vec<Vec<f64>>,
}

impl RowResult {
    /// The median of column `c`, if it ran.
    pub fn median(&self, c: usize) -> Option<f64> {
        median(&self.samples[c])
    }
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// How many iterations a row runs: its own count, or a hundredth of it
/// (at least 10) for `--quick`.
fn iterations(row: &vfd_bench_workloads::Row, quick: bool) -> u64 {
    if quick {
        (row.iterations / 100).max(10)
    } else {
        row.iterations
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(child::FLAG) {
        return child::run(&args[1..]);
    }
    let opts = options()?;
    let scratch = std::env::temp_dir().join(format!("vfd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let result = run(&opts, &scratch);
    std::fs::remove_dir_all(&scratch).ok();
    result
}

fn run(opts: &Options, scratch: &std::path::Path) -> Result<()> {
    make_files(scratch)?;
    let load_before = report::loadavg();
    eprintln!("vfd-bench: compiling the guests");
    let columns = Columns::new(opts, scratch)?;
    if let Some(bad) = opts
        .rows
        .iter()
        .find(|r| vfd_bench_workloads::find(r).is_none())
    {
        bail!("no row called {bad}");
    }
    let mut results: Vec<RowResult> = ROWS
        .iter()
        .filter(|row| opts.rows.is_empty() || opts.rows.iter().any(|r| r == row.name))
        .map(|row| RowResult {
            row,
            iterations: iterations(row, opts.quick),
            samples: vec![Vec::new(); COLUMNS.len()],
        })
        .collect();
    for rep in 0..opts.reps {
        eprintln!("vfd-bench: repetition {} of {}", rep + 1, opts.reps);
        for result in &mut results {
            for (c, column) in COLUMNS.iter().enumerate() {
                if !column.runs(result.row) {
                    continue;
                }
                let value = columns
                    .run(*column, result.row, result.iterations)
                    .with_context(|| format!("{} in the {} column", result.row.name, column.name))?
                    .with_context(|| {
                        format!(
                            "the {} column reported {} as unsupported",
                            column.name, result.row.name
                        )
                    })?;
                result.samples[c].push(value);
            }
        }
    }
    eprintln!("vfd-bench: host-side measurements");
    let extras = extras::measure(&columns, scratch, opts.quick)?;
    let load_after = report::loadavg();
    let out = report::Report {
        opts,
        results: &results,
        extras: &extras,
        load: (load_before, load_after),
    };
    print!("{}", out.tables());
    if let Some(path) = &opts.markdown {
        out.write_markdown(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("vfd-bench: wrote {}", path.display());
    }
    Ok(())
}

/// The files the read rows read: a 32 MiB file of a byte pattern (in the
/// page cache from here on) and a small second file for `dup2`.
fn make_files(dir: &std::path::Path) -> Result<()> {
    let pattern: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let mut data = Vec::with_capacity(DATA_LEN as usize);
    while (data.len() as u64) < DATA_LEN {
        data.extend_from_slice(&pattern);
    }
    std::fs::write(dir.join(DATA_FILE), &data)?;
    std::fs::write(dir.join(OTHER_FILE), &pattern[..4096])?;
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    Ok(())
}
