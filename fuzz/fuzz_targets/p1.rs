//! Arbitrary preview 1 calls from a core module: no trap but `proc_exit`,
//! no panic, table invariants after every call, every host descriptor
//! closed at the end, nothing outside the mounts changed.
//!
//! `cargo +nightly fuzz run p1 -- -max_total_time=600 -rss_limit_mb=2048`

#![no_main]

use libfuzzer_sys::fuzz_target;
use vfd_fuzz_driver::{P1Op, run_p1};

fuzz_target!(|ops: Vec<P1Op>| run_p1(&ops));
