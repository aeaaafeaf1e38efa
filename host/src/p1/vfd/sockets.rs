//! The socket calls of the WIT `sockets` interface as functions of vfd's
//! module (their ABI is on [`VFD_MODULE`](super::VFD_MODULE)): each one
//! checks every pointer it was given, then makes the same host call a
//! component's call makes, so the network policy and the table's rules
//! hold unchanged.
//!
//! Every pointer, the results' included, is checked before the call has
//! any effect: a call that made a socket, accepted a connection or took a
//! datagram cannot then fail on a bad result pointer and lose it.

use super::super::memory::Mem;
use super::super::{Errno, Result, functions};
use super::{fd_flags, status_flags};
use crate::bindings::vfd::posix::sockets::{Host as Sockets, ShutdownHow};
use crate::bindings::{FdFlags, StatusFlags};
use crate::{VfdCtx, VfdView};
use vfd_core::limits::MAX_READ_LEN;
use wasmtime::Linker;

/// The longest address text taken. The host writes at most 64 bytes (an
/// IPv6 address with a scope and a port); a longer argument is `EINVAL`
/// before anything is read, as Linux refuses an address longer than
/// `sockaddr_storage`.
const ADDR_MAX: u32 = 128;

pub(super) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    functions! { linker in super::VFD_MODULE,
        "tcp_connect" => |mem, data, addr: u32, addr_len: u32, flags: u32, status: u32, out: u32| {
            let vfd = data.vfd();
            new_socket(mem, (addr, addr_len), (flags, status), out, |a, f, s| vfd.tcp_connect(a, f, s))
        };
        "tcp_listen" => |mem, data, addr: u32, addr_len: u32, backlog: u32, flags: u32, status: u32, out: u32| {
            let vfd = data.vfd();
            new_socket(mem, (addr, addr_len), (flags, status), out, |a, f, s| vfd.tcp_listen(a, backlog, f, s))
        };
        "udp_bind" => |mem, data, addr: u32, addr_len: u32, flags: u32, status: u32, out: u32| {
            let vfd = data.vfd();
            new_socket(mem, (addr, addr_len), (flags, status), out, |a, f, s| vfd.udp_bind(a, f, s))
        };
        "accept" => |mem, data, fd: u32, flags: u32, status: u32, out: u32, peer: u32, cap: u32, peer_len: u32| {
            accept(mem, data.vfd(), fd, (flags, status), out, TextOut { ptr: peer, cap, len: peer_len })
        };
        "send_to" => |mem, data, fd: u32, buf: u32, len: u32, addr: u32, addr_len: u32, out: u32| {
            send_to(mem, data.vfd(), fd, (buf, len), (addr, addr_len), out)
        };
        "recv_from" => |mem, data, fd: u32, buf: u32, len: u32, out: u32, from: u32, cap: u32, from_len: u32| {
            recv_from(mem, data.vfd(), fd, (buf, len), out, TextOut { ptr: from, cap, len: from_len })
        };
        // Linux's SHUT_RD, SHUT_WR and SHUT_RDWR.
        "shutdown" => |_mem, data, fd: u32, how: u32| {
            let how = match how {
                0 => ShutdownHow::Read,
                1 => ShutdownHow::Write,
                2 => ShutdownHow::Both,
                _ => return Err(Errno::INVAL),
            };
            Ok(data.vfd().shutdown(fd, how)?)
        };
        "local_address" => |mem, data, fd: u32, addr: u32, cap: u32, len: u32| {
            let vfd = data.vfd();
            address_of(mem, TextOut { ptr: addr, cap, len }, || vfd.local_address(fd))
        };
        "peer_address" => |mem, data, fd: u32, addr: u32, cap: u32, len: u32| {
            let vfd = data.vfd();
            address_of(mem, TextOut { ptr: addr, cap, len }, || vfd.peer_address(fd))
        };
        // setsockopt(2) takes any non-zero int as on.
        "set_nodelay" => |_mem, data, fd: u32, on: u32| {
            Ok(data.vfd().set_nodelay(fd, on != 0)?)
        };
        "get_nodelay" => |mem, data, fd: u32, out: u32| {
            mem.check(out, 4)?;
            let on = data.vfd().get_nodelay(fd)?;
            mem.put_u32(out, u32::from(on))
        };
        "set_reuseaddr" => |_mem, data, fd: u32, on: u32| {
            Ok(data.vfd().set_reuseaddr(fd, on != 0)?)
        };
    }
    Ok(())
}

