//! The `handles` interface: owned and borrowed wrappers around numbers.
//!
//! A wrapper remembers the open description its number referred to when it
//! was made (a `Weak`, so it does not keep the description alive). Every
//! call first checks that the number still refers to it: a number closed
//! and reused since is left alone, so a double close through a wrapper can
//! never close an unrelated file.

use crate::VfdCtx;
use crate::bindings::vfd::posix::descriptors::Host as _;
use crate::bindings::vfd::posix::handles::{Host, HostFile};
use crate::bindings::{Errno, Whence};
use crate::description::Description;
use std::sync::{Arc, Weak};
use vfd_core::limits::MAX_HANDLES;
use wasmtime::component::Resource;

/// The host side of a guest's `file` resource.
#[derive(Debug)]
pub struct Handle {
    fd: u32,
    desc: Weak<Description>,
    owns: bool,
}

impl VfdCtx {
    fn handle(&self, h: &Resource<Handle>) -> Result<&Handle, Errno> {
        // A handle the guest holds is always in the table; anything else
        // is a broken guest, answered with an errno rather than a trap.
        self.handles.get(h).map_err(|_| Errno::Badf)
    }

    /// The wrapper's number, if it still refers to the wrapper's
    /// description; else `badf`, reported in dev mode.
    fn current(&self, h: &Resource<Handle>, call: &str) -> Result<u32, Errno> {
        let handle = self.handle(h)?;
        let fd = handle.fd;
        if self.is_current(handle) {
            Ok(fd)
        } else {
            self.warn(
                call,
                fd,
                "the wrapper's descriptor was closed (and maybe reused) behind it",
            );
            Err(Errno::Badf)
        }
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

    fn is_current(&self, handle: &Handle) -> bool {
        self.desc(handle.fd)
            .is_ok_and(|d| Arc::as_ptr(d) == Weak::as_ptr(&handle.desc))
    }
}

impl Host for VfdCtx {}

impl crate::bindings::vfd::posix::types::Host for VfdCtx {}

impl HostFile for VfdCtx {
    fn wrap(&mut self, fd: u32, closefd: bool) -> Result<Resource<Handle>, Errno> {
        let desc = Arc::downgrade(self.desc(fd)?);
        if self.handle_count >= MAX_HANDLES {
            return Err(Errno::Mfile);
        }
        let handle = Handle {
            fd,
            desc,
            owns: closefd,
        };
        let resource = self.handles.push(handle).map_err(|_| Errno::Nomem)?;
        self.handle_count += 1;
        Ok(resource)
    }

    fn fd(&mut self, h: Resource<Handle>) -> u32 {
        self.handle(&h).map(|h| h.fd).unwrap_or(u32::MAX)
    }

    fn owns_fd(&mut self, h: Resource<Handle>) -> bool {
        self.handle(&h).is_ok_and(|h| h.owns)
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
        match self.handles.get_mut(&h) {
            Ok(handle) => {
                handle.owns = false;
                handle.fd
            }
            Err(_) => u32::MAX,
        }
    }

    fn drop(&mut self, h: Resource<Handle>) -> wasmtime::Result<()> {
        let handle = self.handles.delete(h)?;
        self.handle_count -= 1;
        if !handle.owns {
            return Ok(());
        }
        if self.is_current(&handle) {
            self.close(handle.fd).ok();
        } else {
            self.warn(
                "file.drop",
                handle.fd,
                "stale close refused: the number no longer refers to the wrapped file",
            );
        }
        Ok(())
    }
}
