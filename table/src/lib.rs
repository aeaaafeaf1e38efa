//! The descriptor table: numbers to entries, with POSIX allocation rules.
//!
//! This crate knows nothing of wasmtime or of the host OS: it is generic
//! over what an entry refers to (`T`, in vfd an `Arc` of an open
//! description), so the same rules serve both builds of the layer: the
//! host library `vfd-host` and the wasm component `vfd-layer`.
//!
//! Numbers are allocated lowest-free first, as POSIX requires of `open`,
//! `dup` and `F_DUPFD`. A two-level bitmap finds the lowest free number
//! without scanning the occupied ones: one bit per number, plus one bit per
//! 64-number word telling whether that word is full. Finding a free number
//! touches at most one summary word per 4096 numbers, so allocation cost
//! does not grow with the number of open descriptors.

use std::fmt;

/// The default limit on descriptor numbers, as Linux's default
/// `RLIMIT_NOFILE` soft limit.
pub const DEFAULT_MAX_FDS: u32 = 1024;

/// The largest limit a table accepts, as Linux's default `fs.nr_open`.
pub const MAX_MAX_FDS: u32 = 1 << 20;

/// Why a table call failed; each maps onto one POSIX errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableError {
    /// EBADF: the number is not open, or is not a valid target.
    BadFd,
    /// EMFILE: no free number below the limit.
    Full,
    /// EINVAL: a bad argument (`dup3` onto itself, `F_DUPFD` at the limit).
    Invalid,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TableError::BadFd => "bad file descriptor",
            TableError::Full => "too many open files",
            TableError::Invalid => "invalid argument",
        })
    }
}

impl std::error::Error for TableError {}

/// One number's entry: what it refers to, and its descriptor flags.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    /// The open description (shared by duplicates).
    pub object: T,
    /// FD_CLOEXEC, the only per-number state POSIX defines.
    pub cloexec: bool,
}

/// A POSIX descriptor table over objects of type `T`.
pub struct Table<T> {
    slots: Vec<Option<Entry<T>>>,
    used: Bitmap,
    max_fds: u32,
    len: usize,
}

impl<T> Table<T> {
    /// An empty table whose numbers stay below `max_fds` (clamped to
    /// [`MAX_MAX_FDS`]).
    pub fn new(max_fds: u32) -> Self {
        let max_fds = max_fds.min(MAX_MAX_FDS);
        Table {
            slots: Vec::new(),
            used: Bitmap::new(max_fds),
            max_fds,
            len: 0,
        }
    }

    /// The limit: every number is below it.
    pub fn max_fds(&self) -> u32 {
        self.max_fds
    }

    /// How many numbers are open.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no number is open.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entry at `fd`, or `BadFd`.
    pub fn get(&self, fd: u32) -> Result<&Entry<T>, TableError> {
        self.slots
            .get(fd as usize)
            .and_then(Option::as_ref)
            .ok_or(TableError::BadFd)
    }

