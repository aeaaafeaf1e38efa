//! The host's network policy, seen from the guest: an address the host
//! did not grant is EACCES (`PermissionDenied`), and takes no number.
//!
//! Two modes:
//!
//! - no arguments, run with no network flags: everything is denied;
//! - `--allowed-listen-only`, run with `--allow-listen 127.0.0.1:*` only:
//!   listening and binding there work, connecting and sending do not, and
//!   neither does listening anywhere else.
//!
//! Pipes and socket pairs are local to the guest and need no grant.

use std::io::ErrorKind;

use vfd::fd::AsRawFd;
use vfd::io as vio;
use vfd::net::{TcpListener, TcpStream, UdpSocket, UnixStream};
use vfd::pipe::pipe;
use vfd_test_guests::errno::EACCES;
use vfd_test_guests::{Check, Checks, Ctx, ensure, eq, expect_errno, read_n};

fn main() {
    let listen_only = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--allowed-listen-only") => true,
        Some(other) => {
            vfd::eprintln!("netpolicy: unknown argument {other:?}");
            std::process::exit(2);
        }
    };
    let mut c = Checks::new();
    if listen_only {
        c.run("listen_allowed", listen_allowed);
        c.run("listen_elsewhere_denied", listen_elsewhere_denied);
        c.run(
            "connect_to_own_listener_denied",
            connect_to_own_listener_denied,
        );
        c.run("udp_bind_allowed", udp_bind_allowed);
        c.run("send_to_denied", send_to_denied);
    } else {
        c.run("connect_denied", connect_denied);
        c.run("connect_v6_denied", connect_v6_denied);
        c.run("listen_denied", listen_denied);
        c.run("udp_bind_denied", udp_bind_denied);
        c.run("denied_takes_no_number", denied_takes_no_number);
        c.run("socketpair_needs_no_grant", socketpair_needs_no_grant);
    }
    c.finish();
}

/// Require EACCES with the kind std gives it.
fn denied<T: std::fmt::Debug>(what: &str, res: std::io::Result<T>) -> Check {
    if let Err(e) = &res {
        eq(
            &format!("{what} kind"),
            e.kind(),
            ErrorKind::PermissionDenied,
        )?;
    }
    expect_errno(what, res, EACCES)
}

fn connect_denied() -> Check {
    denied("connect 127.0.0.1:9", TcpStream::connect("127.0.0.1:9"))
}

fn connect_v6_denied() -> Check {
    denied("connect [::1]:9", TcpStream::connect("[::1]:9"))
}

fn listen_denied() -> Check {
    denied("listen 127.0.0.1:0", TcpListener::bind("127.0.0.1:0"))
}

fn udp_bind_denied() -> Check {
    denied("udp bind 127.0.0.1:0", UdpSocket::bind("127.0.0.1:0"))
}

/// After the refusals the table is as fresh as ever: the next numbers are
/// 3 and 4.
fn denied_takes_no_number() -> Check {
    denied("listen", TcpListener::bind("127.0.0.1:0"))?;
    let (r, w) = pipe().ctx("pipe")?;
    eq("pipe", (r.as_raw_fd(), w.as_raw_fd()), (3, 4))
}

/// A socket pair reaches no network, so no grant is needed.
fn socketpair_needs_no_grant() -> Check {
    let (a, b) = UnixStream::pair().ctx("socketpair")?;
    vio::write_all(&a, b"local").ctx("write")?;
    eq("read", read_n(&b, 16).ctx("read")?, b"local".to_vec())
}

/// Listening on 127.0.0.1 is granted.
fn listen_allowed() -> Check {
    let listener = TcpListener::bind("127.0.0.1:0").ctx("listen 127.0.0.1:0")?;
    eq("fd", listener.as_raw_fd(), 3)?;
    ensure(
        "port is not 0",
        listener.local_addr().ctx("local_addr")?.port() != 0,
    )
}

/// Any other address is not: the wildcard address and IPv6 loopback.
fn listen_elsewhere_denied() -> Check {
    denied("listen 0.0.0.0:0", TcpListener::bind("0.0.0.0:0"))?;
    denied("listen [::1]:0", TcpListener::bind("[::1]:0"))?;
    denied("listen 127.0.0.2:0", TcpListener::bind("127.0.0.2:0"))
}

/// Connecting is a separate grant, even to the guest's own listener.
fn connect_to_own_listener_denied() -> Check {
    let listener = TcpListener::bind("127.0.0.1:0").ctx("listen")?;
    let addr = listener.local_addr().ctx("local_addr")?;
    denied("connect", TcpStream::connect(addr))
}

/// Binding a UDP socket is listening: granted on 127.0.0.1.
fn udp_bind_allowed() -> Check {
    let u = UdpSocket::bind("127.0.0.1:0").ctx("udp bind 127.0.0.1:0")?;
    eq("fd", u.as_raw_fd(), 3)
}

/// Sending a datagram is connecting: denied, even to the guest's own
/// socket.
fn send_to_denied() -> Check {
    let a = UdpSocket::bind("127.0.0.1:0").ctx("bind a")?;
    let b = UdpSocket::bind("127.0.0.1:0").ctx("bind b")?;
    let to = b.local_addr().ctx("local_addr")?;
    denied("send_to", a.send_to(b"x", to))
}
