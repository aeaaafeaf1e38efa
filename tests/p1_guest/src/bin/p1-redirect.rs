//! The redirect example as a std program for wasm32-wasip1: std opens the
//! file and prints with its own `println!`; vfd only moves numbers (dup,
//! dup2), on the one table both use. Save fd 1, dup2 the file onto it,
//! print, put the saved copy back.
//!
//! Run with /data and /ro preopened at 3 and 4 (`vfd run --dir ... --dir-ro
//! ...`), so that the lowest free numbers are 5 and 6, whoever asks:
//!
//! ```text
//! fd 1 saved at 5; std opened the log at 6
//! to the terminal
//! redirect.log holds: to the file
//! ```

#[cfg(all(target_os = "wasi", target_env = "p1"))]
fn main() {
    if let Err(e) = story::run() {
        eprintln!("p1-redirect: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
fn main() {
    eprintln!("p1-redirect calls vfd's preview 1 module: build it for wasm32-wasip1");
    std::process::exit(2);
}

#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod story {
    use std::fs::{self, File};
    use std::io::{self, Write};
    use std::os::fd::AsRawFd as _;
    use vfd::fd::AsRawFd as _;

    const LOG: &str = "/data/redirect.log";

    pub(super) fn run() -> io::Result<()> {
        // Keep a second number for whatever fd 1 is now (the terminal).
        let saved = vfd::io::dup(vfd::stdio::stdout())?;
        let file = File::create(LOG)?;
        println!(
            "fd 1 saved at {}; std opened the log at {}",
            saved.as_raw_fd(),
            file.as_raw_fd()
        );

        // std's File is a number in the same table: vfd's dup2 takes it,
        // and std's stdout, which is fd 1, now writes into the file. The
        // file's own number can go, as fd 1 keeps the description alive.
        vfd::stdio::dup2_stdout(&file)?;
        drop(file);
        println!("to the file");
        // `println!` ends its line, which std's stdout passes on at once;
        // a `print!` would wait in its buffer for the flush.
        io::stdout().flush()?;

        // Put the terminal back on fd 1.
        vfd::stdio::dup2_stdout(&saved)?;
        drop(saved);
        println!("to the terminal");

        // Show where the line went.
        print!("redirect.log holds: {}", fs::read_to_string(LOG)?);
        fs::remove_file(LOG)
    }
}
