//! End-to-end tests: guest programs built for wasm32-wasip2, run through
//! the host library, through the `vfd` command, and composed with the wasm
//! layer under plain wasmtime-wasi, and plain std programs built for
//! wasm32-wasip1, run as core modules (p1.rs), against real host files in a
//! temporary directory.

mod cli;
mod compose;
mod escape;
mod examples;
mod faulty_host;
mod guests;
mod harness;
mod limits;
mod net;
mod p1;
mod p1_diff;
mod p1_posix;
mod p1_std_vfd;
mod pipes;
#[path = "../common/plain.rs"]
mod plain;
mod python;
mod python_examples;
mod run_options;
mod std_stdio;
mod trace;
