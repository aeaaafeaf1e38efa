//! End-to-end tests: guest programs built for wasm32-wasip2, run through
//! the host library and through the `vfd` command, against real host
//! files in a temporary directory.

mod cli;
mod escape;
mod examples;
mod guests;
mod harness;
mod limits;
mod net;
mod pipes;
