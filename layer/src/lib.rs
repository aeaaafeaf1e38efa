//! vfd-layer: vfd as a wasm component, for runtimes that cannot load host
//! code (`wasmtime run`).
//!
//! The component exports every `vfd:posix` interface (the `layer` world
//! of `wit/layer.wit`) and imports only standard WASI 0.2. Composed with a
//! guest (`vfd compose`), it gives the guest vfd's descriptor model with
//! nothing but wasi:* left to import.
//!
//! It also exports the WASI interfaces through which the guest's own
//! standard I/O flows (`layer/wit/composed.wit`): `wasi:cli` stdin, stdout
//! and stderr are descriptors 0, 1 and 2 of its table, so std's
//! `println!` follows a `dup2` as on Linux. See the `wasi` module.
//!
//! It shares the descriptor rules with the host build (the `vfd-core`
//! crate). What differs is the object layer:
//! - files and directories are wasi:filesystem descriptors, which have no
//!   offset: the open description keeps it and does positional I/O;
//! - mounts are the runtime's preopens, at their names;
//! - stdio are the wasi:cli streams;
//! - pipes and socket pairs live in memory inside the instance;
//! - poll waits on wasi:io pollables;
//! - sockets are wasi:sockets.
//!
//! Everything a guest sends is untrusted: every mistake is an errno, never
//! a trap or a panic, and no allocation is sized by the guest beyond the
//! read cap.
//!
//! # Differences from the host build
//! - Nothing is handed in: a composed guest starts with 0, 1 and 2 (the
//!   runtime's stdio) and the preopens, and its table limit comes from the
//!   `VFD_MAX_FDS` environment variable ([`MAX_FDS_VAR`]) instead of
//!   `--max-fds`.
//! - Pipes and socket pairs live inside one instance, so they cannot join
//!   two guests, and nothing can change them while a call waits: a
//!   blocking read of an empty pipe whose writer is open, a blocking write
//!   to a full pipe whose reader is open, and a `poll` with no time limit
//!   on in-memory objects only, all of which would wait for ever on Linux,
//!   fail with `again` at once.
//! - `append` writes land at the size `stat` reports, so they are atomic
//!   within the instance only; a file's `inode` is wasi:filesystem's
//!   metadata hash. Where Linux lets the filesystem decide and
//!   wasi:filesystem does not tell, the layer answers as ext4 does:
//!   SEEK_END on a directory counts from the largest offset (tmpfs says
//!   `inval`), and a seek past ext4's largest file (16 TiB less 4 KiB) is
//!   `inval` (tmpfs and xfs allow up to `loff_t`'s limit).
//! - Read-only preopens replay Linux's main checks before `rofs`, without
//!   the permission-bit (`acces`) and FIFO cases the host build adds.
//! - The network policy is the runtime's; TCP_NODELAY is remembered, not
//!   applied, and SO_REUSEADDR is what wasmtime always sets.
//! - Status flags of stdio are the layer's own: O_NONBLOCK on fd 1 does
//!   not reach the runtime's stdout. There is no dev-mode report.

#[cfg(target_arch = "wasm32")]
mod alloc;
pub mod bindings;
mod description;
mod descriptors;
mod errno;
mod handles;
mod object;
mod pipes;
mod poll;
mod sockets;
mod state;
mod wasi;

pub use object::pipe::{PIPE_BUF, PIPE_CAPACITY};
pub use state::MAX_FDS_VAR;
pub use vfd_core::limits::{MAX_HANDLES, MAX_READ_LEN, NAME_MAX, PATH_MAX};
pub use vfd_core::paths::AT_FDCWD;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: alloc::PageAlignedLarge = alloc::PageAlignedLarge;

/// The component: the type every exported interface is implemented on.
pub struct Layer;

// The exports exist in the wasm build only: on the host target (where the
// unit tests run) the crate is a plain library, and symbol names such as
// `vfd:posix/descriptors@0.1.0#open` would not even link into a native
// shared object.
#[cfg(target_arch = "wasm32")]
bindings::export!(Layer with_types_in bindings);
