//! Owning and borrowing wrappers around numbers: the WIT `file` resource,
//! as Rust's `OwnedFd`/`BorrowedFd` and Python's `open(fd, closefd=...)`
//! are in their languages.
//!
//! A wrapper remembers the open description its number referred to when
//! it was made, without keeping it alive. Every call through it first
//! checks that the number still refers to that description: a number
//! closed and reused since is left alone, so a double close through a
//! wrapper can never close an unrelated file (the classic
//! `open(path).fileno()` and double-close bugs).

use crate::Errno;
use crate::limits::MAX_HANDLES;
use crate::table::Table;
use core::cell::Cell;

/// A table's object that a wrapper can remember without keeping it alive:
/// a reference-counted open description.
pub trait Shared {
    /// The weak form a wrapper keeps.
    type Weak;

    /// The weak form of `self`.
    fn downgrade(&self) -> Self::Weak;

    /// Whether `self` is the object `weak` was made from.
    fn is(&self, weak: &Self::Weak) -> bool;
}

impl<T> Shared for std::sync::Arc<T> {
    type Weak = std::sync::Weak<T>;

    fn downgrade(&self) -> Self::Weak {
        std::sync::Arc::downgrade(self)
    }

    fn is(&self, weak: &Self::Weak) -> bool {
        std::sync::Arc::as_ptr(self) == weak.as_ptr()
    }
}

impl<T> Shared for std::rc::Rc<T> {
    type Weak = std::rc::Weak<T>;

    fn downgrade(&self) -> Self::Weak {
        std::rc::Rc::downgrade(self)
    }

    fn is(&self, weak: &Self::Weak) -> bool {
        std::rc::Rc::as_ptr(self) == weak.as_ptr()
    }
}

/// What dropping a wrapper does to its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDrop {
    /// A borrowing (or detached) wrapper: nothing.
    Keep,
    /// An owning wrapper whose number is still its description's: close it.
    Close(u32),
    /// An owning wrapper whose number was closed (and maybe reused) behind
    /// it: the close is refused, which dev mode reports.
    RefuseStale(u32),
}

/// One wrapper: the number, the description it referred to, and whether
/// the wrapper owns (closes) the number.
#[derive(Debug)]
pub struct Handle<T: Shared> {
    fd: u32,
    desc: T::Weak,
    owns: Cell<bool>,
}

impl<T: Shared> Handle<T> {
    /// Wrap `fd`, which must be open (`EBADF`), when `live` wrappers are
    /// already held: at [`MAX_HANDLES`] it is `EMFILE`, so that a guest
    /// cannot grow host memory without bound by making wrappers.
    pub fn wrap(table: &Table<T>, fd: u32, owns: bool, live: usize) -> Result<Self, Errno> {
        let desc = table.get(fd)?.object.downgrade();
        if live >= MAX_HANDLES {
            return Err(Errno::Mfile);
        }
        Ok(Handle {
            fd,
            desc,
            owns: Cell::new(owns),
        })
    }

    /// The wrapped number, current or not.
    pub fn fd(&self) -> u32 {
        self.fd
    }

    /// Whether the wrapper closes its number when dropped.
    pub fn owns(&self) -> bool {
        self.owns.get()
    }

    /// Give up ownership (`into_raw_fd`, Python's `detach`): the number
    /// stays open when the wrapper goes. Returns it.
    pub fn detach(&self) -> u32 {
        self.owns.set(false);
        self.fd
    }

    /// Whether the number still refers to the wrapped description.
    pub fn is_current(&self, table: &Table<T>) -> bool {
        table.get(self.fd).is_ok_and(|e| e.object.is(&self.desc))
    }

    /// The number, for a call through the wrapper: `EBADF` if it no longer
    /// refers to the wrapped description.
    pub fn current(&self, table: &Table<T>) -> Result<u32, Errno> {
        if self.is_current(table) {
            Ok(self.fd)
        } else {
            Err(Errno::Badf)
        }
    }

    /// What dropping the wrapper must do, judged against `table` now.
    pub fn on_drop(&self, table: &Table<T>) -> OnDrop {
        if !self.owns() {
            OnDrop::Keep
        } else if self.is_current(table) {
            OnDrop::Close(self.fd)
        } else {
            OnDrop::RefuseStale(self.fd)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn table() -> Table<Rc<String>> {
        let mut t = Table::new(16);
        t.insert(Rc::new("a".to_owned()), false).unwrap();
        t.insert(Rc::new("b".to_owned()), false).unwrap();
        t
    }

    #[test]
    fn wrapping_a_closed_number_is_ebadf_before_the_limit() {
        let t = table();
        assert_eq!(Handle::wrap(&t, 7, true, 0).err(), Some(Errno::Badf));
        assert_eq!(
            Handle::wrap(&t, 7, true, MAX_HANDLES).err(),
            Some(Errno::Badf)
        );
        assert_eq!(
            Handle::wrap(&t, 1, true, MAX_HANDLES).err(),
            Some(Errno::Mfile)
        );
        assert!(Handle::wrap(&t, 1, true, MAX_HANDLES - 1).is_ok());
    }

    #[test]
    fn a_number_closed_and_reused_behind_a_wrapper_is_stale() {
        // Python: f = open(path); os.close(f.fileno()); g = open(other)
        // takes the same number; f.close() must not close g's file.
        let mut t = table();
        let h = Handle::wrap(&t, 1, true, 0).unwrap();
        assert_eq!(h.current(&t), Ok(1));
        assert_eq!(h.on_drop(&t), OnDrop::Close(1));
        t.remove(1).unwrap();
        assert_eq!(h.current(&t), Err(Errno::Badf));
        t.insert(Rc::new("c".to_owned()), false).unwrap();
        assert_eq!(h.current(&t), Err(Errno::Badf), "reused by another file");
        assert_eq!(h.on_drop(&t), OnDrop::RefuseStale(1));
    }

    #[test]
    fn a_dup2_onto_the_number_makes_the_wrapper_stale_and_a_dup_back_current_again() {
        let mut t = table();
        let h = Handle::wrap(&t, 1, true, 0).unwrap();
        let saved = t.dup(1).unwrap();
        t.dup2(0, 1).unwrap();
        assert_eq!(h.current(&t), Err(Errno::Badf));
        t.dup2(saved, 1).unwrap();
        assert_eq!(h.current(&t), Ok(1), "the same description is back");
    }

    #[test]
    fn borrowing_and_detached_wrappers_leave_the_number_alone() {
        let t = table();
        let borrowed = Handle::wrap(&t, 0, false, 0).unwrap();
        assert_eq!(borrowed.on_drop(&t), OnDrop::Keep);
        let owned = Handle::wrap(&t, 1, true, 0).unwrap();
        assert!(owned.owns());
        assert_eq!(owned.detach(), 1);
        assert!(!owned.owns());
        assert_eq!(owned.on_drop(&t), OnDrop::Keep);
        assert_eq!(owned.current(&t), Ok(1), "a detached wrapper still reads");
    }
}
