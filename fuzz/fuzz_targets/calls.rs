//! Arbitrary guest call sequences against the host library: no panic, no
//! unbounded allocation, table invariants after every call, every host
//! descriptor closed at the end, nothing outside the mounts changed.
//!
//! `cargo +nightly fuzz run calls -- -max_total_time=600 -rss_limit_mb=2048`

#![no_main]

use libfuzzer_sys::fuzz_target;
use vfd_fuzz_driver::{Op, run};

fuzz_target!(|ops: Vec<Op>| run(&ops));
