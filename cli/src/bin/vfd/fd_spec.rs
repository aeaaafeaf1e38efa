//! `--fd N=KIND:...`: host objects handed to the guest at chosen numbers.

use anyhow::{Context, Result, bail};
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// The forms `--fd` accepts, for messages.
pub const FORMS: &str = "N=file:PATH[:ro|rw|append|create], N=tcp-listen:ADDR, \
N=tcp-connect:ADDR, N=udp:ADDR or N=inherit:HOSTFD[:owned|borrowed]";

/// One `--fd` flag, opened: the guest number and the host descriptor the
/// guest is given (for a borrowed `inherit:`, a duplicate of the inherited
/// one, which stays open).
pub struct FdSpec {
    pub fd: u32,
    pub object: OwnedFd,
    /// For `inherit:`, the host descriptor number it took.
    pub inherited: Option<RawFd>,
}

impl FdSpec {
    /// Parse and open `N=KIND:...`.
    pub fn open(spec: &str) -> Result<FdSpec> {
        let (n, what) = spec
            .split_once('=')
            .with_context(|| format!("--fd {spec}: expected {FORMS}"))?;
        let fd: u32 = n
            .parse()
            .with_context(|| format!("--fd {spec}: {n:?} is not a descriptor number"))?;
        let (kind, rest) = what
            .split_once(':')
            .with_context(|| format!("--fd {spec}: expected {FORMS}"))?;
        let owned = |object: OwnedFd| FdSpec {
            fd,
            object,
            inherited: None,
        };
        let context = || format!("--fd {spec}");
        Ok(match kind {
            "file" => owned(open_file(rest).with_context(context)?),
            "tcp-listen" => owned(
                std::net::TcpListener::bind(rest)
                    .with_context(context)?
                    .into(),
            ),
            "tcp-connect" => owned(
                std::net::TcpStream::connect(rest)
                    .with_context(context)?
                    .into(),
            ),
            "udp" => owned(
                std::net::UdpSocket::bind(rest)
                    .with_context(context)?
                    .into(),
            ),
            "inherit" => inherit(fd, rest).with_context(context)?,
            _ => bail!("--fd {spec}: unknown kind {kind:?}; expected {FORMS}"),
        })
    }
}

fn open_file(rest: &str) -> Result<OwnedFd> {
    let (path, mode) = match rest.rsplit_once(':') {
        Some((p, m @ ("ro" | "rw" | "append" | "create"))) => (p, m),
        _ => (rest, "ro"),
    };
    let mut options = std::fs::OpenOptions::new();
    match mode {
        "ro" => options.read(true),
        "rw" => options.read(true).write(true),
        "append" => options.append(true).create(true),
        _ => options.write(true).create(true).truncate(true),
    };
    let file = options
        .open(path)
        .with_context(|| format!("cannot open {path}"))?;
    Ok(file.into())
}

/// A descriptor vfd's own parent passed in (a shell's `3<file`, systemd's
/// socket activation). Owned (the default): vfd takes it over and closes
/// its own copy once the guest has its duplicate. Borrowed: it stays open
/// in vfd's process as well.
fn inherit(fd: u32, rest: &str) -> Result<FdSpec> {
    let (host, how) = match rest.rsplit_once(':') {
        Some((h, o @ ("owned" | "borrowed"))) => (h, o),
        _ => (rest, "owned"),
    };
    let host: RawFd = host
        .parse()
        .ok()
        .filter(|n| *n >= 0)
        .with_context(|| format!("{host:?} is not a host descriptor number"))?;
    if host <= 2 && how == "owned" {
        bail!("host descriptor {host} is vfd's own stdio: hand it in as inherit:{host}:borrowed");
    }
    // SAFETY: only used for the F_GETFD probe below, which is harmless on a
    // number that is not open (EBADF).
    let probe = unsafe { BorrowedFd::borrow_raw(host) };
    rustix::io::fcntl_getfd(probe)
        .with_context(|| format!("host descriptor {host} is not open"))?;
    let object = if how == "owned" {
        // SAFETY: the number is open and, by this flag, vfd's to take over.
        unsafe { OwnedFd::from_raw_fd(host) }
    } else {
        probe.try_clone_to_owned()?
    };
    Ok(FdSpec {
        fd,
        object,
        inherited: Some(host),
    })
}
