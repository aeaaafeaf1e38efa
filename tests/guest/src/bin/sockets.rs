//! TCP and UDP sockets on the loopback interface: numbers, addresses, data
//! both ways, shutdown, stat, ESPIPE, socket options, non-blocking calls
//! and the errors of refused, busy and closed connections, each against the
//! result Linux gives.
//!
//! Run with `--allow-network`. Everything stays on 127.0.0.1 (and ::1 if
//! the host has it), on ports the kernel picks.

use std::io::{ErrorKind, Read, SeekFrom, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
use std::time::Duration;

use vfd::bindings::vfd::posix::types::FileType;
use vfd::fd::AsRawFd;
use vfd::io::{self as vio, StatusFlags};
use vfd::net::{TcpListener, TcpStream, UdpSocket};
use vfd::pipe::pipe;
use vfd::poll::PollFlags;
use vfd_test_guests::errno::{
    EADDRINUSE, EADDRNOTAVAIL, EAGAIN, ECONNREFUSED, ECONNRESET, EMSGSIZE, ENOTCONN, EPIPE, ESPIPE,
};
use vfd_test_guests::{Check, Checks, Ctx, ensure, eq, expect_errno, file_type, poll_one, read_n};

const LOOPBACK: &str = "127.0.0.1:0";

fn main() {
    let mut c = Checks::new();
    c.run("tcp_listen_local_addr", tcp_listen_local_addr);
    c.run("listener_not_connected", listener_not_connected);
    c.run("accept_lowest_free_and_peer", accept_lowest_free_and_peer);
    c.run("tcp_echo_both_ways", tcp_echo_both_ways);
    c.run("tcp_shutdown_write_eof", tcp_shutdown_write_eof);
    c.run("tcp_stat_stream", tcp_stat_stream);
    c.run("tcp_espipe", tcp_espipe);
    c.run("tcp_nodelay", tcp_nodelay);
    c.run("nonblocking_accept_eagain", nonblocking_accept_eagain);
    c.run("poll_listener_and_stream", poll_listener_and_stream);
    c.run("connect_refused", connect_refused);
    c.run("listen_addr_in_use", listen_addr_in_use);
    c.run("udp_send_recv", udp_send_recv);
    c.run("udp_truncates_datagram", udp_truncates_datagram);
    c.run("udp_datagram_too_large", udp_datagram_too_large);
    c.run("udp_stat_dgram", udp_stat_dgram);
    c.run("udp_nonblocking_empty", udp_nonblocking_empty);
    c.run("write_after_peer_closed", write_after_peer_closed);
    c.run("descriptor_calls_on_socket", descriptor_calls_on_socket);
    c.run("try_clone_shares_nonblock", try_clone_shares_nonblock);
    c.run("ipv6_loopback_or_unavailable", ipv6_loopback_or_unavailable);
    c.finish();
}

fn listen() -> Result<TcpListener, String> {
    TcpListener::bind(LOOPBACK).ctx("bind 127.0.0.1:0")
}

/// A listener, a client connected to it and the accepted server side.
fn connected() -> Result<(TcpListener, TcpStream, TcpStream), String> {
    let listener = listen()?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let client = TcpStream::connect(addr).ctx("connect")?;
    let (server, _) = listener.accept().ctx("accept")?;
    Ok((listener, client, server))
}

/// Require the error kind and the errno both.
fn expect_kind<T: std::fmt::Debug>(
    what: &str,
    res: std::io::Result<T>,
    kind: ErrorKind,
    errno: i32,
) -> Check {
    if let Err(e) = &res {
        eq(&format!("{what} kind"), e.kind(), kind)?;
    }
    expect_errno(what, res, errno)
}

/// Binding port 0 picks a free port; the listener is the first free number.
fn tcp_listen_local_addr() -> Check {
    let listener = listen()?;
    eq("fd", listener.as_raw_fd(), 3)?;
    let addr = listener.local_addr().ctx("local_addr")?;
    eq("ip", addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST))?;
    ensure("port is not 0", addr.port() != 0)
}

