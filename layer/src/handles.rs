//! The `handles` interface: owned and borrowed wrappers around numbers.
//!
//! A wrapper remembers the open description its number referred to when it
//! was made (a `Weak`, so it does not keep the description alive). Every
//! call first checks that the number still refers to it: a number closed
//! and reused since is left alone, so a double close through a wrapper can
//! never close an unrelated file. The same rule as the host build's.

use crate::Layer;
use crate::bindings::exports::vfd::posix::descriptors::Guest as Descriptors;
use crate::bindings::exports::vfd::posix::handles::{File, Guest, GuestFile};
use crate::bindings::{Errno, Whence};
use crate::description::Description;
use crate::state;
use std::cell::Cell;
use std::rc::{Rc, Weak};
use vfd_core::limits::MAX_HANDLES;

thread_local! {
    /// How many wrappers are alive.
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

/// The layer's side of a guest's `file` resource.
#[derive(Debug)]
pub struct Handle {
    fd: u32,
    desc: Weak<Description>,
    owns: Cell<bool>,
}

impl Handle {
    /// Whether the wrapper's number still refers to its description.
    fn is_current(&self) -> bool {
        state::with(|s| {
            s.desc(self.fd)
                .is_ok_and(|d| Rc::as_ptr(d) == Weak::as_ptr(&self.desc))
        })
    }

    /// The wrapper's number, if it is current; else `badf`.
    fn current(&self) -> Result<u32, Errno> {
        if self.is_current() {
            Ok(self.fd)
        } else {
            Err(Errno::Badf)
        }
    }
}

impl Guest for Layer {
    type File = Handle;
}

impl GuestFile for Handle {
    fn wrap(fd: u32, closefd: bool) -> Result<File, Errno> {
        let desc = state::with(|s| s.desc(fd).map(Rc::downgrade))?;
        if COUNT.get() >= MAX_HANDLES {
            return Err(Errno::Mfile);
        }
        COUNT.set(COUNT.get() + 1);
        Ok(File::new(Handle {
            fd,
            desc,
            owns: Cell::new(closefd),
        }))
    }

    fn fd(&self) -> u32 {
        self.fd
    }

    fn owns_fd(&self) -> bool {
        self.owns.get()
    }

    fn read(&self, len: u32) -> Result<Vec<u8>, Errno> {
        <Layer as Descriptors>::read(self.current()?, len)
    }

    fn write(&self, data: Vec<u8>) -> Result<u32, Errno> {
        <Layer as Descriptors>::write(self.current()?, data)
    }

    fn seek(&self, offset: i64, whence: Whence) -> Result<u64, Errno> {
        <Layer as Descriptors>::seek(self.current()?, offset, whence)
    }

    fn detach(&self) -> u32 {
        self.owns.set(false);
        self.fd
    }
}

impl Drop for Handle {
    /// The guest dropped its wrapper: an owning one closes its number, but
    /// only if the number still refers to the wrapped description (a stale
    /// close is refused silently; this build has no dev-mode report).
    fn drop(&mut self) {
        COUNT.set(COUNT.get().saturating_sub(1));
        if self.owns.get() && self.is_current() {
            <Layer as Descriptors>::close(self.fd).ok();
        }
    }
}
