//! vfd-cli: the `vfd` command (`vfd run`, `vfd compose`), kept apart from
//! `vfd-host` so that an embedder's dependency tree has no command-line
//! parser, no composition library and no nested build of the wasm layer.
//!
//! Its library part is [`compose`], which the command, the end-to-end
//! tests and the benchmarks share.

pub mod compose;
