//! std's own printing (`println!`, `eprintln!`, a panic's message) on
//! vfd's descriptors 1 and 2: it follows a `dup2` onto them, as on Linux.
//! The descriptor calls are vfd's in the wasm build and the C library's
//! in a native one (`sys`), so the same program run on Linux is the
//! reference. One scenario per argument:
//!
//! - `redirect`: a file on fd 1, then on fd 2, each put back after;
//! - `pipe`: a pipe on fd 1, read back after;
//! - `closed`: fd 1 closed (`println!` goes nowhere, as Rust's std does
//!   with EBADF on Linux), then a file opened, which takes number 1;
//! - `read-only`: a file open read-only on fd 1 and 2, a sink that takes
//!   nothing (a write is EBADF, which std ignores), then put back;
//! - `dev-null`: `/dev/null` on fd 1 and 2 (the host's `/dev` mounted at
//!   `/dev`), then put back;
//! - `panic`: a file on fd 2, then a panic, whose message lands there;
//! - `stdin`: std's stdin, read to its end (whatever fd 0 is);
//! - `stdin-file`: a file on fd 0, read through std's stdin;
//! - `stdin-pipe`: a pipe on fd 0, read through std's stdin;
//! - `stdin-closed`: fd 0 closed: std's stdin is at its end (Rust's std
//!   takes EBADF on stdin as the end, as on Linux).
//!
//! Only in the wasm build, being about vfd or WASI themselves:
//! - `mixed`: std's `print!` of half a line (held in std's line buffer),
//!   then `vfd::println!` of the rest: one line, in order;
//! - `zeroes`: `wasi:cli` stdout's `write-zeroes` calls with a pipe on fd 1;
//! - `stdin-poll`: the readiness of `wasi:cli`'s stdin stream (what
//!   wasi-libc's `poll` on fd 0 asks) with a pipe on fd 0: empty, one byte,
//!   its writer closed.

mod sys;

use std::io::Read;
use sys::RawFd;

/// The file the scenarios redirect into.
fn out_path() -> String {
    format!("{}/std-stdio.txt", sys::DATA)
}

fn redirect() -> std::io::Result<()> {
    println!("stdout before");
    eprintln!("stderr before");
    let file = sys::create(&out_path())?;
    let saved_out = sys::dup(1)?;
    let saved_err = sys::dup(2)?;
    sys::dup2(file, 1)?;
    println!("stdout into the file");
    eprintln!("stderr still on stderr");
    sys::dup2(file, 2)?;
    eprintln!("stderr into the file");
    sys::dup2(saved_out, 1)?;
    sys::dup2(saved_err, 2)?;
    println!("stdout after, the file holds:");
    print!("{}", sys::read_to_string(&out_path())?);
    eprintln!("stderr after");
    sys::remove_file(&out_path())
}

fn pipe() -> std::io::Result<()> {
    let (reader, writer) = sys::pipe()?;
    let saved = sys::dup(1)?;
    sys::dup2(writer, 1)?;
    sys::close(writer)?;
    println!("through the pipe");
    sys::dup2(saved, 1)?;
    let got = sys::read_to_end(reader)?;
    print!("read back: {}", String::from_utf8_lossy(&got));
    Ok(())
}

fn closed() -> std::io::Result<()> {
    println!("before closing fd 1");
    sys::close(1)?;
    println!("lost: fd 1 is closed");
    let file = sys::create(&out_path())?;
    eprintln!("the file took fd {file}");
    println!("into the file on fd 1");
    eprintln!("the file holds: {:?}", sys::read_to_string(&out_path())?);
    sys::remove_file(&out_path())
}

fn read_only() -> std::io::Result<()> {
    into_sink(sys::open(&format!("{}/hello.txt", sys::DATA))?)
}

fn dev_null() -> std::io::Result<()> {
    into_sink(sys::create("/dev/null")?)
}

