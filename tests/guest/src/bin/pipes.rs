//! Pipes and socket pairs: numbers, access modes, end of file, EPIPE,
//! non-blocking ends, close-on-exec, ESPIPE, stat and poll, each against
//! the result Linux gives.
//!
//! Pipes and socket pairs need no host grant, so this guest runs with no
//! flags. Nothing here can hang: a read is only made where data or end of
//! file is certain (or on a non-blocking end), and the one wait is a poll
//! with a 50 ms timeout.

use std::io::{ErrorKind, SeekFrom};
use std::net::Shutdown;
use std::time::{Duration, Instant};

use vfd::bindings::vfd::posix::types::FileType;
use vfd::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use vfd::io::{self as vio, AccessMode, FdFlags, StatusFlags};
use vfd::net::{TcpListener, TcpStream, UnixStream};
use vfd::pipe::{pipe, pipe_with};
use vfd::poll::{PollFd, PollFlags, poll};
use vfd_test_guests::errno::{EAGAIN, EBADF, ENOTSOCK, EPIPE, ESPIPE};
use vfd_test_guests::{
    Check, Checks, Ctx, ensure, eq, expect_errno, file_type, poll_one, raw, read_n,
};

/// Writes this long fill a pipe quickly, and are exactly PIPE_BUF, so a
/// non-blocking one is all or nothing.
const CHUNK: usize = 4096;

/// More than any pipe buffer this guest could meet (Linux's default is
/// 64 KiB, its default maximum 1 MiB): a fill loop that has not met EAGAIN
/// by then never will.
const FILL_LIMIT: usize = 16 << 20;

fn main() {
    let mut c = Checks::new();
    c.run("pipe_lowest_free", pipe_lowest_free);
    c.run("pipe_access_modes", pipe_access_modes);
    c.run("pipe_wrong_end_ebadf", pipe_wrong_end_ebadf);
    c.run("pipe_data_flows", pipe_data_flows);
    c.run("eof_after_last_writer", eof_after_last_writer);
    c.run("epipe_without_reader", epipe_without_reader);
    c.run("nonblock_empty_read_eagain", nonblock_empty_read_eagain);
    c.run("nonblock_full_write_eagain", nonblock_full_write_eagain);
    c.run("nonblock_shared_by_dup", nonblock_shared_by_dup);
    c.run("pipe_cloexec", pipe_cloexec);
    c.run("pipe_espipe", pipe_espipe);
    c.run("pipe_stat_fifo", pipe_stat_fifo);
    c.run("pipe_not_a_socket", pipe_not_a_socket);
    c.run("poll_readable_after_write", poll_readable_after_write);
    c.run("poll_writable_when_empty", poll_writable_when_empty);
    c.run("poll_hup_after_writers_close", poll_hup_after_writers_close);
    c.run("poll_err_after_readers_close", poll_err_after_readers_close);
    c.run("poll_nval_slot", poll_nval_slot);
    c.run("poll_timeout_zero_idle", poll_timeout_zero_idle);
    c.run("poll_timeout_waits", poll_timeout_waits);
    c.run("socketpair_read_write", socketpair_read_write);
    c.run("socketpair_shutdown_write", socketpair_shutdown_write);
    c.run(
        "socketpair_epipe_after_peer_close",
        socketpair_epipe_after_peer_close,
    );
    c.run("socketpair_stat_stream", socketpair_stat_stream);
    c.run("socketpair_espipe", socketpair_espipe);
    c.run("pipe2_append_einval", pipe2_append_einval);
    c.run("seek_negative_on_pipe_espipe", seek_negative_on_pipe_espipe);
    c.run("poll_negative_fd_ignored", poll_negative_fd_ignored);
    c.finish();
}

fn new_pipe() -> Result<(OwnedFd, OwnedFd), String> {
    pipe().ctx("pipe")
}

/// Write `CHUNK`-byte blocks to a non-blocking `w` until EAGAIN; returns
/// how many bytes went in.
fn fill(w: impl AsFd) -> Result<usize, String> {
    let w = w.as_fd();
    let block = [b'f'; CHUNK];
    let mut total = 0;
    while total < FILL_LIMIT {
        match vio::write(w, &block) {
            Ok(n) => total += n,
            Err(e) if e.raw_os_error() == Some(EAGAIN) => return Ok(total),
            Err(e) => return Err(format!("write after {total} bytes: {e}")),
        }
    }
    Err(format!("no EAGAIN after {total} bytes"))
}

