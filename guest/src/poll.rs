//! Waiting for descriptors to become ready, in the style of
//! `rustix::event::poll`.
//!
//! [`poll`] works on every kind of vfd descriptor that can wait: pipes,
//! sockets, listeners and terminals. Regular files are always ready, as on
//! Linux.

use std::io;
use std::time::Duration;

use crate::errno::cvt;
use crate::fd::{AsFd, AsRawFd, BorrowedFd};
use crate::sys::poll::{self as host, Events, Revents};

wit_bindgen::rt::bitflags::bitflags! {
    /// The `events` and `revents` bits of `struct pollfd`, with Linux's
    /// values.
    ///
    /// Only [`IN`](Self::IN) and [`OUT`](Self::OUT) can be waited for;
    /// [`HUP`](Self::HUP), [`ERR`](Self::ERR) and [`NVAL`](Self::NVAL) are
    /// reported whether asked for or not, as poll(2) does.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vfd::poll::PollFlags;
    ///
    /// let both = PollFlags::IN | PollFlags::OUT;
    /// assert!(both.contains(PollFlags::IN));
    /// ```
    ///
    /// # References
    ///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html)
    ///  - [Linux](https://man7.org/linux/man-pages/man2/poll.2.html)
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct PollFlags: u16 {
        /// `POLLIN`: data to read, a connection to accept, or end of file.
        const IN = 0x001;
        /// `POLLOUT`: room to write without blocking.
        const OUT = 0x004;
        /// `POLLERR`: an error is pending, or the read end of a pipe is
        /// gone (output only).
        const ERR = 0x008;
        /// `POLLHUP`: the peer, or every write end of a pipe, is gone
        /// (output only).
        const HUP = 0x010;
        /// `POLLNVAL`: the descriptor is not open (output only).
        const NVAL = 0x020;
    }
}

/// The bits poll(2) reports whatever `events` asked for.
const ALWAYS: PollFlags = PollFlags::ERR.union(PollFlags::HUP).union(PollFlags::NVAL);

/// One descriptor to wait on, as `struct pollfd` (and rustix's `PollFd`).
///
/// It borrows its descriptor, so the descriptor cannot be closed while a
/// `PollFd` names it.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::poll::{PollFd, PollFlags, poll};
///
/// let (reader, _writer) = vfd::pipe::pipe()?;
/// let mut fds = [PollFd::new(&reader, PollFlags::IN)];
/// poll(&mut fds, None)?;
/// assert!(fds[0].revents().contains(PollFlags::IN));
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/poll.2.html)
#[derive(Clone, Debug)]
pub struct PollFd<'fd> {
    fd: BorrowedFd<'fd>,
    events: PollFlags,
    revents: PollFlags,
}

impl<'fd> PollFd<'fd> {
    /// Constructs a new `PollFd` waiting for `events` on `fd`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::poll::{PollFd, PollFlags};
    ///
    /// let stream = vfd::net::TcpStream::connect("127.0.0.1:8080")?;
    /// let entry = PollFd::new(&stream, PollFlags::IN | PollFlags::OUT);
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn new<Fd: AsFd>(fd: &'fd Fd, events: PollFlags) -> Self {
        Self::from_borrowed_fd(fd.as_fd(), events)
    }

    /// Sets the descriptor this entry waits on, keeping its events.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::poll::{PollFd, PollFlags};
    ///
    /// let (first, _w1) = vfd::pipe::pipe()?;
    /// let (second, _w2) = vfd::pipe::pipe()?;
    /// let mut entry = PollFd::new(&first, PollFlags::IN);
    /// entry.set_fd(&second);
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn set_fd<Fd: AsFd>(&mut self, fd: &'fd Fd) {
        self.fd = fd.as_fd();
    }

    /// Clears the events reported by the last [`poll`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::poll::{PollFd, PollFlags};
    ///
    /// let (reader, _writer) = vfd::pipe::pipe()?;
    /// let mut entry = PollFd::new(&reader, PollFlags::IN);
    /// entry.clear_revents();
    /// assert!(entry.revents().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn clear_revents(&mut self) {
        self.revents = PollFlags::empty();
    }

    /// Constructs a new `PollFd` waiting for `events` on a borrowed
    /// descriptor.
    ///
    /// As in poll(2), an entry with a negative number is skipped: it gets
    /// no events and does not count as ready.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vfd::poll::{PollFd, PollFlags};
    ///
    /// let entry = PollFd::from_borrowed_fd(vfd::stdio::stdin(), PollFlags::IN);
    /// ```
    #[inline]
    pub fn from_borrowed_fd(fd: BorrowedFd<'fd>, events: PollFlags) -> Self {
        Self {
            fd,
            events,
            revents: PollFlags::empty(),
        }
    }

    /// Returns the events the last [`poll`] reported for this entry.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use vfd::poll::{PollFd, PollFlags, poll};
    ///
    /// let (reader, writer) = vfd::pipe::pipe()?;
    /// drop(writer);
    /// let mut fds = [PollFd::new(&reader, PollFlags::IN)];
    /// poll(&mut fds, None)?;
    /// assert!(fds[0].revents().contains(PollFlags::HUP));
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    #[must_use]
    pub fn revents(&self) -> PollFlags {
        self.revents
    }
}

