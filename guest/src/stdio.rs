//! The standard streams of vfd's table, in the style of `rustix::stdio`,
//! and the `print!` family writing to them.
//!
//! These are vfd's numbers 0, 1 and 2. Redirecting them (say
//! `dup2_stdout(pipe)`) changes where vfd's fd 1 goes, and where std's
//! own `println!` and `eprintln!` go, and `dup2_stdin(pipe)` what
//! `std::io::stdin()` reads: on wasm32-wasip1 std's stdio is these
//! numbers, and on wasm32-wasip2 vfd serves std's `wasi:cli` stdio from
//! them (`vfd run`, `vfd_host::add_to_linker_with_wasi`, and the layer
//! under another runtime, unless `vfd compose --stdio=runtime` or a
//! `VfdCtxBuilder::wasi_stdio(false)` leaves it to the runtime; vfd's own
//! `print!` family follows fd 1 and 2 even then). std keeps an unfinished
//! line of stdout, and what it read ahead of stdin, in buffers of its own:
//! flush std's stdout before moving fd 1, and move fd 0 before std reads
//! stdin.

use std::fmt;
use std::io;

use crate::errno::cvt;
use crate::fd::{AsFd, BorrowedFd, host_fd};
use crate::sys::descriptors;

/// `STDIN_FILENO`—Returns a borrow of vfd's descriptor 0.
///
/// A fresh guest holds 0, 1 and 2; if the program closes 0 itself, calls
/// on the borrow fail with `EBADF`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let mut line = [0; 128];
/// let n = vfd::io::read(vfd::stdio::stdin(), &mut line)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/stdin.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/stdin.3.html)
#[must_use]
pub const fn stdin() -> BorrowedFd<'static> {
    // SAFETY: no memory stands behind a vfd number: if the program closes
    // or reuses 0, calls fail with EBADF or reach the new file, as in C.
    unsafe { BorrowedFd::borrow_raw(0) }
}

/// `STDOUT_FILENO`—Returns a borrow of vfd's descriptor 1.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::io::write_all(vfd::stdio::stdout(), b"hello\n")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/stdout.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/stdout.3.html)
#[must_use]
pub const fn stdout() -> BorrowedFd<'static> {
    // SAFETY: as for `stdin`.
    unsafe { BorrowedFd::borrow_raw(1) }
}

/// `STDERR_FILENO`—Returns a borrow of vfd's descriptor 2.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::io::write_all(vfd::stdio::stderr(), b"oops\n")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/stderr.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/stderr.3.html)
#[must_use]
pub const fn stderr() -> BorrowedFd<'static> {
    // SAFETY: as for `stdin`.
    unsafe { BorrowedFd::borrow_raw(2) }
}

/// `dup2(fd, STDIN_FILENO)`—Makes vfd's descriptor 0 refer to the open
/// description of `fd`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let input = vfd::fs::File::open("input.txt")?;
/// vfd::stdio::dup2_stdin(&input)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup2.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/dup2.2.html)
pub fn dup2_stdin(fd: impl AsFd) -> io::Result<()> {
    dup2_to(fd.as_fd(), stdin())
}

/// `dup2(fd, STDOUT_FILENO)`—Makes vfd's descriptor 1 refer to the open
/// description of `fd`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let log = vfd::fs::File::create("out.log")?;
/// vfd::stdio::dup2_stdout(&log)?;
/// vfd::println!("this goes to out.log");
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup2.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/dup2.2.html)
pub fn dup2_stdout(fd: impl AsFd) -> io::Result<()> {
    dup2_to(fd.as_fd(), stdout())
}

/// `dup2(fd, STDERR_FILENO)`—Makes vfd's descriptor 2 refer to the open
/// description of `fd`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// // Send stderr wherever stdout goes, as the shell's `2>&1`.
/// vfd::stdio::dup2_stderr(vfd::stdio::stdout())?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup2.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/dup2.2.html)
pub fn dup2_stderr(fd: impl AsFd) -> io::Result<()> {
    dup2_to(fd.as_fd(), stderr())
}

fn dup2_to(fd: BorrowedFd<'_>, target: BorrowedFd<'static>) -> io::Result<()> {
    cvt(descriptors::dup2(host_fd(fd), host_fd(target))).map(drop)
}

#[doc(hidden)]
pub fn _print(args: fmt::Arguments<'_>) {
    print_to(stdout(), "stdout", args, std::io::stdout().lock());
}

#[doc(hidden)]
pub fn _eprint(args: fmt::Arguments<'_>) {
    print_to(stderr(), "stderr", args, std::io::stderr().lock());
}

fn print_to(
    fd: BorrowedFd<'static>,
    name: &str,
    args: fmt::Arguments<'_>,
    mut std_stream: impl std::io::Write,
) {
    // std's stream is the same fd (on wasm32-wasip1, and on wasm32-wasip2
    // under a host that serves wasi:cli stdio from the table): what std
    // still holds of an unfinished line goes first, so the output keeps
    // the order it was printed in. A failed flush is std's to report, at
    // its next print. Its lock, held through the write, keeps a std
    // `println!` on another thread from landing inside this one.
    let _ = std_stream.flush();
    // One string, so one `write` in the common case: output from a single
    // `println!` is not interleaved with a concurrent writer's.
    let text = fmt::format(args);
    match crate::io::write_all(fd, text.as_bytes()) {
        Ok(()) => {}
        // As std: a program started with a closed stream prints nothing
        // rather than panicking.
        Err(e) if e.raw_os_error() == Some(libc::EBADF) => {}
        Err(e) => panic!("failed printing to {name}: {e}"),
    }
}

/// `printf`—Prints to vfd's standard output (descriptor 1), as std's
/// `print!`.
///
/// # Panics
///
/// Panics if writing fails, as std's `print!` does, except that a closed
/// descriptor 1 is ignored (as std ignores a closed stdout).
///
/// # Examples
///
/// ```no_run
/// vfd::print!("no newline");
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man3/printf.3.html)
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::stdio::_print(::core::format_args!($($arg)*))
    };
}

/// `printf` with a newline—Prints a line to vfd's standard output
/// (descriptor 1), as std's `println!`.
///
/// # Panics
///
/// As [`print!`](crate::print!).
///
/// # Examples
///
/// ```no_run
/// vfd::println!("{} + {} = {}", 1, 1, 2);
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man3/printf.3.html)
#[macro_export]
macro_rules! println {
    () => {
        $crate::stdio::_print(::core::format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdio::_print(::core::format_args!("{}\n", ::core::format_args!($($arg)*)))
    };
}

/// `fprintf(stderr, ...)`—Prints to vfd's standard error (descriptor 2),
/// as std's `eprint!`.
///
/// # Panics
///
/// Panics if writing fails, except that a closed descriptor 2 is ignored.
///
/// # Examples
///
/// ```no_run
/// vfd::eprint!("progress: {}%\r", 50);
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man3/fprintf.3.html)
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::stdio::_eprint(::core::format_args!($($arg)*))
    };
}

/// `fprintf(stderr, ...)` with a newline—Prints a line to vfd's standard
/// error (descriptor 2), as std's `eprintln!`.
///
/// # Panics
///
/// As [`eprint!`](crate::eprint!).
///
/// # Examples
///
/// ```no_run
/// vfd::eprintln!("error: {}", "file not found");
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man3/fprintf.3.html)
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::stdio::_eprint(::core::format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdio::_eprint(::core::format_args!("{}\n", ::core::format_args!($($arg)*)))
    };
}
