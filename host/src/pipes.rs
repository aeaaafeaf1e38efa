//! The `pipes` interface: pipe2(2) and socketpair(2), as real host objects.

use crate::VfdCtx;
use crate::bindings::vfd::posix::pipes::Host;
use crate::bindings::{Errno, FdFlags, StatusFlags};
use crate::description::Description;
use crate::object::Object;
use std::os::fd::OwnedFd;
use std::sync::Arc;

impl VfdCtx {
    /// Put two new descriptions at the two lowest free numbers, or neither:
    /// on `mfile` the first is taken back, as Linux's pipe2 leaves no
    /// half-made pipe behind.
    pub(crate) fn insert_pair(
        &mut self,
        a: Description,
        b: Description,
        flags: FdFlags,
    ) -> Result<(u32, u32), Errno> {
        let cloexec = flags.contains(FdFlags::CLOEXEC);
        let first = self.table.insert(Arc::new(a), cloexec)?;
        match self.table.insert(Arc::new(b), cloexec) {
            Ok(second) => Ok((first, second)),
            Err(e) => {
                self.table.remove(first).ok();
                Err(e.into())
            }
        }
    }

    fn origin_of(&self, what: &str) -> Option<String> {
        self.dev_mode.then(|| what.to_owned())
    }
}

impl Host for VfdCtx {
    fn pipe(&mut self, flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
        let (reader, writer) = rustix::pipe::pipe_with(pipe_flags(status))?;
        set_append(&reader, status)?;
        set_append(&writer, status)?;
        let origin = self.origin_of("read end");
        let read_end = Description::new(Object::Pipe(reader), origin.as_deref());
        let origin = self.origin_of("write end");
        let write_end = Description::new(Object::Pipe(writer), origin.as_deref());
        self.insert_pair(read_end, write_end, flags)
    }

    fn socketpair(&mut self, flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
        use rustix::net::{AddressFamily, SocketFlags, SocketType, socketpair};
        let mut sflags = SocketFlags::CLOEXEC;
        if status.contains(StatusFlags::NONBLOCK) {
            sflags |= SocketFlags::NONBLOCK;
        }
        let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, sflags, None)?;
        set_append(&a, status)?;
        set_append(&b, status)?;
        let origin = self.origin_of("socket pair");
        let a = Description::new(Object::Socket(a), origin.as_deref());
        let b = Description::new(Object::Socket(b), origin.as_deref());
        self.insert_pair(a, b, flags)
    }
}

/// Host descriptors are always close-on-exec: the guest's cloexec flag is
/// per number, in the table. O_NONBLOCK goes to the host description.
fn pipe_flags(status: StatusFlags) -> rustix::pipe::PipeFlags {
    let mut flags = rustix::pipe::PipeFlags::CLOEXEC;
    if status.contains(StatusFlags::NONBLOCK) {
        flags |= rustix::pipe::PipeFlags::NONBLOCK;
    }
    flags
}

/// O_APPEND has no effect on a pipe or socket, but Linux keeps it in the
/// status flags, and so do we.
pub(crate) fn set_append(fd: &OwnedFd, status: StatusFlags) -> Result<(), Errno> {
    if status.contains(StatusFlags::APPEND) {
        let flags = rustix::fs::fcntl_getfl(fd)?;
        rustix::fs::fcntl_setfl(fd, flags | rustix::fs::OFlags::APPEND)?;
    }
    Ok(())
}
