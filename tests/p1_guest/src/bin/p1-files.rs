//! Everyday file work with `std::fs` under a preopened directory: read a
//! file, write one, take a lock file with `create_new` (the second attempt
//! fails with `AlreadyExists`), list a directory. Run with a directory
//! mounted at `/data` holding `hello.txt` and `sub/inner.txt`; it prints:
//!
//! ```text
//! hello, vfd
//! wrote /data/out.txt
//! locked /data/app.lock
//! second attempt: AlreadyExists
//! /data/sub: inner.txt
//! done
//! ```

use std::fs::{self, File, OpenOptions};
use std::io;

const LOCK: &str = "/data/app.lock";

/// Take the lock: the exclusive create succeeds for one holder only.
fn lock() -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(LOCK)
}

fn main() -> io::Result<()> {
    print!("{}", fs::read_to_string("/data/hello.txt")?);

    fs::write("/data/out.txt", "written by p1-files\n")?;
    println!("wrote /data/out.txt");

    // The lock stays held (the file stays behind) when the program ends:
    // whoever comes next sees it.
    let _held = lock()?;
    println!("locked {LOCK}");
    match lock() {
        Ok(_) => return Err(io::Error::other("the lock was taken twice")),
        Err(e) => println!("second attempt: {:?}", e.kind()),
    }

    // Directory order is the file system's: sort for a stable listing.
    let mut names = fs::read_dir("/data/sub")?
        .map(|entry| Ok(entry?.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<Vec<_>>>()?;
    names.sort();
    println!("/data/sub: {}", names.join(" "));

    println!("done");
    Ok(())
}