/// Where a call writes a string result: at most `cap` bytes at `ptr`, and
/// the string's whole length at `len`, as getsockname(2) writes an address
/// (a caller that finds `len` above `cap` knows it was cut).
#[derive(Clone, Copy)]
struct TextOut {
    ptr: u32,
    cap: u32,
    len: u32,
}

impl TextOut {
    /// Fails unless both places can be written.
    fn check(self, mem: &Mem<'_>) -> Result<()> {
        mem.check(self.ptr, self.cap)?;
        mem.check(self.len, 4)
    }

    fn put(self, mem: &mut Mem<'_>, text: &str) -> Result<()> {
        let cut = text.len().min(self.cap as usize);
        mem.put(self.ptr, &text.as_bytes()[..cut])?;
        mem.put_u32(self.len, text.len() as u32)
    }
}

/// An address argument, `(ptr, len)`: `EINVAL` if longer than
/// [`ADDR_MAX`] (before it is read) or not UTF-8 (it cannot be an
/// address); whether it parses is the host call's to say.
fn address(mem: &Mem<'_>, (ptr, len): (u32, u32)) -> Result<String> {
    if len > ADDR_MAX {
        return Err(Errno::INVAL);
    }
    let text = std::str::from_utf8(mem.bytes(ptr, len)?).map_err(|_| Errno::INVAL)?;
    Ok(text.to_owned())
}

/// A call that makes a socket from an address (`tcp_connect`,
/// `tcp_listen`, `udp_bind`), its number written at `out`. The flags are
/// checked first, as socket(2) checks its type before the address.
fn new_socket(
    mem: &mut Mem<'_>,
    addr: (u32, u32),
    (flags, status): (u32, u32),
    out: u32,
    make: impl FnOnce(String, FdFlags, StatusFlags) -> std::result::Result<u32, crate::bindings::Errno>,
) -> Result<()> {
    let (flags, status) = (fd_flags(flags)?, status_flags(status)?);
    mem.check(out, 4)?;
    let address = address(mem, addr)?;
    let fd = make(address, flags, status)?;
    mem.put_u32(out, fd)
}

/// accept4(2), with the peer's address.
fn accept(
    mem: &mut Mem<'_>,
    vfd: &mut VfdCtx,
    fd: u32,
    (flags, status): (u32, u32),
    out: u32,
    peer: TextOut,
) -> Result<()> {
    let (flags, status) = (fd_flags(flags)?, status_flags(status)?);
    mem.check(out, 4)?;
    peer.check(mem)?;
    let (new, address) = vfd.accept(fd, flags, status)?;
    mem.put_u32(out, new)?;
    peer.put(mem, &address)
}

/// sendto(2). The whole buffer must lie in memory (`EFAULT`), but at most
/// [`MAX_READ_LEN`] bytes of it are handed on, so the host never copies
/// more than that: a stream socket then sends in part, as any send may,
/// and a datagram that long is `EMSGSIZE` either way.
fn send_to(
    mem: &mut Mem<'_>,
    vfd: &mut VfdCtx,
    fd: u32,
    (buf, len): (u32, u32),
    addr: (u32, u32),
    out: u32,
) -> Result<()> {
    mem.check(out, 4)?;
    mem.check(buf, len)?;
    let data = mem.bytes(buf, len.min(MAX_READ_LEN))?.to_vec();
    let address = address(mem, addr)?;
    let n = vfd.send_to(fd, data, address)?;
    mem.put_u32(out, n)
}

