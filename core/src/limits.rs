//! The limits every front end applies, as named constants: what a guest
//! may ask for, and where vfd answers as Linux does at its own limits.

/// The default limit on descriptor numbers, as Linux's default
/// `RLIMIT_NOFILE` soft limit.
pub const DEFAULT_MAX_FDS: u32 = 1024;

/// The largest limit a table accepts, as Linux's default `fs.nr_open`.
pub const MAX_MAX_FDS: u32 = 1 << 20;

/// Linux's `PATH_MAX`, counting the terminating NUL: longer paths are
/// `ENAMETOOLONG` before any lookup.
pub const PATH_MAX: usize = 4096;

/// Linux's `NAME_MAX`: the longest single path component.
pub const NAME_MAX: usize = 255;

/// The largest file offset, as Linux's `loff_t` (a signed 64-bit number).
pub const MAX_OFFSET: u64 = i64::MAX as u64;

/// Linux's limit on the symlinks one lookup follows (`MAXSYMLINKS`).
pub const MAX_SYMLINKS: usize = 40;

/// The most bytes one `read` or `pread` returns: a guest asking for more
/// gets a short read, never a host allocation of the size it asked for.
pub const MAX_READ_LEN: u32 = 1 << 20;

/// The most handles (owning or borrowing wrappers) one guest may hold at
/// once. Each is small, but a guest must not be able to grow host memory
/// without bound by making them.
pub const MAX_HANDLES: usize = 1 << 16;
