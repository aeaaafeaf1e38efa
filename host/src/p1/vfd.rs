//! `vfd`: the descriptor calls preview 1 lacks, as a core import module of
//! vfd's own, for modules that want them: the dup family, close-on-exec,
//! status flags and the access mode, pipes, socket pairs, poll(2), and
//! the socket calls of the WIT `sockets` interface (in `sockets`).
//!
//! Each function is a thin front end to the same host method a component's
//! WIT call reaches, so the table's rules hold unchanged. The ABI is on
//! [`VFD_MODULE`].

mod sockets;

use super::memory::Mem;
use super::{Errno, Result, functions};
use crate::VfdView;
use crate::bindings::vfd::posix::descriptors::Host as Descriptors;
use crate::bindings::vfd::posix::pipes::Host as Pipes;
use crate::bindings::vfd::posix::poll::{Events, Host as Poll, PollFd, Revents};
use crate::bindings::{AccessMode, FdFlags, StatusFlags};
use wasmtime::Linker;

/// The module name of vfd's own imports for preview 1 modules: the calls
/// preview 1 lacks, on the same table. A module that does not import it
/// runs as any preview 1 program. The ABI, as C prototypes (every
/// function returns 0 or a WASI errno, and writes its results through
/// pointers into the module's memory; `c/vfd.h` declares it for C):
///
/// ```c
/// // fd_flags: bit 0 close-on-exec.  status: bit 0 append, bit 1 non-blocking.
/// // access mode: 0 read-only, 1 write-only, 2 read-write.
/// uint16_t dup(uint32_t fd, uint32_t *new_fd);
/// uint16_t dup2(uint32_t fd, uint32_t target, uint32_t *new_fd);    // dup2(2), not fd_renumber
/// uint16_t dup3(uint32_t fd, uint32_t target, uint32_t fd_flags, uint32_t *new_fd);
/// uint16_t dup_min(uint32_t fd, uint32_t min, uint32_t fd_flags, uint32_t *new_fd); // F_DUPFD(_CLOEXEC)
/// uint16_t get_fd_flags(uint32_t fd, uint32_t *fd_flags);           // F_GETFD
/// uint16_t set_fd_flags(uint32_t fd, uint32_t fd_flags);            // F_SETFD
/// uint16_t get_status_flags(uint32_t fd, uint32_t *status);         // F_GETFL
/// uint16_t set_status_flags(uint32_t fd, uint32_t status);          // F_SETFL
/// uint16_t get_access_mode(uint32_t fd, uint32_t *mode);            // F_GETFL & O_ACCMODE
/// uint16_t pipe(uint32_t fd_flags, uint32_t status, uint32_t fds[2]);       // pipe2(2)
/// uint16_t socketpair(uint32_t fd_flags, uint32_t status, uint32_t fds[2]); // AF_UNIX, SOCK_STREAM
/// // poll(2) over `struct { uint32_t fd; uint16_t events; uint16_t revents; }`:
/// // events: bit 0 readable, bit 1 writable; revents adds bit 2 hang-up,
/// // bit 3 error, bit 4 invalid number. *ready is how many entries have
/// // revents; a negative timeout waits for ever.
/// uint16_t poll(void *fds, uint32_t nfds, int32_t timeout_ms, uint32_t *ready);
///
/// // Sockets: the WIT `sockets` interface, under the host's network policy
/// // (EACCES where it refuses). An address is text, "ip:port" with IPv6 in
/// // brackets ("127.0.0.1:80", "[::1]:80"), not NUL-terminated, at most 128
/// // bytes (EINVAL beyond, before it is read). An address result is written
/// // as getsockname(2) writes one: at most `cap` bytes at `addr`, and its whole
/// // length at *addr_len, so *addr_len > cap means it was cut (64 bytes always
/// // suffice); an unnamed socket (a socketpair end, a stream's sender) is "".
/// uint16_t tcp_connect(const char *addr, uint32_t addr_len, uint32_t fd_flags,
///                      uint32_t status, uint32_t *fd);     // socket + connect, done on return
/// uint16_t tcp_listen(const char *addr, uint32_t addr_len, uint32_t backlog,
///                     uint32_t fd_flags, uint32_t status, uint32_t *fd); // + SO_REUSEADDR
/// uint16_t udp_bind(const char *addr, uint32_t addr_len, uint32_t fd_flags,
///                   uint32_t status, uint32_t *fd);
/// uint16_t accept(uint32_t fd, uint32_t fd_flags, uint32_t status, uint32_t *new_fd,
///                 char *peer, uint32_t cap, uint32_t *peer_len);    // accept4(2)
/// // At most 1 MiB of `buf` is sent per call (a short send; a datagram that
/// // long is EMSGSIZE anyway); *received <= len, the rest of a longer
/// // datagram is discarded.
/// uint16_t send_to(uint32_t fd, const void *buf, uint32_t len,
///                  const char *addr, uint32_t addr_len, uint32_t *sent);
/// uint16_t recv_from(uint32_t fd, void *buf, uint32_t len, uint32_t *received,
///                    char *from, uint32_t cap, uint32_t *from_len);
/// uint16_t shutdown(uint32_t fd, uint32_t how);    // 0 SHUT_RD, 1 SHUT_WR, 2 SHUT_RDWR
/// uint16_t local_address(uint32_t fd, char *addr, uint32_t cap, uint32_t *addr_len); // getsockname
/// uint16_t peer_address(uint32_t fd, char *addr, uint32_t cap, uint32_t *addr_len);  // getpeername
/// uint16_t set_nodelay(uint32_t fd, uint32_t on);  // TCP_NODELAY; non-zero is on
/// uint16_t get_nodelay(uint32_t fd, uint32_t *on); // 0 or 1
/// uint16_t set_reuseaddr(uint32_t fd, uint32_t on); // SO_REUSEADDR; non-zero is on
/// ```
///
/// Flag bits a set does not name are `EINVAL`, as dup3(2) and pipe2(2)
/// answer, except in `set_status_flags`, which ignores them as F_SETFL
/// does. Every pointer, results' included, is checked before a call has
/// any effect (`EFAULT`): a failed call made no socket and took no
/// connection or datagram.
pub const VFD_MODULE: &str = "vfd";

