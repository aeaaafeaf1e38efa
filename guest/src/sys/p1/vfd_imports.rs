//! vfd's own import module, `vfd`: the calls preview 1 lacks, on the same
//! table (its ABI, as C prototypes, is on `vfd_host::p1::VFD_MODULE`).
//! Each returns 0 or a WASI errno and writes its results through
//! pointers; an address is `ip:port` text, not NUL-terminated.
//!
//! `fd_flags`: bit 0 close-on-exec. `status`: bit 0 append, bit 1
//! non-blocking. Access mode: 0 read-only, 1 write-only, 2 read-write.

/// One entry of `poll`: the number, what to wait for (bit 0 readable, bit
/// 1 writable), and what happened (adding bit 2 hang-up, bit 3 error, bit
/// 4 not open), as `struct pollfd` with 32-bit numbers.
#[repr(C)]
pub(super) struct PollEntry {
    pub(super) fd: u32,
    pub(super) events: u16,
    pub(super) revents: u16,
}

#[link(wasm_import_module = "vfd")]
unsafe extern "C" {
    pub(super) fn dup(fd: u32, new_fd: *mut u32) -> u16;
    pub(super) fn dup2(fd: u32, target: u32, new_fd: *mut u32) -> u16;
    pub(super) fn dup3(fd: u32, target: u32, fd_flags: u32, new_fd: *mut u32) -> u16;
    pub(super) fn dup_min(fd: u32, min: u32, fd_flags: u32, new_fd: *mut u32) -> u16;
    pub(super) fn get_fd_flags(fd: u32, fd_flags: *mut u32) -> u16;
    pub(super) fn set_fd_flags(fd: u32, fd_flags: u32) -> u16;
    pub(super) fn get_status_flags(fd: u32, status: *mut u32) -> u16;
    pub(super) fn set_status_flags(fd: u32, status: u32) -> u16;
    pub(super) fn get_access_mode(fd: u32, mode: *mut u32) -> u16;
    pub(super) fn pipe(fd_flags: u32, status: u32, fds: *mut [u32; 2]) -> u16;
    pub(super) fn socketpair(fd_flags: u32, status: u32, fds: *mut [u32; 2]) -> u16;
    pub(super) fn poll(fds: *mut PollEntry, nfds: u32, timeout_ms: i32, ready: *mut u32) -> u16;
    pub(super) fn tcp_connect(
        addr: *const u8,
        addr_len: u32,
        fd_flags: u32,
        status: u32,
        fd: *mut u32,
    ) -> u16;
    pub(super) fn tcp_listen(
        addr: *const u8,
        addr_len: u32,
        backlog: u32,
        fd_flags: u32,
        status: u32,
        fd: *mut u32,
    ) -> u16;
    pub(super) fn udp_bind(
        addr: *const u8,
        addr_len: u32,
        fd_flags: u32,
        status: u32,
        fd: *mut u32,
    ) -> u16;
    pub(super) fn accept(
        fd: u32,
        fd_flags: u32,
        status: u32,
        new_fd: *mut u32,
        peer: *mut u8,
        cap: u32,
        peer_len: *mut u32,
    ) -> u16;
    pub(super) fn send_to(
        fd: u32,
        buf: *const u8,
        len: u32,
        addr: *const u8,
        addr_len: u32,
        sent: *mut u32,
    ) -> u16;
    pub(super) fn recv_from(
        fd: u32,
        buf: *mut u8,
        len: u32,
        received: *mut u32,
        from: *mut u8,
        cap: u32,
        from_len: *mut u32,
    ) -> u16;
    pub(super) fn shutdown(fd: u32, how: u32) -> u16;
    pub(super) fn local_address(fd: u32, addr: *mut u8, cap: u32, addr_len: *mut u32) -> u16;
    pub(super) fn peer_address(fd: u32, addr: *mut u8, cap: u32, addr_len: *mut u32) -> u16;
    pub(super) fn set_nodelay(fd: u32, on: u32) -> u16;
    pub(super) fn get_nodelay(fd: u32, on: *mut u32) -> u16;
}
