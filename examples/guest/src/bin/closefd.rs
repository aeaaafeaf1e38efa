//! Owning and borrowing wrappers around one descriptor number, like
//! Python's `open(fd, closefd=True/False)`, and the stale-close protection.
//!
//! A borrowing wrapper leaves the number open when dropped; an owning one
//! closes it. An owning wrapper whose number was closed and then reused for
//! another file closes nothing when dropped: a double close cannot close an
//! unrelated file. Expected output:
//!
//! ```text
//! opened /data/hello.txt as fd 3
//! owning handle: fd 3, owns it: true
//! borrowing handle: fd 3, owns it: false
//! dropped the borrowing handle: fd 3 still open
//! read through the owning handle: hello, vfd
//! dropped the owning handle: fd 3 is closed (EBADF)
//! stale handle: wraps fd 3, owns it: true
//! closed fd 3 behind its back
//! reopened: /data/sub/inner.txt is fd 3 again
//! dropped the stale handle: fd 3 still open, reads: inner
//! ```

use std::io::Read;

use vfd::fd::{AsRawFd, BorrowedFd, IntoRawFd, RawFd};
use vfd::fs::File;
use vfd::handles::Handle;
use vfd::io::{close_raw, fcntl_getfd};

/// wasi-libc's EBADF.
const EBADF: i32 = 8;

/// Whether `fd` is open, and if not, whether it is EBADF.
fn state(fd: RawFd) -> &'static str {
    // SAFETY: the host checks the number on every call; a closed one is
    // just EBADF.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    match fcntl_getfd(borrowed) {
        Ok(_) => "still open",
        Err(e) if e.raw_os_error() == Some(EBADF) => "is closed (EBADF)",
        Err(_) => "in an unexpected state",
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("closefd: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::io::Result<()> {
    // Take the number out of its `File`: from here the handles decide.
    let fd = File::open("/data/hello.txt")?.into_raw_fd();
    println!("opened /data/hello.txt as fd {fd}");

    let mut owning = Handle::wrap(fd, true)?;
    let borrowing = Handle::wrap(fd, false)?;
    println!(
        "owning handle: fd {}, owns it: {}",
        owning.fd(),
        owning.owns_fd()
    );
    println!(
        "borrowing handle: fd {}, owns it: {}",
        borrowing.fd(),
        borrowing.owns_fd()
    );

    drop(borrowing);
    println!("dropped the borrowing handle: fd {fd} {}", state(fd));

    let mut text = String::new();
    owning.read_to_string(&mut text)?;
    print!("read through the owning handle: {text}");

    drop(owning);
    println!("dropped the owning handle: fd {fd} {}", state(fd));

    // The double-close bug: an owning handle outlives its number.
    let fd = File::open("/data/hello.txt")?.into_raw_fd();
    let stale = Handle::wrap(fd, true)?;
    println!(
        "stale handle: wraps fd {}, owns it: {}",
        stale.fd(),
        stale.owns_fd()
    );
    close_raw(fd)?;
    println!("closed fd {fd} behind its back");

    // The lowest free number is the same one, now another file.
    let mut inner = File::open("/data/sub/inner.txt")?;
    println!(
        "reopened: /data/sub/inner.txt is fd {} again",
        inner.as_raw_fd()
    );

    // Dropping the stale handle must not close the new file.
    drop(stale);
    let mut text = String::new();
    inner.read_to_string(&mut text)?;
    print!(
        "dropped the stale handle: fd {} {}, reads: {text}",
        inner.as_raw_fd(),
        state(inner.as_raw_fd())
    );
    Ok(())
}
