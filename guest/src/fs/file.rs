use std::fmt;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::{Metadata, OpenOptions};
use crate::errno::cvt;
use crate::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd, host_fd};
use crate::sys::descriptors;

/// An open file in vfd's table, as `std::fs::File`.
///
/// Dropping it closes its number. Reads, writes and seeks go through the
/// open description, so they share the offset with every duplicate made by
/// [`File::try_clone`] or [`crate::io::dup`].
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::io::{Read, Write};
/// use vfd::fs::File;
///
/// File::create("hello.txt")?.write_all(b"hello")?;
/// let mut text = String::new();
/// File::open("hello.txt")?.read_to_string(&mut text)?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
pub struct File {
    fd: OwnedFd,
}

impl File {
    /// `open(path, O_RDONLY)`—Opens a file for reading.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::File::open("data.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn open<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new().read(true).open(path)
    }

    /// `open(path, O_WRONLY | O_CREAT | O_TRUNC)`—Opens a file
    /// for writing, creating it or emptying it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::File::create("out.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn create<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
    }

    /// `open(path, O_RDWR | O_CREAT | O_EXCL)`—Creates a new file,
    /// failing with `AlreadyExists` if it exists: the lock-file idiom.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let lock = vfd::fs::File::create_new("app.lock")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn create_new<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
    }

    /// Returns a new [`OpenOptions`], as `std::fs::File::options`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let log = vfd::fs::File::options().append(true).create(true).open("log.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// `dup(fd)`—Creates a new `File` that shares the open description, and
    /// so the offset, of `self`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::File::open("data.txt")?;
    /// let twin = file.try_clone()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/dup.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn try_clone(&self) -> io::Result<File> {
        self.fd.try_clone().map(File::from)
    }

    /// `ftruncate(fd, size)`—Truncates or extends the file to `size` bytes,
    /// leaving the offset where it is.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// vfd::fs::File::create("sparse.bin")?.set_len(1 << 20)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/ftruncate.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/ftruncate.2.html)
    pub fn set_len(&self, size: u64) -> io::Result<()> {
        super::ftruncate(self, size)
    }

    /// `fsync(fd)`—Flushes the file's data and metadata to the device.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let mut file = vfd::fs::File::create("journal")?;
    /// file.write_all(b"entry\n")?;
    /// file.sync_all()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fsync.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fsync.2.html)
    pub fn sync_all(&self) -> io::Result<()> {
        cvt(descriptors::sync(host_fd(self)))
    }

    /// `fdatasync(fd)`—Flushes the file's data to the device, as
    /// `std::fs::File::sync_data`.
    ///
    /// vfd's interface has one flush, `fsync`, which also flushes the
    /// metadata: this is [`sync_all`](Self::sync_all), never less durable
    /// and at worst a little slower.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let mut log = vfd::fs::OpenOptions::new().append(true).open("wal")?;
    /// log.write_all(b"commit 42\n")?;
    /// log.sync_data()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fdatasync.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fdatasync.2.html)
    pub fn sync_data(&self) -> io::Result<()> {
        self.sync_all()
    }

    /// `fstat(fd)`—Returns the metadata of the open file.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let len = vfd::fs::File::open("data.txt")?.metadata()?.len();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
    pub fn metadata(&self) -> io::Result<Metadata> {
        super::fstat(self)
    }
}

impl Read for &File {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::io::read(*self, buf)
    }
}

impl Write for &File {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        crate::io::write(*self, buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing is buffered in the guest: every write is already a call.
        Ok(())
    }
}

impl Seek for &File {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        crate::io::seek(*self, pos)
    }
}

impl Read for File {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl Write for File {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&*self).flush()
    }
}

impl Seek for File {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        (&*self).seek(pos)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("fd", &self.fd.as_raw_fd())
            .finish()
    }
}

impl AsFd for File {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for File {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl FromRawFd for File {
    #[inline]
    unsafe fn from_raw_fd(fd: RawFd) -> Self {
        // SAFETY: the caller passes on the guarantee that `fd` is open and
        // owned by nothing else.
        Self::from(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

impl IntoRawFd for File {
    #[inline]
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw_fd()
    }
}

impl From<OwnedFd> for File {
    #[inline]
    fn from(fd: OwnedFd) -> Self {
        Self { fd }
    }
}

impl From<File> for OwnedFd {
    #[inline]
    fn from(file: File) -> Self {
        file.fd
    }
}
