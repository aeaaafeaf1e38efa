//! The `pipes` interface: pipe2(2) and socketpair(2), as real host objects.

use crate::VfdCtx;
use crate::bindings::vfd::posix::pipes::Host;
use crate::bindings::{Errno, FdFlags, StatusFlags};
use crate::description::Description;
use crate::object::Object;
use std::sync::Arc;

/// Whether a new pipe or socket is non-blocking, by the rule of
/// `vfd_core::net::creation_status` (`append` is `inval`).
pub(crate) fn nonblock_only(status: StatusFlags) -> Result<bool, Errno> {
    let append = status.contains(StatusFlags::APPEND);
    let nonblock = status.contains(StatusFlags::NONBLOCK);
    Ok(vfd_core::net::creation_status(append, nonblock)?)
}

impl Host for VfdCtx {
    fn pipe(&mut self, flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
        use rustix::pipe::PipeFlags;
        // Host descriptors are always close-on-exec: the guest's cloexec
        // flag is per number, in the table.
        let mut host_flags = PipeFlags::CLOEXEC;
        if nonblock_only(status)? {
            host_flags |= PipeFlags::NONBLOCK;
        }
        self.table.check_room()?;
        let (reader, writer) = rustix::pipe::pipe_with(host_flags)?;
        let origin = self.origin(|| "pipe read end".into());
        let read_end = Description::new(Object::Pipe(reader), origin.as_deref());
        let origin = self.origin(|| "pipe write end".into());
        let write_end = Description::new(Object::Pipe(writer), origin.as_deref());
        let cloexec = flags.contains(FdFlags::CLOEXEC);
        Ok(self
            .table
            .insert_pair(Arc::new(read_end), Arc::new(write_end), cloexec)?)
    }

    fn socketpair(&mut self, flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
        use rustix::net::{AddressFamily, SocketFlags, SocketType, socketpair};
        let mut host_flags = SocketFlags::CLOEXEC;
        if nonblock_only(status)? {
            host_flags |= SocketFlags::NONBLOCK;
        }
        self.table.check_room()?;
        let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, host_flags, None)?;
        let origin = self.origin(|| "socket pair".into());
        let a = Description::new(Object::Socket(a), origin.as_deref());
        let b = Description::new(Object::Socket(b), origin.as_deref());
        let cloexec = flags.contains(FdFlags::CLOEXEC);
        Ok(self.table.insert_pair(Arc::new(a), Arc::new(b), cloexec)?)
    }
}
