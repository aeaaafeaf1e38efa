//! Host objects that are pipes and sockets: handed in, shared between
//! guests, and written to with no reader left.

use crate::harness::{Fixture, component, engine, read_all, run_lib_with};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;
use vfd_host::{MountPerms, VfdCtx};
use wasmtime_wasi::WasiCtx;

/// Run `upper` on what `cat FILES` writes into a host pipe, each guest on
/// its own thread with its own table, and return what came out.
pub fn cat_into_upper(fixture: &Fixture, files: &[&str]) -> String {
    let (read_end, write_end) = vfd_host::pipe().unwrap();
    let writer = VfdCtx::builder()
        .no_stdio()
        .mount(fixture.path("mnt"), "/data", MountPerms::ReadOnly)
        .unwrap()
        .stdout(write_end)
        .build()
        .unwrap();
    let out = tempfile::tempfile().unwrap();
    let reader = VfdCtx::builder()
        .no_stdio()
        .stdin(read_end)
        .stdout_borrowed(out.as_fd())
        .unwrap()
        .build()
        .unwrap();
    let (cat, upper) = (component("cat"), component("upper"));
    let cat_wasi = WasiCtx::builder().args(&["cat"]).args(files).build();
    let upper_wasi = WasiCtx::builder().args(&["upper"]).build();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| vfd_host::run_command(engine(), &cat, cat_wasi, writer).unwrap());
        let b = s.spawn(|| vfd_host::run_command(engine(), &upper, upper_wasi, reader).unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!((a, b), (0, 0));
    read_all(out)
}

#[test]
fn two_guests_share_a_host_pipe() {
    let fixture = Fixture::new();
    // `upper` saw end of file, so it ended: the writer's end was released
    // with its instance, and no host copy of it was left behind.
    let out = cat_into_upper(&fixture, &["/data/hello.txt", "/data/sub/inner.txt"]);
    assert_eq!(out, "HELLO, VFD\nINNER\n");
}

#[test]
fn a_borrowed_host_listener_stays_open_after_the_guest_closes_it() {
    let fixture = Fixture::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let out = run_lib_with(&fixture, "probe", &["close:3"], |b| {
        b.insert_borrowed(3, listener.as_fd()).unwrap();
    });
    assert_eq!(out.stdout, "close 3: ok\n", "{out:#?}");
    // The host's listener still accepts.
    let client = TcpStream::connect(addr).unwrap();
    let (accepted, peer) = listener.accept().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    drop(accepted);
}

#[test]
fn an_owned_host_listener_is_closed_when_the_guest_closes_it() {
    let fixture = Fixture::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let out = run_lib_with(&fixture, "probe", &["close:3"], |b| {
        b.insert(3, listener);
    });
    assert_eq!(out.stdout, "close 3: ok\n", "{out:#?}");
    let refused = TcpStream::connect(addr).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
}

/// A descriptor given to the guest without close-on-exec (as a shell's
/// `3<file` arrives) is vfd's from then on, and close-on-exec like every
/// descriptor vfd holds: a process the host starts later does not inherit
/// it (a pipe's write end kept there would hide end of file from the
/// reader).
#[test]
fn a_given_descriptor_becomes_close_on_exec() {
    use std::os::fd::{AsRawFd, BorrowedFd};
    let (_read_end, write_end) = rustix::pipe::pipe().unwrap();
    let raw = write_end.as_raw_fd();
    let flags = |raw| {
        // SAFETY: `raw` is open for the duration of the call: the test
        // holds it, then the context does.
        rustix::io::fcntl_getfd(unsafe { BorrowedFd::borrow_raw(raw) }).unwrap()
    };
    assert!(!flags(raw).contains(rustix::io::FdFlags::CLOEXEC));
    let ctx = VfdCtx::builder()
        .no_stdio()
        .insert(6, write_end)
        .build()
        .unwrap();
    assert!(flags(raw).contains(rustix::io::FdFlags::CLOEXEC));
    drop(ctx);
}

/// The child half of `epipe_never_raises_sigpipe_in_the_host`: run only by
/// it, in a process of its own whose SIGPIPE is back at the default action
/// (terminate), as in a host that never ignored it.
#[test]
#[ignore = "run in a child process by epipe_never_raises_sigpipe_in_the_host"]
fn epipe_child_with_default_sigpipe() {
    // SAFETY: restoring the default disposition in this process only.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let fixture = Fixture::new();
    let (read_end, write_end) = vfd_host::pipe().unwrap();
    drop(read_end);
    let out = run_lib_with(
        &fixture,
        "probe",
        &["write-fd:6:nobody reads this", "exit:0"],
        |b| {
            b.insert(6, write_end);
        },
    );
    assert_eq!(out.stdout, "write-fd 6: EPIPE\n", "{out:#?}");
    println!("child survived");
}

#[test]
fn epipe_never_raises_sigpipe_in_the_host() {
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "pipes::epipe_child_with_default_sigpipe",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success() && stdout.contains("child survived"),
        "the child died or failed: {:?}\n{stdout}\n{}",
        child.status,
        String::from_utf8_lossy(&child.stderr)
    );
}
