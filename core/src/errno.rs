//! The errno vocabulary, defined once: each error a guest can get, with
//! its POSIX name, its Linux number and message, and its WASI number.
//!
//! The variants are named as the WIT's `errno` cases are, so that
//! [`errno_conversions!`](crate::errno_conversions) can join this type to
//! the type a bindings generator makes of the WIT, in any build (the host
//! library, the wasm layer, the guest library), without a second list.
//!
//! # References
//! - [POSIX `<errno.h>`](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/errno.h.html)
//! - [Linux `errno(3)`](https://man7.org/linux/man-pages/man3/errno.3.html)
//! - [WASI preview 1 `errno`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-errno-variant)

use core::fmt;

/// Defines [`Errno`] and the conversions macro from one list: variant,
/// name, Linux number, WASI number, Linux's `strerror` text. `$d` is a `$`
/// handed in so that the inner macro can have metavariables of its own.
macro_rules! errnos {
    ($d:tt $($variant:ident $name:literal $linux:literal $wasi:literal $message:literal;)*) => {
        /// An error a descriptor call can return, as POSIX names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Errno {
            $(#[doc = concat!("`", $name, "`: ", $message, ".")] $variant,)*
        }

        impl Errno {
            /// Every errno, in the WIT's order.
            pub const ALL: &'static [Errno] = &[$(Errno::$variant,)*];

            /// The POSIX name: `"EBADF"`.
            pub const fn name(self) -> &'static str {
                match self { $(Errno::$variant => $name,)* }
            }

            /// The number Linux gives this error (`EBADF` is 9).
            /// `ENOTCAPABLE` has none: it is WASI's; Linux's nearest
            /// meaning, `EPERM` (1), stands in for it.
            pub const fn linux(self) -> i32 {
                match self { $(Errno::$variant => $linux,)* }
            }

            /// The number WASI preview 1 (and wasi-libc's `errno`) gives
            /// this error (`EBADF` is 8).
            pub const fn wasi(self) -> u16 {
                match self { $(Errno::$variant => $wasi,)* }
            }

            /// What Linux's `strerror` says of it: `"Bad file descriptor"`.
            pub const fn message(self) -> &'static str {
                match self { $(Errno::$variant => $message,)* }
            }

            /// The errno of a Linux error number, if it is one of these.
            /// `EPERM` is [`Errno::Perm`], never `Notcapable`.
            pub const fn from_linux(raw: i32) -> Option<Errno> {
                // Notcapable's stand-in number is EPERM's, which this first
                // arm keeps for Perm.
                #[allow(unreachable_patterns)]
                match raw {
                    // EOPNOTSUPP and EWOULDBLOCK are the same numbers as
                    // ENOTSUP and EAGAIN on Linux.
                    1 => Some(Errno::Perm),
                    $($linux => Some(Errno::$variant),)*
                    _ => None,
                }
            }

            /// The errno of a WASI preview 1 error number, if it is one of
            /// these.
            pub const fn from_wasi(raw: u16) -> Option<Errno> {
                match raw {
                    $($wasi => Some(Errno::$variant),)*
                    _ => None,
                }
            }
        }

        /// Joins [`Errno`] to a generated type with the same cases (the
        /// WIT's `errno` as wasmtime's or wit-bindgen's bindings make it):
        /// `From` both ways, with no list of cases to keep in step.
        ///
        /// ```
        /// mod bindings {
        ///     # macro_rules! same { ($($v:ident)*) => {
        ///     #[derive(Debug, PartialEq)] pub enum Errno { $($v,)* }
        ///     # } }
        ///     # same!(Acces Again Badf Busy Exist Fbig Inval Io Isdir Loop Mfile Nametoolong Noent Nospc Notdir Notempty Notsup Notcapable Perm Pipe Spipe Rofs Xdev Nomem Notsock Connrefused Connreset Addrinuse Addrnotavail Notconn Timedout Intr Notty Overflow Mlink Txtbsy Nxio Dquot Nosys Range Inprogress Already Isconn Connaborted Netunreach Hostunreach Msgsize Afnosupport Nobufs Destaddrreq Noprotoopt Nfile);
        /// }
        /// vfd_core::errno_conversions!(bindings::Errno);
        /// let e: bindings::Errno = vfd_core::Errno::Badf.into();
        /// assert_eq!(e, bindings::Errno::Badf);
        /// assert_eq!(vfd_core::Errno::from(e).name(), "EBADF");
        /// ```
        #[macro_export]
        macro_rules! errno_conversions {
            ($d generated:ty) => {
                impl ::core::convert::From<$d crate::Errno> for $d generated {
                    fn from(e: $d crate::Errno) -> Self {
                        type Generated = $d generated;
                        match e { $($d crate::Errno::$variant => Generated::$variant,)* }
                    }
                }
                impl ::core::convert::From<$d generated> for $d crate::Errno {
                    fn from(e: $d generated) -> Self {
                        type Generated = $d generated;
                        match e { $(Generated::$variant => $d crate::Errno::$variant,)* }
                    }
                }
            };
        }
    };
}