/// A fresh guest holds 0, 1 and 2: the first pipe is (3, 4), and a later
/// one fills the lowest hole.
fn pipe_lowest_free() -> Check {
    let (r, w) = new_pipe()?;
    eq("read end", r.as_raw_fd(), 3)?;
    eq("write end", w.as_raw_fd(), 4)?;
    drop(r);
    let (r2, w2) = new_pipe()?;
    eq("second read end", r2.as_raw_fd(), 3)?;
    eq("second write end", w2.as_raw_fd(), 5)
}

/// The read end is O_RDONLY, the write end O_WRONLY.
fn pipe_access_modes() -> Check {
    let (r, w) = new_pipe()?;
    eq(
        "read end",
        vio::access_mode(&r).ctx("mode r")?,
        AccessMode::ReadOnly,
    )?;
    eq(
        "write end",
        vio::access_mode(&w).ctx("mode w")?,
        AccessMode::WriteOnly,
    )
}

/// read on the write end and write on the read end are EBADF.
fn pipe_wrong_end_ebadf() -> Check {
    let (r, w) = new_pipe()?;
    expect_errno("read on the write end", read_n(&w, 1), EBADF)?;
    expect_errno("write on the read end", vio::write(&r, b"x"), EBADF)
}

/// Bytes come out in the order they went in, writes concatenated.
fn pipe_data_flows() -> Check {
    let (r, w) = new_pipe()?;
    eq("write", vio::write(&w, b"hello, ").ctx("write")?, 7)?;
    eq("write", vio::write(&w, b"pipe").ctx("write")?, 4)?;
    eq("read", read_n(&r, 64).ctx("read")?, b"hello, pipe".to_vec())
}

/// With the write end duplicated, closing one of its numbers is not end
/// of file: the reader would block. Closing the last one is.
fn eof_after_last_writer() -> Check {
    let (r, w) = new_pipe()?;
    let w2 = vio::dup(&w).ctx("dup write end")?;
    vio::write(&w, b"x").ctx("write")?;
    drop(w);
    eq(
        "read buffered byte",
        read_n(&r, 8).ctx("read")?,
        b"x".to_vec(),
    )?;
    let (n, revents) = poll_one(&r, PollFlags::IN, Some(Duration::ZERO))?;
    eq("ready with one writer left", n, 0)?;
    eq("revents with one writer left", revents, PollFlags::empty())?;
    drop(w2);
    // Poll first, so that a missing end of file fails the check rather
    // than blocking the read for ever.
    let (_, revents) = poll_one(&r, PollFlags::IN, Some(Duration::from_secs(5)))?;
    eq("revents after the last writer", revents, PollFlags::HUP)?;
    eq(
        "read after the last writer",
        read_n(&r, 8).ctx("read")?,
        Vec::new(),
    )?;
    eq("read again", read_n(&r, 8).ctx("read")?, Vec::new())
}

/// A write with every read end closed is EPIPE (BrokenPipe) and no signal:
/// the guest goes on, and so does the next write.
fn epipe_without_reader() -> Check {
    let (r, w) = new_pipe()?;
    let r2 = vio::dup(&r).ctx("dup read end")?;
    drop(r);
    eq(
        "write with one reader left",
        vio::write(&w, b"x").ctx("write")?,
        1,
    )?;
    drop(r2);
    let err = vio::write(&w, b"x");
    if let Err(e) = &err {
        eq("kind", e.kind(), ErrorKind::BrokenPipe)?;
    }
    expect_errno("write with no reader", err, EPIPE)?;
    expect_errno("write again", vio::write(&w, b"y"), EPIPE)
}

/// An empty non-blocking pipe whose writer is open: EAGAIN, not 0.
fn nonblock_empty_read_eagain() -> Check {
    let (r, _w) = pipe_with(FdFlags::empty(), StatusFlags::NONBLOCK).ctx("pipe_with")?;
    let err = read_n(&r, 8);
    if let Err(e) = &err {
        eq("kind", e.kind(), ErrorKind::WouldBlock)?;
    }
    expect_errno("read", err, EAGAIN)
}

/// A full non-blocking pipe: EAGAIN. Everything written comes back out,
/// and once drained the pipe takes writes again.
fn nonblock_full_write_eagain() -> Check {
    let (r, w) = pipe_with(FdFlags::empty(), StatusFlags::NONBLOCK).ctx("pipe_with")?;
    let written = fill(&w)?;
    ensure("some bytes fit before EAGAIN", written >= CHUNK)?;
    expect_errno("write to the full pipe", vio::write(&w, b"x"), EAGAIN)?;
    let mut drained = 0;
    let mut buf = vec![0u8; 65536];
    loop {
        match vio::read(&r, &mut buf) {
            Ok(0) => return Err("end of file with the writer open".into()),
            Ok(n) => drained += n,
            Err(e) if e.raw_os_error() == Some(EAGAIN) => break,
            Err(e) => return Err(format!("drain: {e}")),
        }
    }
    eq("bytes drained", drained, written)?;
    eq(
        "write after draining",
        vio::write(&w, b"x").ctx("write")?,
        1,
    )
}

