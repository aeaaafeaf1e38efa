//! `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown` on the
//! table's sockets: a listener handed in (socket activation) or accepted
//! connections, as real host sockets.

use super::rights::fdflags;
use super::rw::{drain, fill};
use super::{Errno, functions};
use crate::VfdView;
use crate::bindings::vfd::posix::sockets::{Host as Sockets, ShutdownHow};
use crate::bindings::{FdFlags, StatusFlags};
use rustix::net::{RecvAncillaryBuffer, RecvFlags, ReturnFlags, SendAncillaryBuffer, SendFlags};
use std::cell::Cell;
use std::io::{IoSlice, IoSliceMut};
use wasmtime::Linker;

/// `riflags`.
const RECV_PEEK: u32 = 1 << 0;
const RECV_WAITALL: u32 = 1 << 1;
/// `roflags`: a datagram was longer than the buffers.
const RECV_DATA_TRUNCATED: u16 = 1 << 0;

pub(super) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    functions! { linker,
        // accept4(2) with SOCK_NONBLOCK as the only flag (wasi-libc's
        // accept4 maps SOCK_NONBLOCK to it).
        "sock_accept" => |mem, data, fd: u32, flags: u32, out: u32| {
            mem.check(out, 4)?;
            let status = match flags {
                0 => StatusFlags::empty(),
                f if f == u32::from(fdflags::NONBLOCK) => StatusFlags::NONBLOCK,
                _ => return Err(Errno::INVAL),
            };
            let (new, _peer) = data.vfd().accept(fd, FdFlags::empty(), status)?;
            mem.put_u32(out, new)
        };
        "sock_recv" => |mem, data, fd: u32, iovs: u32, count: u32, flags: u32, out: u32, out_flags: u32| {
            if flags & !(RECV_PEEK | RECV_WAITALL) != 0 {
                return Err(Errno::INVAL);
            }
            let mut host = RecvFlags::empty();
            host.set(RecvFlags::PEEK, flags & RECV_PEEK != 0);
            host.set(RecvFlags::WAITALL, flags & RECV_WAITALL != 0);
            let d = data.vfd().desc(fd)?;
            mem.check(out, 4)?;
            mem.check(out_flags, 2)?;
            let list = mem.iovecs(iovs, count)?;
            let truncated = Cell::new(false);
            let recv = |bufs: &mut [IoSliceMut<'_>]| {
                let msg = rustix::net::recvmsg(d, bufs, &mut RecvAncillaryBuffer::default(), host)?;
                truncated.set(msg.flags.contains(ReturnFlags::TRUNC));
                Ok(msg.bytes)
            };
            let n = fill(mem, list, |buf| recv(&mut [IoSliceMut::new(buf)]), recv)?;
            mem.put_u32(out, n)?;
            mem.put_u16(out_flags, if truncated.get() { RECV_DATA_TRUNCATED } else { 0 })
        };
        "sock_send" => |mem, data, fd: u32, iovs: u32, count: u32, flags: u32, out: u32| {
            // `siflags` has no flags.
            if flags != 0 {
                return Err(Errno::INVAL);
            }
            let d = data.vfd().desc(fd)?;
            mem.check(out, 4)?;
            let list = mem.iovecs(iovs, count)?;
            let send = |bufs: &[IoSlice<'_>]| {
                rustix::net::sendmsg(d, bufs, &mut SendAncillaryBuffer::default(), SendFlags::NOSIGNAL)
            };
            let n = drain(mem, &list, |buf| send(&[IoSlice::new(buf)]), send)?;
            mem.put_u32(out, n)
        };
        "sock_shutdown" => |_mem, data, fd: u32, how: u32| {
            let how = match how {
                1 => ShutdownHow::Read,
                2 => ShutdownHow::Write,
                3 => ShutdownHow::Both,
                _ => return Err(Errno::INVAL),
            };
            Ok(data.vfd().shutdown(fd, how)?)
        };
    }
    Ok(())
}
