//! vfd's current directory, mirroring the directory functions of `std::env`.
//!
//! This is the directory vfd resolves relative paths from. It is separate
//! from wasi-libc's, which `std::env::current_dir` reports.

use std::io;
use std::path::{Path, PathBuf};

use crate::bindings::vfd::posix::descriptors;
use crate::errno::cvt;
use crate::fs::path_str;

/// `getcwd()`—Returns the current directory, as an absolute guest path.
///
/// The path is the logical one, as the shell's `pwd` prints it.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let cwd = vfd::env::current_dir()?;
/// vfd::println!("in {}", cwd.display());
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getcwd.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/getcwd.3.html)
pub fn current_dir() -> io::Result<PathBuf> {
    // The host call cannot fail; the `Result` keeps std's signature.
    Ok(PathBuf::from(descriptors::getcwd()))
}

/// `chdir(path)`—Sets the directory that relative paths start from.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// vfd::env::set_current_dir("/data")?;
/// let file = vfd::fs::File::open("input.txt")?; // /data/input.txt
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/chdir.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/chdir.2.html)
pub fn set_current_dir<P: AsRef<Path>>(path: P) -> io::Result<()> {
    cvt(descriptors::chdir(path_str(path.as_ref())?))
}
