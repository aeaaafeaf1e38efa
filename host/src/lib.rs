//! vfd-host: POSIX-style virtual file descriptors for WebAssembly guests.
//!
//! Each guest gets its own descriptor table: small integer fds allocated
//! lowest-free first, `dup`/`dup2`/`dup3`/`F_DUPFD`, duplicates that share
//! one open description (offset, append, non-blocking), close-on-exec per
//! number. Entries map to real host files, directories and descriptors; the
//! guest reaches them through the `vfd:posix` WIT package.
//!
//! Embed it next to wasmtime-wasi, in the same `Linker` and `Store`:
//!
//! ```no_run
//! use vfd_host::{MountPerms, VfdCtx, VfdView};
//! use wasmtime::component::{Linker, ResourceTable};
//! use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
//!
//! struct State {
//!     wasi: WasiCtx,
//!     table: ResourceTable,
//!     vfd: VfdCtx,
//! }
//! impl WasiView for State {
//!     fn ctx(&mut self) -> WasiCtxView<'_> {
//!         WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
//!     }
//! }
//! impl VfdView for State {
//!     fn vfd(&mut self) -> &mut VfdCtx {
//!         &mut self.vfd
//!     }
//! }
//!
//! # fn main() -> anyhow::Result<()> {
//! let engine = vfd_host::engine()?;
//! let mut linker = Linker::<State>::new(&engine);
//! // wasmtime-wasi and vfd; the guest's wasi:cli stdout and stderr are
//! // vfd's fds 1 and 2.
//! vfd_host::add_to_linker_with_wasi(&mut linker)?;
//! let vfd = VfdCtx::builder()
//!     .mount("./data", "/data", MountPerms::ReadWrite)?
//!     .max_fds(256)
//!     .build()?;
//! // Like `Component::from_file`, but leaves no compiler threads behind.
//! let component = vfd_host::compile::from_file(&engine, "guest.wasm")?;
//! # Ok(())
//! # }
//! ```
//!
//! Compile guests with [`compile`] in a host that has no threads of its
//! own: in a single-threaded process Linux skips a file reference per
//! descriptor call and, for `read`, `write` and `lseek`, the file's
//! position lock (45 to 60 ns per call here). wasmtime-wasi's tokio
//! runtime brings threads of its own once the guest blocks on a `wasi:io`
//! stream (a `println!` to `wasi:cli` stdout) or uses `wasi:filesystem`
//! (see [`compile`]).

pub mod bindings;
mod command;
pub mod compile;
mod ctx;
mod description;
mod descriptors;
mod descriptors_linker;
mod errno;
mod handles;
mod handles_linker;
mod io_linker;
mod linker;
mod mounts;
mod net_policy;
mod object;
pub mod p1;
mod pipes;
mod poll;
mod run_limits;
mod sockets;
pub mod trace;
mod view;
mod wasi_stdio;
/// The descriptor table, shared with the wasm build of the layer.
pub use vfd_core::table;

pub use command::{CommandCtx, run_command, run_command_within, run_module, run_module_within};
pub use ctx::{FIRST_PREOPEN, VfdCtx, VfdCtxBuilder};
pub use errno::name as errno_name;
pub use handles::Handle;
pub use linker::{VfdView, add_to_linker, add_to_linker_with_wasi, engine, engine_config};
pub use mounts::{MountPerms, NAME_MAX, PATH_MAX};
pub use net_policy::{AddrPattern, NetPolicy, PatternError};
pub use object::Stdio;
pub use run_limits::{LimitReached, RunLimits};
pub use table::{DEFAULT_MAX_FDS, MAX_MAX_FDS};
pub use vfd_core::limits::{MAX_HANDLES, MAX_READ_LEN};
pub use vfd_core::paths::AT_FDCWD;
pub use view::{Access, DescriptionInfo, DescriptorInfo, FileType, ObjectInfo};

/// A host pipe, as (read end, write end), to hand one end each to two
/// guests (a pipeline): `insert` the write end into one guest's table and
/// the read end into the other's.
pub fn pipe() -> std::io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    Ok(rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?)
}
