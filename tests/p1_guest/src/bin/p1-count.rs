//! Print `line 1` to `line N` on stdout (N from the first argument, 5 by
//! default): the first half of a pipeline (`p1-count | p1-upper`).

use std::io::{self, Write};

fn main() -> io::Result<()> {
    let n: u32 = match std::env::args().nth(1) {
        Some(n) => n.parse().expect("usage: p1-count [LINES]"),
        None => 5,
    };
    // `writeln!` rather than `println!`: a reader that went away is an
    // error to report, not a panic.
    let mut stdout = io::stdout().lock();
    for i in 1..=n {
        writeln!(stdout, "line {i}")?;
    }
    stdout.flush()
}
