//! vfd's current directory, mirroring the directory functions of `std::env`.
//!
//! This is the directory vfd resolves relative paths from. On
//! wasm32-wasip2 it is vfd's own, kept by the host, and separate from
//! wasi-libc's, which `std::env::current_dir` reports. On wasm32-wasip1
//! vfd's paths go through wasi-libc as std's do, so there is one current
//! directory, wasi-libc's, which these functions and std's both set and
//! read (a logical path kept in the guest, resolved through the preopened
//! directories).

use std::io;
use std::path::{Path, PathBuf};

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
use crate::{errno::cvt, fs::path_str, sys::descriptors};

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
    #[cfg(not(all(target_os = "wasi", target_env = "p1")))]
    {
        // The host call cannot fail; the `Result` keeps std's signature.
        Ok(PathBuf::from(descriptors::getcwd()))
    }
    #[cfg(all(target_os = "wasi", target_env = "p1"))]
    {
        std::env::current_dir()
    }
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
    #[cfg(not(all(target_os = "wasi", target_env = "p1")))]
    {
        cvt(descriptors::chdir(path_str(path.as_ref())?))
    }
    #[cfg(all(target_os = "wasi", target_env = "p1"))]
    {
        std::env::set_current_dir(path)
    }
}
