//! The echo-server example as a std program for wasm32-wasip1: std
//! accepts, reads lines and writes them back; vfd is called for what
//! preview 1 cannot do: make the listener, and tell its address.
//!
//! `p1-echo-server SOURCE [CLIENTS]` serves CLIENTS clients (1 by
//! default), one after another, then exits. SOURCE is
//!
//! - `fd3`: the listener the host handed in at fd 3 (`vfd run --fd
//!   3=tcp-listen:127.0.0.1:0`), taken with std's `from_raw_fd`;
//! - an address: a listener vfd binds there (`vfd run --allow-listen
//!   127.0.0.1:* ... 127.0.0.1:0`), handed to std.
//!
//! The first line is the listener's address, asked of vfd through a
//! duplicate (std's `local_addr` is unsupported: preview 1 has no
//! getsockname), so whoever started the server with port 0 learns the
//! port from it. With two clients sending 3 and 1 lines:
//!
//! ```text
//! listening on 127.0.0.1:40123
//! client 1 connected
//! client 1: echoed 3 lines
//! client 2 connected
//! client 2: echoed 1 lines
//! ```

#[cfg(all(target_os = "wasi", target_env = "p1"))]
fn main() {
    let mut args = std::env::args().skip(1);
    let source = args.next();
    let clients = args.next().map_or(Ok(1), |n| n.parse());
    let (Some(source), Ok(clients), None) = (source, clients, args.next()) else {
        eprintln!("usage: p1-echo-server (fd3 | ADDR) [CLIENTS]");
        std::process::exit(2);
    };
    if let Err(e) = story::run(&source, clients) {
        eprintln!("p1-echo-server: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
fn main() {
    eprintln!("p1-echo-server calls vfd's preview 1 module: build it for wasm32-wasip1");
    std::process::exit(2);
}

#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod story {
    use std::io::{self, BufRead, BufReader, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::os::fd::{FromRawFd, OwnedFd};

    pub(super) fn run(source: &str, clients: u32) -> io::Result<()> {
        let listener = if source == "fd3" {
            // SAFETY: the host handed fd 3 in for this program to own.
            unsafe { TcpListener::from_raw_fd(3) }
        } else {
            let made = vfd::fd::OwnedFd::from(vfd::net::TcpListener::bind(source)?);
            TcpListener::from(OwnedFd::from(made))
        };
        println!("listening on {}", local_addr(&listener)?);

        for n in 1..=clients {
            let (stream, _peer) = listener.accept()?;
            println!("client {n} connected");
            let lines = echo(&stream)?;
            println!("client {n}: echoed {lines} lines");
        }
        Ok(())
    }

    /// getsockname(2) of std's listener, through vfd on a duplicate of its
    /// number.
    fn local_addr(listener: &TcpListener) -> io::Result<SocketAddr> {
        vfd::net::TcpListener::from(vfd::io::dup(listener)?).local_addr()
    }

    /// Send each line back as it arrives, until the client has sent all;
    /// a last line without a newline counts too.
    fn echo(mut stream: &TcpStream) -> io::Result<u32> {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        let mut lines = 0;
        while reader.read_line(&mut line)? > 0 {
            stream.write_all(line.as_bytes())?;
            line.clear();
            lines += 1;
        }
        Ok(lines)
    }
}
