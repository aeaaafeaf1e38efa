//! Compiling a component without leaving threads behind.
//!
//! Like [`Component::new`] and [`Component::from_file`], and as parallel,
//! but on a thread pool of its own that is joined before the function
//! returns. wasmtime otherwise compiles on rayon's global pool, whose
//! threads live as long as the process.
//!
//! Why it matters: while a second thread shares the process's descriptor
//! table, Linux takes a reference on the file for every system call on a
//! descriptor, and `read`, `write` and `lseek` also take the file's
//! position lock (`fdget_pos`). A single-threaded process skips both. On
//! a 2-vCPU machine one idle thread made `lseek` 60 ns dearer (178 against
//! 239 ns) and a 1-byte `pread` 45 ns dearer: a quarter of the rest of
//! vfd's cost on a small call. A host that runs other threads pays that
//! anyway; one that has none (as `vfd run`) keeps the kernel's fast path.
//!
//! # References
//!  - [fdget_pos in fs/file.c](https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/fs/file.c)

use std::path::Path;
use wasmtime::Engine;
use wasmtime::component::Component;

/// Like [`Component::new`], but compiled on threads that are gone when it
/// returns.
pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> wasmtime::Result<Component> {
    let bytes = bytes.as_ref();
    on_joined_threads(|| Component::new(engine, bytes))
}

/// Like [`Component::from_file`], but compiled on threads that are gone
/// when it returns.
pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> wasmtime::Result<Component> {
    let path = path.as_ref();
    on_joined_threads(|| Component::from_file(engine, path))
}

/// Runs `work` inside a rayon pool whose threads are joined on return, so
/// the parallel iterators wasmtime compiles with run on them.
fn on_joined_threads<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    let mut work = Some(work);
    let scoped = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("vfd-compile-{i}"))
        .build_scoped(rayon::ThreadBuilder::run, |pool| {
            let work = work.take().expect("the pool runs the work once");
            pool.install(work)
        });
    match scoped {
        Ok(result) => result,
        // No threads to be had: compile where wasmtime would have.
        Err(_) => (work.take().expect("the work did not run"))(),
    }
}