/// O_NONBLOCK belongs to the open description: set through one number, it
/// is seen, and obeyed, through its duplicate, and not by the other end.
fn nonblock_shared_by_dup() -> Check {
    let (r, w) = new_pipe()?;
    let r2 = vio::dup(&r).ctx("dup")?;
    eq(
        "initial",
        vio::fcntl_getfl(&r2).ctx("getfl")?,
        StatusFlags::empty(),
    )?;
    let flags = vio::fcntl_getfl(&r).ctx("getfl")?;
    vio::fcntl_setfl(&r, flags | StatusFlags::NONBLOCK).ctx("setfl")?;
    ensure(
        "dup sees O_NONBLOCK",
        vio::fcntl_getfl(&r2)
            .ctx("getfl dup")?
            .contains(StatusFlags::NONBLOCK),
    )?;
    ensure(
        "write end unaffected",
        !vio::fcntl_getfl(&w)
            .ctx("getfl w")?
            .contains(StatusFlags::NONBLOCK),
    )?;
    expect_errno("read through the dup", read_n(&r2, 8), EAGAIN)
}

/// pipe2(O_CLOEXEC) sets FD_CLOEXEC on both numbers; pipe() on neither.
fn pipe_cloexec() -> Check {
    let (r, w) = pipe_with(FdFlags::CLOEXEC, StatusFlags::empty()).ctx("pipe_with")?;
    eq(
        "read end",
        vio::fcntl_getfd(&r).ctx("getfd r")?,
        FdFlags::CLOEXEC,
    )?;
    eq(
        "write end",
        vio::fcntl_getfd(&w).ctx("getfd w")?,
        FdFlags::CLOEXEC,
    )?;
    eq(
        "status flags",
        vio::fcntl_getfl(&r).ctx("getfl")?,
        StatusFlags::empty(),
    )?;
    drop((r, w));
    let (r, w) = new_pipe()?;
    eq(
        "plain read end",
        vio::fcntl_getfd(&r).ctx("getfd r")?,
        FdFlags::empty(),
    )?;
    eq(
        "plain write end",
        vio::fcntl_getfd(&w).ctx("getfd w")?,
        FdFlags::empty(),
    )
}

/// A pipe has no offset: seek, pread and pwrite are ESPIPE on both ends
/// (Linux checks this before the access mode).
fn pipe_espipe() -> Check {
    let (r, w) = new_pipe()?;
    vio::write(&w, b"data").ctx("write")?;
    let mut buf = [0u8; 4];
    for (name, fd) in [("read end", r.as_fd()), ("write end", w.as_fd())] {
        expect_errno(
            &format!("seek {name}"),
            vio::seek(fd, SeekFrom::Start(0)),
            ESPIPE,
        )?;
        expect_errno(
            &format!("seek cur {name}"),
            vio::seek(fd, SeekFrom::Current(0)),
            ESPIPE,
        )?;
        expect_errno(
            &format!("pread {name}"),
            vio::pread(fd, &mut buf, 0),
            ESPIPE,
        )?;
        expect_errno(&format!("pwrite {name}"), vio::pwrite(fd, b"x", 0), ESPIPE)?;
    }
    eq(
        "data untouched",
        read_n(&r, 8).ctx("read")?,
        b"data".to_vec(),
    )
}

/// fstat says S_IFIFO for both ends.
fn pipe_stat_fifo() -> Check {
    let (r, w) = new_pipe()?;
    eq("read end", file_type(&r)?, FileType::Pipe)?;
    eq("write end", file_type(&w)?, FileType::Pipe)
}

/// Socket calls on a pipe are ENOTSOCK.
fn pipe_not_a_socket() -> Check {
    let (r, w) = new_pipe()?;
    // SAFETY: each number is handed over by its only owner.
    let stream = unsafe { TcpStream::from_raw_fd(w.into_raw_fd()) };
    let listener = unsafe { TcpListener::from_raw_fd(r.into_raw_fd()) };
    expect_errno("shutdown", stream.shutdown(Shutdown::Write), ENOTSOCK)?;
    expect_errno("peer address", stream.peer_addr(), ENOTSOCK)?;
    expect_errno("local address", listener.local_addr(), ENOTSOCK)?;
    expect_errno("accept", listener.accept(), ENOTSOCK)
}

