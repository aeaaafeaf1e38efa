//! The rules of the I/O calls that do not depend on the object.

use crate::Errno;
use crate::limits::MAX_OFFSET;

/// The offset of `pread`, `pwrite` or `ftruncate`, checked as Linux checks
/// it: before the descriptor, so past the largest file offset is `EINVAL`
/// even on a closed number.
///
/// # References
/// - [Linux `pread(2)`](https://man7.org/linux/man-pages/man2/pread.2.html)
/// - [Linux `truncate(2)`](https://man7.org/linux/man-pages/man2/truncate.2.html)
pub fn check_offset(offset: u64) -> Result<u64, Errno> {
    if offset > MAX_OFFSET {
        return Err(Errno::Inval);
    }
    Ok(offset)
}

/// Linux's `rw_verify_area`: an I/O of `count` bytes at `pos` must end
/// within the largest file offset, else `EINVAL`, before the object is
/// asked (a read of a directory whose offset is at the end is `EINVAL`,
/// not `EISDIR`). For a build that keeps offsets itself; a host kernel
/// checks this on its own.
///
/// # References
/// - [Linux `read(2)`](https://man7.org/linux/man-pages/man2/read.2.html)
pub fn check_span(pos: u64, count: u64) -> Result<(), Errno> {
    match pos.checked_add(count) {
        Some(end) if end <= MAX_OFFSET => Ok(()),
        _ => Err(Errno::Inval),
    }
}

/// `base + offset` as lseek(2) computes it: `EINVAL` before 0 or past
/// `max`, the largest offset the object allows (an overflow included).
/// Past the end of the data is allowed: an offset is only a number.
///
/// # References
/// - [POSIX `lseek`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/lseek.html)
/// - [Linux `lseek(2)`](https://man7.org/linux/man-pages/man2/lseek.2.html)
pub fn seek_target(base: u64, offset: i64, max: u64) -> Result<u64, Errno> {
    let new = i128::from(base) + i128::from(offset);
    if new < 0 || new > i128::from(max) {
        return Err(Errno::Inval);
    }
    Ok(new as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_past_loff_t_are_einval() {
        assert_eq!(check_offset(0), Ok(0));
        assert_eq!(check_offset(i64::MAX as u64), Ok(i64::MAX as u64));
        assert_eq!(check_offset(i64::MAX as u64 + 1), Err(Errno::Inval));
        assert_eq!(check_offset(u64::MAX), Err(Errno::Inval));
    }

    #[test]
    fn spans_end_within_the_largest_offset() {
        assert_eq!(check_span(0, 100), Ok(()));
        assert_eq!(check_span(MAX_OFFSET, 0), Ok(()));
        assert_eq!(check_span(MAX_OFFSET, 1), Err(Errno::Inval));
        assert_eq!(check_span(MAX_OFFSET - 5, 5), Ok(()));
        assert_eq!(check_span(u64::MAX, 1), Err(Errno::Inval));
    }

    #[test]
    fn seek_targets_as_lseek() {
        let max = MAX_OFFSET;
        assert_eq!(seek_target(0, 5, max), Ok(5));
        assert_eq!(seek_target(10, -10, max), Ok(0));
        assert_eq!(seek_target(10, -11, max), Err(Errno::Inval));
        assert_eq!(seek_target(0, i64::MAX, max), Ok(MAX_OFFSET));
        assert_eq!(seek_target(1, i64::MAX, max), Err(Errno::Inval));
        assert_eq!(seek_target(MAX_OFFSET, i64::MIN, max), Err(Errno::Inval));
        assert_eq!(seek_target(3, 1 << 40, max), Ok(3 + (1 << 40)));
        assert_eq!(
            seek_target(0, 100, 99),
            Err(Errno::Inval),
            "past a smaller limit"
        );
    }
}
