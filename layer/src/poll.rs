//! The `poll` interface: poll(2) over wasi:io pollables and the layer's
//! own objects.
//!
//! Readiness comes from two places. Objects that live in the layer have
//! it computed on the spot: files and directories are always ready (as on
//! Linux), pipes and socket pairs by their buffers and open ends, with
//! Linux's POLLHUP and POLLERR rules. Objects behind a WASI stream or
//! socket (stdio, TCP and UDP) have a wasi:io pollable. When nothing is
//! ready yet, the call waits in `wasi:io/poll.poll` on those pollables and
//! on a monotonic-clock timer for the timeout.
//!
//! Difference from Linux: in a single-threaded instance nothing can change
//! an in-memory pipe while the call waits, so a poll with no limit on
//! entries that are all in-memory and not ready (Linux would wait for
//! ever) fails with `again` at once.

use crate::Layer;
use crate::bindings::Errno;
use crate::bindings::exports::vfd::posix::poll::{Events, Guest, PollFd, Revents};
use crate::description::Description;
use crate::object::pipe::Pipe;
use crate::object::{End, Object, StdioStream};
use crate::state;
use vfd_core::poll::{self as rules, Entry};
use wasip2::clocks::monotonic_clock;
use wasip2::io::poll::Pollable;

/// What one entry waits on: what is ready now, and the pollables that
/// tell when more is.
pub struct Watch {
    /// Ready now.
    pub now: Revents,
    /// Each pollable with what its readiness means.
    pub pollables: Vec<(Pollable, Revents)>,
}

impl Watch {
    pub(crate) fn ready(now: Revents) -> Watch {
        Watch {
            now,
            pollables: Vec::new(),
        }
    }

    /// What is ready now, pollables included.
    fn revents(&self) -> Revents {
        self.pollables
            .iter()
            .filter(|(p, _)| p.ready())
            .fold(self.now, |acc, (_, r)| acc | *r)
    }
}

/// POLLIN and POLLOUT as asked for in `events`.
fn asked(events: Events, readable: bool, writable: bool) -> Revents {
    let mut out = Revents::empty();
    if readable && events.contains(Events::READABLE) {
        out |= Revents::READABLE;
    }
    if writable && events.contains(Events::WRITABLE) {
        out |= Revents::WRITABLE;
    }
    out
}

/// What `d` waits on for `events`. POLLHUP and POLLERR are reported
/// whatever was asked, as on Linux.
fn watch(d: &Description, events: Events) -> Watch {
    match &d.object {
        Object::File(_) | Object::Dir(_) => Watch::ready(asked(events, true, true)),
        Object::Pipe(p) => Watch::ready(pipe_revents(p.end, &p.pipe.borrow(), events)),
        Object::SocketPair(s) => Watch::ready(pair_revents(s.readiness(), events)),
        Object::Stdio(s) => {
            let flag = match s {
                StdioStream::In(_) => asked(events, true, false),
                StdioStream::Out(..) => asked(events, false, true),
            };
            let mut w = Watch::ready(Revents::empty());
            if !flag.is_empty() {
                w.pollables.push((s.subscribe(), flag));
            }
            w
        }
        Object::Socket(n) => n.watch(events),
    }
}

/// A pollable for a wasi:io stream the layer serves over `d`: ready now
/// if `d` is, else the runtime's where `d` has one (stdio, a socket), else
/// never: an in-memory object that is not ready cannot become so while
/// this instance waits, as a Linux process waiting on a pipe only it
/// writes would wait for ever.
pub fn stream_pollable(d: &Description, events: Events) -> Pollable {
    let mut w = watch(d, events);
    if !w.now.is_empty() {
        ready_now()
    } else if !w.pollables.is_empty() {
        w.pollables.swap_remove(0).0
    } else {
        monotonic_clock::subscribe_duration(u64::MAX)
    }
}

/// A pollable that is ready at once.
pub fn ready_now() -> Pollable {
    monotonic_clock::subscribe_duration(0)
}

/// A pipe end's readiness, as Linux's `pipe_poll`: the read end is
/// POLLIN with data and POLLHUP once every writer is gone; the write end
/// POLLOUT with room and POLLERR once every reader is gone.
fn pipe_revents(end: End, pipe: &Pipe, events: Events) -> Revents {
    match end {
        End::Read => {
            let mut r = asked(events, !pipe.is_empty(), false);
            if !pipe.has_writers() {
                r |= Revents::HUP;
            }
            r
        }
        End::Write => {
            let mut r = asked(events, false, pipe.room() > 0);
            if !pipe.has_readers() {
                r |= Revents::ERR;
            }
            r
        }
    }
}