/// A listener has no peer: getpeername and read are ENOTCONN, and write is
/// EPIPE (with no signal), as tcp_sendmsg gives on Linux.
fn listener_not_connected() -> Check {
    let listener = listen()?;
    expect_errno("peer_addr", listener_peer(&listener), ENOTCONN)?;
    expect_errno("read", read_n(&listener, 8), ENOTCONN)?;
    expect_errno("write", vio::write(&listener, b"x"), EPIPE)
}

/// getpeername on a listener, through a stream wrapper around a dup of it
/// (std's `TcpListener` has no `peer_addr`).
fn listener_peer(listener: &TcpListener) -> std::io::Result<SocketAddr> {
    let fd = vio::dup(listener)?;
    TcpStream::from(fd).peer_addr()
}

/// accept takes the lowest free number, and the addresses agree on both
/// sides: the accepted peer is the client's local address.
fn accept_lowest_free_and_peer() -> Check {
    let listener = listen()?;
    let addr = listener.local_addr().ctx("local_addr")?;
    let (r, w) = pipe().ctx("pipe")?;
    eq("pipe", (r.as_raw_fd(), w.as_raw_fd()), (4, 5))?;
    let client = TcpStream::connect(addr).ctx("connect")?;
    eq("client fd", client.as_raw_fd(), 6)?;
    drop(r);
    let (server, peer) = listener.accept().ctx("accept")?;
    eq("accepted fd", server.as_raw_fd(), 4)?;
    eq(
        "accept's peer",
        peer,
        client.local_addr().ctx("client local")?,
    )?;
    eq(
        "server peer_addr",
        server.peer_addr().ctx("server peer")?,
        peer,
    )?;
    eq(
        "client peer_addr",
        client.peer_addr().ctx("client peer")?,
        addr,
    )?;
    eq(
        "server local_addr",
        server.local_addr().ctx("server local")?,
        addr,
    )
}

/// Bytes go both ways, in order.
fn tcp_echo_both_ways() -> Check {
    let (_l, mut client, mut server) = connected()?;
    client.write_all(b"ping").ctx("client write")?;
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf).ctx("server read")?;
    eq("server got", &buf, b"ping")?;
    server.write_all(b"pong").ctx("server write")?;
    client.read_exact(&mut buf).ctx("client read")?;
    eq("client got", &buf, b"pong")
}

/// shutdown(SHUT_WR): the peer reads what was sent, then 0; this side's
/// writes are EPIPE; the other direction still works.
fn tcp_shutdown_write_eof() -> Check {
    let (_l, mut client, mut server) = connected()?;
    client.write_all(b"bye").ctx("client write")?;
    client.shutdown(Shutdown::Write).ctx("shutdown")?;
    let mut got = Vec::new();
    server.read_to_end(&mut got).ctx("server read to end")?;
    eq("server got", got, b"bye".to_vec())?;
    eq(
        "server reads 0 again",
        read_n(&server, 8).ctx("read")?,
        Vec::new(),
    )?;
    expect_kind(
        "client write after shutdown",
        vio::write(&client, b"x"),
        ErrorKind::BrokenPipe,
        EPIPE,
    )?;
    server.write_all(b"ack").ctx("server write")?;
    server.shutdown(Shutdown::Write).ctx("server shutdown")?;
    let mut back = Vec::new();
    client.read_to_end(&mut back).ctx("client read to end")?;
    eq("client got", back, b"ack".to_vec())
}

/// fstat: listener, client and accepted side are all stream sockets.
fn tcp_stat_stream() -> Check {
    let (listener, client, server) = connected()?;
    eq("listener", file_type(&listener)?, FileType::SocketStream)?;
    eq("client", file_type(&client)?, FileType::SocketStream)?;
    eq("server", file_type(&server)?, FileType::SocketStream)
}