errnos! { $
    Acces "EACCES" 13 2 "Permission denied";
    Again "EAGAIN" 11 6 "Resource temporarily unavailable";
    Badf "EBADF" 9 8 "Bad file descriptor";
    Busy "EBUSY" 16 10 "Device or resource busy";
    Exist "EEXIST" 17 20 "File exists";
    Fbig "EFBIG" 27 22 "File too large";
    Inval "EINVAL" 22 28 "Invalid argument";
    Io "EIO" 5 29 "Input/output error";
    Isdir "EISDIR" 21 31 "Is a directory";
    Loop "ELOOP" 40 32 "Too many levels of symbolic links";
    Mfile "EMFILE" 24 33 "Too many open files";
    Nametoolong "ENAMETOOLONG" 36 37 "File name too long";
    Noent "ENOENT" 2 44 "No such file or directory";
    Nospc "ENOSPC" 28 51 "No space left on device";
    Notdir "ENOTDIR" 20 54 "Not a directory";
    Notempty "ENOTEMPTY" 39 55 "Directory not empty";
    Notsup "ENOTSUP" 95 58 "Operation not supported";
    Notcapable "ENOTCAPABLE" 1 76 "Capabilities insufficient";
    Perm "EPERM" 1 63 "Operation not permitted";
    Pipe "EPIPE" 32 64 "Broken pipe";
    Spipe "ESPIPE" 29 70 "Illegal seek";
    Rofs "EROFS" 30 69 "Read-only file system";
    Xdev "EXDEV" 18 75 "Invalid cross-device link";
    Nomem "ENOMEM" 12 48 "Cannot allocate memory";
    Notsock "ENOTSOCK" 88 57 "Socket operation on non-socket";
    Connrefused "ECONNREFUSED" 111 14 "Connection refused";
    Connreset "ECONNRESET" 104 15 "Connection reset by peer";
    Addrinuse "EADDRINUSE" 98 3 "Address already in use";
    Addrnotavail "EADDRNOTAVAIL" 99 4 "Cannot assign requested address";
    Notconn "ENOTCONN" 107 53 "Transport endpoint is not connected";
    Timedout "ETIMEDOUT" 110 73 "Connection timed out";
    Intr "EINTR" 4 27 "Interrupted system call";
    Notty "ENOTTY" 25 59 "Inappropriate ioctl for device";
    Overflow "EOVERFLOW" 75 61 "Value too large for defined data type";
    Mlink "EMLINK" 31 34 "Too many links";
    Txtbsy "ETXTBSY" 26 74 "Text file busy";
    Nxio "ENXIO" 6 60 "No such device or address";
    Dquot "EDQUOT" 122 19 "Disk quota exceeded";
    Nosys "ENOSYS" 38 52 "Function not implemented";
    Range "ERANGE" 34 68 "Numerical result out of range";
    Inprogress "EINPROGRESS" 115 26 "Operation now in progress";
    Already "EALREADY" 114 7 "Operation already in progress";
    Isconn "EISCONN" 106 30 "Transport endpoint is already connected";
    Connaborted "ECONNABORTED" 103 13 "Software caused connection abort";
    Netunreach "ENETUNREACH" 101 40 "Network is unreachable";
    Hostunreach "EHOSTUNREACH" 113 23 "No route to host";
    Msgsize "EMSGSIZE" 90 35 "Message too long";
    Afnosupport "EAFNOSUPPORT" 97 5 "Address family not supported by protocol";
    Nobufs "ENOBUFS" 105 42 "No buffer space available";
    Destaddrreq "EDESTADDRREQ" 89 17 "Destination address required";
    Noprotoopt "ENOPROTOOPT" 92 50 "Protocol not available";
    Nfile "ENFILE" 23 41 "Too many open files in system";
}

impl fmt::Display for Errno {
    /// `strerror`'s text, as Rust's `io::Error` shows an OS error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Errno {}

#[cfg(test)]
mod tests {
    use super::Errno;
    use std::collections::BTreeSet;

    #[test]
    fn names_and_numbers_are_unique() {
        let names: BTreeSet<_> = Errno::ALL.iter().map(|e| e.name()).collect();
        let wasi: BTreeSet<_> = Errno::ALL.iter().map(|e| e.wasi()).collect();
        assert_eq!(names.len(), Errno::ALL.len());
        assert_eq!(wasi.len(), Errno::ALL.len());
        for e in Errno::ALL {
            assert_eq!(Errno::from_wasi(e.wasi()), Some(*e));
            if *e != Errno::Notcapable {
                assert_eq!(Errno::from_linux(e.linux()), Some(*e), "{e:?}");
            }
        }
        assert_eq!(Errno::from_linux(1), Some(Errno::Perm));
        assert_eq!(Errno::from_linux(0), None);
        assert_eq!(Errno::from_wasi(0), None, "0 is WASI's success");
    }

    /// The Linux numbers and messages are checked against the C library of
    /// the machine running the tests (std's OS errors show `strerror`).
    #[cfg(target_os = "linux")]
    #[test]
    fn linux_numbers_and_messages_are_the_c_librarys() {
        for e in Errno::ALL.iter().filter(|e| **e != Errno::Notcapable) {
            let shown = std::io::Error::from_raw_os_error(e.linux()).to_string();
            assert_eq!(
                shown,
                format!("{} (os error {})", e.message(), e.linux()),
                "{}",
                e.name()
            );
        }
    }
}
