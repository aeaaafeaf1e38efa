//! Socket addresses as the host takes and gives them: `ip:port` strings.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

/// The host's form of an address: `127.0.0.1:8080` or `[::1]:8080`, as
/// `SocketAddr`'s `Display` writes it.
pub(crate) fn to_host(addr: &SocketAddr) -> String {
    addr.to_string()
}

/// Reads back an address the host reported. The host always writes a
/// numeric `ip:port`; anything else is reported rather than trusted.
pub(crate) fn from_host(addr: &str) -> io::Result<SocketAddr> {
    addr.parse().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid socket address from the host: {addr:?}"),
        )
    })
}

/// Resolves `addr` and calls `f` on each address in turn until one
/// succeeds, as std's `TcpStream::connect` does. If every attempt fails,
/// the last error is returned.
pub(crate) fn each_addr<A, T, F>(addr: A, mut f: F) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(&str) -> io::Result<T>,
{
    let mut last_err = None;
    for addr in addr.to_socket_addrs()? {
        match f(&to_host(&addr)) {
            Ok(value) => return Ok(value),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any addresses",
        )
    }))
}

/// Resolves `addr` to its first address, as std's `UdpSocket::send_to`
/// does (a datagram goes to one place).
pub(crate) fn first_addr<A: ToSocketAddrs>(addr: A) -> io::Result<String> {
    match addr.to_socket_addrs()?.next() {
        Some(addr) => Ok(to_host(&addr)),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no addresses to send data to",
        )),
    }
}
