//! Serves sockets the host handed in at fixed numbers, for the host-side
//! tests of `vfd run --fd N=tcp-listen:...|tcp-connect:...|udp:...` and of
//! the library's equivalent. Each argument names one that exists:
//!
//! - `listener`: fd 3 is a TCP listener: accept one connection, read a
//!   line, reply `got: LINE` and a newline, close the connection;
//! - `stream`: fd 4 is a connected TCP stream: send `hello host` and a
//!   newline, read one line back;
//! - `udp`: fd 5 is a bound UDP socket: receive one datagram and send it
//!   back, in upper case, to its sender.
//!
//! The arguments are served in the order given, and every handed-in number
//! is closed at the end (the host then checks that a borrowed socket is
//! still open on its side and an owned one is closed). For
//! `listener stream udp` the output is:
//!
//! ```text
//! listener: accepted a connection
//! listener: got "LINE", replied "got: LINE"
//! stream: sent "hello host"
//! stream: reply "REPLY"
//! udp: got "TEXT", sent back "UPPERCASED TEXT"
//! closed the handed-in descriptors
//! ```

use std::io::{self, Write};

use vfd::fd::{AsFd, FromRawFd, RawFd};
use vfd::net::{TcpListener, TcpStream, UdpSocket};

/// The numbers the host hands the sockets in at.
const LISTENER_FD: RawFd = 3;
const STREAM_FD: RawFd = 4;
const UDP_FD: RawFd = 5;

/// The longest line read; a longer one is cut there.
const MAX_LINE: usize = 4096;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        vfd::eprintln!("handed: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String]) -> io::Result<()> {
    // Take ownership of each named number first, so that every one of them
    // is closed at the end even if serving another fails.
    let mut listener = None;
    let mut stream = None;
    let mut udp = None;
    for arg in args {
        // SAFETY: the host handed these numbers in; nothing else in this
        // guest owns them, and each is taken once.
        match arg.as_str() {
            "listener" if listener.is_none() => {
                listener = Some(unsafe { TcpListener::from_raw_fd(LISTENER_FD) });
            }
            "stream" if stream.is_none() => {
                stream = Some(unsafe { TcpStream::from_raw_fd(STREAM_FD) });
            }
            "udp" if udp.is_none() => udp = Some(unsafe { UdpSocket::from_raw_fd(UDP_FD) }),
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("unknown or repeated argument {other:?}"),
                ));
            }
        }
    }

    for arg in args {
        match arg.as_str() {
            "listener" => serve_listener(listener.as_ref().expect("taken above"))?,
            "stream" => serve_stream(stream.as_ref().expect("taken above"))?,
            _ => serve_udp(udp.as_ref().expect("taken above"))?,
        }
    }

    drop((listener, stream, udp));
    vfd::println!("closed the handed-in descriptors");
    Ok(())
}

/// Accept one connection, read a line, answer `got: LINE`.
fn serve_listener(listener: &TcpListener) -> io::Result<()> {
    let (mut conn, _peer) = listener.accept()?;
    vfd::println!("listener: accepted a connection");
    let line = read_line(&conn)?;
    let reply = format!("got: {line}");
    conn.write_all(format!("{reply}\n").as_bytes())?;
    vfd::println!("listener: got {line:?}, replied {reply:?}");
    Ok(())
}

/// Say hello to the host and read its answer.
fn serve_stream(mut stream: &TcpStream) -> io::Result<()> {
    stream.write_all(b"hello host\n")?;
    vfd::println!("stream: sent \"hello host\"");
    let reply = read_line(stream)?;
    vfd::println!("stream: reply {reply:?}");
    Ok(())
}

/// Echo one datagram back to its sender, upper-cased.
fn serve_udp(socket: &UdpSocket) -> io::Result<()> {
    let mut buf = [0u8; 2048];
    let (n, from) = socket.recv_from(&mut buf)?;
    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
    let upper = text.to_uppercase();
    socket.send_to(upper.as_bytes(), from)?;
    vfd::println!("udp: got {text:?}, sent back {upper:?}");
    Ok(())
}

/// Read up to a newline (not included) or end of file, a byte at a time so
/// nothing after the line is consumed.
fn read_line(fd: impl AsFd) -> io::Result<String> {
    let fd = fd.as_fd();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < MAX_LINE {
        if vfd::io::read(fd, &mut byte)? == 0 || byte[0] == b'\n' {
            break;
        }
        line.push(byte[0]);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}
