//! The descriptor table: numbers to entries, with POSIX allocation rules.
//!
//! Generic over what an entry refers to (`T`, in vfd an `Arc` of an open
//! description), so the same rules serve both builds of the layer: the
//! host library `vfd-host` and the wasm component `vfd-layer`.
//!
//! Numbers are allocated lowest-free first, as POSIX requires of `open`,
//! `dup` and `F_DUPFD`. A two-level bitmap finds the lowest free number
//! without scanning the occupied ones: one bit per number, plus one bit per
//! 64-number word telling whether that word is full. Finding a free number
//! touches at most one summary word per 4096 numbers, so allocation cost
//! does not grow with the number of open descriptors.

use crate::Errno;
pub use crate::limits::{DEFAULT_MAX_FDS, MAX_MAX_FDS};
use std::fmt;

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

    /// The entry at `fd`, or `EBADF`.
    pub fn get(&self, fd: u32) -> Result<&Entry<T>, Errno> {
        self.slots
            .get(fd as usize)
            .and_then(Option::as_ref)
            .ok_or(Errno::Badf)
    }

    /// The entry at `fd` for changing its flags, or `EBADF`.
    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Entry<T>, Errno> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    /// Put `object` at the lowest free number: open(2), dup(2).
    pub fn insert(&mut self, object: T, cloexec: bool) -> Result<u32, Errno> {
        if self.max_fds == 0 {
            // open(2) and dup(2) under RLIMIT_NOFILE 0 are EMFILE; only
            // F_DUPFD calls a minimum at the limit EINVAL.
            return Err(Errno::Mfile);
        }
        self.insert_from(0, object, cloexec)
    }

    /// Put `object` at the lowest free number at or above `min`: fcntl(2)
    /// F_DUPFD. A `min` at or above the limit is `EINVAL`, as on Linux.
    pub fn insert_from(&mut self, min: u32, object: T, cloexec: bool) -> Result<u32, Errno> {
        if min >= self.max_fds {
            return Err(Errno::Inval);
        }
        let fd = self.used.first_clear_from(min).ok_or(Errno::Mfile)?;
        self.put(fd, Entry { object, cloexec });
        Ok(fd)
    }

    /// Put two objects at the two lowest free numbers, or neither: pipe2(2)
    /// and socketpair(2). On `EMFILE` the first number is taken back, as
    /// Linux leaves no half-made pipe behind; both objects are dropped.
    pub fn insert_pair(&mut self, a: T, b: T, cloexec: bool) -> Result<(u32, u32), Errno> {
        let first = self.insert(a, cloexec)?;
        match self.insert(b, cloexec) {
            Ok(second) => Ok((first, second)),
            Err(e) => {
                self.take(first);
                Err(e)
            }
        }
    }

    /// `EMFILE` unless some number is free. A call that creates something
    /// outside the table (a file, a socket, a connection taken off a
    /// listener's queue) checks this first, so that EMFILE leaves nothing
    /// behind, as it does on Linux.
    pub fn check_room(&self) -> Result<(), Errno> {
        if self.len >= self.max_fds as usize {
            return Err(Errno::Mfile);
        }
        Ok(())
    }

    /// Put `object` at exactly `fd`, returning what was there: dup2(2).
    /// A number at or above the limit is `EBADF`, as on Linux.
    pub fn replace(
        &mut self,
        fd: u32,
        object: T,
        cloexec: bool,
    ) -> Result<Option<Entry<T>>, Errno> {
        if fd >= self.max_fds {
            return Err(Errno::Badf);
        }
        let old = self.take(fd);
        self.put(fd, Entry { object, cloexec });
        Ok(old)
    }

    /// Free `fd` and return its entry: close(2).
    pub fn remove(&mut self, fd: u32) -> Result<Entry<T>, Errno> {
        self.take(fd).ok_or(Errno::Badf)
    }

    /// dup(2): `fd`'s object again at the lowest free number, with
    /// close-on-exec clear.
    ///
    /// # References
    /// - [POSIX `dup`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
    /// - [Linux `dup(2)`](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn dup(&mut self, fd: u32) -> Result<u32, Errno>
    where
        T: Clone,
    {
        let object = self.get(fd)?.object.clone();
        self.insert(object, false)
    }

    /// dup2(2): `fd`'s object at exactly `target`, close-on-exec clear,
    /// returning the entry it displaced so that the caller releases it
    /// (silently: Linux drops the errors of that implicit close).
    /// `dup2(fd, fd)` changes nothing: `fd` if open, else `EBADF`.
    ///
    /// # References
    /// - [POSIX `dup2`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup2.html)
    /// - [Linux `dup2(2)`](https://man7.org/linux/man-pages/man2/dup2.2.html)
    pub fn dup2(&mut self, fd: u32, target: u32) -> Result<Option<Entry<T>>, Errno>
    where
        T: Clone,
    {
        if fd == target {
            self.get(fd)?;
            return Ok(None);
        }
        self.dup_onto(fd, target, false)
    }

    /// dup3(2): as [`dup2`](Self::dup2) with close-on-exec chosen, except
    /// that `dup3(fd, fd, _)` is `EINVAL` whether or not `fd` is open.
    ///
    /// # References
    /// - [Linux `dup3(2)`](https://man7.org/linux/man-pages/man2/dup3.2.html)
    pub fn dup3(&mut self, fd: u32, target: u32, cloexec: bool) -> Result<Option<Entry<T>>, Errno>
    where
        T: Clone,
    {
        if fd == target {
            return Err(Errno::Inval);
        }
        self.dup_onto(fd, target, cloexec)
    }

    /// WASI preview 1's `fd_renumber(fd, target)`: `fd`'s object moves to
    /// `target` and `fd` is freed, as `dup2(fd, target)` then `close(fd)`
    /// do on Linux, so `target`'s close-on-exec flag is clear, as after
    /// dup2(2). Unlike dup2(2), both numbers must be open (`EBADF`
    /// otherwise, `fd` looked up first); `fd == target` changes nothing.
    /// Returns the entry displaced from `target`, for the caller to
    /// release.
    ///
    /// # References
    /// - [WASI preview 1 `fd_renumber`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_renumberfd-fd-to-fd---result-errno)
    pub fn renumber(&mut self, fd: u32, target: u32) -> Result<Option<Entry<T>>, Errno> {
        self.get(fd)?;
        self.get(target)?;
        if fd == target {
            return Ok(None);
        }
        let mut moved = self.take(fd).ok_or(Errno::Badf)?;
        moved.cloexec = false;
        let displaced = self.take(target);
        self.put(target, moved);
        Ok(displaced)
    }

    /// fcntl(2) `F_DUPFD` (`F_DUPFD_CLOEXEC` with `cloexec`): `fd`'s
    /// object at the lowest free number at or above `min`. `fd` is looked
    /// up first (`EBADF`), then `min` (`EINVAL` at or above the limit).
    ///
    /// # References
    /// - [POSIX `fcntl`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
    /// - [Linux `fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    pub fn dup_min(&mut self, fd: u32, min: u32, cloexec: bool) -> Result<u32, Errno>
    where
        T: Clone,
    {
        let object = self.get(fd)?.object.clone();
        self.insert_from(min, object, cloexec)
    }

    /// dup2 and dup3 once `fd == target` is settled: `fd` is looked up
    /// before `target` is replaced, so a bad `fd` leaves `target` open.
    fn dup_onto(&mut self, fd: u32, target: u32, cloexec: bool) -> Result<Option<Entry<T>>, Errno>
    where
        T: Clone,
    {
        let object = self.get(fd)?.object.clone();
        self.replace(target, object, cloexec)
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
mod dup_tests;
#[cfg(test)]
mod tests;
