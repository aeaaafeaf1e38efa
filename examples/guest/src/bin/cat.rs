//! `cat`: copy each file named on the command line to standard output.
//!
//! Everything goes through vfd descriptors: the files are opened in the
//! guest's own table and the bytes are written to its fd 1, so a host that
//! redirected the guest's fd 1 sees all of them.

use std::io::Read;

use vfd::fs::File;
use vfd::io::write_all;
use vfd::stdio::stdout;

/// How much to read at a time.
const CHUNK: usize = 64 * 1024;

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        if let Err(e) = copy(&path) {
            // Like cat(1): report the file on fd 2 and go on with the next.
            eprintln!("cat: {path}: {e}");
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}

/// Copy one file to fd 1, a chunk at a time.
fn copy(path: &str) -> std::io::Result<()> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        write_all(stdout(), &buf[..n])?;
    }
}
