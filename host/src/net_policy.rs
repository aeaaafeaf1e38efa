//! Which network addresses a guest may connect to and listen on.
//!
//! Deny by default: a guest reaches the network only where the host says
//! so, per address or address range and port (the idea of cap-std's
//! `Pool`). A refused address is `acces` for the guest.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// An address pattern: `*` (anything), or `ADDR[/PREFIX]:PORT` where PORT
/// is a number or `*`, and an IPv6 ADDR is in brackets:
/// `127.0.0.1:8080`, `10.0.0.0/8:*`, `[::1]:443`, `[fd00::]/8:*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrPattern {
    /// The network, or `None` for any address.
    net: Option<(IpAddr, u8)>,
    /// The port, or `None` for any port.
    port: Option<u16>,
}

impl AddrPattern {
    /// The pattern that matches every address.
    pub const ANY: AddrPattern = AddrPattern {
        net: None,
        port: None,
    };

    /// Whether `addr` is in the pattern.
    pub fn matches(&self, addr: &SocketAddr) -> bool {
        if self.port.is_some_and(|p| p != addr.port()) {
            return false;
        }
        match self.net {
            None => true,
            Some((net, prefix)) => in_network(addr.ip(), net, prefix),
        }
    }
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    // An IPv4 pattern also covers IPv4-mapped IPv6 addresses.
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Why a pattern did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatternError {}

impl From<PatternError> for io::Error {
    fn from(e: PatternError) -> Self {
        io::Error::new(io::ErrorKind::InvalidInput, e)
    }
}

impl FromStr for AddrPattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| {
            PatternError(format!(
                "bad address pattern {s:?}: {why} (want ADDR[/PREFIX]:PORT, PORT may be *, or * alone)"
            ))
        };
        if s == "*" {
            return Ok(AddrPattern::ANY);
        }
        let (net, port) = s.rsplit_once(':').ok_or_else(|| bad("no port"))?;
        let port = match port {
            "*" => None,
            p => Some(
                p.parse::<u16>()
                    .map_err(|_| bad("the port is not a number"))?,
            ),
        };
        let (addr, prefix) = match net.split_once('/') {
            Some((a, p)) => (
                a,
                Some(
                    p.parse::<u8>()
                        .map_err(|_| bad("the prefix is not a number"))?,
                ),
            ),
            None => (net, None),
        };
        let addr = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let net = if addr == "*" {
            None
        } else {
            let ip = IpAddr::from_str(addr).map_err(|_| bad("not an IP address"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = prefix.unwrap_or(max);
            if prefix > max {
                return Err(bad("the prefix is too long"));
            }
            Some((ip, prefix))
        };
        Ok(AddrPattern { net, port })
    }
}

/// The addresses a guest may use; nothing at all by default.
#[derive(Debug, Clone, Default)]
pub struct NetPolicy {
    connect: Vec<AddrPattern>,
    listen: Vec<AddrPattern>,
}

impl NetPolicy {
    /// Allow outgoing connections (TCP connect, UDP send) to `pattern`.
    pub fn allow_connect(&mut self, pattern: AddrPattern) {
        self.connect.push(pattern);
    }

    /// Allow listening on, and binding to, `pattern`.
    pub fn allow_listen(&mut self, pattern: AddrPattern) {
        self.listen.push(pattern);
    }

    /// Whether the guest may connect or send to `addr`.
    pub fn may_connect(&self, addr: &SocketAddr) -> bool {
        self.connect.iter().any(|p| p.matches(addr))
    }

    /// Whether the guest may listen on or bind `addr`.
    pub fn may_listen(&self, addr: &SocketAddr) -> bool {
        self.listen.iter().any(|p| p.matches(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> AddrPattern {
        s.parse().unwrap()
    }

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn patterns_match_addresses_ranges_and_ports() {
        assert!(p("127.0.0.1:8080").matches(&a("127.0.0.1:8080")));
        assert!(!p("127.0.0.1:8080").matches(&a("127.0.0.1:8081")));
        assert!(!p("127.0.0.1:8080").matches(&a("127.0.0.2:8080")));
        assert!(p("127.0.0.0/8:*").matches(&a("127.9.9.9:1")));
        assert!(!p("127.0.0.0/8:*").matches(&a("128.0.0.1:1")));
        assert!(p("0.0.0.0/0:53").matches(&a("8.8.8.8:53")));
        assert!(p("[::1]:443").matches(&a("[::1]:443")));
        assert!(p("[fd00::]/8:*").matches(&a("[fd12::1]:9")));
        assert!(!p("[fd00::]/8:*").matches(&a("[fe80::1]:9")));
        assert!(p("*").matches(&a("[2001:db8::1]:1")));
        assert!(p("*:80").matches(&a("10.1.2.3:80")));
        assert!(
            p("127.0.0.1:*").matches(&a("[::ffff:127.0.0.1]:5")),
            "IPv4-mapped"
        );
        assert!(!p("127.0.0.1:*").matches(&a("[::1]:5")));
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        for bad in [
            "",
            "127.0.0.1",
            "127.0.0.1:http",
            "localhost:80",
            "10.0.0.0/33:*",
            "[::1]/129:*",
            "1.2.3.4/x:1",
        ] {
            let err = bad.parse::<AddrPattern>().unwrap_err();
            assert!(
                err.to_string().contains("bad address pattern"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn policy_denies_by_default() {
        let mut policy = NetPolicy::default();
        assert!(!policy.may_connect(&a("127.0.0.1:80")));
        assert!(!policy.may_listen(&a("127.0.0.1:80")));
        policy.allow_listen(p("127.0.0.1:*"));
        assert!(policy.may_listen(&a("127.0.0.1:0")));
        assert!(!policy.may_connect(&a("127.0.0.1:80")));
    }
}
