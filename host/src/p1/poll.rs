//! `poll_oneoff`: clock, read and write subscriptions, waited for with one
//! poll(2) on the host descriptors behind the table's numbers.
//!
//! A subscription on a number that is not open gets an event with `EBADF`
//! (poll(2)'s `POLLNVAL`) rather than failing the whole call, so that the
//! other subscriptions are still answered.

use super::clocks::Clock;
use super::memory::Mem;
use super::{Errno, Result, functions};
use crate::VfdView;
use rustix::event::{PollFd, PollFlags};
use std::time::{Duration, Instant};
use vfd_core::poll as rules;
use wasmtime::Linker;
use wasmtime_wasi::WasiView;

const SUBSCRIPTION_SIZE: u32 = 48;
/// A deadline past what `Instant` can hold: about 30 years, never reached.
const FOREVER: Duration = Duration::from_secs(1 << 30);
const EVENT_SIZE: u32 = 32;

/// `eventtype`.
const CLOCK: u8 = 0;
const FD_READ: u8 = 1;
const FD_WRITE: u8 = 2;

/// `subclockflags`: the timeout is a time on the clock, not a duration.
const ABSTIME: u16 = 1;
/// `eventrwflags`: the peer hung up.
const HANGUP: u16 = 1;

/// One subscription, as read from the guest, with its `userdata` (read
/// before any event is written: the events may overlap the subscriptions).
struct Subscription {
    userdata: u64,
    wait: Wait,
}

enum Wait {
    /// Due at this time.
    Clock(Instant),
    /// Readiness of a host descriptor, at this index of the poll set.
    Fd { index: usize, kind: u8 },
    /// A number that is not open.
    Invalid(u8),
}

pub(super) fn add_to_linker<T: VfdView + WasiView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    functions! { linker,
        "poll_oneoff" => |mem, data, subs: u32, events: u32, count: u32, out: u32| {
            poll_oneoff(mem, data, subs, events, count, out)
        };
    }
    Ok(())
}

fn poll_oneoff<T: VfdView + WasiView>(
    mem: &mut Mem<'_>,
    data: &mut T,
    subs: u32,
    events: u32,
    count: u32,
    out: u32,
) -> Result<()> {
    // Waiting on nothing would never end.
    if count == 0 {
        return Err(Errno::INVAL);
    }
    mem.check(out, 4)?;
    mem.check(
        subs,
        count.checked_mul(SUBSCRIPTION_SIZE).ok_or(Errno::FAULT)?,
    )?;
    mem.check(events, count.checked_mul(EVENT_SIZE).ok_or(Errno::FAULT)?)?;
    rules::check_len(&data.vfd().table, count as usize)?;

    let start = Instant::now();
    let mut waits = Vec::with_capacity(count as usize);
    let mut fds = Vec::new();
    for i in 0..count {
        let at = subs + i * SUBSCRIPTION_SIZE;
        let kind = mem.u8(at + 8)?;
        let wait = match kind {
            CLOCK => {
                let clock = Clock::from_id(mem.u32(at + 16)?)?;
                let timeout = mem.u64(at + 24)?;
                let flags = mem.u16(at + 40)?;
                // An absolute time becomes a deadline now, so the time
                // spent reading the others does not make it early.
                let due = if flags & ABSTIME != 0 {
                    timeout.saturating_sub(clock.now(data)?)
                } else {
                    timeout
                };
                let now = Instant::now();
                Wait::Clock(
                    now.checked_add(Duration::from_nanos(due))
                        .unwrap_or(now + FOREVER),
                )
            }
            FD_READ | FD_WRITE => {
                let fd = mem.u32(at + 16)?;
                // Preview 1's numbers are unsigned: none switches a
                // subscription off, as a negative one does in poll(2).
                match data.vfd().table.get(fd) {
                    Ok(entry) => {
                        let events = if kind == FD_READ {
                            PollFlags::IN
                        } else {
                            PollFlags::OUT
                        };
                        fds.push((entry.object.clone(), events));
                        Wait::Fd {
                            index: fds.len() - 1,
                            kind,
                        }
                    }
                    Err(_) => Wait::Invalid(kind),
                }
            }
            _ => return Err(Errno::INVAL),
        };
        let userdata = mem.u64(at)?;
        waits.push(Subscription { userdata, wait });
    }

    let any_invalid = waits.iter().any(|s| matches!(s.wait, Wait::Invalid(_)));
    let first_due = waits
        .iter()
        .filter_map(|s| match s.wait {
            Wait::Clock(due) => Some(due),
            _ => None,
        })
        .min();
    let mut set: Vec<PollFd<'_>> = fds.iter().map(|(d, ev)| PollFd::new(&**d, *ev)).collect();
    // A bad number is an event at once, as POLLNVAL is.
    let deadline = if any_invalid { Some(start) } else { first_due };
    crate::poll::wait_until(&mut set, deadline)?;
    let now = Instant::now();

    let mut n = 0;
    for &Subscription { userdata, ref wait } in &waits {
        let event = match *wait {
            Wait::Clock(due) if due <= now => Some((CLOCK, 0, 0, 0)),
            Wait::Clock(_) => None,
            Wait::Invalid(kind) => Some((kind, Errno::BADF.0, 0, 0)),
            Wait::Fd { index, kind } => {
                let revents = set[index].revents();
                if revents.is_empty() {
                    None
                } else {
                    let hangup = if revents.contains(PollFlags::HUP) {
                        HANGUP
                    } else {
                        0
                    };
                    let available = if kind == FD_READ {
                        rustix::io::ioctl_fionread(&*fds[index].0).unwrap_or(0)
                    } else {
                        0
                    };
                    Some((kind, 0, available, hangup))
                }
            }
        };
        if let Some((kind, error, nbytes, flags)) = event {
            let at = events + n * EVENT_SIZE;
            mem.put(at, &[0; EVENT_SIZE as usize])?;
            mem.put_u64(at, userdata)?;
            mem.put_u16(at + 8, error)?;
            mem.put(at + 10, &[kind])?;
            mem.put_u64(at + 16, nbytes)?;
            mem.put_u16(at + 24, flags)?;
            n += 1;
        }
    }
    mem.put_u32(out, n)
}
