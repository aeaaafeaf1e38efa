//! The preview 1 functions this backend calls itself, as
//! `wasi_snapshot_preview1` defines them: each returns 0 or a WASI errno
//! and writes its results through pointers.
//!
//! # References
//! - [WASI preview 1](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md)

/// `iovec`: a buffer to read into.
#[repr(C)]
pub(super) struct Iovec {
    pub(super) buf: *mut u8,
    pub(super) len: usize,
}

/// `ciovec`: a buffer to write from.
#[repr(C)]
pub(super) struct Ciovec {
    pub(super) buf: *const u8,
    pub(super) len: usize,
}

/// `filestat`: 64 bytes, the file type followed by 7 bytes of padding.
#[repr(C)]
#[derive(Default)]
pub(super) struct Filestat {
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) filetype: u8,
    pub(super) nlink: u64,
    pub(super) size: u64,
    pub(super) atim: u64,
    pub(super) mtim: u64,
    pub(super) ctim: u64,
}

/// `dirent`'s fixed part, before the name: `d_next` (the cookie of the
/// entry after it), `d_ino`, `d_namlen`, `d_type` and 3 bytes of padding.
pub(super) const DIRENT_SIZE: usize = 24;

/// `fstflags` of `fd_filestat_set_times`.
pub(super) const FSTFLAGS_ATIM: u16 = 1 << 0;
pub(super) const FSTFLAGS_ATIM_NOW: u16 = 1 << 1;
pub(super) const FSTFLAGS_MTIM: u16 = 1 << 2;
pub(super) const FSTFLAGS_MTIM_NOW: u16 = 1 << 3;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    pub(super) fn fd_close(fd: u32) -> u16;
    pub(super) fn fd_read(fd: u32, iovs: *const Iovec, iovs_len: usize, nread: *mut usize) -> u16;
    pub(super) fn fd_pread(
        fd: u32,
        iovs: *const Iovec,
        iovs_len: usize,
        offset: u64,
        nread: *mut usize,
    ) -> u16;
    pub(super) fn fd_write(
        fd: u32,
        iovs: *const Ciovec,
        iovs_len: usize,
        nwritten: *mut usize,
    ) -> u16;
    pub(super) fn fd_pwrite(
        fd: u32,
        iovs: *const Ciovec,
        iovs_len: usize,
        offset: u64,
        nwritten: *mut usize,
    ) -> u16;
    pub(super) fn fd_seek(fd: u32, offset: i64, whence: u8, newoffset: *mut u64) -> u16;
    pub(super) fn fd_filestat_get(fd: u32, buf: *mut Filestat) -> u16;
    pub(super) fn fd_filestat_set_size(fd: u32, size: u64) -> u16;
    pub(super) fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u16) -> u16;
    pub(super) fn fd_sync(fd: u32) -> u16;
    pub(super) fn fd_advise(fd: u32, offset: u64, len: u64, advice: u8) -> u16;
    pub(super) fn fd_allocate(fd: u32, offset: u64, len: u64) -> u16;
    pub(super) fn fd_readdir(
        fd: u32,
        buf: *mut u8,
        buf_len: usize,
        cookie: u64,
        bufused: *mut usize,
    ) -> u16;
}