/// A socket has no offset: seek, pread and pwrite are ESPIPE.
fn tcp_espipe() -> Check {
    let (listener, client, _server) = connected()?;
    let mut buf = [0u8; 4];
    expect_errno("seek", vio::seek(&client, SeekFrom::Start(0)), ESPIPE)?;
    expect_errno("seek cur", vio::seek(&client, SeekFrom::Current(0)), ESPIPE)?;
    expect_errno("pread", vio::pread(&client, &mut buf, 0), ESPIPE)?;
    expect_errno("pwrite", vio::pwrite(&client, b"x", 0), ESPIPE)?;
    expect_errno(
        "seek listener",
        vio::seek(&listener, SeekFrom::Start(0)),
        ESPIPE,
    )
}

/// TCP_NODELAY is off on a new connection and reads back what was set.
fn tcp_nodelay() -> Check {
    let (_l, client, _server) = connected()?;
    eq("default", client.nodelay().ctx("nodelay")?, false)?;
    client.set_nodelay(true).ctx("set_nodelay(true)")?;
    eq("after true", client.nodelay().ctx("nodelay")?, true)?;
    client.set_nodelay(false).ctx("set_nodelay(false)")?;
    eq("after false", client.nodelay().ctx("nodelay")?, false)
}

/// A non-blocking listener with nobody waiting: EAGAIN (WouldBlock). Once
/// a client connects it is readable and accept succeeds; the accepted
/// socket does not inherit O_NONBLOCK (accept(2), not accept4).
fn nonblocking_accept_eagain() -> Check {
    let listener = listen()?;
    listener.set_nonblocking(true).ctx("set_nonblocking")?;
    ensure(
        "listener has O_NONBLOCK",
        vio::fcntl_getfl(&listener)
            .ctx("getfl")?
            .contains(StatusFlags::NONBLOCK),
    )?;
    expect_kind(
        "accept",
        listener.accept().map(drop),
        ErrorKind::WouldBlock,
        EAGAIN,
    )?;
    let client = TcpStream::connect(listener.local_addr().ctx("local_addr")?).ctx("connect")?;
    let (n, revents) = poll_one(&listener, PollFlags::IN, Some(Duration::from_secs(10)))?;
    eq("ready", n, 1)?;
    eq("revents", revents, PollFlags::IN)?;
    let (server, peer) = listener.accept().ctx("accept")?;
    eq("peer", peer, client.local_addr().ctx("client local")?)?;
    eq(
        "accepted status flags",
        vio::fcntl_getfl(&server).ctx("getfl accepted")?,
        StatusFlags::empty(),
    )
}

/// poll on sockets: an idle listener is not ready; a pending connection
/// makes it readable; a fresh stream is writable, and readable once the
/// peer sends.
fn poll_listener_and_stream() -> Check {
    let listener = listen()?;
    let (n, revents) = poll_one(&listener, PollFlags::IN, Some(Duration::ZERO))?;
    eq("idle listener ready", n, 0)?;
    eq("idle listener revents", revents, PollFlags::empty())?;
    let client = TcpStream::connect(listener.local_addr().ctx("local_addr")?).ctx("connect")?;
    let (_, revents) = poll_one(&listener, PollFlags::IN, Some(Duration::from_secs(10)))?;
    eq("pending listener revents", revents, PollFlags::IN)?;
    let (server, _) = listener.accept().ctx("accept")?;
    let both = PollFlags::IN | PollFlags::OUT;
    let (_, revents) = poll_one(&server, both, Some(Duration::ZERO))?;
    eq("fresh stream revents", revents, PollFlags::OUT)?;
    vio::write_all(&client, b"x").ctx("client write")?;
    let (_, revents) = poll_one(&server, PollFlags::IN, Some(Duration::from_secs(10)))?;
    eq("stream with data", revents, PollFlags::IN)?;
    let (_, revents) = poll_one(&server, both, Some(Duration::ZERO))?;
    eq("stream with data, IN|OUT", revents, both)
}

/// Nobody listening on the port: ECONNREFUSED, and no number is taken.
fn connect_refused() -> Check {
    let addr = listen()?.local_addr().ctx("local_addr")?;
    expect_kind(
        "connect",
        TcpStream::connect(addr).map(drop),
        ErrorKind::ConnectionRefused,
        ECONNREFUSED,
    )?;
    let (r, _w) = pipe().ctx("pipe")?;
    eq("next number", r.as_raw_fd(), 3)
}