impl AsFd for PollFd<'_> {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd
    }
}

/// `poll(fds, timeout)`—Waits until at least one of `fds` is ready, or
/// `timeout` has passed.
///
/// Returns the number of entries whose [`revents`](PollFd::revents) are
/// not empty: 0 means the timeout expired. `None` waits without limit, and
/// `Some(Duration::ZERO)` does not wait at all. A timeout is rounded up to
/// whole milliseconds (so a wait is never cut short) and capped at
/// `i32::MAX` milliseconds, about 24 days.
///
/// A descriptor that is not open is not an error: its entry reports
/// [`PollFlags::NVAL`]. More entries than the host's descriptor limit fail
/// with `InvalidInput` (`EINVAL`).
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use vfd::poll::{PollFd, PollFlags, poll};
///
/// let listener = vfd::net::TcpListener::bind("127.0.0.1:8080")?;
/// let (reader, _writer) = vfd::pipe::pipe()?;
/// let mut fds = [
///     PollFd::new(&listener, PollFlags::IN),
///     PollFd::new(&reader, PollFlags::IN),
/// ];
/// if poll(&mut fds, Some(Duration::from_millis(500)))? == 0 {
///     vfd::println!("timed out");
/// } else if fds[0].revents().contains(PollFlags::IN) {
///     let (stream, peer) = listener.accept()?;
/// }
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/poll.2.html)
pub fn poll(fds: &mut [PollFd<'_>], timeout: Option<Duration>) -> io::Result<usize> {
    poll_ms(fds, timeout_ms(timeout))
}

/// `poll(fds, timeout_ms)`—Like [`poll`], with the timeout in milliseconds
/// as C gives it: negative waits without limit, 0 does not wait.
///
/// # Examples
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use vfd::poll::{PollFd, PollFlags, poll_ms};
///
/// let mut fds = [PollFd::from_borrowed_fd(vfd::stdio::stdin(), PollFlags::IN)];
/// let ready = poll_ms(&mut fds, 0)?; // just look
/// # Ok(())
/// # }
/// ```
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/poll.2.html)
pub fn poll_ms(fds: &mut [PollFd<'_>], timeout_ms: i32) -> io::Result<usize> {
    // The host takes exactly -1 for "no limit"; poll(2) takes any negative.
    let timeout_ms = timeout_ms.max(-1);

    // As poll(2), entries with a negative number are left out: the host's
    // numbers are unsigned, and such an entry only ever gets empty revents.
    let mut slots = Vec::with_capacity(fds.len());
    let mut wanted = Vec::with_capacity(fds.len());
    for (i, entry) in fds.iter().enumerate() {
        if let Ok(fd) = u32::try_from(entry.fd.as_raw_fd()) {
            slots.push(i);
            wanted.push(host::PollFd {
                fd,
                events: to_events(entry.events),
            });
        }
    }

    let revents = cvt(host::poll(&wanted, timeout_ms))?;

    for entry in fds.iter_mut() {
        entry.clear_revents();
    }
    let mut ready = 0;
    // `zip` stops at the shorter list: a faulty host giving too few or too
    // many results leaves the rest empty rather than causing a panic.
    for (&i, r) in slots.iter().zip(revents) {
        let entry = &mut fds[i];
        // As the kernel does: IN and OUT only if asked for.
        entry.revents = from_revents(r) & (entry.events | ALWAYS);
        if !entry.revents.is_empty() {
            ready += 1;
        }
    }
    Ok(ready)
}

/// The host's timeout: -1 for none, else whole milliseconds rounded up and
/// capped at `i32::MAX`.
fn timeout_ms(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        Some(d) => i32::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX),
    }
}

fn to_events(flags: PollFlags) -> Events {
    let mut events = Events::empty();
    events.set(Events::READABLE, flags.contains(PollFlags::IN));
    events.set(Events::WRITABLE, flags.contains(PollFlags::OUT));
    events
}

fn from_revents(revents: Revents) -> PollFlags {
    let mut flags = PollFlags::empty();
    flags.set(PollFlags::IN, revents.contains(Revents::READABLE));
    flags.set(PollFlags::OUT, revents.contains(Revents::WRITABLE));
    flags.set(PollFlags::HUP, revents.contains(Revents::HUP));
    flags.set(PollFlags::ERR, revents.contains(Revents::ERR));
    flags.set(PollFlags::NVAL, revents.contains(Revents::NVAL));
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_rounds_up_and_caps() {
        assert_eq!(timeout_ms(None), -1);
        assert_eq!(timeout_ms(Some(Duration::ZERO)), 0);
        assert_eq!(timeout_ms(Some(Duration::from_nanos(1))), 1);
        assert_eq!(timeout_ms(Some(Duration::from_micros(1500))), 2);
        assert_eq!(timeout_ms(Some(Duration::from_millis(7))), 7);
        assert_eq!(timeout_ms(Some(Duration::from_secs(u64::MAX))), i32::MAX);
    }
}
