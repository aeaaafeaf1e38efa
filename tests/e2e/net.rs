//! Sockets with a real peer on loopback: the echo server (socket
//! activation and a guest-made listener, through `vfd run` and composed),
//! and host sockets handed in.

use crate::harness::{Fixture, composed, composed_wasi, guest, run_lib_with, run_plain, vfd_cli};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsFd;
use std::process::{Child, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wasmtime::component::Component;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// Every socket operation of these tests gives up after this long, so a
/// broken host fails a test instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub fn patient(stream: &TcpStream) {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
}

/// Wait for `child` to end, killing it if it takes longer than PATIENCE.
pub fn finish(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("the guest did not finish in {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Start the echo server with `flags` and `args`; return it, the address
/// it announced, and the rest of its output.
fn start_echo_server(
    flags: &[&str],
    args: &[&str],
) -> (Child, String, BufReader<std::process::ChildStdout>) {
    let fixture = Fixture::new();
    let mut child = vfd_cli(&fixture)
        .args(flags)
        .arg(guest("echo-server"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let addr = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .trim()
        .to_owned();
    (child, addr, out)
}

/// What the echo server prints after its first line, for three clients.
const THREE_CLIENTS_LOG: &str = "client 1 connected\nclient 1: echoed 1 lines\n\
    client 2 connected\nclient 2: echoed 2 lines\n\
    client 3 connected\nclient 3: echoed 3 lines\n";

/// `clients` clients in turn, the n-th sending n lines (each ending with
/// `tail`) and reading them back through the echo server at `addr`.
pub fn echo_clients(addr: &str, clients: usize, tail: &str) {
    for client in 1..=clients {
        let mut stream = TcpStream::connect(addr).unwrap();
        patient(&stream);
        let sent: String = (1..=client)
            .map(|i| format!("client {client} line {i}{tail}\n"))
            .collect();
        stream.write_all(sent.as_bytes()).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let mut echoed = String::new();
        stream.read_to_string(&mut echoed).unwrap();
        assert_eq!(echoed, sent, "client {client}");
    }
}

/// [`echo_clients`] for three, then the server's exit and the rest of its log.
fn serve_three_clients(child: Child, addr: &str, mut out: BufReader<std::process::ChildStdout>) {
    echo_clients(addr, 3, "");
    let status = finish(child);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{status:?}\n{rest}");
    assert_eq!(rest, THREE_CLIENTS_LOG);
}

#[test]
fn echo_server_on_a_listener_handed_in_at_fd_3() {
    // Socket activation: vfd binds, the guest only accepts. No network
    // grant is needed for what the host hands in.
    let (child, addr, out) = start_echo_server(
        &["--fd", "3=tcp-listen:127.0.0.1:0"],
        &["--fd3", "--clients", "3"],
    );
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    serve_three_clients(child, &addr, out);
}

#[test]
fn echo_server_on_its_own_listener_with_allow_listen() {
    let (child, addr, out) = start_echo_server(
        &["--allow-listen", "127.0.0.1:*"],
        &["--listen", "127.0.0.1:0", "--clients", "3"],
    );
    serve_three_clients(child, &addr, out);
}

/// A server guest, composed and compiled, started in a thread under plain
/// wasmtime-wasi with the network granted (`wasmtime run -S
/// inherit-network`) and `args`: its thread, its stdout and the first line
/// it printed (the address it listens on).
pub fn start_composed_server(
    component: Component,
    name: &str,
    args: &[&str],
) -> (JoinHandle<wasmtime::Result<i32>>, MemoryOutputPipe, String) {
    let fixture = Fixture::new();
    let (mut b, stdout, stderr) = composed_wasi(&fixture, name, args);
    b.inherit_network();
    let wasi = b.build();
    let server = std::thread::spawn(move || run_plain(&component, wasi));
    let deadline = Instant::now() + PATIENCE;
    let first = loop {
        let text = String::from_utf8_lossy(&stdout.contents()).into_owned();
        if let Some((first, _)) = text.split_once('\n') {
            break first.to_owned();
        }
        assert!(
            !server.is_finished() && Instant::now() < deadline,
            "the composed {name} announced no address: {text:?}\nstderr: {}",
            String::from_utf8_lossy(&stderr.contents())
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    (server, stdout, first)
}

/// The echo server composed with the wasm layer: its listener is a
/// wasi:sockets socket.
#[test]
fn echo_server_composed_on_its_own_listener() {
    let (server, stdout, first) = start_composed_server(
        composed("echo-server"),
        "echo-server",
        &["--listen", "127.0.0.1:0", "--clients", "3"],
    );
    let addr = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    echo_clients(addr, 3, "");
    let status = server.join().unwrap().unwrap();
    let log = String::from_utf8_lossy(&stdout.contents()).into_owned();
    assert_eq!(status, 0, "{log}");
    assert_eq!(log, format!("{first}\n{THREE_CLIENTS_LOG}"));
}

#[test]
fn echo_server_without_a_grant_is_refused() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg(guest("echo-server"))
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Permission denied"),
        "{out:?}"
    );
}

#[test]
fn host_sockets_handed_in_serve_real_peers() {
    let fixture = Fixture::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let listen_addr = listener.local_addr().unwrap();
    // A connected pair: the guest gets one end at fd 4, the test keeps the other.
    let side = TcpListener::bind("127.0.0.1:0").unwrap();
    let guest_end = TcpStream::connect(side.local_addr().unwrap()).unwrap();
    let (mut our_end, _) = side.accept().unwrap();
    patient(&our_end);
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_addr = udp.local_addr().unwrap();

    let output = std::thread::scope(|s| {
        let guest = s.spawn(|| {
            run_lib_with(&fixture, "handed", &["listener", "stream", "udp"], |b| {
                b.insert_borrowed(3, listener.as_fd()).unwrap();
                b.insert(4, guest_end.try_clone().unwrap());
                b.insert_borrowed(5, udp.as_fd()).unwrap();
                // Replies go to the peer's address, which the policy must allow.
                b.allow_connect("127.0.0.1:*").unwrap();
            })
        });
        let mut client = TcpStream::connect(listen_addr).unwrap();
        patient(&client);
        client.write_all(b"LINE\n").unwrap();
        let mut reply = String::new();
        BufReader::new(&client).read_line(&mut reply).unwrap();
        assert_eq!(reply, "got: LINE\n");

        let mut hello = String::new();
        BufReader::new(&our_end).read_line(&mut hello).unwrap();
        assert_eq!(hello, "hello host\n");
        our_end.write_all(b"REPLY\n").unwrap();

        let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
        peer.set_read_timeout(Some(PATIENCE)).unwrap();
        peer.send_to(b"text", udp_addr).unwrap();
        let mut buf = [0u8; 64];
        let (n, from) = peer.recv_from(&mut buf).unwrap();
        assert_eq!((&buf[..n], from), (&b"TEXT"[..], udp_addr));
        guest.join().unwrap()
    });
    assert_eq!(output.code, 0, "{output:#?}");
    assert_eq!(
        output.stdout,
        "listener: accepted a connection\nlistener: got \"LINE\", replied \"got: LINE\"\n\
         stream: sent \"hello host\"\nstream: reply \"REPLY\"\n\
         udp: got \"text\", sent back \"TEXT\"\nclosed the handed-in descriptors\n"
    );
    // Borrowed: the host's listener outlives the guest's close. Owned: the
    // guest's close of fd 4 ended the connection (our copy was dropped), so
    // the peer reads end of file.
    drop(guest_end);
    let _client = TcpStream::connect(listen_addr).unwrap();
    assert!(listener.accept().is_ok());
    let mut rest = Vec::new();
    assert_eq!(our_end.read_to_end(&mut rest).unwrap(), 0);
}
