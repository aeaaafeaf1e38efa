//! Socket activation with std alone: the host binds a TCP listener and
//! hands it in at fd 3 (as systemd or inetd would), and the program only
//! accepts. Each client sends one line and gets it back in upper case.
//! After N clients (the first argument, 3 by default) it prints
//! `served N` and exits.
//!
//! Nothing here is specific to WebAssembly: natively, the same program
//! serves a listener inherited at fd 3.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
// `std::os::wasi::io` re-exports these on WASI; `std::os::fd` has them on
// WASI and Unix alike, so the program also builds (and runs) natively.
use std::os::fd::FromRawFd;

/// The descriptor the host puts the listening socket at.
const LISTEN_FD: i32 = 3;

fn main() -> std::io::Result<()> {
    let clients: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().expect("usage: p1-serve [CLIENTS]"),
        None => 3,
    };
    // SAFETY: the host hands a listening TCP socket in at fd 3, and nothing
    // else in this program uses or closes that descriptor.
    let listener = unsafe { TcpListener::from_raw_fd(LISTEN_FD) };
    for stream in listener.incoming().take(clients) {
        let stream = stream?;
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line)?;
        (&stream).write_all(line.to_uppercase().as_bytes())?;
        // Dropping the stream closes the connection: the client reads end
        // of file after its line.
    }
    println!("served {clients}");
    Ok(())
}
