use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::vec;

use super::{FileType, Metadata, OpenOptions, symlink_metadata};
use crate::bindings::vfd::posix::types;
use crate::errno::cvt;
use crate::fd::host_fd;
use crate::sys::descriptors;

/// `opendir(path)` and `readdir`—Returns an iterator over the entries of a
/// directory, without `.` and `..`.
///
/// The whole listing is read at once and the directory closed before this
/// returns, so iterating holds no descriptor and a later `open` still gets
/// the number it would have had.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// for entry in vfd::fs::read_dir(".")? {
///     vfd::println!("{}", entry?.path().display());
/// }
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readdir.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/readdir.3.html)
pub fn read_dir<P: AsRef<Path>>(path: P) -> io::Result<ReadDir> {
    let path = path.as_ref();
    let dir = OpenOptions::new().read(true).directory(true).open(path)?;
    let entries = cvt(descriptors::read_dir(host_fd(&dir)))?;
    Ok(ReadDir {
        root: Arc::new(path.to_path_buf()),
        entries: entries.into_iter(),
    })
}

/// An iterator over the entries of a directory, as `std::fs::ReadDir`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let names: Vec<_> = vfd::fs::read_dir("src")?
///     .map(|e| e.map(|e| e.file_name()))
///     .collect::<std::io::Result<_>>()?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readdir.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/readdir.3.html)
pub struct ReadDir {
    root: Arc<PathBuf>,
    entries: vec::IntoIter<types::DirEntry>,
}

impl Iterator for ReadDir {
    type Item = io::Result<DirEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        let entry = self.entries.next()?;
        Some(Ok(DirEntry {
            root: Arc::clone(&self.root),
            name: entry.name,
            kind: entry.file_type,
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReadDir").field(&self.root).finish()
    }
}

/// One entry of a directory, as `std::fs::DirEntry`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// for entry in vfd::fs::read_dir(".")? {
///     let entry = entry?;
///     if entry.file_type()?.is_dir() {
///         vfd::println!("{}/", entry.file_name().to_string_lossy());
///     }
/// }
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readdir.html)
///  - [Linux](https://man7.org/linux/man-pages/man3/readdir.3.html)
pub struct DirEntry {
    root: Arc<PathBuf>,
    name: String,
    kind: types::FileType,
}

impl DirEntry {
    /// Returns the path of the entry: the directory given to
    /// [`read_dir`] joined with the entry's name.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// for entry in vfd::fs::read_dir("src")? {
    ///     vfd::println!("{}", entry?.path().display()); // src/...
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.root.join(&self.name)
    }

    /// `d_name`—Returns the entry's name within its directory.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// for entry in vfd::fs::read_dir(".")? {
    ///     let name = entry?.file_name();
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readdir.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man3/readdir.3.html)
    #[must_use]
    pub fn file_name(&self) -> OsString {
        OsString::from(&self.name)
    }

    /// `d_type`—Returns the entry's type, without following a symlink.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// for entry in vfd::fs::read_dir(".")? {
    ///     let is_file = entry?.file_type()?.is_file();
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/readdir.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man3/readdir.3.html)
    pub fn file_type(&self) -> io::Result<FileType> {
        Ok(FileType::from_wit(self.kind))
    }

    /// `fstatat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)`—Returns the metadata
    /// of the entry, without following a symlink.
    ///
    /// The path is resolved again now (the directory is no longer open), so
    /// the entry may have changed or vanished since it was listed.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// for entry in vfd::fs::read_dir(".")? {
    ///     let len = entry?.metadata()?.len();
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstatat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstatat.2.html)
    pub fn metadata(&self) -> io::Result<Metadata> {
        symlink_metadata(self.path())
    }
}

impl fmt::Debug for DirEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DirEntry").field(&self.path()).finish()
    }
}