/// A socket pair end's readiness from its (readable, writable, hung up).
fn pair_revents((readable, writable, hup): (bool, bool, bool), events: Events) -> Revents {
    let mut r = asked(events, readable, writable);
    if hup {
        r |= Revents::HUP;
    }
    r
}

impl Guest for Layer {
    fn poll(fds: Vec<PollFd>, timeout_ms: i32) -> Result<Vec<Revents>, Errno> {
        state::with(|s| {
            rules::check_len(&s.table, fds.len())?;
            let deadline = u64::try_from(timeout_ms)
                .ok()
                .map(|ms| monotonic_clock::now().saturating_add(ms * 1_000_000));
            loop {
                // Each round asks every entry afresh: a pollable may have
                // been ready without the object being so (see
                // `NetSocket::probe_readable`).
                let mut out = vec![Revents::empty(); fds.len()];
                let mut watches = Vec::with_capacity(fds.len());
                for (i, p) in fds.iter().enumerate() {
                    match rules::entry(&s.table, p.fd) {
                        Entry::Off => {}
                        Entry::Open(d) => {
                            let w = watch(d, p.events);
                            out[i] = w.revents();
                            watches.push(w);
                        }
                        // An unknown fd is ready at once, with `nval`.
                        Entry::Invalid => out[i] = Revents::NVAL,
                    }
                }
                let any = out.iter().any(|r| !r.is_empty());
                let expired = deadline.is_some_and(|d| monotonic_clock::now() >= d);
                if any || expired {
                    return Ok(out);
                }
                let mut waits: Vec<&Pollable> = watches
                    .iter()
                    .flat_map(|w| w.pollables.iter().map(|(p, _)| p))
                    .collect();
                let timer = deadline.map(monotonic_clock::subscribe_instant);
                waits.extend(timer.as_ref());
                if waits.is_empty() {
                    // Only in-memory objects, none ready, no time limit:
                    // nothing in this instance can change that.
                    return Err(Errno::Again);
                }
                wasip2::io::poll::poll(&waits);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{PipeEnd, SocketEnd};

    const BOTH: Events = Events::READABLE.union(Events::WRITABLE);

    fn revents(end: &PipeEnd, events: Events) -> Revents {
        pipe_revents(end.end, &end.pipe.borrow(), events)
    }

    #[test]
    fn pipe_ends_follow_linux_pipe_poll() {
        let (r, w) = PipeEnd::pair(1);
        assert_eq!(revents(&r, BOTH), Revents::empty());
        assert_eq!(revents(&w, BOTH), Revents::WRITABLE);
        assert_eq!(revents(&w, Events::READABLE), Revents::empty());
        w.pipe.borrow_mut().write(b"x", false).unwrap();
        assert_eq!(revents(&r, Events::READABLE), Revents::READABLE);
        assert_eq!(revents(&r, Events::WRITABLE), Revents::empty());
        drop(w);
        // Data left and no writer: both POLLIN and POLLHUP.
        assert_eq!(revents(&r, BOTH), Revents::READABLE | Revents::HUP);
        r.pipe.borrow_mut().read(1, false).unwrap();
        // POLLHUP is reported even when not asked for.
        assert_eq!(revents(&r, Events::empty()), Revents::HUP);
        let (r, w) = PipeEnd::pair(2);
        drop(r);
        assert_eq!(
            revents(&w, Events::WRITABLE),
            Revents::WRITABLE | Revents::ERR
        );
    }

    #[test]
    fn socket_pair_ends_hang_up_when_both_directions_are_shut() {
        let (a, b) = SocketEnd::pair((1, 2));
        assert_eq!(pair_revents(a.readiness(), BOTH), Revents::WRITABLE);
        b.write(b"x", false).unwrap();
        assert_eq!(pair_revents(a.readiness(), BOTH), BOTH_REVENTS);
        b.shutdown(false, true);
        assert_eq!(pair_revents(a.readiness(), BOTH), BOTH_REVENTS);
        drop(b);
        assert_eq!(pair_revents(a.readiness(), Events::empty()), Revents::HUP);
    }

    const BOTH_REVENTS: Revents = Revents::READABLE.union(Revents::WRITABLE);
}
