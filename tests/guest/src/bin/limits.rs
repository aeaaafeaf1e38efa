//! Limits: a small table (the host runs it with `max-fds` 16), and calls
//! with huge lengths. The first argument picks what to do:
//!
//! - `table`: named checks of EMFILE, EBADF and EINVAL at the limit;
//! - `fill N`: with a table limit of N, open, pipe, socketpair and dup
//!   until EMFILE, print how many of each, and exit without closing the
//!   last ones;
//! - `read PATH`: read PATH to its end with `read(fd, u32::MAX)`, then
//!   `pread(fd, u32::MAX, _)` at a few offsets, and print the sizes;
//! - `recv`: `recv-from(fd, u32::MAX)` and `read(fd, u32::MAX)` on sockets;
//! - `touch MIB`: fill a buffer of MIB MiB and exit (a baseline);
//! - `write MIB`: fill a buffer of MIB MiB and write it to fd 3 in one call;
//! - `write-all MIB`: the same through the guest library's `write_all`.

use vfd::bindings::vfd::posix::descriptors as d;
use vfd::bindings::vfd::posix::pipes;
use vfd::bindings::vfd::posix::poll::{Events, PollFd, poll};
use vfd::bindings::vfd::posix::sockets;
use vfd::bindings::vfd::posix::types::{Errno, FdFlags, OpenFlags, StatusFlags};
use vfd_test_guests::{Check, Checks, eq};

/// The table limit the host sets for the `table` and `fill` runs.
const LIMIT: u32 = 16;

/// The host's cap on one read (`vfd_host::MAX_READ_LEN`).
const MAX_READ_LEN: usize = 1 << 20;

const HELLO: &str = "/data/hello.txt";

fn refused<T: std::fmt::Debug>(what: &str, got: Result<T, Errno>, want: Errno) -> Check {
    match got {
        Err(e) if e == want => Ok(()),
        Ok(v) => Err(format!("{what}: got Ok({v:?}), want {}", want.name())),
        Err(e) => Err(format!("{what}: got {}, want {}", e.name(), want.name())),
    }
}

fn ok<T>(what: &str, got: Result<T, Errno>) -> Result<T, String> {
    got.map_err(|e| format!("{what}: {}", e.name()))
}

fn open_hello() -> Result<u32, Errno> {
    d::open(HELLO, OpenFlags::READ)
}

/// Open until the table is full; the numbers opened, in order.
fn fill() -> Result<Vec<u32>, String> {
    let mut fds = Vec::new();
    loop {
        match open_hello() {
            Ok(fd) => fds.push(fd),
            Err(Errno::Mfile) => return Ok(fds),
            Err(e) => return Err(format!("open #{}: {}", fds.len(), e.name())),
        }
        if fds.len() > LIMIT as usize {
            return Err("no limit reached".into());
        }
    }
}

fn close_all(fds: &[u32]) {
    for &fd in fds {
        let _ = d::close(fd);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match arg(0) {
        "table" => table(),
        "fill" => fill_everything(arg(1).parse().expect("the table limit")),
        "read" => read_huge(arg(1)),
        "recv" => recv_huge(),
        "touch" => {
            let buf = filled(arg(1).parse().expect("MiB"));
            vfd::println!("touched {} bytes", buf.len());
        }
        "write" => {
            let buf = filled(arg(1).parse().expect("MiB"));
            // SAFETY: the host hands fd 3 in for this mode.
            let fd = unsafe { vfd::fd::BorrowedFd::borrow_raw(3) };
            match vfd::io::write(fd, &buf) {
                Ok(n) => vfd::println!("wrote {n} of {} bytes in one call", buf.len()),
                Err(e) => vfd::println!("write: {e}"),
            }
        }
        "write-all" => {
            let buf = filled(arg(1).parse().expect("MiB"));
            // SAFETY: the host hands fd 3 in for this mode.
            let fd = unsafe { vfd::fd::BorrowedFd::borrow_raw(3) };
            match vfd::io::write_all(fd, &buf) {
                Ok(()) => vfd::println!("wrote {} bytes with write_all", buf.len()),
                Err(e) => vfd::println!("write_all: {e}"),
            }
        }
        other => panic!("unknown mode {other:?}"),
    }
}

/// A buffer of `mib` MiB, every page written.
fn filled(mib: usize) -> Vec<u8> {
    let mut buf = vec![0u8; mib << 20];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = i as u8;
    }
    buf
}

