//! The compiled-code cache of `vfd run`: a guest compiled once is loaded
//! from disk on later runs, as `wasmtime run` does by default.
//!
//! Why not wasmtime's own cache (`Config::cache`): it starts a worker
//! thread that lives as long as the engine, and the guest would run beside
//! it, off the kernel's single-threaded fast path for descriptor calls
//! (see `vfd_host::compile`). This cache does its work before the guest
//! runs and starts no thread.
//!
//! An entry is named by a SHA-256 of the wasm bytes, what they are
//! (component or module) and the engine's compatibility hash (wasmtime's
//! version and every setting that changes compiled code, such as fuel), so
//! a stale entry is never found. Entries are written to a temporary file
//! and renamed into place, so a reader never sees a partial one. Past
//! [`MAX_CACHE_BYTES`], the least recently used entries are removed.

use crate::load::Kind;
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use wasmtime::Engine;

/// The most the cache keeps on disk (as wasmtime's cache's default soft
/// limit).
pub const MAX_CACHE_BYTES: u64 = 1 << 30;

/// The file name ending of an entry.
const ENTRY_SUFFIX: &str = ".cwasm";

/// A cache directory.
pub struct CodeCache {
    dir: PathBuf,
}

impl CodeCache {
    /// The user's cache: `$XDG_CACHE_HOME/vfd`, else `$HOME/.cache/vfd`;
    /// `None` when neither variable is set.
    pub fn user() -> Option<CodeCache> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?;
        Some(CodeCache {
            dir: base.join("vfd"),
        })
    }

    /// The compiled form of `wasm` for `engine`: the cached entry if there
    /// is one, else compiled by `precompile` and stored. The result is what
    /// `Engine::precompile_*` gives, for `deserialize_file` of the path
    /// returned. A cache that cannot be written is said once on stderr and
    /// the code compiled all the same.
    pub fn compiled(
        &self,
        engine: &Engine,
        wasm: &[u8],
        kind: Kind,
        precompile: impl FnOnce() -> wasmtime::Result<Vec<u8>>,
    ) -> Result<Compiled> {
        let path = self
            .dir
            .join(format!("{}{ENTRY_SUFFIX}", key(engine, wasm, kind)));
        if path.is_file() {
            // Recently used: eviction goes by modification time.
            let _ = fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(SystemTime::now()));
            return Ok(Compiled::Cached(path));
        }
        let code = precompile()?;
        match self.store(&path, &code) {
            Ok(()) => Ok(Compiled::Cached(path)),
            Err(e) => {
                eprintln!(
                    "vfd: warning: cannot write the compiled-code cache ({e:#}); -C cache=n turns it off"
                );
                Ok(Compiled::Bytes(code))
            }
        }
    }

    /// Put `code` at `path` whole, then make room.
    fn store(&self, path: &Path, code: &[u8]) -> Result<()> {
        fs::create_dir_all(&self.dir).with_context(|| format!("{}", self.dir.display()))?;
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)
            .with_context(|| format!("{}", self.dir.display()))?;
        std::io::Write::write_all(&mut file, code)
            .and_then(|()| file.as_file().sync_all())
            .with_context(|| format!("{}", file.path().display()))?;
        file.persist(path)
            .with_context(|| format!("{}", path.display()))?;
        self.evict(MAX_CACHE_BYTES);
        Ok(())
    }

    /// Remove the least recently used entries until they take at most
    /// `budget` bytes. Best effort: another `vfd run` may be doing the same.
    fn evict(&self, budget: u64) {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = dir
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(ENTRY_SUFFIX))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
        entries.sort();
        for (_, len, path) in entries {
            if total <= budget {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

/// Compiled code: an entry of the cache, or bytes it could not keep.
pub enum Compiled {
    Cached(PathBuf),
    Bytes(Vec<u8>),
}

/// The entry name of `wasm` compiled as `artifact` by `engine`.
fn key(engine: &Engine, wasm: &[u8], kind: Kind) -> String {
    let mut hasher = Sha256Hasher(Sha256::new());
    kind.hash(&mut hasher);
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.update(wasm);
    hasher
        .0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 as a `Hasher`, to digest the engine's `Hash`-only
/// compatibility hash.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Unused: the digest is read from the inner `Sha256`.
    fn finish(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> (tempfile::TempDir, CodeCache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = CodeCache {
            dir: dir.path().join("vfd"),
        };
        (dir, cache)
    }

    #[test]
    fn a_second_lookup_finds_the_first_ones_entry() {
        let (_dir, cache) = cache();
        let engine = Engine::default();
        let wasm = b"\0asm\x01\0\0\0";
        let first = cache
            .compiled(&engine, wasm, Kind::Module, || Ok(b"code".to_vec()))
            .unwrap();
        let Compiled::Cached(path) = first else {
            panic!("not cached");
        };
        assert_eq!(fs::read(&path).unwrap(), b"code");
        let second = cache
            .compiled(&engine, wasm, Kind::Module, || panic!("compiled twice"))
            .unwrap();
        assert!(matches!(second, Compiled::Cached(p) if p == path));
    }

    #[test]
    fn entries_differ_by_bytes_kind_and_engine() {
        let plain = Engine::default();
        let mut config = wasmtime::Config::new();
        config.consume_fuel(true);
        let fueled = Engine::new(&config).unwrap();
        let a = key(&plain, b"a", Kind::Module);
        assert_ne!(a, key(&plain, b"b", Kind::Module));
        assert_ne!(a, key(&plain, b"a", Kind::Component));
        assert_ne!(a, key(&fueled, b"a", Kind::Module));
        assert_eq!(a, key(&plain, b"a", Kind::Module));
    }

    #[test]
    fn eviction_removes_the_least_recently_used_first() {
        let (_dir, cache) = cache();
        fs::create_dir_all(&cache.dir).unwrap();
        let day = std::time::Duration::from_secs(86_400);
        for (name, age) in [("old", 3), ("mid", 2), ("new", 1)] {
            let path = cache.dir.join(format!("{name}{ENTRY_SUFFIX}"));
            fs::write(&path, [0u8; 100]).unwrap();
            let f = fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(SystemTime::now() - day * age).unwrap();
        }
        cache.evict(250);
        let mut left: Vec<String> = fs::read_dir(&cache.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [format!("mid{ENTRY_SUFFIX}"), format!("new{ENTRY_SUFFIX}")]
        );
    }
}