/// POLLIN once there is data, not before.
fn poll_readable_after_write() -> Check {
    let (r, w) = new_pipe()?;
    let (n, revents) = poll_one(&r, PollFlags::IN, Some(Duration::ZERO))?;
    eq("ready before the write", n, 0)?;
    eq("revents before the write", revents, PollFlags::empty())?;
    vio::write(&w, b"x").ctx("write")?;
    let (n, revents) = poll_one(&r, PollFlags::IN, Some(Duration::ZERO))?;
    eq("ready after the write", n, 1)?;
    eq("revents after the write", revents, PollFlags::IN)?;
    // No limit: it is ready, so this returns at once.
    let (n, revents) = poll_one(&r, PollFlags::IN, None)?;
    eq("ready, no timeout", n, 1)?;
    eq("revents, no timeout", revents, PollFlags::IN)
}

/// POLLOUT on an empty pipe's write end.
fn poll_writable_when_empty() -> Check {
    let (_r, w) = new_pipe()?;
    let (n, revents) = poll_one(&w, PollFlags::OUT, Some(Duration::ZERO))?;
    eq("ready", n, 1)?;
    eq("revents", revents, PollFlags::OUT)
}

/// With every writer gone the read end is POLLHUP (and not POLLIN: there
/// is no data), even with a timeout of 0.
fn poll_hup_after_writers_close() -> Check {
    let (r, w) = new_pipe()?;
    drop(w);
    let (n, revents) = poll_one(&r, PollFlags::IN, Some(Duration::ZERO))?;
    eq("ready", n, 1)?;
    eq("revents", revents, PollFlags::HUP)
}

/// With every reader gone Linux sets POLLERR on the write end, next to
/// POLLOUT (a write would not block: it fails with EPIPE).
fn poll_err_after_readers_close() -> Check {
    let (r, w) = new_pipe()?;
    drop(r);
    let (n, revents) = poll_one(&w, PollFlags::OUT, Some(Duration::ZERO))?;
    eq("ready", n, 1)?;
    eq("revents", revents, PollFlags::OUT | PollFlags::ERR)
}

/// An unknown number gets POLLNVAL in its own slot; the other slots are
/// reported as usual and the count includes the bad slot.
fn poll_nval_slot() -> Check {
    let (r, w) = new_pipe()?;
    vio::write(&w, b"x").ctx("write")?;
    let bad = raw(777);
    let mut fds = [
        PollFd::new(&r, PollFlags::IN),
        PollFd::new(&bad, PollFlags::IN),
        PollFd::new(&w, PollFlags::OUT),
    ];
    let n = poll(&mut fds, Some(Duration::ZERO)).ctx("poll")?;
    eq("ready", n, 3)?;
    eq("read end", fds[0].revents(), PollFlags::IN)?;
    eq("fd 777", fds[1].revents(), PollFlags::NVAL)?;
    eq("write end", fds[2].revents(), PollFlags::OUT)
}

/// A timeout of 0 on an idle pipe returns at once with nothing ready.
fn poll_timeout_zero_idle() -> Check {
    let (r, _w) = new_pipe()?;
    let start = Instant::now();
    let (n, revents) = poll_one(&r, PollFlags::IN, Some(Duration::ZERO))?;
    eq("ready", n, 0)?;
    eq("revents", revents, PollFlags::empty())?;
    ensure("returned at once", start.elapsed() < Duration::from_secs(1))
}

/// A timeout on an idle pipe is waited out, then nothing is ready.
fn poll_timeout_waits() -> Check {
    let (r, _w) = new_pipe()?;
    let start = Instant::now();
    let (n, revents) = poll_one(&r, PollFlags::IN, Some(Duration::from_millis(50)))?;
    let waited = start.elapsed();
    eq("ready", n, 0)?;
    eq("revents", revents, PollFlags::empty())?;
    ensure(
        &format!("waited about 50 ms (waited {waited:?})"),
        waited >= Duration::from_millis(40) && waited < Duration::from_secs(5),
    )
}