/// Print with `sink` on fd 1 and 2, then with them put back.
fn into_sink(sink: RawFd) -> std::io::Result<()> {
    let saved_out = sys::dup(1)?;
    let saved_err = sys::dup(2)?;
    sys::dup2(sink, 1)?;
    sys::dup2(sink, 2)?;
    println!("into the sink from fd 1");
    eprintln!("into the sink from fd 2");
    put_back(saved_out, 1)?;
    put_back(saved_err, 2)?;
    println!("stdout back");
    eprintln!("stderr back");
    Ok(())
}

/// Move `saved` back onto `fd` and close the copy.
fn put_back(saved: RawFd, fd: RawFd) -> std::io::Result<()> {
    sys::dup2(saved, fd)?;
    sys::close(saved)
}

fn panics() -> std::io::Result<()> {
    let file = sys::create(&out_path())?;
    sys::dup2(file, 2)?;
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
    let file = sys::open(&format!("{}/hello.txt", sys::DATA))?;
    sys::dup2(file, 0)?;
    print_stdin("stdin from a file")
}

fn stdin_pipe() -> std::io::Result<()> {
    let (reader, writer) = sys::pipe()?;
    sys::write_all(writer, b"through a pipe\n")?;
    sys::close(writer)?;
    sys::dup2(reader, 0)?;
    print_stdin("stdin from a pipe")
}

fn stdin_closed() -> std::io::Result<()> {
    sys::close(0)?;
    print_stdin("stdin closed")
}

#[cfg(target_arch = "wasm32")]
fn stdin_poll() -> std::io::Result<()> {
    use wasip2::clocks::monotonic_clock::subscribe_duration;
    use wasip2::io::poll::poll;
    use wasip2::io::streams::StreamError;
    let (reader, writer) = sys::pipe()?;
    sys::dup2(reader, 0)?;
    sys::close(reader)?;
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
    sys::write_all(writer, b"x")?;
    println!("one byte: ready {}", ready.ready());
    println!(
        "one byte: poll with a zero timeout has stdin {}",
        stdin_in(&poll(&[&ready, &subscribe_duration(0)]))
    );
    println!("one byte: read gives {}", describe(stdin.read(10)));
    sys::close(writer)?;
    println!("writer closed: ready {}", ready.ready());
    println!("writer closed: read gives {}", describe(stdin.read(10)));
    Ok(())
}

#[cfg(target_arch = "wasm32")]
fn zeroes() -> std::io::Result<()> {
    let (reader, writer) = sys::pipe()?;
    let saved = sys::dup(1)?;
    sys::dup2(writer, 1)?;
    sys::close(writer)?;
    let stdout = wasip2::cli::stdout::get_stdout();
    let wrote = stdout.write_zeroes(2).is_ok() && stdout.blocking_write_zeroes_and_flush(3).is_ok();
    drop(stdout);
    put_back(saved, 1)?;
    println!(
        "zeroes written: {wrote}, the pipe holds {:?}",
        sys::read_to_end(reader)?
    );
    Ok(())
}

#[cfg(target_arch = "wasm32")]
fn mixed() -> std::io::Result<()> {
    print!("std's half, ");
    vfd::println!("vfd's half");
    println!("std's line");
    Ok(())
}

/// The scenario `which`, if this build has it.
fn scenario(which: &str) -> Option<std::io::Result<()>> {
    Some(match which {
        "redirect" => redirect(),
        "pipe" => pipe(),
        "closed" => closed(),
        "read-only" => read_only(),
        "dev-null" => dev_null(),
        "panic" => panics(),
        "stdin" => print_stdin("stdin"),
        "stdin-file" => stdin_file(),
        "stdin-pipe" => stdin_pipe(),
        "stdin-closed" => stdin_closed(),
        #[cfg(target_arch = "wasm32")]
        "stdin-poll" => stdin_poll(),
        #[cfg(target_arch = "wasm32")]
        "mixed" => mixed(),
        #[cfg(target_arch = "wasm32")]
        "zeroes" => zeroes(),
        _ => return None,
    })
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    match scenario(&which) {
        None => {
            eprintln!("std-stdio: unknown scenario {which:?}");
            std::process::exit(2);
        }
        Some(Err(e)) => {
            eprintln!("std-stdio {which}: {e}");
            std::process::exit(1);
        }
        Some(Ok(())) => {}
    }
}
