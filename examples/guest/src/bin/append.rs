//! Read-and-append, Python's "ab+": one open description with the append
//! flag. Reads follow the offset; every write lands at the end of the file
//! whatever the offset is. Expected output:
//!
//! ```text
//! read back: one
//! offset before writing: 0
//! offset after writing: 8
//! whole file:
//! one
//! two
//! append flag: true
//! append flag on the clone: true
//! ```

use std::io::{Read, Seek, SeekFrom, Write};

use vfd::fs::{self, OpenOptions};
use vfd::io::{StatusFlags, fcntl_getfl};

const PATH: &str = "/data/append.txt";

fn main() {
    if let Err(e) = run() {
        eprintln!("append: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::io::Result<()> {
    // Start from an empty file (a leftover from an earlier run may exist).
    let _ = fs::remove_file(PATH);
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(PATH)?;

    file.write_all(b"one\n")?;
    file.seek(SeekFrom::Start(0))?;
    let mut line = [0u8; 4];
    file.read_exact(&mut line)?;
    print!("read back: {}", String::from_utf8_lossy(&line));

    // Move the offset back to the start: the write still goes to the end.
    file.seek(SeekFrom::Start(0))?;
    println!("offset before writing: {}", file.stream_position()?);
    file.write_all(b"two\n")?;
    println!("offset after writing: {}", file.stream_position()?);

    file.seek(SeekFrom::Start(0))?;
    let mut all = String::new();
    file.read_to_string(&mut all)?;
    print!("whole file:\n{all}");

    // The append flag belongs to the open description, so a dup has it too.
    let clone = file.try_clone()?;
    let append = |flags: StatusFlags| flags.contains(StatusFlags::APPEND);
    println!("append flag: {}", append(fcntl_getfl(&file)?));
    println!("append flag on the clone: {}", append(fcntl_getfl(&clone)?));

    fs::remove_file(PATH)
}
