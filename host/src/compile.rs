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
//! anyway; one that has none (as `vfd run`) keeps the kernel's fast path
//! for as long as it has none. wasmtime-wasi starts the worker threads of
//! its tokio runtime on the first call it runs there: a blocking write,
//! flush or read on a `wasi:io` stream (a `println!` to `wasi:cli` stdout,
//! a read of stdin), a poll, or any `wasi:filesystem` call. A guest that
//! does its I/O through vfd's own descriptors (`vfd::println!`) stays
//! single-threaded.
//!
//! # References
//!  - [fdget_pos in fs/file.c](https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/fs/file.c)

use std::path::Path;
use wasmtime::Engine;
use wasmtime::component::Component;

/// The stack of each compiling thread: that of a process's main thread,
/// where `Component::new` would otherwise parse and translate the
/// component (rayon's default is 2 MiB).
pub const COMPILE_STACK_SIZE: usize = 8 << 20;

/// Like [`Component::new`], but compiled on threads that are gone when it
/// returns.
pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> wasmtime::Result<Component> {
    let bytes = bytes.as_ref();
    with_joined_threads(|| Component::new(engine, bytes))
}

/// Like [`Component::from_file`], but compiled on threads that are gone
/// when it returns.
pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> wasmtime::Result<Component> {
    let path = path.as_ref();
    with_joined_threads(|| Component::from_file(engine, path))
}

/// Like [`wasmtime::Module::from_file`] (a core module, such as a
/// `wasm32-wasip1` program), but compiled on threads that are gone when it
/// returns.
pub fn module_from_file(
    engine: &Engine,
    path: impl AsRef<Path>,
) -> wasmtime::Result<wasmtime::Module> {
    let path = path.as_ref();
    with_joined_threads(|| wasmtime::Module::from_file(engine, path))
}

/// Runs `compile`, any wasmtime compilation (a core `Module`, say), on a
/// rayon pool of its own whose threads are joined before this returns:
/// wasmtime's parallel iterators run on the pool they are called from.
///
/// Joined means `pthread_join`: each thread has run its thread-local
/// destructors and left, not only finished its work. (`build_scoped`
/// waits only for the latter, so a thread could still be on its way out,
/// and in the process's thread list, while the guest already runs.)
///
/// An error if the pool's threads cannot be started.
pub fn with_joined_threads<R: Send>(
    compile: impl FnOnce() -> wasmtime::Result<R> + Send,
) -> wasmtime::Result<R> {
    let mut threads = Vec::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("vfd-compile-{i}"))
        .stack_size(COMPILE_STACK_SIZE)
        .spawn_handler(|thread| {
            let mut builder = std::thread::Builder::new();
            if let Some(name) = thread.name() {
                builder = builder.name(name.to_owned());
            }
            if let Some(size) = thread.stack_size() {
                builder = builder.stack_size(size);
            }
            threads.push(builder.spawn(|| thread.run())?);
            Ok(())
        })
        .build();
    // On a failed start rayon has already told the threads it did start
    // to stop; they are joined below all the same.
    let result = pool.map(|pool| pool.install(compile));
    for thread in threads {
        // A worker's own code does not panic (rayon hands a job's panic
        // to the caller of `install`), so there is nothing to report here.
        let _ = thread.join();
    }
    result.map_err(|e| wasmtime::Error::msg(format!("cannot start the compiler's threads: {e}")))?
}
