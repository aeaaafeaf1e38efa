//! The guest's standard streams: by default the host's own, lent.

use std::io;
use std::os::fd::{AsFd, OwnedFd};

/// Which standard stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stdio {
    /// Standard input, the guest's default fd 0.
    Stdin,
    /// Standard output, the guest's default fd 1.
    Stdout,
    /// Standard error, the guest's default fd 2.
    Stderr,
}

impl Stdio {
    /// The stream's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Stdio::Stdin => "stdin",
            Stdio::Stdout => "stdout",
            Stdio::Stderr => "stderr",
        }
    }

    /// A descriptor for the host's own stream, borrowed: vfd works on a
    /// duplicate (same open description, so the same offset and flags) and
    /// never closes the host's stream itself.
    pub fn host(self) -> io::Result<OwnedFd> {
        match self {
            Stdio::Stdin => io::stdin().as_fd().try_clone_to_owned(),
            Stdio::Stdout => io::stdout().as_fd().try_clone_to_owned(),
            Stdio::Stderr => io::stderr().as_fd().try_clone_to_owned(),
        }
    }
}
