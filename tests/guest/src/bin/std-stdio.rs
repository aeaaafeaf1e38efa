//! std's own printing (`println!`, `eprintln!`, a panic's message) on
//! vfd's descriptors 1 and 2: it follows a `dup2` onto them, as on Linux.
//! One scenario per argument:
//!
//! - `redirect`: a file on fd 1, then on fd 2, each put back after;
//! - `pipe`: a pipe on fd 1, read back after;
//! - `closed`: fd 1 closed (`println!` goes nowhere, as Rust's std does
//!   with EBADF on Linux), then a file opened, which takes number 1;
//! - `panic`: a file on fd 2, then a panic, whose message lands there;
//! - `stdin`: std's stdin, read to its end (whatever fd 0 is);
//! - `stdin-file`: a file on fd 0, read through std's stdin;
//! - `stdin-pipe`: a pipe on fd 0, read through std's stdin;
//! - `stdin-closed`: fd 0 closed: std's stdin is at its end (Rust's std
//!   takes EBADF on stdin as the end, as on Linux).

use std::io::{Read, Write};

use vfd::fs::{self, File, OpenOptions};
use vfd::io::{close_raw, dup};
use vfd::stdio::{dup2_stderr, dup2_stdin, dup2_stdout, stderr, stdout};

const OUT: &str = "/data/std-stdio.txt";

fn create() -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(OUT)
}

fn redirect() -> std::io::Result<()> {
    println!("stdout before");
    eprintln!("stderr before");
    let file = create()?;
    let saved_out = dup(stdout())?;
    let saved_err = dup(stderr())?;
    dup2_stdout(&file)?;
    println!("stdout into the file");
    eprintln!("stderr still on stderr");
    dup2_stderr(&file)?;
    eprintln!("stderr into the file");
    dup2_stdout(&saved_out)?;
    dup2_stderr(&saved_err)?;
    println!("stdout after, the file holds:");
    print!("{}", fs::read_to_string(OUT)?);
    eprintln!("stderr after");
    fs::remove_file(OUT)
}

fn pipe() -> std::io::Result<()> {
    let (reader, writer) = vfd::pipe::pipe()?;
    let saved = dup(stdout())?;
    dup2_stdout(&writer)?;
    drop(writer);
    println!("through the pipe");
    dup2_stdout(&saved)?;
    let mut got = String::new();
    File::from(reader).read_to_string(&mut got)?;
    print!("read back: {got}");
    Ok(())
}

fn closed() -> std::io::Result<()> {
    println!("before closing fd 1");
    close_raw(1)?;
    println!("lost: fd 1 is closed");
    let file = create()?;
    use vfd::fd::AsRawFd;
    eprintln!("the file took fd {}", file.as_raw_fd());
    println!("into the file on fd 1");
    eprintln!("the file holds: {:?}", fs::read_to_string(OUT)?);
    fs::remove_file(OUT)
}

fn panics() -> std::io::Result<()> {
    let file = create()?;
    dup2_stderr(&file)?;
    panic!("a panic on a redirected fd 2");
}

/// All of std's stdin, printed.
fn print_stdin(what: &str) -> std::io::Result<()> {
    let mut got = String::new();
    std::io::stdin().read_to_string(&mut got)?;
    println!("{what}: {got:?}");
    Ok(())
}

fn stdin_file() -> std::io::Result<()> {
    dup2_stdin(File::open("/data/hello.txt")?)?;
    print_stdin("stdin from a file")
}

fn stdin_pipe() -> std::io::Result<()> {
    let (reader, writer) = vfd::pipe::pipe()?;
    File::from(writer).write_all(b"through a pipe\n")?;
    dup2_stdin(&reader)?;
    print_stdin("stdin from a pipe")
}

fn stdin_closed() -> std::io::Result<()> {
    close_raw(0)?;
    print_stdin("stdin closed")
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let result = match which.as_str() {
        "redirect" => redirect(),
        "pipe" => pipe(),
        "closed" => closed(),
        "panic" => panics(),
        "stdin" => print_stdin("stdin"),
        "stdin-file" => stdin_file(),
        "stdin-pipe" => stdin_pipe(),
        "stdin-closed" => stdin_closed(),
        other => {
            eprintln!("std-stdio: unknown scenario {other:?}");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        vfd::eprintln!("std-stdio {which}: {e}");
        std::process::exit(1);
    }
}
