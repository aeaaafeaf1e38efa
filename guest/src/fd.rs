//! Owned and borrowed descriptors, mirroring `std::os::fd`.
//!
//! On wasm32-wasip2 these name numbers in vfd's own table, not
//! wasi-libc's: a [`RawFd`] from `std::os::fd` and one from this module
//! are unrelated even when equal, so never pass one to the other.
//!
//! On wasm32-wasip1 std's numbers are vfd's: std's `File`, `TcpStream`,
//! `TcpListener`, `UdpSocket`, `OwnedFd`, `BorrowedFd` and stdio handles
//! implement this module's [`AsFd`], so this crate's calls take them as
//! they are; [`OwnedFd`] converts to and from std's, and std's
//! `BorrowedFd` to [`BorrowedFd`], with `From` (not back: std's cannot
//! hold -1, which this one can). std's own `try_clone` is `Unsupported`
//! there, as preview 1 has no dup: [`crate::io::dup`] is one.

use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::rc::Rc;
use std::sync::Arc;

use crate::errno::cvt;
use crate::sys::descriptors;

/// A raw descriptor number in vfd's table, as C's `int fd`.
///
/// # Examples
///
/// ```no_run
/// use vfd::fd::{AsRawFd, RawFd};
///
/// let fd: RawFd = vfd::stdio::stdout().as_raw_fd();
/// assert_eq!(fd, 1);
/// ```
pub type RawFd = i32;

/// `AT_FDCWD`—The special directory value that makes an `-at` call resolve a
/// relative path through the current directory.
///
/// # Examples
///
/// ```no_run
/// assert_eq!(vfd::fd::AT_FDCWD, -100);
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/openat.2.html)
pub const AT_FDCWD: RawFd = -100;

/// The host's image of [`AT_FDCWD`]: the WIT `fd` type is unsigned.
pub(crate) const HOST_AT_FDCWD: u32 = AT_FDCWD as u32;

/// Converts a number for the host: the unsigned image of the `int`, as the
/// WIT's `fd` says.
///
/// A negative number is handed on rather than refused here: its image is
/// at least 2^31, which no table can hold (the largest limit is 2^20), so
/// the host answers `EBADF` for it, and does so in Linux's order (an
/// invalid offset or `openat`'s absolute path comes first, as in the
/// kernel). Refusing it in the guest would put `EBADF` ahead of those.
pub(crate) fn to_host(fd: RawFd) -> u32 {
    fd as u32
}

/// The host's number for a borrowed descriptor.
pub(crate) fn host_fd(fd: impl AsFd) -> u32 {
    to_host(fd.as_fd().fd)
}

/// Takes ownership of a number the host has just allocated.
///
/// A number too large for `RawFd` could never be named again, so it is
/// given back to the host rather than leaked.
pub(crate) fn owned_from_host(fd: u32) -> io::Result<OwnedFd> {
    let Ok(raw) = RawFd::try_from(fd) else {
        let _ = descriptors::close(fd);
        return Err(io::Error::from_raw_os_error(libc::EMFILE));
    };
    // SAFETY: the host just allocated `fd` for us and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

/// Reads back a number the caller already manages (the `_raw` calls). A
/// number past `RawFd` is reported rather than wrapped into a negative one.
pub(crate) fn raw_from_host(fd: u32) -> io::Result<RawFd> {
    RawFd::try_from(fd).map_err(|_| io::Error::from_raw_os_error(libc::EOVERFLOW))
}

/// An owned descriptor: closes its number when dropped.
///
/// Like `std::os::fd::OwnedFd`, with the same rules: only one `OwnedFd`
/// may own a number, and errors from the final close are ignored (call
/// [`crate::io::close_raw`] on [`IntoRawFd::into_raw_fd`] to see them).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fd::OwnedFd;
///
/// let file = vfd::fs::File::open("data.txt")?;
/// let fd: OwnedFd = file.into();
/// drop(fd); // closes the number
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/close.2.html)
#[repr(transparent)]
pub struct OwnedFd {
    fd: RawFd,
}

impl OwnedFd {
    /// `dup(fd)`—Creates a new `OwnedFd` instance that shares the same
    /// underlying file description as `self`.
    ///
    /// The new number is the lowest free one, and its close-on-exec flag
    /// is clear.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let fd: vfd::fd::OwnedFd = vfd::fs::File::open("data.txt")?.into();
    /// let copy = fd.try_clone()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn try_clone(&self) -> io::Result<OwnedFd> {
        self.as_fd().try_clone_to_owned()
    }
}

