//! The fuzz driver (`vfd_fuzz_driver`) under proptest: the same call
//! sequences the `cargo fuzz` targets in `fuzz/` explore (through the WIT
//! calls and through a preview 1 module), decoded from random bytes, for
//! toolchains without cargo-fuzz (and for CI).
//!
//! `VFD_FUZZ_CASES` sets the number of sequences (default 200).

use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use std::sync::Mutex;
use vfd_fuzz_driver::{Op, P1Op, run, run_p1};

fn cases() -> u32 {
    std::env::var("VFD_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

/// One sequence at a time: each run checks the process's own descriptors,
/// which a sequence running beside it would change.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_call_sequences_keep_every_invariant(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let mut input = Unstructured::new(&bytes);
        if let Ok(ops) = Vec::<Op>::arbitrary(&mut input) {
            run(&ops);
        }
    }

    #[test]
    fn arbitrary_preview_1_calls_keep_every_invariant(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let mut input = Unstructured::new(&bytes);
        if let Ok(ops) = Vec::<P1Op>::arbitrary(&mut input) {
            run_p1(&ops);
        }
    }
}