/// A second listener on a port in use: EADDRINUSE, even with SO_REUSEADDR
/// (which only allows reuse of a port in TIME_WAIT).
fn listen_addr_in_use() -> Check {
    let listener = listen()?;
    let addr = listener.local_addr().ctx("local_addr")?;
    expect_kind(
        "second bind",
        TcpListener::bind(addr).map(drop),
        ErrorKind::AddrInUse,
        EADDRINUSE,
    )
}

/// Datagrams both ways, each with its sender's address.
fn udp_send_recv() -> Check {
    let a = UdpSocket::bind(LOOPBACK).ctx("bind a")?;
    let b = UdpSocket::bind(LOOPBACK).ctx("bind b")?;
    eq("numbers", (a.as_raw_fd(), b.as_raw_fd()), (3, 4))?;
    let a_addr = a.local_addr().ctx("a local")?;
    let b_addr = b.local_addr().ctx("b local")?;
    ensure(
        "ports differ",
        a_addr.port() != 0 && a_addr.port() != b_addr.port(),
    )?;
    eq("send a→b", a.send_to(b"to b", b_addr).ctx("send a")?, 4)?;
    let mut buf = [0u8; 64];
    let (n, from) = b.recv_from(&mut buf).ctx("recv b")?;
    eq("b got", &buf[..n], b"to b")?;
    eq("b's sender", from, a_addr)?;
    eq("send b→a", b.send_to(b"to a!", from).ctx("send b")?, 5)?;
    let (n, from) = a.recv_from(&mut buf).ctx("recv a")?;
    eq("a got", &buf[..n], b"to a!")?;
    eq("a's sender", from, b_addr)
}

/// A datagram longer than the buffer is cut, and the rest is dropped: the
/// next receive gets the next datagram.
fn udp_truncates_datagram() -> Check {
    let a = UdpSocket::bind(LOOPBACK).ctx("bind a")?;
    let b = UdpSocket::bind(LOOPBACK).ctx("bind b")?;
    let b_addr = b.local_addr().ctx("b local")?;
    a.send_to(b"hello world", b_addr).ctx("send 1")?;
    a.send_to(b"second", b_addr).ctx("send 2")?;
    let mut small = [0u8; 5];
    let (n, _) = b.recv_from(&mut small).ctx("recv 1")?;
    eq("first, cut", &small[..n], b"hello")?;
    let mut buf = [0u8; 64];
    let (n, _) = b.recv_from(&mut buf).ctx("recv 2")?;
    eq("second", &buf[..n], b"second")
}

/// A datagram past UDP's largest over IPv4 (65,507 bytes) is EMSGSIZE and
/// nothing arrives; so is one larger than what wasmtime lets one host call
/// take from the guest (128 MiB by default), which must not trap.
fn udp_datagram_too_large() -> Check {
    let a = UdpSocket::bind(LOOPBACK).ctx("bind a")?;
    let b = UdpSocket::bind(LOOPBACK).ctx("bind b")?;
    let b_addr = b.local_addr().ctx("b local")?;
    for len in [65_508, 70_000, (128 << 20) + 1] {
        let big = vec![7u8; len];
        expect_errno(&format!("{len} bytes"), a.send_to(&big, b_addr), EMSGSIZE)?;
    }
    eq(
        "largest",
        a.send_to(&[7; 65_507], b_addr).ctx("65,507 bytes")?,
        65_507,
    )?;
    let mut buf = vec![0u8; 70_000];
    let (n, _) = b.recv_from(&mut buf).ctx("recv")?;
    eq("the one that arrived", n, 65_507)
}

/// fstat: a datagram socket; it has no offset either.
fn udp_stat_dgram() -> Check {
    let u = UdpSocket::bind(LOOPBACK).ctx("bind")?;
    eq("type", file_type(&u)?, FileType::SocketDgram)?;
    expect_errno("seek", vio::seek(&u, SeekFrom::Start(0)), ESPIPE)
}

