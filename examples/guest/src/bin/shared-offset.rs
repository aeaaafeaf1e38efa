//! Duplicates share one offset; separate opens have their own.
//!
//! `try_clone` is dup: both numbers refer to one open description, so their
//! reads continue each other. Two `File::open`s are two descriptions and
//! both start at 0. Expected output:
//!
//! ```text
//! dup a: ab
//! dup b: cd
//! dup a: ef
//! open 1: ab
//! open 2: ab
//! ```

use std::io::Read;

use vfd::fs::{self, File};

const PATH: &str = "/data/shared.txt";

/// Read two bytes through `file` and print them after `label`.
fn show(label: &str, mut file: &File) -> std::io::Result<()> {
    let mut buf = [0u8; 2];
    file.read_exact(&mut buf)?;
    println!("{label}: {}", String::from_utf8_lossy(&buf));
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("shared-offset: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::io::Result<()> {
    fs::write(PATH, "abcdef")?;

    // One description, two numbers: the offset moves for both.
    let a = File::open(PATH)?;
    let b = a.try_clone()?;
    show("dup a", &a)?;
    show("dup b", &b)?;
    show("dup a", &a)?;

    // Two descriptions: each has its own offset.
    let one = File::open(PATH)?;
    let two = File::open(PATH)?;
    show("open 1", &one)?;
    show("open 2", &two)?;

    fs::remove_file(PATH)
}
