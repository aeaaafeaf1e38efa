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

/// A subscriber that wants vfd's events and renders every field of each,
/// as a formatter would, then drops it.
#[derive(Default)]
struct Sink(std::sync::atomic::AtomicUsize);

impl Sink {
    fn seen(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl tracing::field::Visit for Sink {
    fn record_debug(&mut self, _: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        std::hint::black_box(format!("{value:?}"));
    }
}

impl tracing::Subscriber for Sink {
    fn enabled(&self, meta: &tracing::Metadata<'_>) -> bool {
        meta.target().starts_with("vfd::")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Sink::default());
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

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

    /// Every other sequence runs traced, so that the trace's decoding of
    /// hostile pointers, lengths and iovec lists runs on them too.
    #[test]
    fn arbitrary_preview_1_calls_keep_every_invariant(bytes in proptest::collection::vec(any::<u8>(), 0..4096), traced in any::<bool>()) {
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let mut input = Unstructured::new(&bytes);
        if let Ok(ops) = Vec::<P1Op>::arbitrary(&mut input) {
            if traced {
                let events = std::sync::Arc::new(Sink::default());
                tracing::subscriber::with_default(events.clone(), || run_p1(&ops));
                assert!(ops.is_empty() || events.seen() > 0, "no call event");
            } else {
                run_p1(&ops);
            }
        }
    }
}
