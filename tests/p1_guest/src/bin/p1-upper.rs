//! A filter: copy stdin to stdout in upper case until end of file. The
//! second half of a pipeline (`p1-count | p1-upper`): it ends when every
//! writer of its stdin is gone.

use std::io::{self, Read, Write};

fn main() -> io::Result<()> {
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        buf[..n].make_ascii_uppercase();
        stdout.write_all(&buf[..n])?;
    }
    stdout.flush()
}
