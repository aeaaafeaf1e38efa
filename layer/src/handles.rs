//! The `handles` interface: owned and borrowed wrappers around numbers.
//!
//! The staleness rule (a number closed and reused behind a wrapper is left
//! alone, so a double close through a wrapper can never close an unrelated
//! file) is `vfd_core::handles`, as in the host build.

use crate::Layer;
use crate::bindings::exports::vfd::posix::descriptors::Guest as Descriptors;
use crate::bindings::exports::vfd::posix::handles::{File, Guest, GuestFile};
use crate::bindings::{Errno, Whence};
use crate::description::Description;
use crate::state;
use std::cell::Cell;
use std::rc::Rc;
use vfd_core::handles::OnDrop;

thread_local! {
    /// How many wrappers are alive.
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

/// The layer's side of a guest's `file` resource.
#[derive(Debug)]
pub struct Handle(vfd_core::handles::Handle<Rc<Description>>);

impl Handle {
    /// The wrapper's number, if it is current; else `badf`.
    fn current(&self) -> Result<u32, Errno> {
        Ok(state::with(|s| self.0.current(&s.table))?)
    }
}

impl Guest for Layer {
    type File = Handle;
}

impl GuestFile for Handle {
    fn wrap(fd: u32, closefd: bool) -> Result<File, Errno> {
        let live = COUNT.get();
        let handle = state::with(|s| vfd_core::handles::Handle::wrap(&s.table, fd, closefd, live))?;
        COUNT.set(live + 1);
        Ok(File::new(Handle(handle)))
    }

    fn fd(&self) -> u32 {
        self.0.fd()
    }

    fn owns_fd(&self) -> bool {
        self.0.owns()
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
        self.0.detach()
    }
}

impl Drop for Handle {
    /// The guest dropped its wrapper: an owning one closes its number, but
    /// only if the number still refers to the wrapped description (a stale
    /// close is refused silently; this build has no dev-mode report).
    fn drop(&mut self) {
        COUNT.set(COUNT.get().saturating_sub(1));
        if let OnDrop::Close(fd) = state::with(|s| self.0.on_drop(&s.table)) {
            <Layer as Descriptors>::close(fd).ok();
        }
    }
}
