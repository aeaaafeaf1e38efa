//! The guest's standard streams: by default the host's own, lent.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
pub use vfd_core::Stdio;

/// A descriptor for the host's own stream `which`, borrowed: vfd works on
/// a duplicate (same open description, so the same offset and flags) and
/// never closes the host's stream itself.
pub fn host_stream(which: Stdio) -> io::Result<OwnedFd> {
    match which {
        Stdio::Stdin => io::stdin().as_fd().try_clone_to_owned(),
        Stdio::Stdout => io::stdout().as_fd().try_clone_to_owned(),
        Stdio::Stderr => io::stderr().as_fd().try_clone_to_owned(),
    }
}
