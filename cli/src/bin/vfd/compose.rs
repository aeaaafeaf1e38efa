//! `vfd compose`: a guest and the wasm layer as one component, for
//! runtimes that cannot load vfd's host code, as `wasmtime run` cannot.
//!
//! Shaped like `wasmtime compile`: one input, `-o` for the output. The
//! result imports only what the guest and the layer import from the
//! runtime (`wasi:*`), so `wasmtime run --dir HOST::/data OUT.wasm` runs it.

use anyhow::{Context, Result};
use clap::Parser;
use std::path::PathBuf;

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
    let composed = vfd_cli::compose::compose(&guest, layer)
        .with_context(|| format!("cannot compose {}", args.guest.display()))?;
    std::fs::write(&args.output, composed)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    Ok(0)
}
