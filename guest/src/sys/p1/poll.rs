//! The WIT's `poll` interface on wasm32-wasip1: vfd's module.

pub(crate) use crate::bindings::vfd::posix::poll::{Events, PollFd, Revents};

use super::{check, vfd_imports as vfd};
use crate::bindings::vfd::posix::types::Errno;
use crate::io::clamp_len;

pub(crate) fn poll(fds: &[PollFd], timeout_ms: i32) -> Result<Vec<Revents>, Errno> {
    let mut entries: Vec<vfd::PollEntry> = fds
        .iter()
        .map(|p| vfd::PollEntry {
            fd: p.fd,
            events: p.events.bits().into(),
            revents: 0,
        })
        .collect();
    // The host checks the count against the table's limit before it reads
    // an entry.
    let nfds = clamp_len(entries.len());
    let mut ready = 0;
    // SAFETY: `nfds` entries at `entries`, whose `revents` the host
    // writes, and one u32 at `ready`.
    check(unsafe { vfd::poll(entries.as_mut_ptr(), nfds, timeout_ms, &mut ready) })?;
    Ok(entries
        .iter()
        .map(|e| Revents::from_bits_truncate(e.revents as u8))
        .collect())
}
