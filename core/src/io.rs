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
}
