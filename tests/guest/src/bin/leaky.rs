//! A guest that opens one of everything and ends without closing any of
//! it, for the host's leak test. The first argument says how it ends:
//!
//! - `return`: returns from `main`;
//! - `exit`: `exit(3)`;
//! - `panic`: panics (the guest traps);
//! - `close-borrowed`: closes fd 5 (a descriptor the host lent) and its
//!   duplicate, then returns.
//!
//! With a second argument `report`, it prints what it opened.
//!
//! It expects `/data` mounted, a TCP listener lent at fd 5, and listening
//! and connecting on 127.0.0.1 allowed. Composed with the wasm layer,
//! where nothing can be lent, fd 5 is the file it created.

use vfd::bindings::vfd::posix::descriptors as d;
use vfd::bindings::vfd::posix::handles::File as Handle;
use vfd::bindings::vfd::posix::pipes;
use vfd::bindings::vfd::posix::sockets;
use vfd::bindings::vfd::posix::types::{FdFlags, OpenFlags, StatusFlags};

/// The listener the host lends.
const LENT: u32 = 5;

fn main() {
    let mut args = std::env::args().skip(1);
    let how = args.next().unwrap_or_default();
    let report = args.next().as_deref() == Some("report");
    let (none, nonblock) = (FdFlags::empty(), StatusFlags::NONBLOCK);

    let mut opened: Vec<String> = Vec::new();
    let mut note = |what: &str, fds: &[u32]| opened.push(format!("{what} {fds:?}"));
    let file = d::open("/data/hello.txt", OpenFlags::READ).expect("open a file");
    note("file", &[file]);
    let dir = d::open("/data/sub", OpenFlags::READ | OpenFlags::DIRECTORY).expect("open a dir");
    note("dir", &[dir]);
    let created = d::open(
        "/data/leaky.txt",
        OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::APPEND,
    )
    .expect("create a file");
    d::write(created, b"x").expect("write");
    note("created", &[created]);
    let (r, w) = pipes::pipe(none, StatusFlags::empty()).expect("pipe");
    d::write(w, b"left in the pipe").expect("write to the pipe");
    note("pipe", &[r, w]);
    let (a, b) = pipes::socketpair(none, StatusFlags::empty()).expect("socketpair");
    d::write(a, b"left in the pair").expect("write to the pair");
    note("socketpair", &[a, b]);
    let listener = sockets::tcp_listen("127.0.0.1:0", 8, none, StatusFlags::empty())
        .expect("listen on 127.0.0.1");
    let addr = sockets::local_address(listener).expect("local address");
    let client = sockets::tcp_connect(&addr, none, StatusFlags::empty()).expect("connect");
    let (server, _) = sockets::accept(listener, none, StatusFlags::empty()).expect("accept");
    d::write(client, b"unread").expect("write to the connection");
    note("tcp", &[listener, client, server]);
    let udp = sockets::udp_bind("127.0.0.1:0", none, nonblock).expect("udp bind");
    note("udp", &[udp]);
    let dup = d::dup(LENT).expect("dup the lent listener");
    let dup_min = d::dup_min(file, 20, FdFlags::CLOEXEC).expect("dup_min");
    note("dups", &[dup, dup_min]);
    // An owning handle, leaked: the host drops it with the instance.
    let handle = Handle::wrap(created, true).expect("wrap");
    std::mem::forget(handle);
    if report {
        vfd::println!("leaky opened: {}", opened.join(", "));
    }
    match how.as_str() {
        "return" => {}
        "exit" => std::process::exit(3),
        "panic" => panic!("leaky panics on purpose"),
        "close-borrowed" => {
            d::close(LENT).expect("close the lent fd");
            d::close(dup).expect("close its dup");
        }
        other => panic!("unknown ending {other:?}"),
    }
}
