//! The `pipes` interface: pipe2(2) and socketpair(2), in memory.
//!
//! WASI 0.2 has no pipes, so both live inside the layer's instance (see
//! `object::pipe` for the rules, and for the one difference from Linux: a
//! blocking call that could only wait for ever fails with `again`).

use crate::Layer;
use crate::bindings::exports::vfd::posix::pipes::Guest;
use crate::bindings::{AccessMode, Errno, FdFlags, StatusFlags};
use crate::description::Description;
use crate::object::{Object, PipeEnd, SocketEnd};
use crate::state;

/// The status flags of a new pipe or socket, by the rule of
/// `vfd_core::net::creation_status` (`append` is `inval`).
pub fn nonblock_only(status: StatusFlags) -> Result<StatusFlags, Errno> {
    let append = status.contains(StatusFlags::APPEND);
    let nonblock = status.contains(StatusFlags::NONBLOCK);
    Ok(if vfd_core::net::creation_status(append, nonblock)? {
        StatusFlags::NONBLOCK
    } else {
        StatusFlags::empty()
    })
}

impl Guest for Layer {
    fn pipe(flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
        let status = nonblock_only(status)?;
        state::with(|s| {
            s.check_room()?;
            let (r, w) = PipeEnd::pair(s.next_id());
            let r = Description::new(Object::Pipe(r), AccessMode::ReadOnly, status);
            let w = Description::new(Object::Pipe(w), AccessMode::WriteOnly, status);
            s.insert_pair(r, w, flags)
        })
    }

    fn socketpair(flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
        let status = nonblock_only(status)?;
        state::with(|s| {
            s.check_room()?;
            let ids = (s.next_id(), s.next_id());
            let (a, b) = SocketEnd::pair(ids);
            let a = Description::new(Object::SocketPair(a), AccessMode::ReadWrite, status);
            let b = Description::new(Object::SocketPair(b), AccessMode::ReadWrite, status);
            s.insert_pair(a, b, flags)
        })
    }
}