/// A socket pair is two read-write numbers, lowest free, with data both ways.
fn socketpair_read_write() -> Check {
    let (a, b) = UnixStream::pair().ctx("socketpair")?;
    eq("a", a.as_raw_fd(), 3)?;
    eq("b", b.as_raw_fd(), 4)?;
    eq(
        "mode a",
        vio::access_mode(&a).ctx("mode a")?,
        AccessMode::ReadWrite,
    )?;
    eq(
        "mode b",
        vio::access_mode(&b).ctx("mode b")?,
        AccessMode::ReadWrite,
    )?;
    vio::write_all(&a, b"ping").ctx("write a")?;
    eq("b reads", read_n(&b, 16).ctx("read b")?, b"ping".to_vec())?;
    vio::write_all(&b, b"pong").ctx("write b")?;
    eq("a reads", read_n(&a, 16).ctx("read a")?, b"pong".to_vec())
}

/// shutdown(SHUT_WR) gives the peer end of file, makes this side's writes
/// EPIPE, and leaves the other direction open.
fn socketpair_shutdown_write() -> Check {
    let (a, b) = UnixStream::pair().ctx("socketpair")?;
    vio::write_all(&a, b"last").ctx("write a")?;
    a.shutdown(Shutdown::Write).ctx("shutdown")?;
    eq(
        "b reads the data",
        read_n(&b, 16).ctx("read b")?,
        b"last".to_vec(),
    )?;
    eq(
        "then end of file",
        read_n(&b, 16).ctx("read b")?,
        Vec::new(),
    )?;
    expect_errno("a writes after shutdown", vio::write(&a, b"x"), EPIPE)?;
    vio::write_all(&b, b"back").ctx("write b")?;
    eq(
        "a still reads",
        read_n(&a, 16).ctx("read a")?,
        b"back".to_vec(),
    )
}

/// Writing to a socket whose peer is closed is EPIPE, with no signal.
fn socketpair_epipe_after_peer_close() -> Check {
    let (a, b) = UnixStream::pair().ctx("socketpair")?;
    drop(b);
    eq(
        "read sees end of file",
        read_n(&a, 16).ctx("read a")?,
        Vec::new(),
    )?;
    expect_errno("write", vio::write(&a, b"x"), EPIPE)?;
    expect_errno("write again", vio::write(&a, b"x"), EPIPE)
}

/// fstat on either end: a stream socket.
fn socketpair_stat_stream() -> Check {
    let (a, b) = UnixStream::pair().ctx("socketpair")?;
    eq("a", file_type(&a)?, FileType::SocketStream)?;
    eq("b", file_type(&b)?, FileType::SocketStream)
}

/// A socket has no offset: seek, pread and pwrite are ESPIPE.
fn socketpair_espipe() -> Check {
    let (a, _b) = UnixStream::pair().ctx("socketpair")?;
    let mut buf = [0u8; 4];
    expect_errno("seek", vio::seek(&a, SeekFrom::Start(0)), ESPIPE)?;
    expect_errno("pread", vio::pread(&a, &mut buf, 0), ESPIPE)?;
    expect_errno("pwrite", vio::pwrite(&a, b"x", 0), ESPIPE)
}

/// pipe2(O_APPEND) is EINVAL on Linux, and takes no number.
fn pipe2_append_einval() -> Check {
    use vfd::bindings::vfd::posix::{pipes, types};
    let got = pipes::pipe(types::FdFlags::empty(), types::StatusFlags::APPEND);
    eq("pipe2(O_APPEND)", got, Err(types::Errno::Inval))?;
    ensure("fd 3 still free", !vfd_test_guests::is_open(3))
}

/// lseek(pipe, -1, SEEK_SET) is ESPIPE: the pipe is checked first.
fn seek_negative_on_pipe_espipe() -> Check {
    use vfd::bindings::vfd::posix::{descriptors, types};
    let (r, _w) = new_pipe()?;
    let got = descriptors::seek(r.as_raw_fd() as u32, -1, types::Whence::Set);
    eq("seek", got, Err(types::Errno::Spipe))
}

/// poll(2) skips an entry whose fd is negative (-1 here is u32::MAX): no
/// `nval` for it, and it does not cut the timeout short.
fn poll_negative_fd_ignored() -> Check {
    use vfd::bindings::vfd::posix::poll::{Events, PollFd as RawPollFd, Revents, poll as raw_poll};
    let (r, _w) = new_pipe()?;
    let fds = [
        RawPollFd {
            fd: u32::MAX,
            events: Events::READABLE,
        },
        RawPollFd {
            fd: r.as_raw_fd() as u32,
            events: Events::READABLE,
        },
    ];
    let start = Instant::now();
    let got = raw_poll(&fds, 30).map_err(|e| format!("poll: {e:?}"))?;
    eq("revents", got, vec![Revents::empty(), Revents::empty()])?;
    ensure(
        "the timeout was waited out",
        start.elapsed() >= Duration::from_millis(20),
    )
}
