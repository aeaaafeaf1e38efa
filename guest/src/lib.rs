//! POSIX descriptors for WebAssembly guests: `dup`, `dup2`, shared offsets,
//! close-on-exec and the rest, as Linux defines them.
//!
//! A vfd guest has its own descriptor table on the host. Each number refers
//! to an entry (whose only state is close-on-exec), each entry to an open
//! description (offset, access mode, `append` and `nonblock`, shared by
//! every duplicate), and each description to a host object. New numbers are
//! always the lowest free ones; a fresh guest holds 0, 1 and 2.
//!
//! # Targets
//!
//! The crate builds for both WASI targets, with one API but for what a
//! target cannot have (marked in the docs, and left out of that build):
//!
//! | | `wasm32-wasip2` (a component) | `wasm32-wasip1` (a core module) |
//! | --- | --- | --- |
//! | reaches the table through | the WIT package `vfd:posix` | WASI preview 1, and vfd's import module `vfd` for what preview 1 lacks (the dup family, fcntl's flags, pipes, socket pairs, poll(2), making sockets) |
//! | std's descriptors (`std::fs`, `std::net`, `std::os::fd`) | wasi-libc's own, unrelated to vfd's numbers | vfd's: one table, so a number from either works with both |
//! | std's `println!`, `eprintln!`, `stdin()` | fd 1, 2 and 0 of the table, wherever `dup2` points them: under `vfd run`, `vfd_host::add_to_linker_with_wasi` and composed with the layer | fd 1, 2 and 0 of the table, wherever `dup2` points them |
//! | paths and the current directory | vfd's (`vfd::env`), separate from std's | wasi-libc's, shared with std |
//! | `vfd::handles`, and `cabi_import_realloc` (below) | yes | no: they are the WIT's `file` resource and the component model's realloc; every read lands in the caller's buffer anyway |
//! | runs under | `vfd run`, `vfd_host`, or composed with the layer on any WASI 0.2 runtime | `vfd run` and `vfd_host::p1` (other runtimes lack the `vfd` module) |
//!
//! On wasm32-wasip2 use this crate's types throughout: they mirror std's
//! (`File`, `OwnedFd`, `BorrowedFd`...) and rustix's free functions
//! (`dup2`, `fcntl_getfl`...), over vfd's numbers.
//!
//! On wasm32-wasip1 a program can keep std for files, printing and
//! sockets, and call this crate for what std lacks: std's `File`,
//! `TcpStream`, `TcpListener`, `UdpSocket`, `OwnedFd` and stdio handles
//! are [`fd::AsFd`] too, and [`fd::OwnedFd`] converts to and from std's
//! `OwnedFd` (see [`fd`]):
//!
//! ```ignore
//! // wasm32-wasip1
//! let log = std::fs::File::create("/data/out.log")?;
//! let saved = vfd::io::dup(vfd::stdio::stdout())?;
//! vfd::stdio::dup2_stdout(&log)?; // std's File, vfd's dup2: one table
//! println!("into the log");       // std's println! writes to fd 1
//! vfd::stdio::dup2_stdout(&saved)?;
//! ```
//!
//! # Example
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! use std::io::{Read, Seek, SeekFrom, Write};
//! use vfd::fs::File;
//!
//! let mut file = File::options().read(true).write(true).create(true).open("notes.txt")?;
//! let mut twin = file.try_clone()?; // dup: one open description, one offset
//! file.write_all(b"hello")?;
//! assert_eq!(twin.stream_position()?, 5);
//!
//! twin.seek(SeekFrom::Start(0))?;
//! let mut text = String::new();
//! file.read_to_string(&mut text)?; // reads from where `twin` moved the offset
//!
//! vfd::stdio::dup2_stdout(&file)?; // fd 1 now goes to notes.txt
//! println!("appended through fd 1"); // std's own println! follows it
//! # Ok(())
//! # }
//! ```
//!
//! # Modules
//!
//! - [`fd`]: `OwnedFd`, `BorrowedFd` and the conversion traits, as `std::os::fd`.
//! - [`io`]: `read`, `write`, `dup`, `dup2`, `fcntl_*`... as `rustix::io`.
//! - [`fs`]: `File`, `OpenOptions`, `Metadata`, `read_dir`, `create_dir_all`,
//!   `remove_dir_all`, `copy`... as `std::fs`.
//! - [`stdio`]: descriptors 0, 1 and 2, and the [`print!`] family writing to them.
//! - [`pipe`]: `pipe` and `pipe_with`, as `rustix::pipe`.
//! - [`net`]: `TcpStream`, `TcpListener`, `UdpSocket` and `UnixStream`, as
//!   `std::net`, over the host's network within its policy.
//! - [`poll`](mod@poll): waiting for descriptors to become ready, as
//!   `rustix::event::poll`.
//! - [`env`](mod@env): the current directory relative paths start from.
//! - `handles`: host-checked owned or borrowed wrappers, for code ported
//!   from other languages (wasm32-wasip2 only).
//! - `bindings` (hidden): the raw WIT bindings of `vfd:posix`
//!   (wasm32-wasip2 only).
//!
//! # Reads without copies
//!
//! [`io::read`] and [`io::pread`] (and everything built on them:
//! [`fs::File`], pipes, TCP and Unix streams), and on wasm32-wasip2 reads
//! through a `handles::Handle`, have the bytes placed straight into the
//! caller's buffer, with no allocation in the guest. On wasm32-wasip2 this
//! crate exports for that the core
//! function `cabi_import_realloc`, which the component model uses to place
//! the lists that imports return; any other request it hands on to
//! `cabi_realloc` unchanged. A program can link only one such export, so
//! another library exporting `cabi_import_realloc` conflicts with this one.
//! On wasm32-wasip1 preview 1's `fd_read` writes into the caller's buffer
//! itself, and `cabi_import_realloc` is not exported.

#![warn(missing_docs)]

mod errno;
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
mod landing;
mod sys;

pub mod env;
pub mod fd;
pub mod fs;
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub mod handles;
pub mod io;
pub mod net;
pub mod pipe;
pub mod poll;
pub mod stdio;

/// The raw bindings of the `vfd:posix/guest` world, generated from its WIT.
///
/// They take and return unsigned `fd` numbers and `errno` values; the rest
/// of this crate wraps them in std's types. They are public so that code
/// can reach a call before this crate wraps it.
#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
#[doc(hidden)]
pub mod bindings {
    #![allow(missing_docs)]

    wit_bindgen::generate!({
        path: "../wit",
        world: "vfd:posix/guest",
    });
}

/// On wasm32-wasip1, for the WIT's types, which this crate's API shares
/// with wasm32-wasip2 (`OpenFlags`, `FdFlags`, `Errno`...). The imports
/// generated with them are a component's, which a core module cannot
/// have: none is called (`sys` reaches the table instead) or public, and
/// an import nothing calls is not linked in. What wit-bindgen leaves in
/// every program that links it stays: the world's description as a custom
/// section (about 4 KB) and a `cabi_realloc` export, which preview 1
/// runtimes ignore.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod bindings {
    #![allow(dead_code, missing_docs)]

    wit_bindgen::generate!({
        path: "../wit",
        world: "vfd:posix/guest",
    });
}
