//! Redirect standard output into a file and back, the shell's `>` done by
//! hand: save fd 1 with dup, dup2 the file onto 1, print, then dup2 the
//! saved copy back.
//!
//! fd 1 is an entry in this guest's own table, and std's `println!` writes
//! to it: the redirection moves std's output as it would on Linux, and
//! never touches the host's stdout. Expected output:
//!
//! ```text
//! to the terminal
//! redirect.log holds: to the file
//! ```

use vfd::fs::{self, OpenOptions};
use vfd::io::dup;
use vfd::stdio::{dup2_stdout, stdout};

const LOG: &str = "/data/redirect.log";

fn main() {
    if let Err(e) = run() {
        eprintln!("redirect: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::io::Result<()> {
    // Keep a second number for whatever fd 1 is now (the terminal).
    let saved = dup(stdout())?;

    // Point fd 1 at the log file; the file's own number can go afterwards,
    // as fd 1 keeps the open description alive.
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(LOG)?;
    dup2_stdout(&file)?;
    drop(file);
    println!("to the file");

    // Put the terminal back on fd 1.
    dup2_stdout(&saved)?;
    drop(saved);
    println!("to the terminal");

    // Show where the first line went.
    let logged = fs::read_to_string(LOG)?;
    print!("redirect.log holds: {logged}");
    fs::remove_file(LOG)
}
