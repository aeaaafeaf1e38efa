//! Loading the program `vfd run` runs: compiled, or from the cache.

use crate::cache::{CodeCache, Compiled};
use anyhow::{Context, Result, bail};
use std::path::Path;
use vfd_host::compile::with_joined_threads;
use wasmtime::Engine;
use wasmtime::component::Component;

/// What a wasm binary is, from its header: after the magic number, a core
/// module has version 1 and layer 0, a component layer 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Component,
    Module,
}

impl Kind {
    pub fn of(path: &Path) -> Result<Kind> {
        use std::io::Read;
        let mut header = [0u8; 8];
        std::fs::File::open(path)?
            .read_exact(&mut header)
            .context("not a WebAssembly binary")?;
        match header {
            [0, b'a', b's', b'm', _, _, 0, 0] => Ok(Kind::Module),
            [0, b'a', b's', b'm', _, _, 1, 0] => Ok(Kind::Component),
            _ => bail!("not a WebAssembly binary (a module or a component)"),
        }
    }
}

/// A compiled program.
pub enum Program {
    Component(Component),
    Module(wasmtime::Module),
}

/// `path`, a `kind`, compiled for `engine`, through `cache` if given.
/// Compiling runs on threads that are gone before the guest runs: see
/// `vfd_host::compile`.
pub fn load(
    engine: &Engine,
    path: &Path,
    kind: Kind,
    cache: Option<&CodeCache>,
) -> Result<Program> {
    let Some(cache) = cache else {
        return Ok(match kind {
            Kind::Component => Program::Component(vfd_host::compile::from_file(engine, path)?),
            Kind::Module => Program::Module(vfd_host::compile::module_from_file(engine, path)?),
        });
    };
    let wasm = std::fs::read(path)?;
    let precompile = || {
        with_joined_threads(|| match kind {
            Kind::Component => engine.precompile_component(&wasm),
            Kind::Module => engine.precompile_module(&wasm),
        })
    };
    match cache.compiled(engine, &wasm, kind, precompile)? {
        Compiled::Cached(entry) => match deserialize_file(engine, &entry, kind) {
            Ok(program) => Ok(program),
            // An entry wasmtime refuses (damaged on disk, say) is
            // removed, for the next run to store a good one, and this run
            // compiles as with no cache.
            Err(_) => {
                std::fs::remove_file(&entry)
                    .with_context(|| format!("cannot remove {}", entry.display()))?;
                load(engine, path, kind, None)
            }
        },
        Compiled::Bytes(code) => deserialize(engine, &code, kind),
    }
}

fn deserialize_file(engine: &Engine, entry: &Path, kind: Kind) -> wasmtime::Result<Program> {
    // SAFETY: wasmtime runs deserialized code as it finds it. The entry was
    // written whole (renamed into place) by `Engine::precompile_*` of an
    // engine with the same compatibility hash, into the user's own cache
    // directory: the trust `wasmtime run` places in its cache. wasmtime
    // still checks the header, its version and the engine's settings.
    unsafe {
        Ok(match kind {
            Kind::Component => Program::Component(Component::deserialize_file(engine, entry)?),
            Kind::Module => Program::Module(wasmtime::Module::deserialize_file(engine, entry)?),
        })
    }
}

fn deserialize(engine: &Engine, code: &[u8], kind: Kind) -> Result<Program> {
    // SAFETY: `code` is what `Engine::precompile_*` of this engine gave a
    // moment ago, never written out.
    unsafe {
        Ok(match kind {
            Kind::Component => Program::Component(Component::deserialize(engine, code)?),
            Kind::Module => Program::Module(wasmtime::Module::deserialize(engine, code)?),
        })
    }
}
