//! A guest that also uses std's files and TCP (`wasi:filesystem`,
//! `wasi:sockets/tcp`) beside vfd: composed with the layer, those
//! interfaces hand out streams, so the layer serves them too (forwarded
//! to the runtime) and std's `println!` still follows vfd's fd 1.
//!
//! It writes and reads a file with `std::fs` (through a `read-via-stream`
//! as std's `read` does), connects to a `std::net::TcpListener` of its own
//! on loopback and echoes a line, then redirects std's stdout into a vfd
//! file and back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use vfd::fs::{self, OpenOptions};
use vfd::io::dup;
use vfd::stdio::{dup2_stdout, stdout};

const STD_FILE: &str = "/data/std-fs.txt";
const VFD_FILE: &str = "/data/vfd-stdout.txt";

fn main() {
    if let Err(e) = run() {
        eprintln!("std-fs-net: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::io::Result<()> {
    std::fs::write(STD_FILE, "written by std::fs\n")?;
    let mut back = String::new();
    std::fs::File::open(STD_FILE)?.read_to_string(&mut back)?;
    print!("std::fs read back: {back}");
    std::fs::remove_file(STD_FILE)?;

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (mut server, _) = listener.accept()?;
    client.write_all(b"over std's TCP\n")?;
    let mut line = String::new();
    BufReader::new(&mut server).read_line(&mut line)?;
    server.write_all(line.to_uppercase().as_bytes())?;
    let mut echoed = String::new();
    BufReader::new(&mut client).read_line(&mut echoed)?;
    print!("std::net echoed: {echoed}");

    let saved = dup(stdout())?;
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(VFD_FILE)?;
    dup2_stdout(&file)?;
    println!("std's println! into vfd's file");
    dup2_stdout(&saved)?;
    print!("the file holds: {}", fs::read_to_string(VFD_FILE)?);
    fs::remove_file(VFD_FILE)
}
