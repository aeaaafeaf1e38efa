//! The argument rules of the socket calls that do not depend on the
//! objects: the address syntax, and the status flags a new socket or pipe
//! may be made with.

use crate::Errno;
use crate::table::Table;
use std::net::SocketAddr;

/// An `ip:port` address as the WIT's socket calls take it
/// (`127.0.0.1:8080`, `[::1]:8080`); anything else is `EINVAL`, as a bad
/// `sockaddr` is to `connect(2)` and `bind(2)`.
///
/// # References
/// - [Linux `ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
/// - [Linux `ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
pub fn parse_addr(address: &str) -> Result<SocketAddr, Errno> {
    address.parse().map_err(|_| Errno::Inval)
}

/// The status flags of a new socket or pipe (`SOCK_NONBLOCK`,
/// `O_NONBLOCK` of `pipe2`): only non-blocking may be asked for; append is
/// `EINVAL`, as `pipe2(2)` and `socket(2)` refuse flags they do not know.
/// This is checked before anything else about the call. Returns whether
/// the new object is non-blocking.
///
/// # References
/// - [Linux `pipe2(2)`](https://man7.org/linux/man-pages/man2/pipe2.2.html)
/// - [Linux `socket(2)`](https://man7.org/linux/man-pages/man2/socket.2.html)
pub fn creation_status(append: bool, nonblock: bool) -> Result<bool, Errno> {
    if append {
        return Err(Errno::Inval);
    }
    Ok(nonblock)
}

/// The checks of a call that makes a socket (connect, listen, bind), once
/// its arguments are parsed: `EACCES` when the network policy refuses the
/// address (`allowed` false; a build whose runtime enforces its own policy
/// passes true), then `EMFILE` with no free number. Both come before any
/// socket exists, so a refused call costs the host nothing and leaves
/// nothing behind.
pub fn check_new_socket<T>(table: &Table<T>, allowed: bool) -> Result<(), Errno> {
    if !allowed {
        return Err(Errno::Acces);
    }
    table.check_room()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_ip_and_port() {
        assert_eq!(parse_addr("127.0.0.1:80").unwrap().port(), 80);
        assert!(parse_addr("[::1]:0").unwrap().is_ipv6());
        for bad in [
            "",
            "localhost:80",
            "127.0.0.1",
            "127.0.0.1:99999",
            "::1:80",
            "1.2.3.4:80 ",
        ] {
            assert_eq!(parse_addr(bad), Err(Errno::Inval), "{bad:?}");
        }
    }

    #[test]
    fn a_refused_address_is_eacces_before_a_full_table() {
        let mut table = Table::new(1);
        assert_eq!(check_new_socket(&table, true), Ok(()));
        table.insert((), false).unwrap();
        assert_eq!(check_new_socket(&table, false), Err(Errno::Acces));
        assert_eq!(check_new_socket(&table, true), Err(Errno::Mfile));
    }

    #[test]
    fn new_objects_take_nonblock_only() {
        assert_eq!(creation_status(false, false), Ok(false));
        assert_eq!(creation_status(false, true), Ok(true));
        assert_eq!(creation_status(true, false), Err(Errno::Inval));
        assert_eq!(creation_status(true, true), Err(Errno::Inval));
    }
}
