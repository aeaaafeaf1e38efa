//! The portable lock-file idiom: O_CREAT | O_EXCL creates the file
//! atomically or fails with EEXIST, so only one holder can succeed.
//! Expected output:
//!
//! ```text
//! first attempt: locked
//! second attempt: AlreadyExists
//! lock released
//! third attempt: locked
//! ```

use vfd::fs::{self, File, OpenOptions};

const LOCK: &str = "/data/app.lock";

/// Try to take the lock.
fn lock() -> std::io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(LOCK)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("lockfile: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::io::Result<()> {
    let held = lock()?;
    println!("first attempt: locked");

    // Somebody holds the lock: the exclusive create fails.
    match lock() {
        Ok(_) => {
            println!("second attempt: locked twice!");
            std::process::exit(1);
        }
        Err(e) => println!("second attempt: {:?}", e.kind()),
    }

    // Releasing the lock is removing the file.
    drop(held);
    fs::remove_file(LOCK)?;
    println!("lock released");

    let again = lock()?;
    println!("third attempt: locked");
    drop(again);
    fs::remove_file(LOCK)
}