/// The bytes of one poll entry: fd, events, revents.
const POLL_ENTRY: u32 = 8;

pub(super) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    functions! { linker in VFD_MODULE,
        "dup" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 4)?;
            let new = data.vfd().dup(fd)?;
            mem.put_u32(out, new)
        };
        "dup2" => |mem, data, fd: u32, target: u32, out: u32| {
            mem.check(out, 4)?;
            let new = data.vfd().dup2(fd, target)?;
            mem.put_u32(out, new)
        };
        "dup3" => |mem, data, fd: u32, target: u32, flags: u32, out: u32| {
            mem.check(out, 4)?;
            let new = data.vfd().dup3(fd, target, fd_flags(flags)?)?;
            mem.put_u32(out, new)
        };
        "dup_min" => |mem, data, fd: u32, min: u32, flags: u32, out: u32| {
            mem.check(out, 4)?;
            let new = data.vfd().dup_min(fd, min, fd_flags(flags)?)?;
            mem.put_u32(out, new)
        };
        "get_fd_flags" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 4)?;
            let flags = data.vfd().get_fd_flags(fd)?;
            mem.put_u32(out, u32::from(flags.contains(FdFlags::CLOEXEC)))
        };
        "set_fd_flags" => |_mem, data, fd: u32, flags: u32| {
            Ok(data.vfd().set_fd_flags(fd, fd_flags(flags)?)?)
        };
        "get_status_flags" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 4)?;
            let status = data.vfd().get_status_flags(fd)?;
            mem.put_u32(out, status_bits(status))
        };
        // F_SETFL ignores the bits it does not know.
        "set_status_flags" => |_mem, data, fd: u32, status: u32| {
            Ok(data.vfd().set_status_flags(fd, status_flags(status & STATUS_BITS)?)?)
        };
        "get_access_mode" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 4)?;
            let mode = match data.vfd().get_access_mode(fd)? {
                AccessMode::ReadOnly => 0,
                AccessMode::WriteOnly => 1,
                AccessMode::ReadWrite => 2,
            };
            mem.put_u32(out, mode)
        };
        "pipe" => |mem, data, flags: u32, status: u32, out: u32| {
            mem.check(out, 8)?;
            let (r, w) = data.vfd().pipe(fd_flags(flags)?, status_flags(status)?)?;
            pair(mem, out, r, w)
        };
        "socketpair" => |mem, data, flags: u32, status: u32, out: u32| {
            mem.check(out, 8)?;
            let (a, b) = data.vfd().socketpair(fd_flags(flags)?, status_flags(status)?)?;
            pair(mem, out, a, b)
        };
        "poll" => |mem, data, fds: u32, nfds: u32, timeout_ms: i32, out: u32| {
            poll(mem, data.vfd(), (fds, nfds), timeout_ms, out)
        };
    }
    sockets::add_to_linker(linker)
}