fn table() {
    let mut c = Checks::new();
    c.run("emfile_at_the_limit", emfile_at_the_limit);
    c.run("emfile_creates_nothing", emfile_creates_nothing);
    c.run("pipe_needs_two_numbers", pipe_needs_two_numbers);
    c.run("highest_number", highest_number);
    c.run("dup2_target_beyond_limit", dup2_target_beyond_limit);
    c.run("dup_min_beyond_limit", dup_min_beyond_limit);
    c.run("poll_more_than_limit", poll_more_than_limit);
    c.run("table_intact", || {
        let fd = ok("open", open_hello())?;
        let _ = d::close(fd);
        eq("first open", fd, 3)
    });
    c.finish();
}

/// 0, 1 and 2 are taken: 13 opens fill 3..=15, then every call that makes
/// a number is EMFILE.
fn emfile_at_the_limit() -> Check {
    let fds = fill()?;
    let res = (|| {
        eq("opened", fds.clone(), (3..LIMIT).collect::<Vec<_>>())?;
        refused("open", open_hello(), Errno::Mfile)?;
        refused(
            "pipe",
            pipes::pipe(FdFlags::empty(), StatusFlags::empty()),
            Errno::Mfile,
        )?;
        refused(
            "socketpair",
            pipes::socketpair(FdFlags::empty(), StatusFlags::empty()),
            Errno::Mfile,
        )?;
        refused("dup", d::dup(0), Errno::Mfile)?;
        refused(
            "dup_min(3, 0)",
            d::dup_min(3, 0, FdFlags::empty()),
            Errno::Mfile,
        )?;
        refused(
            "dup_min(3, 10)",
            d::dup_min(3, 10, FdFlags::CLOEXEC),
            Errno::Mfile,
        )?;
        // dup2 onto an open number below the limit needs no new number.
        eq("dup2(3, 15)", ok("dup2", d::dup2(3, 15))?, 15)
    })();
    close_all(&fds);
    res
}

/// With the table full, open(O_CREAT) creates no file.
fn emfile_creates_nothing() -> Check {
    let fds = fill()?;
    let res = refused(
        "create",
        d::open("/data/limits-new.txt", OpenFlags::WRITE | OpenFlags::CREATE),
        Errno::Mfile,
    );
    close_all(&fds);
    res?;
    refused(
        "not created",
        d::stat_at(-100i32 as u32, "/data/limits-new.txt", true),
        Errno::Noent,
    )
}

/// With one number free, pipe and socketpair are EMFILE and leave it free.
fn pipe_needs_two_numbers() -> Check {
    let mut fds = fill()?;
    let last = fds.pop().ok_or("nothing opened")?;
    let _ = d::close(last);
    let res = (|| {
        refused(
            "pipe",
            pipes::pipe(FdFlags::empty(), StatusFlags::empty()),
            Errno::Mfile,
        )?;
        refused(
            "socketpair",
            pipes::socketpair(FdFlags::empty(), StatusFlags::empty()),
            Errno::Mfile,
        )?;
        let again = ok("open", open_hello())?;
        let _ = d::close(again);
        eq("the free number", again, last)
    })();
    close_all(&fds);
    res
}

/// limit - 1 is the highest number: dup2 and F_DUPFD reach it, and
/// F_DUPFD with nothing free at or above `min` is EMFILE.
fn highest_number() -> Check {
    let fd = ok("open", open_hello())?;
    let res = (|| {
        eq(
            "dup2(3, 15)",
            ok("dup2", d::dup2(fd, LIMIT - 1))?,
            LIMIT - 1,
        )?;
        refused(
            "dup_min(3, 15) with 15 taken",
            d::dup_min(fd, LIMIT - 1, FdFlags::empty()),
            Errno::Mfile,
        )?;
        ok("close 15", d::close(LIMIT - 1))?;
        eq(
            "dup_min(3, 15)",
            ok("dup_min", d::dup_min(fd, LIMIT - 1, FdFlags::empty()))?,
            LIMIT - 1,
        )
    })();
    let _ = d::close(LIMIT - 1);
    let _ = d::close(fd);
    res
}

/// dup2 and dup3 onto a number at or above the limit are EBADF, and
/// change nothing.
fn dup2_target_beyond_limit() -> Check {
    let fd = ok("open", open_hello())?;
    let res = (|| {
        for target in [LIMIT, LIMIT + 1, 1024, 1 << 20, u32::MAX - 1, u32::MAX] {
            refused(
                &format!("dup2(3, {target})"),
                d::dup2(fd, target),
                Errno::Badf,
            )?;
            refused(
                &format!("dup3(3, {target})"),
                d::dup3(fd, target, FdFlags::CLOEXEC),
                Errno::Badf,
            )?;
        }
        eq("next open", ok("open", open_hello())?, 4)
    })();
    let _ = d::close(4);
    let _ = d::close(fd);
    res
}

