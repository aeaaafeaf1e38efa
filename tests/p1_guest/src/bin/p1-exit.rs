//! Exit with the status given as the first argument, through
//! `std::process::exit` (WASI preview 1's `proc_exit`, which carries the
//! whole number, not only success or failure).

fn main() {
    let Some(status) = std::env::args().nth(1).and_then(|s| s.parse().ok()) else {
        eprintln!("usage: p1-exit STATUS");
        std::process::exit(2);
    };
    std::process::exit(status);
}
