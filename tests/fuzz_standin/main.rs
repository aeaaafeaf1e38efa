//! The fuzz driver (`vfd_fuzz_driver`) under proptest: the same call
//! sequences the `cargo fuzz` target in `fuzz/` explores, decoded from
//! random bytes, for toolchains without cargo-fuzz (and for CI).
//!
//! `VFD_FUZZ_CASES` sets the number of sequences (default 200).

use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use vfd_fuzz_driver::{Op, run};

fn cases() -> u32 {
    std::env::var("VFD_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_call_sequences_keep_every_invariant(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut input = Unstructured::new(&bytes);
        if let Ok(ops) = Vec::<Op>::arbitrary(&mut input) {
            run(&ops);
        }
    }
}