/// F_DUPFD with `min` at or above the limit is EINVAL.
fn dup_min_beyond_limit() -> Check {
    let fd = ok("open", open_hello())?;
    let res = (|| {
        for min in [LIMIT, LIMIT + 1, 1 << 20, u32::MAX] {
            refused(
                &format!("dup_min(3, {min})"),
                d::dup_min(fd, min, FdFlags::empty()),
                Errno::Inval,
            )?;
            refused(
                &format!("dup_min(3, {min}, cloexec)"),
                d::dup_min(fd, min, FdFlags::CLOEXEC),
                Errno::Inval,
            )?;
        }
        Ok(())
    })();
    let _ = d::close(fd);
    res
}

/// poll with more entries than the limit is EINVAL; with as many, fine.
fn poll_more_than_limit() -> Check {
    let entry = PollFd {
        fd: 1,
        events: Events::WRITABLE,
    };
    refused(
        "poll 17",
        poll(&vec![entry; LIMIT as usize + 1], 0),
        Errno::Inval,
    )?;
    let huge = vec![entry; 100_000];
    refused("poll 100000", poll(&huge, 0), Errno::Inval)?;
    eq(
        "poll 16",
        ok("poll", poll(&vec![entry; LIMIT as usize], 0))?.len(),
        LIMIT as usize,
    )
}

/// A call that makes one new number (or two, returning the first).
type MakeFd = dyn Fn() -> Result<u32, Errno>;

/// Open every kind of number until EMFILE under the table limit `limit`,
/// print the counts, and leave the last kind's open for the host to
/// release.
fn fill_everything(limit: u32) {
    let mut counts = Vec::new();
    let mut opened = 0;
    let kinds: [(&str, &MakeFd); 4] = [
        ("open", &open_hello),
        ("pipe", &|| {
            pipes::pipe(FdFlags::empty(), StatusFlags::empty()).map(|(r, _)| r)
        }),
        ("socketpair", &|| {
            pipes::socketpair(FdFlags::empty(), StatusFlags::empty()).map(|(a, _)| a)
        }),
        ("dup", &|| d::dup(1)),
    ];
    for (name, make) in kinds {
        // Close what the previous kind opened, except 3, so each kind
        // fills the table on its own.
        for fd in 4..limit {
            let _ = d::close(fd);
        }
        let mut n = 0;
        let err = loop {
            match make() {
                Ok(_) => n += 1,
                Err(e) => break e,
            }
            if n > limit {
                break Errno::Inval;
            }
        };
        opened += n;
        counts.push(format!("{name} {n} then {}", err.name()));
    }
    vfd::println!("fill: {} ({opened} calls)", counts.join(", "));
}

/// read and pread with a length of u32::MAX on the file at `path`.
fn read_huge(path: &str) {
    let fd = d::open(path, OpenFlags::READ).expect("open");
    let (mut total, mut calls, mut largest) = (0usize, 0usize, 0usize);
    loop {
        let data = d::read(fd, u32::MAX).expect("read");
        if data.is_empty() {
            break;
        }
        calls += 1;
        largest = largest.max(data.len());
        total += data.len();
    }
    let mut pread_largest = 0;
    for off in [0u64, 12345, total as u64 / 2] {
        let data = d::pread(fd, u32::MAX, off).expect("pread");
        pread_largest = pread_largest.max(data.len());
    }
    vfd::println!(
        "read {total} bytes in {calls} calls, largest {largest}, pread largest {pread_largest}, within cap {}",
        largest <= MAX_READ_LEN && pread_largest <= MAX_READ_LEN
    );
}

/// recv-from and read with a length of u32::MAX on sockets.
fn recv_huge() {
    let udp =
        sockets::udp_bind("127.0.0.1:0", FdFlags::empty(), StatusFlags::empty()).expect("udp bind");
    let addr = sockets::local_address(udp).expect("local address");
    let datagram = vec![7u8; 60_000];
    sockets::send_to(udp, &datagram, &addr).expect("send_to");
    let (got, _from) = sockets::recv_from(udp, u32::MAX).expect("recv_from");
    let (a, b) = pipes::socketpair(FdFlags::empty(), StatusFlags::empty()).expect("socketpair");
    let chunk = vec![1u8; 1 << 16];
    let mut sent = 0;
    // Fill the pair's buffer (non-blocking), then read it with u32::MAX.
    d::set_status_flags(a, StatusFlags::NONBLOCK).expect("nonblock");
    while let Ok(n) = d::write(a, &chunk) {
        sent += n as usize;
        if sent >= 8 << 20 {
            break;
        }
    }
    let mut largest = 0;
    let mut read = 0;
    while read < sent {
        let data = d::read(b, u32::MAX).expect("read");
        largest = largest.max(data.len());
        read += data.len();
    }
    vfd::println!(
        "recv_from {} of {} bytes; read {read} of {sent} bytes, largest {largest}, within cap {}",
        got.len(),
        datagram.len(),
        largest <= MAX_READ_LEN
    );
}
