//! The WASI interfaces the layer serves to the guest it is composed with,
//! so that the guest's own standard I/O lands on the layer's table: its
//! `wasi:cli` stdin, stdout and stderr are descriptors 0, 1 and 2.
//!
//! Serving `wasi:cli/stdout` means serving the `output-stream` it returns,
//! and a component has one `wasi:io/streams`: so the layer serves every
//! interface that hands out or takes a stream, forwarding to the runtime
//! what is not one of its descriptors (`filesystem`, `sockets`), and
//! `vfd compose` plugs them into a guest together or not at all.
//! `wasi:io/poll` and `wasi:io/error` stay the runtime's, so a runtime
//! stream's pollable and error reach the guest unchanged.

mod cli;
mod filesystem;
mod sockets;
pub mod streams;
