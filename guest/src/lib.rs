//! POSIX descriptors for WebAssembly guests: `dup`, `dup2`, shared offsets,
//! close-on-exec and the rest, as Linux defines them.
//!
//! A vfd guest has its own descriptor table on the host. Each number refers
//! to an entry (whose only state is close-on-exec), each entry to an open
//! description (offset, access mode, `append` and `nonblock`, shared by
//! every duplicate), and each description to a host object. New numbers are
//! always the lowest free ones; a fresh guest holds 0, 1 and 2.
//!
//! These numbers are vfd's, not wasi-libc's: `std::fs::File` and
//! `std::os::fd` know nothing of them. Use this crate's types throughout,
//! which mirror std's (`File`, `OwnedFd`, `BorrowedFd`...) and rustix's free
//! functions (`dup2`, `fcntl_getfl`...).
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
//! vfd::stdio::dup2_stdout(&file)?; // vfd's fd 1 now goes to notes.txt
//! vfd::println!("appended through fd 1");
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
//! - [`handles`]: host-checked owned or borrowed wrappers, for code ported
//!   from other languages.
//! - [`bindings`]: the raw WIT bindings of `vfd:posix`.
//!
//! # Reads without copies
//!
//! [`io::read`] and [`io::pread`] (and everything built on them:
//! [`fs::File`], pipes, TCP and Unix streams), and reads through a
//! [`handles::Handle`], have the bytes placed straight into the caller's
//! buffer, with no allocation in the guest. For that this crate exports the core
//! function `cabi_import_realloc`, which the component model uses to place
//! the lists that imports return; any other request it hands on to
//! `cabi_realloc` unchanged. A program can link only one such export, so
//! another library exporting `cabi_import_realloc` conflicts with this one.

#![warn(missing_docs)]

mod errno;
mod landing;

pub mod env;
pub mod fd;
pub mod fs;
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
#[doc(hidden)]
pub mod bindings {
    #![allow(missing_docs)]

    wit_bindgen::generate!({
        path: "../wit",
        world: "vfd:posix/guest",
    });
}
