//! std's own printing (`println!`, `eprintln!`, a panic's message) on
//! vfd's descriptors 1 and 2: it follows a `dup2` onto them, as on Linux.
//! One scenario per argument:
//!
//! - `redirect`: a file on fd 1, then on fd 2, each put back after;
//! - `pipe`: a pipe on fd 1, read back after;
//! - `closed`: fd 1 closed (`println!` goes nowhere, as Rust's std does
//!   with EBADF on Linux), then a file opened, which takes number 1;
//! - `panic`: a file on fd 2, then a panic, whose message lands there;
//! - `mixed`: std's `print!` of half a line (held in std's line buffer),
//!   then `vfd::println!` of the rest: one line, in order;
//! - `stdin`: std's stdin, read to its end (whatever fd 0 is);
//! - `stdin-file`: a file on fd 0, read through std's stdin;
//! - `stdin-pipe`: a pipe on fd 0, read through std's stdin;
//! - `stdin-poll`: the readiness of `wasi:cli`'s stdin stream (what
//!   wasi-libc's `poll` on fd 0 asks) with a pipe on fd 0: empty, one byte,
//!   its writer closed;
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

fn stdin_poll() -> std::io::Result<()> {
    use wasip2::clocks::monotonic_clock::subscribe_duration;
    use wasip2::io::poll::poll;
    use wasip2::io::streams::StreamError;
    let (reader, writer) = vfd::pipe::pipe()?;
    dup2_stdin(&reader)?;
    drop(reader);
    let stdin = wasip2::cli::stdin::get_stdin();
    let ready = stdin.subscribe();
    let describe = |read: Result<Vec<u8>, StreamError>| match read {
        Ok(bytes) => format!("{bytes:?}"),
        Err(StreamError::Closed) => "closed".to_owned(),
        Err(StreamError::LastOperationFailed(e)) => e.to_debug_string(),
    };
    println!("empty: ready {}", ready.ready());
    // poll returns once one is ready: stdin (index 0), or the timeout.
    let stdin_in = |ready: &[u32]| ready.contains(&0);
    println!(
        "empty: poll with a zero timeout has stdin {}",
        stdin_in(&poll(&[&ready, &subscribe_duration(0)]))
    );
    println!("empty: read gives {}", describe(stdin.read(10)));
    let mut writer = File::from(writer);
    writer.write_all(b"x")?;
    println!("one byte: ready {}", ready.ready());
    println!(
        "one byte: poll with a zero timeout has stdin {}",
        stdin_in(&poll(&[&ready, &subscribe_duration(0)]))
    );
    println!("one byte: read gives {}", describe(stdin.read(10)));
    drop(writer);
    println!("writer closed: ready {}", ready.ready());
    println!("writer closed: read gives {}", describe(stdin.read(10)));
    Ok(())
}

fn stdin_closed() -> std::io::Result<()> {
    close_raw(0)?;
    print_stdin("stdin closed")
}

fn mixed() -> std::io::Result<()> {
    print!("std's half, ");
    vfd::println!("vfd's half");
    println!("std's line");
    Ok(())
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let result = match which.as_str() {
        "redirect" => redirect(),
        "pipe" => pipe(),
        "closed" => closed(),
        "panic" => panics(),
        "mixed" => mixed(),
        "stdin" => print_stdin("stdin"),
        "stdin-file" => stdin_file(),
        "stdin-pipe" => stdin_pipe(),
        "stdin-poll" => stdin_poll(),
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
