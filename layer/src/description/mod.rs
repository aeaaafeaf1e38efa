//! Open descriptions: what `dup` shares.
//!
//! In the host build the host kernel keeps the offset and the status flags
//! behind one host descriptor. Here the objects have no offset of their
//! own (a wasi:filesystem descriptor is positional), so the description
//! keeps it: one description, one offset, shared by every duplicate,
//! moved by `read`, `write` and `seek`, and never by `pread`/`pwrite`.
//! This module holds that state; `io` does the calls through it.

mod io;

use crate::bindings::{AccessMode, StatusFlags};
use crate::object::Object;
use std::cell::Cell;

/// An open file description, shared (through an `Rc`) by every number that
/// `dup` made from the same `open`.
#[derive(Debug)]
pub struct Description {
    /// The object.
    pub object: Object,
    /// How it was opened (O_ACCMODE).
    pub access: AccessMode,
    /// O_APPEND and O_NONBLOCK.
    status: Cell<StatusFlags>,
    /// The file offset, for objects that have one.
    offset: Cell<u64>,
}

impl Description {
    /// A description of `object` opened with `access` and `status`.
    pub fn new(object: Object, access: AccessMode, status: StatusFlags) -> Self {
        Description {
            object,
            access,
            status: Cell::new(status & (StatusFlags::APPEND | StatusFlags::NONBLOCK)),
            offset: Cell::new(0),
        }
    }

    /// fcntl(2) F_GETFL without the access mode.
    pub fn status(&self) -> StatusFlags {
        self.status.get()
    }

    /// fcntl(2) F_SETFL: only `append` and `nonblock` are kept.
    pub fn set_status(&self, flags: StatusFlags) {
        self.status
            .set(flags & (StatusFlags::APPEND | StatusFlags::NONBLOCK));
    }

    fn nonblock(&self) -> bool {
        self.status.get().contains(StatusFlags::NONBLOCK)
    }

    fn append(&self) -> bool {
        self.status.get().contains(StatusFlags::APPEND)
    }

    fn readable(&self) -> bool {
        self.access != AccessMode::WriteOnly
    }

    fn writable(&self) -> bool {
        self.access != AccessMode::ReadOnly
    }
}
