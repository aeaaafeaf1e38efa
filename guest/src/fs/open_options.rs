use std::io;
use std::path::Path;

use super::{File, path_str};
use crate::errno::cvt;
use crate::fd::owned_from_host;
use crate::io::OpenFlags;
use crate::sys::descriptors;

/// Options and flags for opening a file, as `std::fs::OpenOptions`, with
/// the Unix flags std keeps in `OpenOptionsExt` as plain methods.
///
/// Every option starts false, [`cloexec`](Self::cloexec) included. std
/// sets `O_CLOEXEC` on every file it opens; vfd leaves it to the caller, as
/// `open(2)` does, so the descriptor flags a guest sees are the ones it
/// asked for.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fs::OpenOptions;
///
/// let file = OpenOptions::new().read(true).write(true).create(true).open("db")?;
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    read: bool,
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
    nonblocking: bool,
    cloexec: bool,
    directory: bool,
    nofollow: bool,
}

impl OpenOptions {
    /// Returns options with nothing set.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let options = vfd::fs::OpenOptions::new();
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `O_RDONLY` / `O_RDWR`—Opens for reading.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::OpenOptions::new().read(true).open("data.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn read(&mut self, read: bool) -> &mut Self {
        self.read = read;
        self
    }

    /// `O_WRONLY` / `O_RDWR`—Opens for writing.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::OpenOptions::new().write(true).open("data.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn write(&mut self, write: bool) -> &mut Self {
        self.write = write;
        self
    }

    /// `O_APPEND`—Every write lands at the end of the file. Implies
    /// [`write`](Self::write), as in std.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let log = vfd::fs::OpenOptions::new().append(true).open("log.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn append(&mut self, append: bool) -> &mut Self {
        self.append = append;
        self
    }

    /// `O_TRUNC`—Empties an existing regular file. Needs
    /// [`write`](Self::write).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::OpenOptions::new().write(true).truncate(true).open("data.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn truncate(&mut self, truncate: bool) -> &mut Self {
        self.truncate = truncate;
        self
    }

    /// `O_CREAT`—Creates the file if it does not exist. Needs
    /// [`write`](Self::write) or [`append`](Self::append).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::OpenOptions::new().write(true).create(true).open("new.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn create(&mut self, create: bool) -> &mut Self {
        self.create = create;
        self
    }

    /// `O_CREAT | O_EXCL`—Creates the file, failing with `AlreadyExists` if
    /// it exists. Overrides [`create`](Self::create) and
    /// [`truncate`](Self::truncate).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let lock = vfd::fs::OpenOptions::new().write(true).create_new(true).open("app.lock")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn create_new(&mut self, create_new: bool) -> &mut Self {
        self.create_new = create_new;
        self
    }

    /// `O_NONBLOCK`—Calls that would wait fail with `WouldBlock` instead.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let fifo = vfd::fs::OpenOptions::new().read(true).nonblocking(true).open("fifo")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn nonblocking(&mut self, nonblocking: bool) -> &mut Self {
        self.nonblocking = nonblocking;
        self
    }

    /// `O_CLOEXEC`—Sets close-on-exec on the new number. False by default,
    /// unlike std, which always sets it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::OpenOptions::new().read(true).cloexec(true).open("data.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn cloexec(&mut self, cloexec: bool) -> &mut Self {
        self.cloexec = cloexec;
        self
    }

    /// `O_DIRECTORY`—Fails with `NotADirectory` unless the path is one.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let dir = vfd::fs::OpenOptions::new().read(true).directory(true).open("src")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn directory(&mut self, directory: bool) -> &mut Self {
        self.directory = directory;
        self
    }

    /// `O_NOFOLLOW`—Fails with `ELOOP` if the last component is a symlink.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::OpenOptions::new().read(true).nofollow(true).open("data.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn nofollow(&mut self, nofollow: bool) -> &mut Self {
        self.nofollow = nofollow;
        self
    }

    /// `open(path, flags)`—Opens `path` with these options, at the lowest
    /// free number.
    ///
    /// Invalid combinations fail with `InvalidInput` before reaching the
    /// host, as in std: no access at all, or creating or truncating without
    /// write access.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let file = vfd::fs::OpenOptions::new().read(true).open("data.txt")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn open<P: AsRef<Path>>(&self, path: P) -> io::Result<File> {
        let flags = self.flags()?;
        let fd = cvt(descriptors::open(path_str(path.as_ref())?, flags))?;
        owned_from_host(fd).map(File::from)
    }

    fn flags(&self) -> io::Result<OpenFlags> {
        Ok(self.access_flags()? | self.creation_flags()? | self.extra_flags())
    }

    fn access_flags(&self) -> io::Result<OpenFlags> {
        Ok(match (self.read, self.write, self.append) {
            (true, false, false) => OpenFlags::READ,
            (false, true, false) => OpenFlags::WRITE,
            (true, true, false) => OpenFlags::READ | OpenFlags::WRITE,
            (false, _, true) => OpenFlags::WRITE | OpenFlags::APPEND,
            (true, _, true) => OpenFlags::READ | OpenFlags::WRITE | OpenFlags::APPEND,
            (false, false, false) => {
                return Err(invalid(
                    "must specify at least one of read, write, or append access",
                ));
            }
        })
    }

    fn creation_flags(&self) -> io::Result<OpenFlags> {
        // std's rules: creating or truncating needs write access, and
        // truncating an append-only file is refused unless it is new.
        let needs_write = match (self.write, self.append) {
            (true, false) => false,
            (false, false) => self.truncate || self.create || self.create_new,
            (_, true) => self.truncate && !self.create_new,
        };
        if needs_write {
            return Err(invalid(
                "creating or truncating a file requires write or append access",
            ));
        }
        Ok(match (self.create, self.truncate, self.create_new) {
            (false, false, false) => OpenFlags::empty(),
            (true, false, false) => OpenFlags::CREATE,
            (false, true, false) => OpenFlags::TRUNCATE,
            (true, true, false) => OpenFlags::CREATE | OpenFlags::TRUNCATE,
            (_, _, true) => OpenFlags::CREATE | OpenFlags::EXCLUSIVE,
        })
    }

    fn extra_flags(&self) -> OpenFlags {
        let mut flags = OpenFlags::empty();
        flags.set(OpenFlags::NONBLOCK, self.nonblocking);
        flags.set(OpenFlags::CLOEXEC, self.cloexec);
        flags.set(OpenFlags::DIRECTORY, self.directory);
        flags.set(OpenFlags::NOFOLLOW, self.nofollow);
        flags
    }
}

fn invalid(msg: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}
