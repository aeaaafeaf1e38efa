//! `vfd compose`: a guest and the wasm layer as one component, for
//! runtimes that cannot load vfd's host code, as `wasmtime run` cannot.
//!
//! Shaped like `wasmtime compile`: one input, `-o` for the output. The
//! result imports only what the guest and the layer import from the
//! runtime (`wasi:*`), so `wasmtime run --dir HOST::/data OUT.wasm` runs it.

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use vfd_cli::compose::{Stdio, compose_with};

#[derive(Parser)]
pub struct ComposeArgs {
    /// The guest component (a wasm32-wasip2 program that imports vfd:posix).
    #[arg(value_name = "GUEST")]
    guest: PathBuf,

    /// Where to write the composed component.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,

    /// Use this build of the layer (vfd_layer.wasm) instead of the one
    /// built into vfd.
    #[arg(long, value_name = "PATH")]
    layer: Option<PathBuf>,

    /// Who serves the guest's own standard I/O (Rust's `println!`, C's
    /// `printf`, Python's `print`): `vfd`, descriptors 0, 1 and 2 of the
    /// layer's table; `runtime`, the runtime's; `auto`, vfd's when the
    /// guest can take it, else the runtime's with a note saying why.
    #[arg(long, value_enum, value_name = "WHO", default_value_t = StdioArg::Auto)]
    stdio: StdioArg,
}

/// `--stdio`.
#[derive(Clone, Copy, ValueEnum)]
enum StdioArg {
    Auto,
    Vfd,
    Runtime,
}

impl From<StdioArg> for Stdio {
    fn from(arg: StdioArg) -> Stdio {
        match arg {
            StdioArg::Auto => Stdio::Auto,
            StdioArg::Vfd => Stdio::Vfd,
            StdioArg::Runtime => Stdio::Runtime,
        }
    }
}

pub fn compose(args: ComposeArgs) -> Result<u8> {
    let guest = std::fs::read(&args.guest)
        .with_context(|| format!("cannot read {}", args.guest.display()))?;
    let given;
    let layer = match &args.layer {
        Some(path) => {
            given = std::fs::read(path)
                .with_context(|| format!("cannot read the layer {}", path.display()))?;
            &given[..]
        }
        None => vfd_cli::compose::require_embedded_layer()?,
    };
    let composed = compose_with(&guest, layer, args.stdio.into())
        .with_context(|| format!("cannot compose {}", args.guest.display()))?;
    if let (Some(why), StdioArg::Auto) = (&composed.stdio, args.stdio) {
        eprintln!("vfd: note: {why}");
    }
    std::fs::write(&args.output, composed.bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    Ok(0)
}
