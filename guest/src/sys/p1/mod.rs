//! The backend for wasm32-wasip1: the WIT calls over preview 1 and vfd's
//! own import module, on the one table the program's std uses too.
//!
//! Each call goes to the import that has its meaning, with its arguments
//! and results converted, and nothing decided here: the host answers.
//!
//! - Calls on a descriptor (read, write, seek, stat, truncate...): the
//!   preview 1 function itself (`wasi`), whose numbers are vfd's.
//! - Calls on a path: wasi-libc's `*at` functions, which std calls too, so
//!   that a path means the same to both: an absolute one goes through the
//!   preopened directory that holds it, a relative one through wasi-libc's
//!   current directory (which `std::env::set_current_dir` sets).
//! - What preview 1 lacks (the dup family, descriptor and status flags,
//!   the access mode, pipes, socket pairs, poll(2), making and using
//!   sockets): vfd's module `vfd` (`vfd_imports`), whose ABI is documented
//!   on `vfd_host::p1::VFD_MODULE`.
//!
//! vfd's module passes flag sets as the WIT's own bits (declaration order,
//! as the canonical ABI lays them out), so those convert with `bits()`.

pub(crate) mod descriptors;
pub(crate) mod pipes;
pub(crate) mod poll;
pub(crate) mod sockets;
mod vfd_imports;
mod wasi;

pub(crate) use descriptors::{pread, read};
pub(crate) use sockets::recv_from;

use std::ffi::CString;

use crate::bindings::vfd::posix::types::Errno;

/// The errno of a preview 1 (or wasi-libc) error number. Every number
/// vfd's host gives is one of vfd's errnos; one outside them (which only
/// a host other than vfd's could give) is reported as `EIO` rather than
/// dropped.
fn errno(raw: u16) -> Errno {
    vfd_core::Errno::from_wasi(raw).map_or(Errno::Io, Errno::from)
}

/// A preview 1 result: 0 or an errno.
fn check(raw: u16) -> Result<(), Errno> {
    match raw {
        0 => Ok(()),
        raw => Err(errno(raw)),
    }
}

/// Runs `call` with a place for its one result, which it returns if the
/// call succeeded.
fn out<T: Default>(call: impl FnOnce(&mut T) -> u16) -> Result<T, Errno> {
    let mut value = T::default();
    check(call(&mut value))?;
    Ok(value)
}

/// The error of a wasi-libc call that has just failed: its `errno`,
/// WASI's numbering.
fn last_errno() -> Errno {
    let raw = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    errno(u16::try_from(raw).unwrap_or(0))
}

/// A wasi-libc result: -1 (or any negative value) means `errno` says why.
fn libc_result<T: Copy + Default + PartialOrd>(r: T) -> Result<T, Errno> {
    if r < T::default() {
        Err(last_errno())
    } else {
        Ok(r)
    }
}

/// A path as C takes it. A NUL byte inside is `EINVAL`, as the host
/// answers a path with one.
fn c_path(path: &str) -> Result<CString, Errno> {
    CString::new(path).map_err(|_| Errno::Inval)
}