impl Drop for OwnedFd {
    fn drop(&mut self) {
        // As std: a close error cannot be reported from drop, and retrying
        // could close a number someone else has been given since.
        let _ = descriptors::close(to_host(self.fd));
    }
}

impl fmt::Debug for OwnedFd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedFd").field("fd", &self.fd).finish()
    }
}

/// A borrowed descriptor: a number that stays open for the lifetime `'fd`.
///
/// Like `std::os::fd::BorrowedFd`: it is `Copy`, closes nothing, and the
/// borrow checker keeps it from outliving the [`OwnedFd`] it came from.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fd::{AsFd, BorrowedFd};
///
/// let file = vfd::fs::File::open("data.txt")?;
/// let fd: BorrowedFd<'_> = file.as_fd();
/// let mut buf = [0; 16];
/// vfd::io::read(fd, &mut buf)?;
/// # Ok(())
/// # }
/// ```
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct BorrowedFd<'fd> {
    fd: RawFd,
    _owner: PhantomData<&'fd OwnedFd>,
}

impl BorrowedFd<'_> {
    /// Returns a `BorrowedFd` holding the given raw number.
    ///
    /// Unlike std, a negative number is accepted: every call on it fails
    /// with `EBADF`, as it would in C.
    ///
    /// # Safety
    ///
    /// `fd` must stay open for the returned lifetime.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vfd::fd::BorrowedFd;
    ///
    /// // SAFETY: fd 1 is open for the whole program.
    /// let out = unsafe { BorrowedFd::borrow_raw(1) };
    /// ```
    #[must_use]
    pub const unsafe fn borrow_raw(fd: RawFd) -> Self {
        Self {
            fd,
            _owner: PhantomData,
        }
    }

    /// `dup(fd)`—Creates a new `OwnedFd` instance that shares the same
    /// underlying file description as `self`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// let out = vfd::stdio::stdout().try_clone_to_owned()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # References
    ///  - [Linux](https://man7.org/linux/man-pages/man2/dup.2.html)
    pub fn try_clone_to_owned(&self) -> io::Result<OwnedFd> {
        owned_from_host(cvt(descriptors::dup(to_host(self.fd)))?)
    }
}

impl fmt::Debug for BorrowedFd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BorrowedFd").field("fd", &self.fd).finish()
    }
}

/// Borrows a descriptor, as `std::os::fd::AsFd`.
///
/// # Examples
///
/// ```no_run
/// use vfd::fd::AsFd;
///
/// fn is_tty(fd: impl AsFd) -> bool {
///     vfd::io::is_terminal(fd).unwrap_or(false)
/// }
/// ```
pub trait AsFd {
    /// Borrows the descriptor.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::fd::AsFd;
    ///
    /// let file = vfd::fs::File::open("data.txt")?;
    /// let fd = file.as_fd();
    /// # Ok(())
    /// # }
    /// ```
    fn as_fd(&self) -> BorrowedFd<'_>;
}

/// Extracts the raw number, as `std::os::fd::AsRawFd`. The number is only
/// borrowed: the owner still closes it.
///
/// # Examples
///
/// ```no_run
/// use vfd::fd::AsRawFd;
///
/// assert_eq!(vfd::stdio::stderr().as_raw_fd(), 2);
/// ```
pub trait AsRawFd {
    /// Extracts the raw number.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::fd::AsRawFd;
    ///
    /// let file = vfd::fs::File::open("data.txt")?;
    /// vfd::println!("opened as {}", file.as_raw_fd());
    /// # Ok(())
    /// # }
    /// ```
    fn as_raw_fd(&self) -> RawFd;
}

/// Builds an owner from a raw number, as `std::os::fd::FromRawFd`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fd::{FromRawFd, IntoRawFd, OwnedFd};
///
/// let raw = vfd::fs::File::open("data.txt")?.into_raw_fd();
/// // SAFETY: `raw` was just released by its only owner.
/// let fd = unsafe { OwnedFd::from_raw_fd(raw) };
/// # Ok(())
/// # }
/// ```
pub trait FromRawFd {
    /// Takes ownership of `fd`.
    ///
    /// # Safety
    ///
    /// `fd` must be open and owned by nothing else: the new value closes it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vfd::fd::{FromRawFd, RawFd};
    /// use vfd::fs::File;
    ///
    /// fn adopt(raw: RawFd) -> File {
    ///     // SAFETY: the caller handed over an open number it no longer owns.
    ///     unsafe { File::from_raw_fd(raw) }
    /// }
    /// ```
    unsafe fn from_raw_fd(fd: RawFd) -> Self;
}

