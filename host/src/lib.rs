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
//! wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
//! vfd_host::add_to_linker(&mut linker)?;
//! let vfd = VfdCtx::builder()
//!     .mount("./data", "/data", MountPerms::ReadWrite)?
//!     .max_fds(256)
//!     .build()?;
//! # Ok(())
//! # }
//! ```

pub mod bindings;
mod ctx;
mod description;
mod descriptors;
mod errno;
mod handles;
mod linker;
mod mounts;
mod object;
pub mod table;

pub use ctx::{VfdCtx, VfdCtxBuilder};
pub use descriptors::{AT_FDCWD, MAX_READ_LEN};
pub use errno::name as errno_name;
pub use handles::{Handle, MAX_HANDLES};
pub use linker::{VfdView, add_to_linker, engine, engine_config};
pub use mounts::{MountPerms, NAME_MAX, PATH_MAX};
pub use object::{Ownership, Stdio};
pub use table::{DEFAULT_MAX_FDS, MAX_MAX_FDS};
