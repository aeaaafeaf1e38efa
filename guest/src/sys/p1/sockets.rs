//! The WIT's `sockets` interface on wasm32-wasip1: vfd's module, with
//! addresses as `ip:port` text as the WIT has them.

pub(crate) use crate::bindings::vfd::posix::sockets::ShutdownHow;

use super::{check, out, vfd_imports as vfd};
use crate::bindings::vfd::posix::types::{Errno, FdFlags, StatusFlags};
use crate::io::clamp_len;

/// The length of an address argument. vfd's host refuses any longer than
/// 128 bytes (`EINVAL`, before it reads it), so one longer than a u32 can
/// count is refused the same way.
fn addr_len(addr: &str) -> u32 {
    clamp_len(addr.len())
}

/// Room for an address result: the host writes at most 64 bytes (an IPv6
/// address with a scope and a port).
const ADDR_ROOM: usize = 64;

/// An address the host wrote: at most `room.len()` bytes, and its whole
/// length. One cut short (a host writing more than it says it can) is
/// reported rather than misread.
fn addr_text(room: &[u8], len: u32) -> Result<String, Errno> {
    let text = room.get(..len as usize).ok_or(Errno::Io)?;
    String::from_utf8(text.to_vec()).map_err(|_| Errno::Io)
}

/// A call that makes a socket from an address (`tcp_connect`,
/// `tcp_listen`, `udp_bind`): `call` gets the address's bytes and length,
/// the flags' bits and where to write the new number.
fn new_socket(
    addr: &str,
    flags: FdFlags,
    status: StatusFlags,
    call: impl FnOnce(*const u8, u32, u32, u32, &mut u32) -> u16,
) -> Result<u32, Errno> {
    let (flags, status) = (flags.bits().into(), status.bits().into());
    out(|fd| call(addr.as_ptr(), addr_len(addr), flags, status, fd))
}

pub(crate) fn tcp_connect(addr: &str, flags: FdFlags, status: StatusFlags) -> Result<u32, Errno> {
    // SAFETY: `addr_len` bytes at `addr`, and one u32 for the new number.
    new_socket(addr, flags, status, |addr, len, flags, status, fd| unsafe {
        vfd::tcp_connect(addr, len, flags, status, fd)
    })
}

pub(crate) fn tcp_listen(
    addr: &str,
    backlog: u32,
    flags: FdFlags,
    status: StatusFlags,
) -> Result<u32, Errno> {
    // SAFETY: as in `tcp_connect`.
    new_socket(addr, flags, status, |addr, len, flags, status, fd| unsafe {
        vfd::tcp_listen(addr, len, backlog, flags, status, fd)
    })
}

pub(crate) fn udp_bind(addr: &str, flags: FdFlags, status: StatusFlags) -> Result<u32, Errno> {
    // SAFETY: as in `tcp_connect`.
    new_socket(addr, flags, status, |addr, len, flags, status, fd| unsafe {
        vfd::udp_bind(addr, len, flags, status, fd)
    })
}

pub(crate) fn accept(fd: u32, flags: FdFlags, status: StatusFlags) -> Result<(u32, String), Errno> {
    let mut peer = [0u8; ADDR_ROOM];
    let mut peer_len = 0;
    // SAFETY: one u32 for the new number, `peer` for the address and one
    // u32 for its length.
    let new = out(|new| unsafe {
        vfd::accept(
            fd,
            flags.bits().into(),
            status.bits().into(),
            new,
            peer.as_mut_ptr(),
            ADDR_ROOM as u32,
            &mut peer_len,
        )
    })?;
    match addr_text(&peer, peer_len) {
        Ok(peer) => Ok((new, peer)),
        Err(e) => {
            // The connection is ours: closed, not leaked.
            let _ = super::descriptors::close(new);
            Err(e)
        }
    }
}

pub(crate) fn send_to(fd: u32, data: &[u8], addr: &str) -> Result<u32, Errno> {
    // Offering less than the buffer only makes the send short, which is
    // allowed (the host sends at most 1 MiB per call anyway).
    let len = clamp_len(data.len());
    // SAFETY: `len` bytes at `data`, the address's bytes, and one u32 for
    // the count.
    out(|sent| unsafe { vfd::send_to(fd, data.as_ptr(), len, addr.as_ptr(), addr_len(addr), sent) })
}

/// recvfrom(2) into `buf`: the datagram's bytes that fit (the rest of a
/// longer one is discarded, as on Linux), and its sender.
pub(crate) fn recv_from(fd: u32, buf: &mut [u8]) -> Result<(usize, String), Errno> {
    let len = clamp_len(buf.len());
    let mut from = [0u8; ADDR_ROOM];
    let mut from_len = 0;
    // SAFETY: `len` bytes at `buf` for the datagram, one u32 for its
    // length, `from` for the sender and one u32 for its length.
    let n = out(|n| unsafe {
        vfd::recv_from(
            fd,
            buf.as_mut_ptr(),
            len,
            n,
            from.as_mut_ptr(),
            ADDR_ROOM as u32,
            &mut from_len,
        )
    })?;
    Ok(((n as usize).min(buf.len()), addr_text(&from, from_len)?))
}

pub(crate) fn shutdown(fd: u32, how: ShutdownHow) -> Result<(), Errno> {
    // Linux's SHUT_RD, SHUT_WR and SHUT_RDWR.
    let how = match how {
        ShutdownHow::Read => 0,
        ShutdownHow::Write => 1,
        ShutdownHow::Both => 2,
    };
    // SAFETY: the import takes plain numbers.
    check(unsafe { vfd::shutdown(fd, how) })
}

pub(crate) fn local_address(fd: u32) -> Result<String, Errno> {
    // SAFETY: `cap` bytes at `addr` for the address and one u32 for its
    // length.
    address_of(|addr, cap, len| unsafe { vfd::local_address(fd, addr, cap, len) })
}

pub(crate) fn peer_address(fd: u32) -> Result<String, Errno> {
    // SAFETY: as in `local_address`.
    address_of(|addr, cap, len| unsafe { vfd::peer_address(fd, addr, cap, len) })
}

/// An address result of `call`, which gets room for it, the room's size
/// and where to write its length.
fn address_of(call: impl FnOnce(*mut u8, u32, &mut u32) -> u16) -> Result<String, Errno> {
    let mut addr = [0u8; ADDR_ROOM];
    let len = out(|len| call(addr.as_mut_ptr(), ADDR_ROOM as u32, len))?;
    addr_text(&addr, len)
}

pub(crate) fn set_nodelay(fd: u32, on: bool) -> Result<(), Errno> {
    // SAFETY: as in `shutdown`.
    check(unsafe { vfd::set_nodelay(fd, on.into()) })
}

pub(crate) fn get_nodelay(fd: u32) -> Result<bool, Errno> {
    // SAFETY: one u32 for the answer.
    let on = out(|on| unsafe { vfd::get_nodelay(fd, on) })?;
    Ok(on != 0)
}
