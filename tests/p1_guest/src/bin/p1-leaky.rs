//! A program that leaves everything open and ends abruptly, for the leak
//! test of module lifecycles: it opens a file, a directory and a file it
//! appends one byte to, accepts a connection on the listener it was handed
//! at 4 when asked, forgets every one of them, and then ends as its
//! argument says: `return`, `exit` (status 3) or `panic` (a trap).
//!
//! usage: p1-leaky return|exit|panic [accept]

use std::io::Write;
use std::os::fd::FromRawFd;

fn main() {
    let ending = std::env::args().nth(1).unwrap_or_default();
    let file = std::fs::File::open("/data/hello.txt").expect("open hello.txt");
    let dir = std::fs::File::open("/data/sub").expect("open sub");
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open("/data/leaky-p1.txt")
        .expect("open leaky-p1.txt");
    log.write_all(b".").expect("write");
    if std::env::args().nth(2).as_deref() == Some("accept") {
        // SAFETY: the host hands a listening socket in at 4.
        let listener = unsafe { std::net::TcpListener::from_raw_fd(4) };
        let (conn, _) = listener.accept().expect("accept");
        std::mem::forget((conn, listener));
    }
    std::mem::forget((file, dir, log));
    match ending.as_str() {
        "exit" => std::process::exit(3),
        "panic" => panic!("ending with a trap, descriptors open"),
        _ => {}
    }
}