/// recvfrom(2): one datagram (or stream data) into `buf`, its length at
/// `out`, its sender's address (empty for a stream) through `from`.
fn recv_from(
    mem: &mut Mem<'_>,
    vfd: &mut VfdCtx,
    fd: u32,
    (buf, len): (u32, u32),
    out: u32,
    from: TextOut,
) -> Result<()> {
    mem.check(buf, len)?;
    mem.check(out, 4)?;
    from.check(mem)?;
    let (data, sender) = vfd.recv_from(fd, len)?;
    mem.put(buf, &data)?;
    mem.put_u32(out, data.len() as u32)?;
    from.put(mem, &sender)
}

/// getsockname(2) or getpeername(2), as `get` answers it.
fn address_of(
    mem: &mut Mem<'_>,
    to: TextOut,
    get: impl FnOnce() -> std::result::Result<String, crate::bindings::Errno>,
) -> Result<()> {
    to.check(mem)?;
    let address = get()?;
    to.put(mem, &address)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with nothing in it, allowed to listen on loopback's port 0
    /// and to connect to loopback.
    fn ctx() -> VfdCtx {
        let mut b = VfdCtx::builder();
        b.no_stdio();
        b.allow_listen("127.0.0.1:0").unwrap();
        b.allow_connect("127.0.0.1:*").unwrap();
        b.build().unwrap()
    }

    /// Where the tests keep things in their memory.
    const ADDR: u32 = 0;
    const OUT: u32 = 64;
    const TEXT: u32 = 128;
    const LEN: u32 = 200;
    const BUF: u32 = 256;
    const SIZE: usize = 512;

    /// Writes `text` at [`ADDR`], for a call to take as its address.
    fn poke(mem: &mut Mem<'_>, text: &str) -> (u32, u32) {
        mem.put(ADDR, text.as_bytes()).unwrap();
        (ADDR, text.len() as u32)
    }

    /// The string a call wrote through [`TextOut`] at [`TEXT`] and [`LEN`].
    fn text(mem: &Mem<'_>) -> String {
        let len = mem.u32(LEN).unwrap().min(64);
        String::from_utf8(mem.bytes(TEXT, len).unwrap().to_vec()).unwrap()
    }

    fn text_out() -> TextOut {
        TextOut {
            ptr: TEXT,
            cap: 64,
            len: LEN,
        }
    }

    fn listen(mem: &mut Mem<'_>, vfd: &mut VfdCtx, addr: &str, out: u32) -> Result<u32> {
        let addr = poke(mem, addr);
        new_socket(mem, addr, (0, 0), out, |a, f, s| vfd.tcp_listen(a, 8, f, s))?;
        mem.u32(out)
    }

    fn local_address(mem: &mut Mem<'_>, vfd: &mut VfdCtx, fd: u32, to: TextOut) -> Result<()> {
        address_of(mem, to, || vfd.local_address(fd))
    }

    #[test]
    fn a_bad_result_pointer_makes_no_socket() {
        let (mut vfd, mut bytes) = (ctx(), vec![0; SIZE]);
        let mem = &mut Mem(&mut bytes);
        assert_eq!(
            listen(mem, &mut vfd, "127.0.0.1:0", SIZE as u32 - 2),
            Err(Errno::FAULT)
        );
        assert!(vfd.descriptors().is_empty());
        // Refused by the policy, too long, not text: no socket either.
        let refused = Errno::from(vfd_core::Errno::Acces);
        assert_eq!(listen(mem, &mut vfd, "127.0.0.1:80", OUT), Err(refused));
        let long = format!("127.0.0.1:0{}", " ".repeat(ADDR_MAX as usize));
        assert_eq!(listen(mem, &mut vfd, &long, OUT), Err(Errno::INVAL));
        mem.put(ADDR, b"\xff\xfe:0").unwrap();
        let r = new_socket(mem, (ADDR, 4), (0, 0), OUT, |a, f, s| {
            vfd.tcp_listen(a, 8, f, s)
        });
        assert_eq!(r, Err(Errno::INVAL));
        assert!(vfd.descriptors().is_empty());
    }

    #[test]
    fn accept_keeps_the_connection_when_the_peer_pointer_is_bad() {
        let (mut vfd, mut bytes) = (ctx(), vec![0; SIZE]);
        let mem = &mut Mem(&mut bytes);
        let listener = listen(mem, &mut vfd, "127.0.0.1:0", OUT).unwrap();
        local_address(mem, &mut vfd, listener, text_out()).unwrap();
        let address = text(mem);
        let at = poke(mem, &address);
        new_socket(mem, at, (0, 0), OUT, |a, f, s| vfd.tcp_connect(a, f, s)).unwrap();
        let client = mem.u32(OUT).unwrap();
        let across_the_end = TextOut {
            ptr: SIZE as u32 - 8,
            ..text_out()
        };
        let r = accept(mem, &mut vfd, listener, (0, 0), OUT, across_the_end);
        assert_eq!(r, Err(Errno::FAULT));
        assert_eq!(vfd.descriptors().len(), 2, "nothing was accepted");
        accept(mem, &mut vfd, listener, (0, 0), OUT, text_out()).unwrap();
        let peer = text(mem);
        local_address(mem, &mut vfd, client, text_out()).unwrap();
        assert_eq!(peer, text(mem), "the peer is the client");
        assert_eq!(mem.u32(OUT), Ok(2));
    }

    #[test]
    fn an_address_longer_than_its_buffer_is_cut_and_its_length_told() {
        let (mut vfd, mut bytes) = (ctx(), vec![0; SIZE]);
        let mem = &mut Mem(&mut bytes);
        let listener = listen(mem, &mut vfd, "127.0.0.1:0", OUT).unwrap();
        local_address(mem, &mut vfd, listener, text_out()).unwrap();
        let whole = text(mem);
        mem.put(TEXT, &[b'#'; 16]).unwrap();
        let short = TextOut {
            cap: 4,
            ..text_out()
        };
        local_address(mem, &mut vfd, listener, short).unwrap();
        assert_eq!(mem.bytes(TEXT, 5), Ok(&b"127.#"[..]));
        assert_eq!(mem.u32(LEN), Ok(whole.len() as u32));
    }

    #[test]
    fn a_datagram_waits_for_a_recv_from_whose_pointers_are_good() {
        let (mut vfd, mut bytes) = (ctx(), vec![0; SIZE]);
        let mem = &mut Mem(&mut bytes);
        let bind = |mem: &mut Mem<'_>, vfd: &mut VfdCtx| {
            let at = poke(mem, "127.0.0.1:0");
            new_socket(mem, at, (0, 0), OUT, |a, f, s| vfd.udp_bind(a, f, s)).unwrap();
            mem.u32(OUT).unwrap()
        };
        let (a, b) = (bind(mem, &mut vfd), bind(mem, &mut vfd));
        local_address(mem, &mut vfd, a, text_out()).unwrap();
        let to = poke(mem, &text(mem));
        mem.put(BUF, b"ping").unwrap();
        send_to(mem, &mut vfd, b, (BUF, 4), to, OUT).unwrap();
        assert_eq!(mem.u32(OUT), Ok(4));
        let bad_len = TextOut {
            len: SIZE as u32,
            ..text_out()
        };
        let r = recv_from(mem, &mut vfd, a, (BUF, 16), OUT, bad_len);
        assert_eq!(r, Err(Errno::FAULT));
        mem.put(BUF, b"....").unwrap();
        recv_from(mem, &mut vfd, a, (BUF, 16), OUT, text_out()).unwrap();
        assert_eq!(mem.bytes(BUF, 4), Ok(&b"ping"[..]));
        assert_eq!(mem.u32(OUT), Ok(4));
        let sender = text(mem);
        local_address(mem, &mut vfd, b, text_out()).unwrap();
        assert_eq!(sender, text(mem));
        // A buffer across the end of memory sends nothing.
        let r = send_to(mem, &mut vfd, b, (SIZE as u32 - 2, 4), to, OUT);
        assert_eq!(r, Err(Errno::FAULT));
    }
}