/// `fd_flags` from its bits: close-on-exec, nothing else.
fn fd_flags(bits: u32) -> Result<FdFlags> {
    match bits {
        0 => Ok(FdFlags::empty()),
        1 => Ok(FdFlags::CLOEXEC),
        _ => Err(Errno::INVAL),
    }
}

/// The bits of `status`: append and non-blocking.
const STATUS_BITS: u32 = 0b11;

/// `status` from its bits.
fn status_flags(bits: u32) -> Result<StatusFlags> {
    if bits & !STATUS_BITS != 0 {
        return Err(Errno::INVAL);
    }
    let mut status = StatusFlags::empty();
    if bits & 1 != 0 {
        status |= StatusFlags::APPEND;
    }
    if bits & 2 != 0 {
        status |= StatusFlags::NONBLOCK;
    }
    Ok(status)
}

fn status_bits(status: StatusFlags) -> u32 {
    u32::from(status.contains(StatusFlags::APPEND))
        | u32::from(status.contains(StatusFlags::NONBLOCK)) << 1
}

/// The two numbers of a new pair, where its pointer says.
fn pair(mem: &mut Mem<'_>, out: u32, a: u32, b: u32) -> Result<()> {
    mem.put_u32(out, a)?;
    mem.put_u32(out + 4, b)
}

/// poll(2): the entries are read before the call and their `revents`
/// written after it; the number of entries is checked against the table's
/// limit first (`EINVAL`), as Linux checks it before reading them.
fn poll(
    mem: &mut Mem<'_>,
    vfd: &mut crate::VfdCtx,
    (fds, nfds): (u32, u32),
    timeout_ms: i32,
    out: u32,
) -> Result<()> {
    vfd_core::poll::check_len(&vfd.table, nfds as usize)?;
    let len = nfds.checked_mul(POLL_ENTRY).ok_or(Errno::FAULT)?;
    mem.check(fds, len)?;
    mem.check(out, 4)?;
    let mut entries = Vec::with_capacity(nfds as usize);
    for i in 0..nfds {
        let at = fds + i * POLL_ENTRY;
        let bits = mem.u16(at + 4)?;
        let mut events = Events::empty();
        if bits & 1 != 0 {
            events |= Events::READABLE;
        }
        if bits & 2 != 0 {
            events |= Events::WRITABLE;
        }
        entries.push(PollFd {
            fd: mem.u32(at)?,
            events,
        });
    }
    let revents = vfd.poll(entries, timeout_ms)?;
    let mut ready = 0;
    for (i, r) in (0..).zip(&revents) {
        let bits = [
            Revents::READABLE,
            Revents::WRITABLE,
            Revents::HUP,
            Revents::ERR,
            Revents::NVAL,
        ]
        .iter()
        .enumerate()
        .filter(|(_, flag)| r.contains(**flag))
        .fold(0u16, |acc, (bit, _)| acc | 1 << bit);
        ready += u32::from(bits != 0);
        mem.put_u16(fds + i * POLL_ENTRY + 6, bits)?;
    }
    mem.put_u32(out, ready)
}
