//! vfd-core: every descriptor rule of vfd, once, for every front end.
//!
//! The host library (`vfd-host`), the wasm build of the layer
//! (`vfd-layer`) and the guest library (`vfd`) differ in what their
//! objects are (host descriptors through rustix and cap-std, or `wasi:*`
//! resources); the rules that do not depend on that live here, with unit
//! tests that cite the Linux behaviour each one encodes:
//!
//! - [`table`]: numbers to entries, lowest free first, the limit, and the
//!   dup family (`dup`, `dup2`, `dup3`, `F_DUPFD`) with their `fd == target`
//!   cases;
//! - [`paths`]: guest paths, mounts, `..` above them, `AT_FDCWD`;
//! - [`fs`]: the path calls (`-at` resolution, `mkdirat`, `unlinkat`,
//!   `renameat`, `fstatat`, `chdir`) in Linux's order, with their
//!   trailing-slash rules and the answers under a read-only mount, over a
//!   small [`fs::Dir`] trait each build implements;
//! - [`io`]: the offset rules of the I/O calls;
//! - [`handles`]: owning and borrowing wrappers, and the staleness rule
//!   that keeps them off a number reused behind them;
//! - [`poll`]: poll(2)'s argument rules (the limit, switched-off and
//!   unknown entries);
//! - [`net`]: the socket calls' address syntax and creation flags;
//! - [`stdio`]: the three standard streams a table starts with;
//! - [`errno`]: the errno vocabulary with its names, Linux and WASI numbers
//!   and messages, and [`errno_conversions!`] for generated bindings;
//! - [`limits`]: the limits, as named constants.
//!
//! No dependencies, no `unsafe`, no I/O: it builds for any target.

#![forbid(unsafe_code)]

pub mod errno;
pub mod fs;
pub mod handles;
pub mod io;
pub mod limits;
pub mod net;
pub mod paths;
pub mod poll;
pub mod stdio;
pub mod table;

pub use errno::Errno;
pub use stdio::Stdio;
