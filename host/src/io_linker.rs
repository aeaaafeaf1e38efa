//! The `pipes`, `sockets` and `poll` interfaces added to a `Linker` by
//! hand, each function wired as `bindgen!` wires it, so that every call
//! is traced where the others are (`wire!`).

use crate::VfdView;
use crate::bindings::vfd::posix::pipes::Host as Pipes;
use crate::bindings::vfd::posix::poll::{Host as Poll, PollFd};
use crate::bindings::vfd::posix::sockets::{Host as Sockets, ShutdownHow};
use crate::bindings::{FdFlags, StatusFlags};
use crate::linker::wire;
use wasmtime::component::Linker;

/// Add `vfd:posix/pipes`, `sockets` and `poll` to `linker`.
pub(crate) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    let mut inst = linker.instance("vfd:posix/pipes@0.1.0")?;
    wire!(inst, Pipes, "pipe", pipe(flags: FdFlags, status: StatusFlags));
    wire!(inst, Pipes, "socketpair", socketpair(flags: FdFlags, status: StatusFlags));

    let mut inst = linker.instance("vfd:posix/sockets@0.1.0")?;
    wire!(inst, Sockets, "tcp-connect", tcp_connect(address: String, flags: FdFlags, status: StatusFlags));
    wire!(inst, Sockets, "tcp-listen", tcp_listen(address: String, backlog: u32, flags: FdFlags, status: StatusFlags));
    wire!(inst, Sockets, restart "accept", accept(fd: u32, flags: FdFlags, status: StatusFlags));
    wire!(inst, Sockets, "udp-bind", udp_bind(address: String, flags: FdFlags, status: StatusFlags));
    wire!(inst, Sockets, "send-to", send_to(fd: u32, data: Vec<u8>, address: String));
    wire!(inst, Sockets, restart "recv-from", recv_from(fd: u32, len: u32));
    wire!(inst, Sockets, "shutdown", shutdown(fd: u32, how: ShutdownHow));
    wire!(inst, Sockets, "local-address", local_address(fd: u32));
    wire!(inst, Sockets, "peer-address", peer_address(fd: u32));
    wire!(inst, Sockets, "set-nodelay", set_nodelay(fd: u32, on: bool));
    wire!(inst, Sockets, "get-nodelay", get_nodelay(fd: u32));
    wire!(inst, Sockets, "set-reuseaddr", set_reuseaddr(fd: u32, on: bool));

    let mut inst = linker.instance("vfd:posix/poll@0.1.0")?;
    wire!(inst, Poll, restart "poll", poll(fds: Vec<PollFd>, timeout_ms: i32));
    Ok(())
}