/// recv_from on an empty non-blocking socket: EAGAIN (WouldBlock).
fn udp_nonblocking_empty() -> Check {
    let u = UdpSocket::bind(LOOPBACK).ctx("bind")?;
    u.set_nonblocking(true).ctx("set_nonblocking")?;
    let mut buf = [0u8; 16];
    expect_kind(
        "recv_from",
        u.recv_from(&mut buf),
        ErrorKind::WouldBlock,
        EAGAIN,
    )
}

/// Writing to a connection whose peer has closed fails, sooner or later,
/// with EPIPE or ECONNRESET (which, depends on when the peer's RST lands),
/// and raises no signal: the guest carries on.
fn write_after_peer_closed() -> Check {
    let (_l, client, server) = connected()?;
    drop(server);
    for attempt in 0..400 {
        match vio::write(&client, b"are you there?") {
            Ok(_) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let code = e.raw_os_error();
                return match code {
                    Some(EPIPE) => eq("kind", e.kind(), ErrorKind::BrokenPipe),
                    Some(ECONNRESET) => eq("kind", e.kind(), ErrorKind::ConnectionReset),
                    _ => Err(format!("write {attempt}: unexpected error {e}")),
                };
            }
        }
    }
    Err("400 writes succeeded after the peer closed".into())
}

/// The plain descriptor calls (read, write, dup) work on sockets, and a
/// dup is the same connection.
fn descriptor_calls_on_socket() -> Check {
    let (_l, client, server) = connected()?;
    eq("write", vio::write(&client, b"plain").ctx("write")?, 5)?;
    eq("read", read_n(&server, 16).ctx("read")?, b"plain".to_vec())?;
    let dup = vio::dup(&server).ctx("dup")?;
    eq("dup number", dup.as_raw_fd(), 6)?;
    vio::write_all(&dup, b"via dup").ctx("write dup")?;
    eq(
        "client reads",
        read_n(&client, 16).ctx("read")?,
        b"via dup".to_vec(),
    )
}

/// try_clone is dup: O_NONBLOCK set through the clone is seen, and obeyed,
/// by the original.
fn try_clone_shares_nonblock() -> Check {
    let (_l, client, _server) = connected()?;
    let clone = client.try_clone().ctx("try_clone")?;
    eq("clone number", clone.as_raw_fd(), 6)?;
    clone.set_nonblocking(true).ctx("set_nonblocking")?;
    ensure(
        "original has O_NONBLOCK",
        vio::fcntl_getfl(&client)
            .ctx("getfl")?
            .contains(StatusFlags::NONBLOCK),
    )?;
    expect_kind("read", read_n(&client, 8), ErrorKind::WouldBlock, EAGAIN)
}

/// Listen and connect on [::1] if the host has IPv6 loopback. Without it
/// (bind fails with EADDRNOTAVAIL) the check passes, as its name says.
fn ipv6_loopback_or_unavailable() -> Check {
    let listener = match TcpListener::bind("[::1]:0") {
        Ok(l) => l,
        Err(e) if e.raw_os_error() == Some(EADDRNOTAVAIL) => return Ok(()),
        Err(e) => return Err(format!("bind [::1]:0: {e}")),
    };
    let addr = listener.local_addr().ctx("local_addr")?;
    eq("ip", addr.ip(), IpAddr::V6(Ipv6Addr::LOCALHOST))?;
    ensure("port is not 0", addr.port() != 0)?;
    let mut client = TcpStream::connect(addr).ctx("connect")?;
    let (mut server, peer) = listener.accept().ctx("accept")?;
    eq("peer", peer, client.local_addr().ctx("client local")?)?;
    ensure("peer is v6", matches!(peer, SocketAddr::V6(_)))?;
    client.write_all(b"v6").ctx("write")?;
    let mut buf = [0u8; 2];
    server.read_exact(&mut buf).ctx("read")?;
    eq("data", &buf, b"v6")
}