/// Gives up ownership of the raw number, as `std::os::fd::IntoRawFd`.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::fd::IntoRawFd;
///
/// let raw = vfd::fs::File::open("data.txt")?.into_raw_fd();
/// vfd::io::close_raw(raw)?; // now the caller's job
/// # Ok(())
/// # }
/// ```
pub trait IntoRawFd {
    /// Returns the number without closing it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::fd::IntoRawFd;
    ///
    /// let raw = vfd::fs::File::open("data.txt")?.into_raw_fd();
    /// # Ok(())
    /// # }
    /// ```
    fn into_raw_fd(self) -> RawFd;
}

impl AsFd for OwnedFd {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: `self` keeps the number open while the borrow lives.
        unsafe { BorrowedFd::borrow_raw(self.fd) }
    }
}

impl AsFd for BorrowedFd<'_> {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        *self
    }
}

impl<T: AsFd + ?Sized> AsFd for &T {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        T::as_fd(self)
    }
}

impl<T: AsFd + ?Sized> AsFd for &mut T {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        T::as_fd(self)
    }
}

impl<T: AsFd + ?Sized> AsFd for Box<T> {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        (**self).as_fd()
    }
}

impl<T: AsFd + ?Sized> AsFd for Rc<T> {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        (**self).as_fd()
    }
}

impl<T: AsFd + ?Sized> AsFd for Arc<T> {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        (**self).as_fd()
    }
}

impl AsRawFd for RawFd {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        *self
    }
}

impl AsRawFd for OwnedFd {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

impl AsRawFd for BorrowedFd<'_> {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

impl<T: AsRawFd + ?Sized> AsRawFd for Box<T> {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        (**self).as_raw_fd()
    }
}

impl<T: AsRawFd + ?Sized> AsRawFd for Rc<T> {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        (**self).as_raw_fd()
    }
}

impl<T: AsRawFd + ?Sized> AsRawFd for Arc<T> {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        (**self).as_raw_fd()
    }
}

impl FromRawFd for RawFd {
    #[inline]
    unsafe fn from_raw_fd(fd: RawFd) -> Self {
        fd
    }
}

impl FromRawFd for OwnedFd {
    #[inline]
    unsafe fn from_raw_fd(fd: RawFd) -> Self {
        Self { fd }
    }
}

impl IntoRawFd for RawFd {
    #[inline]
    fn into_raw_fd(self) -> RawFd {
        self
    }
}

impl IntoRawFd for OwnedFd {
    #[inline]
    fn into_raw_fd(self) -> RawFd {
        ManuallyDrop::new(self).fd
    }
}

/// std's descriptors are vfd's on wasm32-wasip1: preview 1's numbers are
/// the table's.
#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod std_fds {
    use std::os::fd as std_fd;
    use std::os::fd::{AsRawFd as _, FromRawFd as _, IntoRawFd as _};

    use super::{AsFd, BorrowedFd, OwnedFd};

    impl From<std_fd::OwnedFd> for OwnedFd {
        #[inline]
        fn from(fd: std_fd::OwnedFd) -> Self {
            Self {
                fd: fd.into_raw_fd(),
            }
        }
    }

    impl From<OwnedFd> for std_fd::OwnedFd {
        #[inline]
        fn from(fd: OwnedFd) -> Self {
            use super::IntoRawFd as _;
            // SAFETY: `fd` was open and owned by `fd` alone, which gives
            // it up here.
            unsafe { std_fd::OwnedFd::from_raw_fd(fd.into_raw_fd()) }
        }
    }

    impl<'fd> From<std_fd::BorrowedFd<'fd>> for BorrowedFd<'fd> {
        #[inline]
        fn from(fd: std_fd::BorrowedFd<'fd>) -> Self {
            // SAFETY: std's borrow keeps the number open for `'fd`.
            unsafe { BorrowedFd::borrow_raw(fd.as_raw_fd()) }
        }
    }

    /// vfd's [`AsFd`] for std types that hold a descriptor, through
    /// std's own `AsFd`.
    macro_rules! std_as_fd {
        ($($ty:ty),* $(,)?) => {$(
            impl AsFd for $ty {
                #[inline]
                fn as_fd(&self) -> BorrowedFd<'_> {
                    std_fd::AsFd::as_fd(self).into()
                }
            }
        )*};
    }

    std_as_fd!(
        std_fd::OwnedFd,
        std_fd::BorrowedFd<'_>,
        std::fs::File,
        std::net::TcpStream,
        std::net::TcpListener,
        std::net::UdpSocket,
        std::io::Stdin,
        std::io::StdinLock<'_>,
        std::io::Stdout,
        std::io::StdoutLock<'_>,
        std::io::Stderr,
        std::io::StderrLock<'_>,
    );
}
