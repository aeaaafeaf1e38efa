//! The argument rules of poll(2) that do not depend on the objects.

use crate::Errno;
use crate::table::Table;

/// How poll(2) treats one entry's number.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry<'a, T> {
    /// A negative number (as C sees it): the entry is switched off and
    /// reports nothing, as callers of poll(2) rely on.
    Off,
    /// A number that is not open: `POLLNVAL`, and the call returns at once.
    Invalid,
    /// An open number's object, to be watched.
    Open(&'a T),
}

/// `EINVAL` when a poll asks about more entries than the table's limit,
/// as Linux refuses more than `RLIMIT_NOFILE`.
///
/// # References
/// - [Linux `poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
pub fn check_len<T>(table: &Table<T>, entries: usize) -> Result<(), Errno> {
    if entries > table.max_fds() as usize {
        return Err(Errno::Inval);
    }
    Ok(())
}

/// What poll(2) makes of the number `fd` in an entry.
///
/// # References
/// - [POSIX `poll`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html)
/// - [Linux `poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
pub fn entry<T>(table: &Table<T>, fd: u32) -> Entry<'_, T> {
    // The WIT's `fd` is unsigned; C's is an int, whose negative values
    // switch an entry off.
    if (fd as i32) < 0 {
        return Entry::Off;
    }
    match table.get(fd) {
        Ok(e) => Entry::Open(&e.object),
        Err(_) => Entry::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_entries_than_the_limit_is_einval() {
        let t: Table<u8> = Table::new(4);
        assert_eq!(check_len(&t, 4), Ok(()));
        assert_eq!(check_len(&t, 5), Err(Errno::Inval));
        assert_eq!(check_len(&t, 0), Ok(()));
    }

    #[test]
    fn negative_numbers_are_off_and_closed_ones_invalid() {
        let mut t = Table::new(4);
        t.insert(7u8, false).unwrap();
        assert_eq!(entry(&t, 0), Entry::Open(&7));
        assert_eq!(entry(&t, 1), Entry::Invalid);
        assert_eq!(entry(&t, 4), Entry::Invalid, "past the limit");
        assert_eq!(entry(&t, -1i32 as u32), Entry::Off);
        assert_eq!(entry(&t, i32::MIN as u32), Entry::Off);
        assert_eq!(entry(&t, i32::MAX as u32), Entry::Invalid);
    }
}
