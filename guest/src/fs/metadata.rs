use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::time::{Duration, SystemTime};

use crate::bindings::vfd::posix::types::{self, FileStat, Timestamp};

/// Information about a file, as `std::fs::Metadata`: what `fstat(2)`
/// reports.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let meta = vfd::fs::metadata("data.txt")?;
/// vfd::println!("{} bytes, inode {}", meta.len(), meta.ino());
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
#[derive(Clone)]
pub struct Metadata {
    stat: FileStat,
}

impl Metadata {
    pub(crate) fn from_stat(stat: FileStat) -> Self {
        Self { stat }
    }

    /// Whether `self` and `other` describe one file. The interface reports
    /// no device number, so the inode alone could match a file on another
    /// host filesystem; the size and the modification and change times to
    /// the nanosecond must match too.
    pub(crate) fn same_file(&self, other: &Metadata) -> bool {
        let (a, b) = (&self.stat, &other.stat);
        let same_time =
            |x: &Timestamp, y: &Timestamp| (x.seconds, x.nanoseconds) == (y.seconds, y.nanoseconds);
        a.inode == b.inode
            && a.size == b.size
            && same_time(&a.modify_time, &b.modify_time)
            && same_time(&a.change_time, &b.change_time)
    }

    /// `st_mode & S_IFMT`—Returns the type of the file.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let is_fifo = vfd::fs::metadata("pipe")?.file_type().is_fifo();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn file_type(&self) -> FileType {
        FileType(self.stat.file_type)
    }

    /// `S_ISDIR(st_mode)`—Returns whether this is a directory.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// assert!(vfd::fs::metadata(".")?.is_dir());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_dir(&self) -> bool {
        self.file_type().is_dir()
    }

    /// `S_ISREG(st_mode)`—Returns whether this is a regular file.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// assert!(vfd::fs::metadata("data.txt")?.is_file());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_file(&self) -> bool {
        self.file_type().is_file()
    }

    /// `S_ISLNK(st_mode)`—Returns whether this is a symlink; only metadata from
    /// [`symlink_metadata`](super::symlink_metadata) can say so.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let is_link = vfd::fs::symlink_metadata("current")?.is_symlink();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_symlink(&self) -> bool {
        self.file_type().is_symlink()
    }

    /// `st_size`—Returns the length in bytes.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let len = vfd::fs::metadata("data.txt")?.len();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    #[must_use]
    #[expect(clippy::len_without_is_empty, reason = "mirrors std's Metadata::len")]
    pub fn len(&self) -> u64 {
        self.stat.size
    }

    /// `st_ino`—Returns the inode number, unique within the host device.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let a = vfd::fs::metadata("a")?.ino();
    /// let b = vfd::fs::metadata("b")?.ino();
    /// let same_file = a == b;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    #[must_use]
    pub fn ino(&self) -> u64 {
        self.stat.inode
    }

    /// `st_nlink`—Returns the number of hard links.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let links = vfd::fs::metadata("data.txt")?.nlink();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    #[must_use]
    pub fn nlink(&self) -> u64 {
        self.stat.link_count
    }

    /// `st_mtim`—Returns the last modification time of the contents.
    ///
    /// Fails with `InvalidData` if the time cannot be a `SystemTime` here.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let when = vfd::fs::metadata("data.txt")?.modified()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    pub fn modified(&self) -> io::Result<SystemTime> {
        system_time(self.stat.modify_time)
    }

    /// `st_atim`—Returns the last access time.
    ///
    /// Fails with `InvalidData` if the time cannot be a `SystemTime` here.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let when = vfd::fs::metadata("data.txt")?.accessed()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    pub fn accessed(&self) -> io::Result<SystemTime> {
        system_time(self.stat.access_time)
    }
}

impl fmt::Debug for Metadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metadata")
            .field("file_type", &self.file_type())
            .field("len", &self.len())
            .field("ino", &self.ino())
            .field("nlink", &self.nlink())
            .field("modified", &self.modified())
            .field("accessed", &self.accessed())
            .finish_non_exhaustive()
    }
}

/// A `timespec` as a `SystemTime`. WASI's `SystemTime` cannot go before
/// the epoch, so such times (and absurd ones) are errors, not panics.
fn system_time(t: Timestamp) -> io::Result<SystemTime> {
    let nanos = Duration::from_nanos(u64::from(t.nanoseconds));
    let time = if t.seconds >= 0 {
        Duration::from_secs(t.seconds.unsigned_abs())
            .checked_add(nanos)
            .and_then(|d| SystemTime::UNIX_EPOCH.checked_add(d))
    } else {
        SystemTime::UNIX_EPOCH
            .checked_sub(Duration::from_secs(t.seconds.unsigned_abs()))
            .and_then(|before| before.checked_add(nanos))
    };
    time.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "timestamp out of range"))
}

/// The type of a file, as `std::fs::FileType` with the queries of std's
/// Unix `FileTypeExt`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// let kind = vfd::fs::symlink_metadata("current")?.file_type();
/// if kind.is_symlink() {
///     vfd::println!("a link");
/// }
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FileType(types::FileType);

impl FileType {
    pub(crate) fn from_wit(kind: types::FileType) -> Self {
        Self(kind)
    }

    /// `S_ISDIR`—Returns whether this is a directory.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// assert!(vfd::fs::metadata(".")?.file_type().is_dir());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_dir(&self) -> bool {
        self.0 == types::FileType::Directory
    }

    /// `S_ISREG`—Returns whether this is a regular file.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// assert!(vfd::fs::metadata("data.txt")?.file_type().is_file());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_file(&self) -> bool {
        self.0 == types::FileType::RegularFile
    }

    /// `S_ISLNK`—Returns whether this is a symlink.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let link = vfd::fs::symlink_metadata("current")?.file_type().is_symlink();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_symlink(&self) -> bool {
        self.0 == types::FileType::Symlink
    }

    /// `S_ISFIFO`—Returns whether this is a pipe.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let fifo = vfd::fs::metadata("fifo")?.file_type().is_fifo();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_fifo(&self) -> bool {
        self.0 == types::FileType::Pipe
    }

    /// `S_ISSOCK`—Returns whether this is a socket (stream or datagram).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let sock = vfd::fs::metadata("app.sock")?.file_type().is_socket();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_socket(&self) -> bool {
        matches!(
            self.0,
            types::FileType::SocketStream | types::FileType::SocketDgram
        )
    }

    /// `S_ISCHR`—Returns whether this is a character device.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let tty = vfd::fs::metadata("/dev/tty")?.file_type().is_char_device();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_char_device(&self) -> bool {
        self.0 == types::FileType::CharacterDevice
    }

    /// `S_ISBLK`—Returns whether this is a block device.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let disk = vfd::fs::metadata("/dev/sda")?.file_type().is_block_device();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/sys_stat.h.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man7/inode.7.html)
    #[must_use]
    pub fn is_block_device(&self) -> bool {
        self.0 == types::FileType::BlockDevice
    }
}

impl fmt::Debug for FileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The WIT enum already prints as `FileType::Directory`.
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Hash for FileType {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The WIT enum has no `Hash`; its discriminant is its identity.
        (self.0 as u8).hash(state);
    }
}
