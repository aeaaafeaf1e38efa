//! Capture what a program prints, the way a shell's `$(...)` does: point
//! fd 1 at a pipe, print, put fd 1 back, then read the pipe.
//!
//! The reader sees end of file only once no write end is left: not the
//! pipe's own write number, and not fd 1, which held the write end while
//! it was redirected. Both are gone before the pipe is read, so reading
//! stops by itself. Expected output:
//!
//! ```text
//! fd 1 goes into a pipe (read end fd 3, write end fd 4) while printing 3 lines
//! fd 1 is back; reading the pipe to end of file
//! captured: hello from fd 1
//! captured: 6 x 7 = 42
//! captured: the last line
//! end of file after 3 lines
//! ```

use std::io::{self, Read};

use vfd::fd::AsRawFd;
use vfd::fs::File;
use vfd::io::dup;
use vfd::pipe::pipe;
use vfd::stdio::{dup2_stdout, stdout};

fn main() {
    if let Err(e) = run() {
        eprintln!("redirect-to-pipe: {e}");
        std::process::exit(1);
    }
}

fn run() -> io::Result<()> {
    let (reader, writer) = pipe()?;
    println!(
        "fd 1 goes into a pipe (read end fd {}, write end fd {}) while printing 3 lines",
        reader.as_raw_fd(),
        writer.as_raw_fd()
    );

    // Keep what fd 1 is now, then make fd 1 a second write end of the pipe.
    let saved = dup(stdout())?;
    dup2_stdout(&writer)?;
    println!("hello from fd 1");
    println!("6 x 7 = {}", 6 * 7);
    println!("the last line");

    // Put fd 1 back and close the pipe's own write number: no write end is
    // left, so the reader will meet end of file after the captured bytes.
    dup2_stdout(&saved)?;
    drop(saved);
    drop(writer);
    println!("fd 1 is back; reading the pipe to end of file");

    let mut captured = String::new();
    File::from(reader).read_to_string(&mut captured)?;
    let mut count = 0;
    for line in captured.lines() {
        println!("captured: {line}");
        count += 1;
    }
    println!("end of file after {count} lines");
    Ok(())
}
