//! The `handles` interface: owned and borrowed wrappers around numbers.
//!
//! The staleness rule (a number closed and reused behind a wrapper is left
//! alone, so a double close through a wrapper can never close an unrelated
//! file) is `vfd_core::handles`; this module keeps the wrappers in the
//! store's resource table and reports stale uses in dev mode.

use crate::VfdCtx;
use crate::bindings::vfd::posix::descriptors::Host as _;
use crate::bindings::vfd::posix::handles::{Host, HostFile};
use crate::bindings::{Errno, Whence};
use crate::description::Description;
use std::sync::Arc;
use vfd_core::handles::OnDrop;
use wasmtime::component::Resource;

/// The host side of a guest's `file` resource.
#[derive(Debug)]
pub struct Handle(vfd_core::handles::Handle<Arc<Description>>);

impl VfdCtx {
    fn handle(&self, h: &Resource<Handle>) -> Result<&Handle, Errno> {
        // A handle the guest holds is always in the table; anything else
        // is a broken guest, answered with an errno rather than a trap.
        self.handles.get(h).map_err(|_| Errno::Badf)
    }

    /// The wrapper's number, if it still refers to the wrapper's
    /// description; else `badf`, reported in dev mode.
    fn current(&self, h: &Resource<Handle>, call: &str) -> Result<u32, Errno> {
        let handle = &self.handle(h)?.0;
        let current = handle.current(&self.table).inspect_err(|_| {
            self.warn(
                call,
                handle.fd(),
                "the wrapper's descriptor was closed (and maybe reused) behind it",
            );
        });
        Ok(current?)
    }

    /// A write through the wrapper, checked as `file.write` checks it,
    /// for the linker to finish with the guest's bytes in place.
    pub(crate) fn pending_handle_write(
        &self,
        h: &Resource<Handle>,
    ) -> Result<crate::descriptors::PendingWrite, Errno> {
        let fd = self.current(h, "file.write")?;
        self.pending_write(fd, None)
    }
}

impl Host for VfdCtx {}

impl crate::bindings::vfd::posix::types::Host for VfdCtx {}

impl HostFile for VfdCtx {
    fn wrap(&mut self, fd: u32, closefd: bool) -> Result<Resource<Handle>, Errno> {
        let handle = vfd_core::handles::Handle::wrap(&self.table, fd, closefd, self.handle_count)?;
        let resource = self
            .handles
            .push(Handle(handle))
            .map_err(|_| Errno::Nomem)?;
        self.handle_count += 1;
        Ok(resource)
    }

    fn fd(&mut self, h: Resource<Handle>) -> u32 {
        self.handle(&h).map(|h| h.0.fd()).unwrap_or(u32::MAX)
    }

    fn owns_fd(&mut self, h: Resource<Handle>) -> bool {
        self.handle(&h).is_ok_and(|h| h.0.owns())
    }

    fn read(&mut self, h: Resource<Handle>, len: u32) -> Result<Vec<u8>, Errno> {
        let fd = self.current(&h, "file.read")?;
        crate::bindings::vfd::posix::descriptors::Host::read(self, fd, len)
    }

    fn write(&mut self, h: Resource<Handle>, data: Vec<u8>) -> Result<u32, Errno> {
        let fd = self.current(&h, "file.write")?;
        crate::bindings::vfd::posix::descriptors::Host::write(self, fd, data)
    }

    fn seek(&mut self, h: Resource<Handle>, offset: i64, whence: Whence) -> Result<u64, Errno> {
        let fd = self.current(&h, "file.seek")?;
        crate::bindings::vfd::posix::descriptors::Host::seek(self, fd, offset, whence)
    }

    fn detach(&mut self, h: Resource<Handle>) -> u32 {
        self.handle(&h).map(|h| h.0.detach()).unwrap_or(u32::MAX)
    }

    fn drop(&mut self, h: Resource<Handle>) -> wasmtime::Result<()> {
        let rep = h.rep();
        let start = crate::trace::enabled().then(std::time::Instant::now);
        let handle = self.handles.delete(h)?;
        self.handle_count -= 1;
        let on_drop = handle.0.on_drop(&self.table);
        match on_drop {
            OnDrop::Keep => {}
            OnDrop::Close(fd) => {
                self.close(fd).ok();
            }
            OnDrop::RefuseStale(fd) => self.warn(
                "file.drop",
                fd,
                "stale close refused: the number no longer refers to the wrapped file",
            ),
        }
        if let Some(start) = start {
            // The drop of an owning wrapper closes its number: its event
            // names the number, for a close behind the caller's back.
            let mut args = crate::trace::Args::default();
            args.push("file", &Resource::<Handle>::new_borrow(rep));
            crate::trace::emit("file.drop", args, &on_drop, start.elapsed());
        }
        Ok(())
    }
}
