//! A filter: copy fd 0 to fd 1 in upper case, until end of file.
//!
//! On its own it reads the terminal; in the two-guest pipeline of
//! `examples/host` its fd 0 is the read end of a host pipe whose write
//! end is another guest's fd 1, and end of file comes when that guest
//! exits.

use vfd::io::{read, write_all};
use vfd::stdio::{stdin, stdout};

fn main() -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = read(stdin(), &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        buf[..n].make_ascii_uppercase();
        write_all(stdout(), &buf[..n])?;
    }
}
