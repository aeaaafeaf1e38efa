//! The shared-offset example as a std program for wasm32-wasip1: std opens
//! and reads the files; vfd makes the duplicate, which preview 1 cannot
//! (std's own `try_clone` is unsupported there), and hands it back to std.
//!
//! Duplicates share one open description, so their reads continue each
//! other; two opens are two descriptions and both start at 0:
//!
//! ```text
//! dup a: ab
//! dup b: cd
//! dup a: ef
//! open 1: ab
//! open 2: ab
//! ```

#[cfg(all(target_os = "wasi", target_env = "p1"))]
fn main() {
    if let Err(e) = story::run() {
        eprintln!("p1-shared-offset: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
fn main() {
    eprintln!("p1-shared-offset calls vfd's preview 1 module: build it for wasm32-wasip1");
    std::process::exit(2);
}

#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod story {
    use std::fs::{self, File};
    use std::io::{self, Read};
    use std::os::fd::OwnedFd;

    const PATH: &str = "/data/shared.txt";

    pub(super) fn run() -> io::Result<()> {
        fs::write(PATH, "abcdef")?;

        // One description, two numbers: the offset moves for both.
        let a = File::open(PATH)?;
        let b = File::from(OwnedFd::from(vfd::io::dup(&a)?));
        // Two descriptions: each has its own offset.
        let one = File::open(PATH)?;
        let two = File::open(PATH)?;

        let reads = [
            ("dup a", &a),
            ("dup b", &b),
            ("dup a", &a),
            ("open 1", &one),
            ("open 2", &two),
        ];
        for (label, mut file) in reads {
            let mut buf = [0u8; 2];
            file.read_exact(&mut buf)?;
            println!("{label}: {}", String::from_utf8_lossy(&buf));
        }

        fs::remove_file(PATH)
    }
}
