//! A line echo server: accept clients one after another and send every line
//! back until the client closes.
//!
//! The listener either comes from the host or is bound here:
//!
//! - `--fd3`: serve the listener the host handed in at fd 3
//!   (`vfd run --fd 3=tcp-listen:127.0.0.1:7000`, no network grant needed:
//!   the host opened it);
//! - `--listen ADDR`: bind ADDR itself (`vfd run --allow-listen
//!   127.0.0.1:* ... --listen 127.0.0.1:0`; port 0 picks a free port).
//!
//! `--clients N` (default 1) is how many clients to serve before exiting.
//! The first line is the real address, so whoever started the server with
//! port 0 learns the port from it. The count is always followed by `lines`,
//! so the output is easy to match. With two clients sending 3 and 1 lines:
//!
//! ```text
//! listening on 127.0.0.1:40123
//! client 1 connected
//! client 1: echoed 3 lines
//! client 2 connected
//! client 2: echoed 1 lines
//! ```

use std::io::{self, BufRead, BufReader, Write};

use vfd::fd::FromRawFd;
use vfd::net::{TcpListener, TcpStream};

/// Where the host hands a listener in, with `--fd3`.
const HANDED_FD: i32 = 3;

enum Source {
    Handed,
    Bind(String),
}

fn main() {
    let (source, clients) = match parse_args() {
        Ok(parsed) => parsed,
        Err(msg) => {
            eprintln!("echo-server: {msg}");
            eprintln!("usage: echo-server (--fd3 | --listen ADDR) [--clients N]");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(source, clients) {
        eprintln!("echo-server: {e}");
        std::process::exit(1);
    }
}

fn parse_args() -> Result<(Source, u32), String> {
    let mut source = None;
    let mut clients = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--fd3" => source = Some(Source::Handed),
            "--listen" => {
                let addr = args.next().ok_or("--listen needs an address")?;
                source = Some(Source::Bind(addr));
            }
            "--clients" => {
                let n = args.next().ok_or("--clients needs a number")?;
                clients = n.parse().map_err(|_| format!("bad --clients {n:?}"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((source.ok_or("say --fd3 or --listen ADDR")?, clients))
}

fn run(source: Source, clients: u32) -> io::Result<()> {
    let listener = match source {
        // SAFETY: the host handed fd 3 in for this program to own.
        Source::Handed => unsafe { TcpListener::from_raw_fd(HANDED_FD) },
        Source::Bind(addr) => TcpListener::bind(addr.as_str())?,
    };
    println!("listening on {}", listener.local_addr()?);

    for n in 1..=clients {
        let (stream, _peer) = listener.accept()?;
        println!("client {n} connected");
        let lines = echo(&stream)?;
        println!("client {n}: echoed {lines} lines");
    }
    Ok(())
}

/// Send each line back as it arrives; a last line without a newline counts
/// too. Returns how many lines went back.
fn echo(stream: &TcpStream) -> io::Result<u64> {
    let mut reader = BufReader::new(stream);
    let mut writer = stream;
    let mut line = Vec::new();
    let mut count = 0;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(count);
        }
        writer.write_all(&line)?;
        count += 1;
    }
}
