//! The `poll` interface: poll(2) over the real host descriptors.

use crate::VfdCtx;
use crate::bindings::Errno;
use crate::bindings::vfd::posix::poll::{Events, Host, PollFd, Revents};
use rustix::event::{PollFd as HostPollFd, PollFlags, Timespec};
use std::time::{Duration, Instant};
use vfd_core::poll::{self as rules, Entry};

impl Host for VfdCtx {
    fn poll(&mut self, fds: Vec<PollFd>, timeout_ms: i32) -> Result<Vec<Revents>, Errno> {
        rules::check_len(&self.table, fds.len())?;
        let mut out = vec![Revents::empty(); fds.len()];
        let mut host = Vec::with_capacity(fds.len());
        let mut slots = Vec::with_capacity(fds.len());
        let mut invalid = false;
        for (i, p) in fds.iter().enumerate() {
            match rules::entry(&self.table, p.fd) {
                Entry::Off => {}
                Entry::Open(d) => {
                    host.push(HostPollFd::new(&d.object, host_events(p.events)));
                    slots.push(i);
                }
                Entry::Invalid => {
                    out[i] = Revents::NVAL;
                    invalid = true;
                }
            }
        }
        // An unknown fd is ready at once (with `nval`), as on Linux.
        let timeout_ms = if invalid { 0 } else { timeout_ms };
        let deadline =
            (timeout_ms >= 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
        wait_until(&mut host, deadline)?;
        for (p, &i) in host.iter().zip(&slots) {
            out[i] = guest_revents(p.revents());
        }
        Ok(out)
    }
}

/// poll(2) until a descriptor is ready or `deadline` passes (none: no
/// limit), restarted with the time left when a host signal interrupts it,
/// or `intr` for a table request (see `descriptors::retry_blocking`).
pub(crate) fn wait_until(
    fds: &mut [HostPollFd<'_>],
    deadline: Option<Instant>,
) -> Result<(), Errno> {
    loop {
        let left = deadline.map(|d| {
            let left = d.saturating_duration_since(Instant::now());
            Timespec {
                tv_sec: left.as_secs() as i64,
                tv_nsec: i64::from(left.subsec_nanos()),
            }
        });
        match rustix::event::poll(fds, left.as_ref()) {
            Err(rustix::io::Errno::INTR) if crate::trace::table_requested() => {
                return Err(Errno::Intr);
            }
            Err(rustix::io::Errno::INTR) => continue,
            other => return other.map(drop).map_err(Errno::from),
        }
    }
}

fn host_events(events: Events) -> PollFlags {
    let mut flags = PollFlags::empty();
    if events.contains(Events::READABLE) {
        flags |= PollFlags::IN;
    }
    if events.contains(Events::WRITABLE) {
        flags |= PollFlags::OUT;
    }
    flags
}

fn guest_revents(flags: PollFlags) -> Revents {
    let mut out = Revents::empty();
    for (host, guest) in [
        (PollFlags::IN, Revents::READABLE),
        (PollFlags::OUT, Revents::WRITABLE),
        (PollFlags::HUP, Revents::HUP),
        (PollFlags::ERR, Revents::ERR),
        (PollFlags::NVAL, Revents::NVAL),
    ] {
        if flags.contains(host) {
            out |= guest;
        }
    }
    out
}