    /// The entry at `fd` for changing its flags, or `BadFd`.
    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Entry<T>, TableError> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(TableError::BadFd)
    }

    /// Put `object` at the lowest free number: open(2), dup(2).
    pub fn insert(&mut self, object: T, cloexec: bool) -> Result<u32, TableError> {
        if self.max_fds == 0 {
            // open(2) and dup(2) under RLIMIT_NOFILE 0 are EMFILE; only
            // F_DUPFD calls a minimum at the limit EINVAL.
            return Err(TableError::Full);
        }
        self.insert_from(0, object, cloexec)
    }

    /// Put `object` at the lowest free number at or above `min`: fcntl(2)
    /// F_DUPFD. A `min` at or above the limit is `Invalid`, as on Linux.
    pub fn insert_from(&mut self, min: u32, object: T, cloexec: bool) -> Result<u32, TableError> {
        if min >= self.max_fds {
            return Err(TableError::Invalid);
        }
        let fd = self.used.first_clear_from(min).ok_or(TableError::Full)?;
        self.put(fd, Entry { object, cloexec });
        Ok(fd)
    }

    /// Put two objects at the two lowest free numbers, or neither: pipe2(2)
    /// and socketpair(2). On `Full` the first number is taken back, as
    /// Linux leaves no half-made pipe behind; both objects are dropped.
    pub fn insert_pair(&mut self, a: T, b: T, cloexec: bool) -> Result<(u32, u32), TableError> {
        let first = self.insert(a, cloexec)?;
        match self.insert(b, cloexec) {
            Ok(second) => Ok((first, second)),
            Err(e) => {
                self.take(first);
                Err(e)
            }
        }
    }

    /// `Full` unless some number is free. A call that creates something
    /// outside the table (a file, a socket, a connection taken off a
    /// listener's queue) checks this first, so that EMFILE leaves nothing
    /// behind, as it does on Linux.
    pub fn check_room(&self) -> Result<(), TableError> {
        if self.len >= self.max_fds as usize {
            return Err(TableError::Full);
        }
        Ok(())
    }

    /// Put `object` at exactly `fd`, returning what was there: dup2(2).
    /// A number at or above the limit is `BadFd`, as on Linux.
    pub fn replace(
        &mut self,
        fd: u32,
        object: T,
        cloexec: bool,
    ) -> Result<Option<Entry<T>>, TableError> {
        if fd >= self.max_fds {
            return Err(TableError::BadFd);
        }
        let old = self.take(fd);
        self.put(fd, Entry { object, cloexec });
        Ok(old)
    }

    /// Free `fd` and return its entry: close(2).
    pub fn remove(&mut self, fd: u32) -> Result<Entry<T>, TableError> {
        self.take(fd).ok_or(TableError::BadFd)
    }

    /// Every open number with its entry, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Entry<T>)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(fd, slot)| slot.as_ref().map(|e| (fd as u32, e)))
    }

    /// Empty the table, returning every entry (the instance is going away).
    pub fn drain(&mut self) -> Vec<(u32, Entry<T>)> {
        let entries = std::mem::take(&mut self.slots)
            .into_iter()
            .enumerate()
            .filter_map(|(fd, slot)| slot.map(|e| (fd as u32, e)))
            .collect();
        self.used = Bitmap::new(self.max_fds);
        self.len = 0;
        entries
    }

    fn put(&mut self, fd: u32, entry: Entry<T>) {
        let i = fd as usize;
        if i >= self.slots.len() {
            // Grow geometrically so a guest opening up to its limit costs
            // amortised O(1) per descriptor.
            let want = (i + 1).max(self.slots.len() * 2).min(self.max_fds as usize);
            self.slots.resize_with(want, || None);
        }
        debug_assert!(self.slots[i].is_none());
        self.slots[i] = Some(entry);
        self.used.set(fd);
        self.len += 1;
    }

    fn take(&mut self, fd: u32) -> Option<Entry<T>> {
        let entry = self.slots.get_mut(fd as usize)?.take()?;
        self.used.clear(fd);
        self.len -= 1;
        Some(entry)
    }
}

impl<T> fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("open", &self.iter().map(|(fd, _)| fd).collect::<Vec<_>>())
            .field("max_fds", &self.max_fds)
            .finish()
    }
}

/// Occupancy of numbers `0..limit`: one bit per number, and one summary bit
/// per word that is full.
#[derive(Debug, Clone)]
struct Bitmap {
    words: Vec<u64>,
    full: Vec<u64>,
    limit: u32,
}

impl Bitmap {
    fn new(limit: u32) -> Self {
        let words = (limit as usize).div_ceil(64);
        Bitmap {
            words: vec![0; words],
            full: vec![0; words.div_ceil(64)],
            limit,
        }
    }

    fn set(&mut self, n: u32) {
        let w = (n / 64) as usize;
        self.words[w] |= 1 << (n % 64);
        if self.words[w] == u64::MAX {
            self.full[w / 64] |= 1 << (w % 64);
        }
    }

    fn clear(&mut self, n: u32) {
        let w = (n / 64) as usize;
        self.words[w] &= !(1 << (n % 64));
        self.full[w / 64] &= !(1 << (w % 64));
    }

    /// The lowest clear bit at or above `min`, below the limit.
    fn first_clear_from(&self, min: u32) -> Option<u32> {
        let mut w = (min / 64) as usize;
        if w >= self.words.len() {
            return None;
        }
        // Within the first word, only bits at or above `min` count.
        let free = !self.words[w] & (u64::MAX << (min % 64));
        if free != 0 {
            return self.within_limit(w, free);
        }
        w += 1;
        // Later words: skip full ones 64 at a time through the summary.
        while w < self.words.len() {
            let summary = !self.full[w / 64] & (u64::MAX << (w % 64));
            if summary == 0 {
                w = (w / 64 + 1) * 64;
                continue;
            }
            w = (w / 64) * 64 + summary.trailing_zeros() as usize;
            if w >= self.words.len() {
                return None;
            }
            return self.within_limit(w, !self.words[w]);
        }
        None
    }

    fn within_limit(&self, w: usize, free: u64) -> Option<u32> {
        let n = w as u32 * 64 + free.trailing_zeros();
        (n < self.limit).then_some(n)
    }
}

#[cfg(test)]
mod tests;
