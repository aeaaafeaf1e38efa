//! Named cases from the suites that test kernels: LTP (dup, dup2, dup3,
//! close, lseek, pipe, pipe2), gVisor (dup.cc, lseek.cc, pipe.cc) and
//! wasi-libc's descriptor tests.
//!
//! Each check is our own test of what one case of those suites checks,
//! named after it (`ltp_dup201_target_over_limit` covers the fourth case
//! of LTP's dup201), and asserts the result Linux gives. CONFORMANCE.md at
//! the top of the repository lists every case: the check that covers it,
//! or why it cannot apply to vfd.
//!
//! The table limit is the host's `max_fds`, 1024 by default: where a case
//! sets RLIMIT_NOFILE, its check uses that limit instead. Scratch files live
//! in /data, named `named-*`, and are removed by the check that made them.
//! The harness closes anything a check leaves open, so every check starts
//! from a fresh guest's table (0, 1 and 2).

use std::io::SeekFrom;
use std::time::Duration;

use vfd::bindings::vfd::posix::descriptors as host;
use vfd::bindings::vfd::posix::types::{Errno, FileType, Whence};
use vfd::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use vfd::fs::{self, File, OpenOptions};
use vfd::io::{self as vio, AccessMode, FdFlags, StatusFlags};
use vfd::net::UnixStream;
use vfd::pipe::{pipe, pipe_with};
use vfd::poll::PollFlags;
use vfd_test_guests::errno::{EAGAIN, EBADF, EINVAL, EMFILE, EPIPE, ESPIPE};
use vfd_test_guests::{
    Check, Checks, Ctx, ensure, eq, expect_errno, file_type, is_open, offset, poll_one, raw, read_n,
};

/// The table limit of the guest (the host's default `max_fds`), standing
/// in for RLIMIT_NOFILE and getdtablesize().
const LIMIT: RawFd = 1024;

/// -1 as the host sees it: the WIT `fd` is unsigned, so a C caller's -1
/// reaches the host as the largest number.
const MINUS_ONE: u32 = u32::MAX;

fn main() {
    let mut c = Checks::new();
    // LTP dup
    c.run("ltp_dup01", ltp_dup01);
    c.run("ltp_dup02_negative_fd", ltp_dup02_negative_fd);
    c.run("ltp_dup02_fd_1500", ltp_dup02_fd_1500);
    c.run("ltp_dup03", ltp_dup03);
    c.run("ltp_dup04_read_end", ltp_dup04_read_end);
    c.run("ltp_dup04_write_end", ltp_dup04_write_end);
    c.run("ltp_dup06", ltp_dup06);
    c.run("ltp_dup07_read_only", ltp_dup07_read_only);
    c.run("ltp_dup07_write_only", ltp_dup07_write_only);
    c.run("ltp_dup07_read_write", ltp_dup07_read_write);
    // LTP dup2
    c.run("ltp_dup201_source_negative", ltp_dup201_source_negative);
    c.run("ltp_dup201_source_over_limit", ltp_dup201_source_over_limit);
    c.run("ltp_dup201_target_negative", ltp_dup201_target_negative);
    c.run("ltp_dup201_target_over_limit", ltp_dup201_target_over_limit);
    c.run("ltp_dup202_read_only", ltp_dup202_read_only);
    c.run("ltp_dup202_write_only", ltp_dup202_write_only);
    c.run("ltp_dup202_read_write", ltp_dup202_read_write);
    c.run("ltp_dup203_open_target", ltp_dup203_open_target);
    c.run("ltp_dup203_closed_target", ltp_dup203_closed_target);
    c.run("ltp_dup204_read_end", ltp_dup204_read_end);
    c.run("ltp_dup204_write_end", ltp_dup204_write_end);
    c.run("ltp_dup205", ltp_dup205);
    c.run("ltp_dup206", ltp_dup206);
    c.run("ltp_dup207_seek_before", ltp_dup207_seek_before);
    c.run("ltp_dup207_seek_after", ltp_dup207_seek_after);
    // LTP dup3
    c.run("ltp_dup3_01_no_flags", ltp_dup3_01_no_flags);
    c.run("ltp_dup3_01_cloexec", ltp_dup3_01_cloexec);
    c.run("ltp_dup3_02_same_fd_cloexec", ltp_dup3_02_same_fd_cloexec);
    c.run("ltp_dup3_02_same_fd_no_flags", ltp_dup3_02_same_fd_no_flags);
    // LTP close
    c.run("ltp_close01_file", ltp_close01_file);
    c.run("ltp_close01_pipe", ltp_close01_pipe);
    c.run("ltp_close01_socket", ltp_close01_socket);
    c.run("ltp_close02_negative", ltp_close02_negative);
    c.run("ltp_close02_twice", ltp_close02_twice);
    // LTP lseek
    c.run("ltp_lseek01_set", ltp_lseek01_set);
    c.run("ltp_lseek01_cur", ltp_lseek01_cur);
    c.run("ltp_lseek01_end", ltp_lseek01_end);
    c.run("ltp_lseek01_end_zero", ltp_lseek01_end_zero);
    c.run("ltp_lseek02_bad_fd", ltp_lseek02_bad_fd);
    c.run("ltp_lseek02_pipe", ltp_lseek02_pipe);
    c.run("ltp_lseek07_at_end", ltp_lseek07_at_end);
    c.run("ltp_lseek07_in_middle", ltp_lseek07_in_middle);
    // LTP pipe
    c.run("ltp_pipe01", ltp_pipe01);
    c.run("ltp_pipe03", ltp_pipe03);
    c.run("ltp_pipe06", ltp_pipe06);
    c.run("ltp_pipe07", ltp_pipe07);
    c.run("ltp_pipe08", ltp_pipe08);
    c.run("ltp_pipe09", ltp_pipe09);
    for n in PIPE11_READERS {
        c.run(&format!("ltp_pipe11_readers_{n}"), || ltp_pipe11(n));
    }
    c.run("ltp_pipe12_full", ltp_pipe12_full);
    c.run("ltp_pipe12_non_empty", ltp_pipe12_non_empty);
    c.run("ltp_pipe12_empty", ltp_pipe12_empty);
    c.run("ltp_pipe14", ltp_pipe14);
    // LTP pipe2
    c.run("ltp_pipe2_01_no_flags", ltp_pipe2_01_no_flags);
    c.run("ltp_pipe2_01_cloexec", ltp_pipe2_01_cloexec);
    c.run("ltp_pipe2_01_nonblock", ltp_pipe2_01_nonblock);
    c.run(
        "ltp_pipe2_04_full_write_eagain",
        ltp_pipe2_04_full_write_eagain,
    );
    c.run(
        "ltp_pipe2_04_full_blocking_waits",
        ltp_pipe2_04_full_blocking_waits,
    );
    // gVisor dup.cc
    c.run("gvisor_dup_dup", gvisor_dup_dup);
    c.run(
        "gvisor_dup_dup_clears_cloexec",
        gvisor_dup_dup_clears_cloexec,
    );
    c.run("gvisor_dup_dup2", gvisor_dup_dup2);
    c.run("gvisor_dup_rlimit", gvisor_dup_rlimit);
    c.run("gvisor_dup_dup2_same_fd", gvisor_dup_dup2_same_fd);
    c.run("gvisor_dup_dup3", gvisor_dup_dup3);
    c.run(
        "gvisor_dup_dup3_fails_same_fd",
        gvisor_dup_dup3_fails_same_fd,
    );
    // gVisor lseek.cc
    c.run("gvisor_lseek_negative_offset", gvisor_lseek_negative_offset);
    c.run("gvisor_lseek_overflow", gvisor_lseek_overflow);
    c.run("gvisor_lseek_set", gvisor_lseek_set);
    c.run("gvisor_lseek_cur", gvisor_lseek_cur);
    c.run("gvisor_lseek_end", gvisor_lseek_end);
    c.run("gvisor_lseek_invalid_fd", gvisor_lseek_invalid_fd);
    c.run("gvisor_lseek_dir_cur_end", gvisor_lseek_dir_cur_end);
    c.run(
        "gvisor_lseek_seek_current_dir",
        gvisor_lseek_seek_current_dir,
    );
    c.run("gvisor_lseek_etc_passwd_dup", gvisor_lseek_etc_passwd_dup);
    // gVisor pipe.cc
    c.run("gvisor_pipe_inode", gvisor_pipe_inode);
    c.run("gvisor_pipe_permissions", gvisor_pipe_permissions);
    c.run("gvisor_pipe_flags", gvisor_pipe_flags);
    c.run("gvisor_pipe_write", gvisor_pipe_write);
    c.run("gvisor_pipe_write_page", gvisor_pipe_write_page);
    c.run("gvisor_pipe_non_blocking", gvisor_pipe_non_blocking);
    c.run("gvisor_pipe2_cloexec", gvisor_pipe2_cloexec);
    c.run("gvisor_pipe2_bad_options", gvisor_pipe2_bad_options);
    c.run("gvisor_pipe_seek", gvisor_pipe_seek);
    c.run("gvisor_pipe_offset_calls", gvisor_pipe_offset_calls);
    c.run(
        "gvisor_pipe_writer_side_closes_read_data_first",
        gvisor_pipe_writer_side_closes_read_data_first,
    );
    c.run(
        "gvisor_pipe_reader_side_closes",
        gvisor_pipe_reader_side_closes,
    );
    c.run("gvisor_pipe_close_twice", gvisor_pipe_close_twice);
    c.run("gvisor_pipe_streaming", gvisor_pipe_streaming);
    c.run("gvisor_pipe_zero_size", gvisor_pipe_zero_size);
    // wasi-libc test/src
    c.run("wasilibc_dup_file", wasilibc_dup_file);
    c.run("wasilibc_dup2_file", wasilibc_dup2_file);
    c.run("wasilibc_dup3_file", wasilibc_dup3_file);
    c.run("wasilibc_fcntl_dupfd", wasilibc_fcntl_dupfd);
    c.run("wasilibc_sockets_dup", wasilibc_sockets_dup);
    c.run(
        "wasilibc_pipe_setfl_independent",
        wasilibc_pipe_setfl_independent,
    );
    c.finish();
}

// ---------------------------------------------------------------------------
// Helpers

/// A scratch file in /data, removed when dropped (whatever the check's
/// outcome), so a failed check leaves nothing behind.
struct Scratch {
    path: String,
}

impl Scratch {
    /// The path `/data/named-NAME`, with no file made yet.
    fn path(name: &str) -> Scratch {
        let path = format!("/data/named-{name}");
        let _ = fs::remove_file(&path);
        Scratch { path }
    }

    /// A file `/data/named-NAME` holding `contents`.
    fn with(name: &str, contents: &[u8]) -> Result<Scratch, String> {
        let s = Scratch::path(name);
        fs::write(&s.path, contents).ctx(&format!("write {}", s.path))?;
        Ok(s)
    }

    /// Open the file with `opts`.
    fn open(&self, opts: &OpenOptions) -> Result<File, String> {
        opts.open(&self.path).ctx(&format!("open {}", self.path))
    }

    /// Open the file read-write.
    fn rw(&self) -> Result<File, String> {
        self.open(OpenOptions::new().read(true).write(true))
    }

    /// Remove the file now, as the case's own unlink does.
    fn unlink(&self) -> Check {
        fs::remove_file(&self.path).ctx(&format!("unlink {}", self.path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Options for one access mode.
fn mode_options(mode: AccessMode) -> OpenOptions {
    let mut o = OpenOptions::new();
    match mode {
        AccessMode::ReadOnly => o.read(true),
        AccessMode::WriteOnly => o.write(true),
        AccessMode::ReadWrite => o.read(true).write(true),
    };
    o
}

/// The inode fstat reports for `fd`.
fn inode(fd: impl AsFd) -> Result<u64, String> {
    let n = fd.as_fd().as_raw_fd() as u32;
    host::stat(n)
        .map(|s| s.inode)
        .map_err(|e| format!("stat {n}: {e:?}"))
}

/// Require that a raw host call failed with `want`.
fn host_errno<T: std::fmt::Debug>(what: &str, got: Result<T, Errno>, want: Errno) -> Check {
    match got {
        Err(e) if e == want => Ok(()),
        other => Err(format!("{what}: got {other:?}, want Err({want:?})")),
    }
}

/// close(2) on a number the check owns, with its result checked.
fn close(fd: impl IntoRawFd, what: &str) -> Check {
    vio::close_raw(fd.into_raw_fd()).ctx(what)
}

/// Write `data` and require that all of it went in at once.
fn write_exact(fd: impl AsFd, data: &[u8], what: &str) -> Check {
    eq(what, vio::write(fd, data).ctx(what)?, data.len())
}

/// Whether the open description of `fd` has O_NONBLOCK.
fn nonblocking(fd: impl AsFd) -> Result<bool, String> {
    Ok(vio::fcntl_getfl(fd)
        .ctx("F_GETFL")?
        .contains(StatusFlags::NONBLOCK))
}

/// Read from a non-blocking `r` until EAGAIN; the bytes read.
fn drain(r: impl AsFd) -> Result<Vec<u8>, String> {
    let r = r.as_fd();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match vio::read(r, &mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.raw_os_error() == Some(EAGAIN) => return Ok(out),
            Err(e) => return Err(format!("read after {} bytes: {e}", out.len())),
        }
    }
}

/// More than any pipe this guest meets can hold (Linux's default is 64 KiB,
/// its default maximum 1 MiB): a fill that has not met EAGAIN by then never
/// will.
const FILL_LIMIT: usize = 16 << 20;

/// Write `chunk`-byte blocks to a non-blocking `w` until EAGAIN;
/// how many bytes went in.
fn fill(w: impl AsFd, chunk: usize) -> Result<usize, String> {
    let w = w.as_fd();
    let block = vec![b'f'; chunk];
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

/// The capacity of a new pipe (what F_GETPIPE_SZ would report): how much a
/// non-blocking write end takes before EAGAIN.
fn pipe_capacity() -> Result<usize, String> {
    let (_r, w) = pipe_with(FdFlags::empty(), StatusFlags::NONBLOCK).ctx("pipe2")?;
    // PIPE_BUF-sized writes are all or nothing, so the pipe ends up full.
    fill(&w, 4096)
}

/// Bytes that are not all alike, so that a reordering or a lost block shows.
fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// Take new numbers with dup(fd) until it fails: the numbers held (to
/// be closed by the caller dropping them) and the error that stopped it.
fn dup_until_full(fd: impl AsFd) -> Result<(Vec<OwnedFd>, std::io::Error), String> {
    let fd = fd.as_fd();
    let mut held = Vec::new();
    loop {
        match vio::dup(fd) {
            Ok(d) => held.push(d),
            Err(e) => return Ok((held, e)),
        }
        if held.len() > 2 * LIMIT as usize {
            return Err("no limit reached".into());
        }
    }
}

// ---------------------------------------------------------------------------
// LTP dup

/// dup01: dup gives a new number (the lowest free) for the same open file.
fn ltp_dup01() -> Check {
    let s = Scratch::with("dup01", b"")?;
    let f = s.rw()?;
    eq("open", f.as_raw_fd(), 3)?;
    let d = vio::dup(&f).ctx("dup")?;
    eq("dup", d.as_raw_fd(), 4)?;
    eq("same inode", inode(&d)?, inode(&f)?)
}

/// dup02, first case: dup(-1) is EBADF.
fn ltp_dup02_negative_fd() -> Check {
    expect_errno("dup(-1)", vio::dup_raw(-1), EBADF)?;
    host_errno("host dup(-1)", host::dup(MINUS_ONE), Errno::Badf)
}

/// dup02, second case: dup of a number that is not open (1500) is EBADF.
fn ltp_dup02_fd_1500() -> Check {
    expect_errno("dup(1500)", vio::dup_raw(1500), EBADF)
}

/// dup03: with every number up to the limit taken, dup is EMFILE.
fn ltp_dup03() -> Check {
    let s = Scratch::with("dup03", b"")?;
    let f = s.rw()?;
    let (held, err) = dup_until_full(&f)?;
    eq(
        "last number",
        held.last().map(|d| d.as_raw_fd()),
        Some(LIMIT - 1),
    )?;
    eq("error", err.raw_os_error(), Some(EMFILE))?;
    expect_errno("dup when full", vio::dup(&f), EMFILE)
}

/// dup04, read end: dup of a pipe's read end reads the pipe.
fn ltp_dup04_read_end() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    let d = vio::dup(&r).ctx("dup read end")?;
    eq("dup", d.as_raw_fd(), 5)?;
    write_exact(&w, b"x", "write")?;
    eq(
        "read through dup",
        read_n(&d, 8).ctx("read")?,
        b"x".to_vec(),
    )
}

/// dup04, write end: dup of a pipe's write end writes the pipe.
fn ltp_dup04_write_end() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    let d = vio::dup(&w).ctx("dup write end")?;
    eq("dup", d.as_raw_fd(), 5)?;
    write_exact(&d, b"y", "write through dup")?;
    eq("read", read_n(&r, 8).ctx("read")?, b"y".to_vec())
}

/// dup06: a chain of dups (each of the previous one) opens exactly as many
/// numbers as were free below the limit, then fails.
fn ltp_dup06() -> Check {
    let free = (0..LIMIT)
        .filter(|&n| matches!(vio::fcntl_getfd(raw(n)), Err(e) if e.raw_os_error() == Some(EBADF)))
        .count();
    eq("free numbers in a fresh guest", free, LIMIT as usize - 3)?;
    let s = Scratch::with("dup06", b"")?;
    let mut held: Vec<OwnedFd> = vec![s.rw()?.into()];
    let err = loop {
        let prev = held.last().ok_or("empty chain")?;
        match vio::dup(prev) {
            Ok(d) => held.push(d),
            Err(e) => break e,
        }
        if held.len() > 2 * LIMIT as usize {
            return Err("no limit reached".into());
        }
    };
    eq("opened", held.len(), free)?;
    eq("error", err.raw_os_error(), Some(EMFILE))
}

/// dup07: a dup has the access mode of the original (and is the same file).
fn dup07(mode: AccessMode, name: &str) -> Check {
    let s = Scratch::with(name, b"")?;
    let f = s.open(&mode_options(mode))?;
    let d = vio::dup(&f).ctx("dup")?;
    eq("original mode", vio::access_mode(&f).ctx("mode")?, mode)?;
    eq("dup mode", vio::access_mode(&d).ctx("mode")?, mode)?;
    eq("type", file_type(&d)?, file_type(&f)?)?;
    eq("inode", inode(&d)?, inode(&f)?)
}

fn ltp_dup07_read_only() -> Check {
    dup07(AccessMode::ReadOnly, "dup07-ro")
}

fn ltp_dup07_write_only() -> Check {
    dup07(AccessMode::WriteOnly, "dup07-wo")
}

fn ltp_dup07_read_write() -> Check {
    dup07(AccessMode::ReadWrite, "dup07-rw")
}

// ---------------------------------------------------------------------------
// LTP dup2

/// dup201, first case: dup2(-1, 5) is EBADF.
fn ltp_dup201_source_negative() -> Check {
    expect_errno("dup2(-1, 5)", vio::dup2_raw(-1, 5), EBADF)?;
    host_errno("host dup2(-1, 5)", host::dup2(MINUS_ONE, 5), Errno::Badf)?;
    ensure("5 stays closed", !is_open(5))
}

/// dup201, second case: a source at the limit (getdtablesize()) is EBADF.
fn ltp_dup201_source_over_limit() -> Check {
    expect_errno("dup2(1024, 5)", vio::dup2_raw(LIMIT, 5), EBADF)?;
    ensure("5 stays closed", !is_open(5))
}

/// dup201, third case: dup2(stdout, -1) is EBADF.
fn ltp_dup201_target_negative() -> Check {
    expect_errno("dup2(1, -1)", vio::dup2_raw(1, -1), EBADF)?;
    host_errno("host dup2(1, -1)", host::dup2(1, MINUS_ONE), Errno::Badf)
}

/// dup201, fourth case: a target at the limit is EBADF (not EMFILE).
fn ltp_dup201_target_over_limit() -> Check {
    expect_errno("dup2(1, 1024)", vio::dup2_raw(1, LIMIT), EBADF)?;
    eq("next dup still 3", vio::dup_raw(1).ctx("dup")?, 3)?;
    vio::close_raw(3).ctx("close 3")
}

/// dup202: dup2 onto a number the case chose gives that number the access
/// mode of the original (the numbers 4, 5 and 6 the case sets aside).
fn dup202(mode: AccessMode, target: RawFd, name: &str) -> Check {
    let s = Scratch::with(name, b"")?;
    let f = s.open(&mode_options(mode))?;
    eq("open", f.as_raw_fd(), 3)?;
    eq("dup2", vio::dup2_raw(3, target).ctx("dup2")?, target)?;
    eq("original mode", vio::access_mode(&f).ctx("mode")?, mode)?;
    eq("dup mode", vio::access_mode(raw(target)).ctx("mode")?, mode)?;
    eq("inode", inode(raw(target))?, inode(&f)?)?;
    vio::close_raw(target).ctx("close target")
}

fn ltp_dup202_read_only() -> Check {
    dup202(AccessMode::ReadOnly, 4, "dup202-ro")
}

fn ltp_dup202_write_only() -> Check {
    dup202(AccessMode::WriteOnly, 5, "dup202-wo")
}

fn ltp_dup202_read_write() -> Check {
    dup202(AccessMode::ReadWrite, 6, "dup202-rw")
}

/// dup203: dup2 of a file whose number has close-on-exec set, onto an open
/// or a closed number: the call returns the target, the target reads the
/// source's file, and its close-on-exec flag is clear.
fn dup203(close_target_first: bool, tag: &str) -> Check {
    let s0 = Scratch::with(&format!("dup203-{tag}-0"), b"file0")?;
    let s1 = Scratch::with(&format!("dup203-{tag}-1"), b"file1")?;
    let f1 = s1.rw()?.into_raw_fd();
    let f0 = s0.open(OpenOptions::new().read(true))?;
    vio::fcntl_setfd(&f0, FdFlags::CLOEXEC).ctx("F_SETFD")?;
    if close_target_first {
        vio::close_raw(f1).ctx("close target")?;
    }
    eq("dup2", vio::dup2_raw(f0.as_raw_fd(), f1).ctx("dup2")?, f1)?;
    eq(
        "target reads file0",
        read_n(raw(f1), 40).ctx("read")?,
        b"file0".to_vec(),
    )?;
    eq(
        "target flags",
        vio::fcntl_getfd(raw(f1)).ctx("F_GETFD")?,
        FdFlags::empty(),
    )?;
    vio::close_raw(f1).ctx("close target")
}

fn ltp_dup203_open_target() -> Check {
    dup203(false, "open")
}

fn ltp_dup203_closed_target() -> Check {
    dup203(true, "closed")
}

/// dup204: dup2 of a pipe end onto 10 or 20 returns it, and both numbers
/// stat as the same inode.
fn dup204(read_end: bool, target: RawFd) -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    let end = if read_end { &r } else { &w };
    eq(
        "dup2",
        vio::dup2_raw(end.as_raw_fd(), target).ctx("dup2")?,
        target,
    )?;
    eq("inode", inode(raw(target))?, inode(end)?)?;
    eq("type", file_type(raw(target))?, FileType::Pipe)?;
    vio::close_raw(target).ctx("close target")
}

fn ltp_dup204_read_end() -> Check {
    dup204(true, 10)
}

fn ltp_dup204_write_end() -> Check {
    dup204(false, 20)
}

/// dup205: dup2 each number onto the next, from the first open one up:
/// every number below the limit is made, the limit itself is EBADF.
fn ltp_dup205() -> Check {
    let s = Scratch::with("dup205", b"")?;
    let first: OwnedFd = s.rw()?.into();
    let start = first.as_raw_fd();
    let mut held = vec![first];
    let mut target = start + 1;
    let err = loop {
        let prev = held.last().ok_or("empty chain")?.as_raw_fd();
        match vio::dup2_raw(prev, target) {
            Ok(n) => {
                eq("number returned", n, target)?;
                // SAFETY: dup2 just made `n`; nothing else owns it.
                held.push(unsafe { OwnedFd::from_raw_fd(n) });
            }
            Err(e) => break e,
        }
        target += 1;
        if target > LIMIT + 10 {
            return Err("no limit reached".into());
        }
    };
    eq("stopped at", target, LIMIT)?;
    eq("error", err.raw_os_error(), Some(EBADF))
}

/// dup206: dup2(fd, fd) on an open number returns it and does nothing.
fn ltp_dup206() -> Check {
    let s = Scratch::with("dup206", b"")?;
    let f = s.rw()?;
    eq("dup2(3, 3)", vio::dup2_raw(3, 3).ctx("dup2")?, 3)?;
    eq("next free", vio::dup_raw(3).ctx("dup")?, 4)?;
    vio::close_raw(4).ctx("close 4")?;
    ensure("3 still open", is_open(f.as_raw_fd()))
}

/// dup207: after dup2 onto 10, a seek through the original, made before or
/// after the dup2, sets where 10 reads.
fn dup207(seek_after: bool, at: u64, want: &[u8], tag: &str) -> Check {
    let s = Scratch::with(&format!("dup207-{tag}"), b"")?;
    let f = s.rw()?;
    write_exact(&f, b"abcdefg", "write")?;
    if !seek_after {
        vio::seek(&f, SeekFrom::Start(at)).ctx("seek")?;
    }
    eq("dup2", vio::dup2_raw(f.as_raw_fd(), 10).ctx("dup2")?, 10)?;
    if seek_after {
        vio::seek(&f, SeekFrom::Start(at)).ctx("seek")?;
    }
    eq(
        "read 10",
        read_n(raw(10), want.len()).ctx("read")?,
        want.to_vec(),
    )?;
    vio::close_raw(10).ctx("close 10")
}

fn ltp_dup207_seek_before() -> Check {
    dup207(false, 1, b"bcdefg", "before")
}

fn ltp_dup207_seek_after() -> Check {
    dup207(true, 2, b"cdefg", "after")
}

// ---------------------------------------------------------------------------
// LTP dup3

/// dup3_01: dup3(1, 4, flags) returns 4 with close-on-exec as asked.
fn dup3_01(flags: FdFlags) -> Check {
    eq("dup3(1, 4)", vio::dup3_raw(1, 4, flags).ctx("dup3")?, 4)?;
    eq(
        "flags of 4",
        vio::fcntl_getfd(raw(4)).ctx("F_GETFD")?,
        flags,
    )?;
    vio::close_raw(4).ctx("close 4")
}

fn ltp_dup3_01_no_flags() -> Check {
    dup3_01(FdFlags::empty())
}

fn ltp_dup3_01_cloexec() -> Check {
    dup3_01(FdFlags::CLOEXEC)
}

/// dup3_02: dup3(3, 3, flags) is EINVAL, with or without O_CLOEXEC.
fn dup3_02(flags: FdFlags) -> Check {
    let s = Scratch::with("dup3_02", b"")?;
    let _f = s.rw()?;
    expect_errno("dup3(3, 3)", vio::dup3_raw(3, 3, flags), EINVAL)
}

fn ltp_dup3_02_same_fd_cloexec() -> Check {
    dup3_02(FdFlags::CLOEXEC)
}

fn ltp_dup3_02_same_fd_no_flags() -> Check {
    dup3_02(FdFlags::empty())
}

// ---------------------------------------------------------------------------
// LTP close

/// close01: closing a number succeeds and frees it.
fn close_ok(fd: impl IntoRawFd) -> Check {
    let n = fd.into_raw_fd();
    vio::close_raw(n).ctx("close")?;
    ensure("number freed", !is_open(n))
}

fn ltp_close01_file() -> Check {
    let s = Scratch::with("close01", b"")?;
    close_ok(s.rw()?)
}

fn ltp_close01_pipe() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    close(w, "close write end")?;
    close_ok(r)
}

fn ltp_close01_socket() -> Check {
    let (a, _b) = UnixStream::pair().ctx("socketpair")?;
    close_ok(a)
}

/// close02, first case: close(-1) is EBADF.
fn ltp_close02_negative() -> Check {
    expect_errno("close(-1)", vio::close_raw(-1), EBADF)?;
    host_errno("host close(-1)", host::close(MINUS_ONE), Errno::Badf)
}

/// close02, second case: a second close of the same number is EBADF.
fn ltp_close02_twice() -> Check {
    let s = Scratch::with("close02", b"")?;
    let n = s.rw()?.into_raw_fd();
    vio::close_raw(n).ctx("first close")?;
    expect_errno("second close", vio::close_raw(n), EBADF)
}

// ---------------------------------------------------------------------------
// LTP lseek

/// lseek01: from the end of "abcdefg" (where the case's read leaves the
/// offset), a seek gives the offset asked for and the read there the bytes
/// from it.
fn lseek01(pos: SeekFrom, want_off: u64, want: &[u8], tag: &str) -> Check {
    let s = Scratch::with(&format!("lseek01-{tag}"), b"abcdefg")?;
    let f = s.rw()?;
    eq("read to the end", read_n(&f, 64).ctx("read")?.len(), 7)?;
    eq("seek", vio::seek(&f, pos).ctx("seek")?, want_off)?;
    eq("read", read_n(&f, 64).ctx("read")?, want.to_vec())
}

fn ltp_lseek01_set() -> Check {
    lseek01(SeekFrom::Start(4), 4, b"efg", "set")
}

fn ltp_lseek01_cur() -> Check {
    lseek01(SeekFrom::Current(-2), 5, b"fg", "cur")
}

fn ltp_lseek01_end() -> Check {
    lseek01(SeekFrom::End(-4), 3, b"defg", "end")
}

fn ltp_lseek01_end_zero() -> Check {
    lseek01(SeekFrom::End(0), 7, b"", "end-zero")
}

const WHENCES: [Whence; 3] = [Whence::Set, Whence::Cur, Whence::End];

/// lseek02, cases 1 to 3: lseek(-1, 1, whence) is EBADF for each whence.
fn ltp_lseek02_bad_fd() -> Check {
    for pos in [SeekFrom::Start(1), SeekFrom::Current(1), SeekFrom::End(1)] {
        expect_errno(
            &format!("lseek(-1, {pos:?})"),
            vio::seek(raw(-1), pos),
            EBADF,
        )?;
    }
    for w in WHENCES {
        host_errno(
            &format!("host lseek(-1, 1, {w:?})"),
            host::seek(MINUS_ONE, 1, w),
            Errno::Badf,
        )?;
    }
    Ok(())
}

/// lseek02, cases 10 to 12: lseek(pipe, 1, whence) is ESPIPE for each
/// whence (on both ends).
fn ltp_lseek02_pipe() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    for fd in [&r, &w] {
        for pos in [SeekFrom::Start(1), SeekFrom::Current(1), SeekFrom::End(1)] {
            expect_errno(
                &format!("lseek({}, {pos:?})", fd.as_raw_fd()),
                vio::seek(fd, pos),
                ESPIPE,
            )?;
        }
    }
    Ok(())
}

/// lseek07: a write after a seek lands at the offset: at the end it
/// extends the file, in the middle it overwrites.
fn lseek07(at: u64, want: &[u8], tag: &str) -> Check {
    let s = Scratch::with(&format!("lseek07-{tag}"), b"")?;
    let f = s.rw()?;
    write_exact(&f, b"abcdefg", "write")?;
    eq("seek", vio::seek(&f, SeekFrom::Start(at)).ctx("seek")?, at)?;
    write_exact(&f, b"ijk", "write after seek")?;
    close(f, "close")?;
    let g = s.rw()?;
    eq("contents", read_n(&g, 64).ctx("read")?, want.to_vec())
}

fn ltp_lseek07_at_end() -> Check {
    lseek07(7, b"abcdefgijk", "end")
}

fn ltp_lseek07_in_middle() -> Check {
    lseek07(2, b"abijkfg", "middle")
}

// ---------------------------------------------------------------------------
// LTP pipe

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz\0";

/// pipe01: what is written to a pipe is read back, all of it, in one read.
fn ltp_pipe01() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    write_exact(&w, ALPHABET, "write")?;
    eq("read", read_n(&r, 128).ctx("read")?, ALPHABET.to_vec())?;
    close(r, "close read end")?;
    close(w, "close write end")
}

/// pipe03: write on the read end and read on the write end are EBADF.
fn ltp_pipe03() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    expect_errno("write(read end)", vio::write(&r, b"A"), EBADF)?;
    expect_errno("read(write end)", read_n(&w, 1), EBADF)
}

/// pipe06: with one number left below the limit, pipe is EMFILE (it needs
/// two), and the one free number stays free.
fn ltp_pipe06() -> Check {
    let mut held = Vec::new();
    loop {
        let (r, w) = pipe().ctx("pipe while filling")?;
        let last = w.as_raw_fd();
        held.push(r);
        held.push(w);
        if last >= LIMIT - 2 {
            break;
        }
    }
    eq(
        "highest number",
        held.last().map(|f| f.as_raw_fd()),
        Some(LIMIT - 2),
    )?;
    expect_errno("pipe", pipe(), EMFILE)?;
    ensure("1023 still free", !is_open(LIMIT - 1))?;
    eq("dup takes 1023", vio::dup_raw(1).ctx("dup")?, LIMIT - 1)?;
    vio::close_raw(LIMIT - 1).ctx("close 1023")
}

/// pipe07: pipes open every number they can: the free numbers rounded
/// down to an even count, then EMFILE.
fn ltp_pipe07() -> Check {
    let open_now = (0..LIMIT).filter(|&n| is_open(n)).count();
    let want = (LIMIT as usize - open_now) / 2 * 2;
    let mut held = Vec::new();
    let err = loop {
        match pipe() {
            Ok((r, w)) => {
                held.push(r);
                held.push(w);
            }
            Err(e) => break e,
        }
        if held.len() > 2 * LIMIT as usize {
            return Err("no limit reached".into());
        }
    };
    eq("error", err.raw_os_error(), Some(EMFILE))?;
    eq("numbers opened by pipe", held.len(), want)
}

/// pipe08: a write with no read end left is EPIPE.
fn ltp_pipe08() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    close(r, "close read end")?;
    expect_errno("write", vio::write(&w, ALPHABET), EPIPE)
}

/// pipe09: two writers on one pipe (here two numbers for its write end),
/// each writing 50 one-byte writes: the reader gets all 100, then end of
/// file once both are closed.
fn ltp_pipe09() -> Check {
    let (r, w1) = pipe().ctx("pipe")?;
    let w2 = vio::dup(&w1).ctx("dup write end")?;
    for _ in 0..50 {
        write_exact(&w1, b"A", "write A")?;
    }
    for _ in 0..50 {
        write_exact(&w2, b"B", "write B")?;
    }
    close(w1, "close first writer")?;
    close(w2, "close second writer")?;
    let got = vfd_test_guests::read_all(&r).ctx("read")?;
    let a = got.iter().filter(|&&b| b == b'A').count();
    let b = got.iter().filter(|&&b| b == b'B').count();
    eq("A count", a, 50)?;
    eq("B count", b, 50)?;
    eq("total", got.len(), 100)
}

/// The reader counts of pipe11's six cases.
const PIPE11_READERS: [usize; 6] = [1, 2, 3, 4, 10, 50];

/// pipe11: PIPE_BUF bytes split between `n` readers (here `n` numbers for
/// the read end): each read of its share returns exactly that share, in
/// order.
fn ltp_pipe11(n: usize) -> Check {
    const PIPE_BUF: usize = 4096;
    let share = PIPE_BUF / n;
    let data: Vec<u8> = (0..n).flat_map(|_| (0..share).map(|j| j as u8)).collect();
    let (r, w) = pipe().ctx("pipe")?;
    write_exact(&w, &data, "write")?;
    let mut readers = vec![r];
    for _ in 1..n {
        readers.push(vio::dup(&readers[0]).ctx("dup read end")?);
    }
    for (i, reader) in readers.iter().enumerate() {
        let got = read_n(reader, share).ctx("read")?;
        eq(&format!("reader {i} length"), got.len(), share)?;
        let want: Vec<u8> = (0..share).map(|j| j as u8).collect();
        ensure(&format!("reader {i} bytes"), got == want)?;
    }
    Ok(())
}

/// pipe12: a non-blocking pipe of the pipe's capacity.
fn pipe12_pipe() -> Result<(OwnedFd, OwnedFd, usize), String> {
    let cap = pipe_capacity()?;
    let (r, w) = pipe().ctx("pipe")?;
    vio::fcntl_setfl(&w, StatusFlags::NONBLOCK).ctx("F_SETFL write end")?;
    vio::fcntl_setfl(&r, StatusFlags::NONBLOCK).ctx("F_SETFL read end")?;
    Ok((r, w, cap))
}

/// pipe12, first case: a full non-blocking pipe takes no more: EAGAIN, and
/// it holds its capacity.
fn ltp_pipe12_full() -> Check {
    let (r, w, cap) = pipe12_pipe()?;
    write_exact(&w, &vec![b'x'; cap], "fill")?;
    expect_errno("write to full pipe", vio::write(&w, b"x"), EAGAIN)?;
    eq("bytes held", drain(&r)?.len(), cap)
}

/// pipe12, second case: more than the capacity written to a non-empty
/// non-blocking pipe is a short write, not an error.
fn ltp_pipe12_non_empty() -> Check {
    let (r, w, cap) = pipe12_pipe()?;
    write_exact(&w, b"x", "first byte")?;
    let n = vio::write(&w, &vec![b'x'; cap + 4096]).ctx("write")?;
    ensure("some written", n > 0)?;
    ensure("no more than the room left", n < cap)?;
    eq("bytes held", drain(&r)?.len(), 1 + n)
}

/// pipe12, third case: more than the capacity written to an empty
/// non-blocking pipe writes exactly the capacity.
fn ltp_pipe12_empty() -> Check {
    let (r, w, cap) = pipe12_pipe()?;
    eq(
        "written",
        vio::write(&w, &vec![b'x'; cap + 4096]).ctx("write")?,
        cap,
    )?;
    eq("bytes held", drain(&r)?.len(), cap)
}

/// pipe14: once the write end is closed, the reader gets what is left,
/// then end of file.
fn ltp_pipe14() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    write_exact(&w, ALPHABET, "write")?;
    close(w, "close write end")?;
    eq(
        "remaining data",
        read_n(&r, ALPHABET.len()).ctx("read")?,
        ALPHABET.to_vec(),
    )?;
    eq("end of file", vio::read(&r, &mut [0u8; 1]).ctx("read")?, 0)
}

// ---------------------------------------------------------------------------
// LTP pipe2

/// pipe2_01, no flags: neither end has close-on-exec.
fn ltp_pipe2_01_no_flags() -> Check {
    let (r, w) = pipe_with(FdFlags::empty(), StatusFlags::empty()).ctx("pipe2")?;
    eq(
        "read end",
        vio::fcntl_getfd(&r).ctx("F_GETFD")?,
        FdFlags::empty(),
    )?;
    eq(
        "write end",
        vio::fcntl_getfd(&w).ctx("F_GETFD")?,
        FdFlags::empty(),
    )
}

/// pipe2_01, O_CLOEXEC: both ends have close-on-exec.
fn ltp_pipe2_01_cloexec() -> Check {
    let (r, w) = pipe_with(FdFlags::CLOEXEC, StatusFlags::empty()).ctx("pipe2")?;
    eq(
        "read end",
        vio::fcntl_getfd(&r).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )?;
    eq(
        "write end",
        vio::fcntl_getfd(&w).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )
}

/// pipe2_01, O_NONBLOCK: F_GETFL shows it on both ends.
fn ltp_pipe2_01_nonblock() -> Check {
    let (r, w) = pipe_with(FdFlags::empty(), StatusFlags::NONBLOCK).ctx("pipe2")?;
    ensure("read end", nonblocking(&r)?)?;
    ensure("write end", nonblocking(&w)?)
}

/// pipe2_04, first half: a full pipe made with O_NONBLOCK refuses one more
/// byte with EAGAIN.
fn ltp_pipe2_04_full_write_eagain() -> Check {
    let (_r, w) = pipe_with(FdFlags::empty(), StatusFlags::NONBLOCK).ctx("pipe2")?;
    ensure("O_NONBLOCK set", nonblocking(&w)?)?;
    let cap = fill(&w, 4096)?;
    ensure("filled", cap > 0)?;
    expect_errno("write to full pipe", vio::write(&w, b"x"), EAGAIN)
}

/// pipe2_04, second half: with O_NONBLOCK cleared, a full pipe's write end
/// is not writable: a write would wait (the case sees a child block; a
/// guest polls instead of blocking itself).
fn ltp_pipe2_04_full_blocking_waits() -> Check {
    let (_r, w) = pipe_with(FdFlags::empty(), StatusFlags::NONBLOCK).ctx("pipe2")?;
    fill(&w, 4096)?;
    vio::fcntl_setfl(&w, StatusFlags::empty()).ctx("clear O_NONBLOCK")?;
    ensure("O_NONBLOCK cleared", !nonblocking(&w)?)?;
    let (n, revents) = poll_one(&w, PollFlags::OUT, Some(Duration::from_millis(20)))?;
    eq("ready", n, 0)?;
    eq("revents", revents, PollFlags::empty())
}

// ---------------------------------------------------------------------------
// gVisor dup.cc

/// A new file for the gVisor cases, opened read-only.
fn gvisor_file(name: &str) -> Result<(Scratch, File), String> {
    let s = Scratch::with(name, b"")?;
    let f = s.open(OpenOptions::new().read(true))?;
    Ok((s, f))
}

/// CheckSameFile: the same inode (vfd's fstat has no device number; every
/// file here is in the one /data mount).
fn same_file(a: impl AsFd, b: impl AsFd) -> Check {
    eq("same inode", inode(a)?, inode(b)?)
}

/// DupTest.Dup: dup gives another number for the same file.
fn gvisor_dup_dup() -> Check {
    let (_s, f) = gvisor_file("gv-dup")?;
    let d = vio::dup(&f).ctx("dup")?;
    ensure("new number", d.as_raw_fd() != f.as_raw_fd())?;
    same_file(&f, &d)
}

/// DupTest.DupClearsCloExec: the dup of a close-on-exec number has it
/// clear (the case uses an eventfd; here a file opened O_CLOEXEC).
fn gvisor_dup_dup_clears_cloexec() -> Check {
    let s = Scratch::with("gv-cloexec", b"")?;
    let f = s.open(OpenOptions::new().read(true).cloexec(true))?;
    eq(
        "F_GETFD",
        vio::fcntl_getfd(&f).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )?;
    let d = vio::dup(&f).ctx("dup")?;
    ensure("new number", d.as_raw_fd() != f.as_raw_fd())?;
    same_file(&f, &d)?;
    eq(
        "dup's F_GETFD",
        vio::fcntl_getfd(&d).ctx("F_GETFD")?,
        FdFlags::empty(),
    )
}

/// DupTest.Dup2: dup2 over an open dup returns that number, same file.
fn gvisor_dup_dup2() -> Check {
    let (_s, f) = gvisor_file("gv-dup2")?;
    let d = vio::dup(&f).ctx("dup")?;
    ensure("new number", d.as_raw_fd() != f.as_raw_fd())?;
    same_file(&f, &d)?;
    let target = d.into_raw_fd();
    eq(
        "dup2",
        vio::dup2_raw(f.as_raw_fd(), target).ctx("dup2")?,
        target,
    )?;
    same_file(&f, raw(target))?;
    vio::close_raw(target).ctx("close target")
}

/// DupTest.Rlimit, with the table limit standing in for RLIMIT_NOFILE:
/// dup3 onto the limit fails, and dups fill exactly the numbers from the
/// file's up to the limit, in increasing order.
fn gvisor_dup_rlimit() -> Check {
    let (_s, f) = gvisor_file("gv-rlimit")?;
    expect_errno(
        "dup3(fd, limit)",
        vio::dup3_raw(f.as_raw_fd(), LIMIT, FdFlags::empty()),
        EBADF,
    )?;
    let (held, err) = dup_until_full(&f)?;
    let mut prev = f.as_raw_fd();
    for d in &held {
        let n = d.as_raw_fd();
        ensure(&format!("{n} below the limit"), n < LIMIT)?;
        ensure(&format!("{n} above {prev}"), n > prev)?;
        prev = n;
    }
    eq(
        "dups made",
        held.len(),
        (LIMIT - f.as_raw_fd() - 1) as usize,
    )?;
    eq("error", err.raw_os_error(), Some(EMFILE))
}

/// DupTest.Dup2SameFD.
fn gvisor_dup_dup2_same_fd() -> Check {
    let (_s, f) = gvisor_file("gv-dup2-same")?;
    let n = f.as_raw_fd();
    eq("dup2(fd, fd)", vio::dup2_raw(n, n).ctx("dup2")?, n)
}

/// DupTest.Dup3: dup3 over a dup with flags 0 leaves close-on-exec clear;
/// again with O_CLOEXEC sets it.
fn gvisor_dup_dup3() -> Check {
    let (_s, f) = gvisor_file("gv-dup3")?;
    let target = vio::dup(&f).ctx("dup")?.into_raw_fd();
    same_file(&f, raw(target))?;
    let n = f.as_raw_fd();
    eq(
        "dup3 flags 0",
        vio::dup3_raw(n, target, FdFlags::empty()).ctx("dup3")?,
        target,
    )?;
    same_file(&f, raw(target))?;
    eq(
        "F_GETFD after flags 0",
        vio::fcntl_getfd(raw(target)).ctx("F_GETFD")?,
        FdFlags::empty(),
    )?;
    eq(
        "dup3 O_CLOEXEC",
        vio::dup3_raw(n, target, FdFlags::CLOEXEC).ctx("dup3")?,
        target,
    )?;
    same_file(&f, raw(target))?;
    eq(
        "F_GETFD after O_CLOEXEC",
        vio::fcntl_getfd(raw(target)).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )?;
    vio::close_raw(target).ctx("close target")
}

/// DupTest.Dup3FailsSameFD.
fn gvisor_dup_dup3_fails_same_fd() -> Check {
    let (_s, f) = gvisor_file("gv-dup3-same")?;
    let n = f.as_raw_fd();
    expect_errno(
        "dup3(fd, fd, 0)",
        vio::dup3_raw(n, n, FdFlags::empty()),
        EINVAL,
    )
}

// ---------------------------------------------------------------------------
// gVisor lseek.cc

const HELLO: &[u8] = b"hello world\n";

/// A file holding "hello world\n", opened read-write.
fn hello_file(name: &str) -> Result<(Scratch, File), String> {
    let s = Scratch::with(name, HELLO)?;
    let f = s.rw()?;
    Ok((s, f))
}

/// LseekTest.NegativeOffset: a seek before the start is EINVAL.
fn gvisor_lseek_negative_offset() -> Check {
    let (_s, f) = hello_file("gv-lseek-neg")?;
    expect_errno(
        "lseek(-13, SEEK_CUR)",
        vio::seek(&f, SeekFrom::Current(-(HELLO.len() as i64 + 1))),
        EINVAL,
    )
}

/// LseekTest.Overflow: end + i64::MAX cannot be an offset: EINVAL.
fn gvisor_lseek_overflow() -> Check {
    let (_s, f) = hello_file("gv-lseek-overflow")?;
    expect_errno(
        "lseek(i64::MAX, SEEK_END)",
        vio::seek(&f, SeekFrom::End(i64::MAX)),
        EINVAL,
    )?;
    host_errno(
        "host lseek(i64::MAX, SEEK_END)",
        host::seek(f.as_raw_fd() as u32, i64::MAX, Whence::End),
        Errno::Inval,
    )
}

/// Read one byte at the current offset.
fn byte(f: impl AsFd) -> Result<u8, String> {
    let got = read_n(f, 1).ctx("read")?;
    got.first()
        .copied()
        .ok_or_else(|| "read: end of file".into())
}

/// LseekTest.Set.
fn gvisor_lseek_set() -> Check {
    let (_s, f) = hello_file("gv-lseek-set")?;
    eq(
        "lseek(0, SET)",
        vio::seek(&f, SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq("byte 0", byte(&f)?, HELLO[0])?;
    eq(
        "lseek(6, SET)",
        vio::seek(&f, SeekFrom::Start(6)).ctx("seek")?,
        6,
    )?;
    eq("byte 6", byte(&f)?, HELLO[6])
}

/// LseekTest.Cur.
fn gvisor_lseek_cur() -> Check {
    let (_s, f) = hello_file("gv-lseek-cur")?;
    eq(
        "lseek(0, SET)",
        vio::seek(&f, SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq("byte 0", byte(&f)?, HELLO[0])?;
    eq(
        "lseek(3, CUR)",
        vio::seek(&f, SeekFrom::Current(3)).ctx("seek")?,
        4,
    )?;
    eq("byte 4", byte(&f)?, HELLO[4])
}

/// LseekTest.End.
fn gvisor_lseek_end() -> Check {
    let (_s, f) = hello_file("gv-lseek-end")?;
    eq(
        "lseek(0, SET)",
        vio::seek(&f, SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq("byte 0", byte(&f)?, HELLO[0])?;
    eq(
        "lseek(-2, END)",
        vio::seek(&f, SeekFrom::End(-2)).ctx("seek")?,
        10,
    )?;
    eq("byte 10", byte(&f)?, HELLO[HELLO.len() - 2])
}

/// LseekTest.InvalidFD: lseek(-1, 0, SEEK_SET) is EBADF.
fn gvisor_lseek_invalid_fd() -> Check {
    expect_errno("lseek(-1)", vio::seek(raw(-1), SeekFrom::Start(0)), EBADF)?;
    host_errno(
        "host lseek(-1)",
        host::seek(MINUS_ONE, 0, Whence::Set),
        Errno::Badf,
    )
}

/// LseekTest.DirCurEnd: a directory opened read-only is at offset 0.
fn gvisor_lseek_dir_cur_end() -> Check {
    let d = File::open("/data").ctx("open /data")?;
    eq("lseek(0, CUR)", offset(&d).ctx("seek")?, 0)
}

/// SEEK_END on a directory: Linux gives MAX_LFS_FILESIZE on some
/// filesystems (ext4, tmpfs...) and EINVAL on others.
fn dir_seek_end_ok(d: impl AsFd) -> Check {
    match vio::seek(d, SeekFrom::End(0)) {
        Ok(n) => eq("lseek(0, END)", n, i64::MAX as u64),
        Err(e) => eq("lseek(0, END) error", e.raw_os_error(), Some(EINVAL)),
    }
}

/// LseekTest.SeekCurrentDir: the current directory, opened, seeks to
/// SEEK_CUR and to SEEK_END as the filesystem allows.
fn gvisor_lseek_seek_current_dir() -> Check {
    let before = vfd::env::current_dir().ctx("getcwd")?;
    vfd::env::set_current_dir("/data/sub").ctx("chdir /data/sub")?;
    let result = (|| {
        let cwd = vfd::env::current_dir().ctx("getcwd")?;
        let d = File::open(&cwd).ctx("open cwd")?;
        offset(&d).ctx("lseek(0, CUR)")?;
        dir_seek_end_ok(&d)
    })();
    vfd::env::set_current_dir(&before).ctx("chdir back")?;
    result
}

/// LseekTest.EtcPasswdDup: on a read-only file, a seek past the end
/// through one number is the offset of its dups, old and new (the case's
/// /etc/passwd is the read-only mount's file here).
fn gvisor_lseek_etc_passwd_dup() -> Check {
    let f1 = File::open("/ro/ro.txt").ctx("open /ro/ro.txt")?;
    let f2 = vio::dup(&f1).ctx("dup")?;
    eq("fd1 offset", offset(&f1).ctx("seek")?, 0)?;
    eq("fd2 offset", offset(&f2).ctx("seek")?, 0)?;
    vio::seek(&f1, SeekFrom::Current(1000)).ctx("lseek(1000, CUR)")?;
    eq("fd2 after", offset(&f2).ctx("seek")?, 1000)?;
    let f3 = vio::dup(&f1).ctx("dup")?;
    eq("fd3", offset(&f3).ctx("seek")?, 1000)
}

// ---------------------------------------------------------------------------
// gVisor pipe.cc

/// The anonymous pipe creators of PipeTest's parameters (the `smallbuffer`
/// one needs F_SETPIPE_SZ and the named ones mkfifo, neither in vfd).
#[derive(Clone, Copy, Debug)]
enum Creator {
    Pipe,
    Pipe2Blocking,
    Pipe2NonBlocking,
}

const CREATORS: [Creator; 3] = [
    Creator::Pipe,
    Creator::Pipe2Blocking,
    Creator::Pipe2NonBlocking,
];

/// Make a pipe with `c`, then make both ends blocking or not as the case
/// asks, through F_SETFL (as PipeTest's fixture does).
fn make(c: Creator, blocking: bool) -> Result<(OwnedFd, OwnedFd), String> {
    let ((r, w), made_blocking) = match c {
        Creator::Pipe => (pipe().ctx("pipe")?, true),
        Creator::Pipe2Blocking => (
            pipe_with(FdFlags::empty(), StatusFlags::empty()).ctx("pipe2(0)")?,
            true,
        ),
        Creator::Pipe2NonBlocking => (
            pipe_with(FdFlags::empty(), StatusFlags::NONBLOCK).ctx("pipe2(O_NONBLOCK)")?,
            false,
        ),
    };
    if made_blocking != blocking {
        let flags = if blocking {
            StatusFlags::empty()
        } else {
            StatusFlags::NONBLOCK
        };
        vio::fcntl_setfl(&r, flags).ctx("F_SETFL read end")?;
        vio::fcntl_setfl(&w, flags).ctx("F_SETFL write end")?;
    }
    Ok((r, w))
}

/// Run `case` on a pipe from each creator, naming the creator on failure.
fn each_creator(blocking: bool, case: impl Fn(OwnedFd, OwnedFd) -> Check) -> Check {
    for c in CREATORS {
        let (r, w) = make(c, blocking).map_err(|e| format!("{c:?}: {e}"))?;
        case(r, w).map_err(|e| format!("{c:?}: {e}"))?;
    }
    Ok(())
}

/// kTestValue, as the bytes of the int the cases write.
const TEST_VALUE: [u8; 4] = 0x1234_5678u32.to_ne_bytes();

/// PipeTest.Inode: both ends stat as the same inode.
fn gvisor_pipe_inode() -> Check {
    each_creator(true, |r, w| eq("inode", inode(&r)?, inode(&w)?))
}

/// PipeTest.Permissions: write on the read end, read on the write end:
/// EBADF.
fn gvisor_pipe_permissions() -> Check {
    each_creator(true, |r, w| {
        expect_errno("write(read end)", vio::write(&r, &TEST_VALUE), EBADF)?;
        expect_errno("read(write end)", read_n(&w, 4), EBADF)
    })
}

/// PipeTest.Flags: F_GETFL is O_RDONLY on the read end and O_WRONLY on the
/// write end, with no status flag.
fn gvisor_pipe_flags() -> Check {
    each_creator(true, |r, w| {
        eq(
            "read end mode",
            vio::access_mode(&r).ctx("mode")?,
            AccessMode::ReadOnly,
        )?;
        eq(
            "read end flags",
            vio::fcntl_getfl(&r).ctx("F_GETFL")?,
            StatusFlags::empty(),
        )?;
        eq(
            "write end mode",
            vio::access_mode(&w).ctx("mode")?,
            AccessMode::WriteOnly,
        )?;
        eq(
            "write end flags",
            vio::fcntl_getfl(&w).ctx("F_GETFL")?,
            StatusFlags::empty(),
        )
    })
}

/// PipeTest.Write: an int written is the int read.
fn gvisor_pipe_write() -> Check {
    each_creator(true, |r, w| {
        write_exact(&w, &TEST_VALUE, "write")?;
        eq("read", read_n(&r, 4).ctx("read")?, TEST_VALUE.to_vec())
    })
}

/// PipeTest.WritePage: a page of random bytes goes through in one write
/// and one read.
fn gvisor_pipe_write_page() -> Check {
    let page = pattern(4096, 7);
    each_creator(true, |r, w| {
        write_exact(&w, &page, "write")?;
        let got = read_n(&r, page.len()).ctx("read")?;
        eq("read length", got.len(), page.len())?;
        ensure("same bytes", got == page)
    })
}

/// PipeTest.NonBlocking: an empty non-blocking pipe reads EAGAIN, before
/// and after a write is read back.
fn gvisor_pipe_non_blocking() -> Check {
    each_creator(false, |r, w| {
        expect_errno("read empty", read_n(&r, 4), EAGAIN)?;
        write_exact(&w, &TEST_VALUE, "write")?;
        eq("read", read_n(&r, 4).ctx("read")?, TEST_VALUE.to_vec())?;
        expect_errno("read empty again", read_n(&r, 4), EAGAIN)
    })
}

/// Pipe2Test.CloExec: pipe2(O_CLOEXEC) sets FD_CLOEXEC on both ends, and
/// both close.
fn gvisor_pipe2_cloexec() -> Check {
    let (r, w) = pipe_with(FdFlags::CLOEXEC, StatusFlags::empty()).ctx("pipe2")?;
    eq(
        "read end",
        vio::fcntl_getfd(&r).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )?;
    eq(
        "write end",
        vio::fcntl_getfd(&w).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )?;
    close(r, "close read end")?;
    close(w, "close write end")
}

/// Pipe2Test.BadOptions: a flag pipe2 does not take is EINVAL. The case's
/// 0xDEAD has no WIT spelling; O_APPEND is the one bad flag the interface
/// can carry.
fn gvisor_pipe2_bad_options() -> Check {
    expect_errno(
        "pipe2(O_APPEND)",
        pipe_with(FdFlags::empty(), StatusFlags::APPEND),
        EINVAL,
    )?;
    // Nothing was allocated by the failed call.
    ensure("3 free", !is_open(3))
}

/// PipeTest.Seek: every seek on either end is ESPIPE, with the pipe empty
/// and then holding data, four rounds.
fn gvisor_pipe_seek() -> Check {
    each_creator(true, |r, w| {
        for round in 0..4 {
            for fd in [&r, &w] {
                for pos in [
                    SeekFrom::Start(0),
                    SeekFrom::Start(4),
                    SeekFrom::Current(0),
                    SeekFrom::Current(4),
                    SeekFrom::End(-4),
                ] {
                    expect_errno(
                        &format!("round {round}: lseek({}, {pos:?})", fd.as_raw_fd()),
                        vio::seek(fd, pos),
                        ESPIPE,
                    )?;
                }
            }
            write_exact(&w, &TEST_VALUE, "write")?;
        }
        Ok(())
    })
}

/// PipeTest.OffsetCalls: pread on the write end and pwrite on the read end
/// are ESPIPE (the offset check comes before the access check).
fn gvisor_pipe_offset_calls() -> Check {
    each_creator(true, |r, w| {
        let mut buf = [0u8; 4];
        expect_errno("pread(write end)", vio::pread(&w, &mut buf, 0), ESPIPE)?;
        expect_errno("pwrite(read end)", vio::pwrite(&r, &buf, 0), ESPIPE)
    })
}

/// PipeTest.WriterSideClosesReadDataFirst: data written before the write
/// end closed is read, then end of file.
fn gvisor_pipe_writer_side_closes_read_data_first() -> Check {
    each_creator(true, |r, w| {
        write_exact(&w, &TEST_VALUE, "write")?;
        close(w, "close write end")?;
        eq("read", read_n(&r, 4).ctx("read")?, TEST_VALUE.to_vec())?;
        eq("end of file", read_n(&r, 4).ctx("read")?, Vec::new())
    })
}

/// PipeTest.ReaderSideCloses: with the read end closed, a write is EPIPE.
fn gvisor_pipe_reader_side_closes() -> Check {
    each_creator(true, |r, w| {
        close(r, "close read end")?;
        expect_errno("write", vio::write(&w, &TEST_VALUE), EPIPE)
    })
}

/// PipeTest.CloseTwice: both ends close once; a second close of each is
/// EBADF.
fn gvisor_pipe_close_twice() -> Check {
    each_creator(true, |r, w| {
        let (r, w) = (r.into_raw_fd(), w.into_raw_fd());
        vio::close_raw(r).ctx("close reader")?;
        vio::close_raw(w).ctx("close writer")?;
        expect_errno("close reader again", vio::close_raw(r), EBADF)?;
        expect_errno("close writer again", vio::close_raw(w), EBADF)
    })
}

/// PipeTest.Streaming: four times the pipe's capacity streams through it
/// in 1 KiB writes once it is full, the reader keeping pace in 1 KiB reads.
/// The case has a reader thread; a guest has one thread, so it alternates
/// (each read, then writes until the pipe is full again), with the ends
/// non-blocking so that nothing can hang.
fn gvisor_pipe_streaming() -> Check {
    const CHUNK: usize = 1024;
    let cap = pipe_capacity()?;
    let total = 4 * cap;
    let data = pattern(total, 11);
    each_creator(false, |r, w| {
        let mut written = 0;
        // Fill it first, as the case's writer does before waking the reader.
        while written < cap {
            written += vio::write(&w, &data[written..written + CHUNK]).ctx("fill")?;
        }
        expect_errno(
            "full",
            vio::write(&w, &data[written..written + CHUNK]),
            EAGAIN,
        )?;
        let mut read = 0;
        let mut buf = vec![0u8; CHUNK];
        while read < total {
            let n = vio::read(&r, &mut buf).ctx("read")?;
            eq("read size", n, CHUNK)?;
            ensure(
                &format!("bytes at {read}"),
                buf[..n] == data[read..read + n],
            )?;
            read += n;
            while written < total {
                match vio::write(&w, &data[written..written + CHUNK]) {
                    // At most PIPE_BUF: all of it or nothing.
                    Ok(n) => eq("write size", n, CHUNK)?,
                    Err(e) if e.raw_os_error() == Some(EAGAIN) => break,
                    Err(e) => return Err(format!("write at {written}: {e}")),
                }
                written += CHUNK;
            }
        }
        expect_errno("drained", read_n(&r, 1), EAGAIN)
    })
}

/// PipeTest.ZeroSize: a write and a read of zero bytes return 0.
fn gvisor_pipe_zero_size() -> Check {
    each_creator(true, |r, w| {
        eq("write 0", vio::write(&w, &[]).ctx("write")?, 0)?;
        eq("read 0", vio::read(&r, &mut []).ctx("read")?, 0)
    })
}

// ---------------------------------------------------------------------------
// wasi-libc test/src

/// The create-exclusive read-write open of the wasi-libc tests.
fn create_excl(s: &Scratch) -> Result<File, String> {
    s.open(OpenOptions::new().read(true).write(true).create_new(true))
}

/// dup-file.c: dup's errors, a shared offset through writes on either
/// number, the survivor of a close still writing, F_SETFL seen through a
/// dup, and F_DUPFD's minimum.
fn wasilibc_dup_file() -> Check {
    expect_errno("dup(-1)", vio::dup_raw(-1), EBADF)?;
    host_errno("host dup(-1)", host::dup(MINUS_ONE), Errno::Badf)?;
    expect_errno("dup(1234)", vio::dup_raw(1234), EBADF)?;

    let s = Scratch::path("dup-file.txt");
    let fd = create_excl(&s)?;
    eq("fd", fd.as_raw_fd(), 3)?;
    let fd2 = vio::dup(&fd).ctx("dup")?;
    eq("fd2", fd2.as_raw_fd(), 4)?;

    write_exact(&fd, b"hello ", "write fd")?;
    eq("offset via fd2", offset(&fd2).ctx("seek")?, 6)?;
    write_exact(&fd2, b"world", "write fd2")?;
    eq("offset via fd", offset(&fd).ctx("seek")?, 11)?;

    close(fd, "close fd")?;
    write_exact(&fd2, b"!", "write fd2 after close")?;
    eq(
        "rewind",
        vio::seek(&fd2, SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq(
        "contents",
        read_n(&fd2, 16).ctx("read")?,
        b"hello world!".to_vec(),
    )?;

    let fd3 = vio::dup(&fd2).ctx("dup")?;
    eq("fd3 takes the freed number", fd3.as_raw_fd(), 3)?;
    vio::fcntl_setfl(&fd2, StatusFlags::NONBLOCK).ctx("F_SETFL")?;
    ensure("fd3 sees O_NONBLOCK", nonblocking(&fd3)?)?;
    close(fd3, "close fd3")?;

    let fd4 = vio::fcntl_dupfd(&fd2, 10).ctx("F_DUPFD 10")?;
    eq("fd4", fd4.as_raw_fd(), 10)?;
    eq(
        "SEEK_END",
        vio::seek(&fd4, SeekFrom::End(0)).ctx("seek")?,
        12,
    )?;
    close(fd4, "close fd4")?;
    close(fd2, "close fd2")?;
    s.unlink()
}

/// dup2-file.c: dup2's errors leave the target alone, dup2(a, a), dup2
/// onto an open number and onto a high closed one share a's offset, and
/// the displaced file keeps what was written to it before.
fn wasilibc_dup2_file() -> Check {
    let sa = Scratch::path("dup2-a.txt");
    let sb = Scratch::path("dup2-b.txt");
    let a = create_excl(&sa)?.into_raw_fd();
    let b = create_excl(&sb)?.into_raw_fd();
    eq("a", a, 3)?;
    eq("b", b, 4)?;

    expect_errno("dup2(-1, b)", vio::dup2_raw(-1, b), EBADF)?;
    host_errno(
        "host dup2(-1, b)",
        host::dup2(MINUS_ONE, b as u32),
        Errno::Badf,
    )?;
    expect_errno("dup2(1234, b)", vio::dup2_raw(1234, b), EBADF)?;
    write_exact(raw(b), b"b", "write b")?;
    expect_errno("dup2(a, -1)", vio::dup2_raw(a, -1), EBADF)?;
    host_errno(
        "host dup2(a, -1)",
        host::dup2(a as u32, MINUS_ONE),
        Errno::Badf,
    )?;

    eq("dup2(a, a)", vio::dup2_raw(a, a).ctx("dup2(a, a)")?, a)?;
    expect_errno("dup2(1234, 1234)", vio::dup2_raw(1234, 1234), EBADF)?;

    eq("dup2(a, b)", vio::dup2_raw(a, b).ctx("dup2(a, b)")?, b)?;
    write_exact(raw(b), b"hello", "write b")?;
    eq("offset of a", offset(raw(a)).ctx("seek")?, 5)?;

    let big = 40;
    eq(
        "dup2(a, 40)",
        vio::dup2_raw(a, big).ctx("dup2(a, 40)")?,
        big,
    )?;
    write_exact(raw(big), b" world", "write 40")?;
    eq("offset of a", offset(raw(a)).ctx("seek")?, 11)?;
    vio::close_raw(big).ctx("close 40")?;

    eq(
        "rewind b",
        vio::seek(raw(b), SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq(
        "read b",
        read_n(raw(b), 16).ctx("read")?,
        b"hello world".to_vec(),
    )?;

    let check = File::open(&sb.path).ctx("open dup2-b.txt")?;
    eq("dup2-b.txt", read_n(&check, 16).ctx("read")?, b"b".to_vec())?;
    close(check, "close check")?;

    vio::close_raw(a).ctx("close a")?;
    vio::close_raw(b).ctx("close b")?;
    sa.unlink()?;
    sb.unlink()
}

/// dup3-file.c: dup3's errors, dup3 onto an open number and onto a high
/// closed one with O_CLOEXEC sharing the offset, the high number outliving
/// the others, and 32 fresh opens all distinct.
fn wasilibc_dup3_file() -> Check {
    let sa = Scratch::path("dup3-a.txt");
    let sb = Scratch::path("dup3-b.txt");
    let a = create_excl(&sa)?.into_raw_fd();
    let b = create_excl(&sb)?.into_raw_fd();
    eq("a", a, 3)?;
    eq("b", b, 4)?;
    let none = FdFlags::empty();

    expect_errno("dup3(-1, b, 0)", vio::dup3_raw(-1, b, none), EBADF)?;
    host_errno(
        "host dup3(-1, b, 0)",
        host::dup3(MINUS_ONE, b as u32, none),
        Errno::Badf,
    )?;
    expect_errno("dup3(1234, b, 0)", vio::dup3_raw(1234, b, none), EBADF)?;
    expect_errno("dup3(a, -1, 0)", vio::dup3_raw(a, -1, none), EBADF)?;
    host_errno(
        "host dup3(a, -1, 0)",
        host::dup3(a as u32, MINUS_ONE, none),
        Errno::Badf,
    )?;
    expect_errno("dup3(a, a, 0)", vio::dup3_raw(a, a, none), EINVAL)?;

    write_exact(raw(b), b"b", "write b")?;
    eq("dup3(a, b, 0)", vio::dup3_raw(a, b, none).ctx("dup3")?, b)?;
    write_exact(raw(b), b"hello", "write b")?;
    eq("offset of a", offset(raw(a)).ctx("seek")?, 5)?;

    let big = a + 20;
    eq(
        "dup3(a, big, O_CLOEXEC)",
        vio::dup3_raw(a, big, FdFlags::CLOEXEC).ctx("dup3")?,
        big,
    )?;
    eq(
        "F_GETFD big",
        vio::fcntl_getfd(raw(big)).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )?;
    write_exact(raw(big), b" world", "write big")?;
    eq("offset of a", offset(raw(a)).ctx("seek")?, 11)?;

    eq(
        "rewind a",
        vio::seek(raw(a), SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq(
        "read a",
        read_n(raw(a), 16).ctx("read")?,
        b"hello world".to_vec(),
    )?;

    vio::close_raw(a).ctx("close a")?;
    vio::close_raw(b).ctx("close b")?;
    eq(
        "rewind big",
        vio::seek(raw(big), SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq(
        "read big",
        read_n(raw(big), 16).ctx("read")?,
        b"hello world".to_vec(),
    )?;
    vio::close_raw(big).ctx("close big")?;

    let mut fds: Vec<File> = Vec::new();
    for i in 0..32 {
        let f = File::open(&sb.path).ctx("open dup3-b.txt")?;
        let n = f.as_raw_fd();
        ensure(&format!("open {i} above 2"), n > 2)?;
        ensure(
            &format!("open {i} distinct"),
            fds.iter().all(|g| g.as_raw_fd() != n),
        )?;
        eq("first byte", read_n(&f, 1).ctx("read")?, b"b".to_vec())?;
        fds.push(f);
    }
    for f in fds {
        close(f, "close")?;
    }
    sa.unlink()?;
    sb.unlink()
}

/// fcntl-dupfd.c: F_DUPFD's errors, its minimum (0, the source's own
/// number, a high one), lowest-free reuse by F_DUPFD_CLOEXEC, the shared
/// offset and status flags, and 32 fresh opens all distinct.
fn wasilibc_fcntl_dupfd() -> Check {
    expect_errno("F_DUPFD on -1", vio::fcntl_dupfd(raw(-1), 0), EBADF)?;
    host_errno(
        "host F_DUPFD on -1",
        host::dup_min(MINUS_ONE, 0, FdFlags::empty()),
        Errno::Badf,
    )?;
    expect_errno("F_DUPFD on 1234", vio::fcntl_dupfd(raw(1234), 0), EBADF)?;

    let s = Scratch::path("dupfd.txt");
    let fd = create_excl(&s)?;
    eq("fd", fd.as_raw_fd(), 3)?;
    write_exact(&fd, b"hello", "write")?;

    expect_errno("F_DUPFD min -1", vio::fcntl_dupfd(&fd, -1), EINVAL)?;
    host_errno(
        "host F_DUPFD min -1",
        host::dup_min(3, MINUS_ONE, FdFlags::empty()),
        Errno::Inval,
    )?;
    expect_errno("F_DUPFD min 1<<30", vio::fcntl_dupfd(&fd, 1 << 30), EINVAL)?;

    let d0 = vio::fcntl_dupfd(&fd, 0).ctx("F_DUPFD 0")?;
    eq("d0", d0.as_raw_fd(), 4)?;
    eq("offset of d0", offset(&d0).ctx("seek")?, 5)?;
    vio::fcntl_setfl(&d0, StatusFlags::NONBLOCK).ctx("F_SETFL d0")?;
    ensure("fd sees O_NONBLOCK", nonblocking(&fd)?)?;
    vio::fcntl_setfl(&fd, StatusFlags::empty()).ctx("F_SETFL fd")?;

    let d1 = vio::fcntl_dupfd(&fd, fd.as_raw_fd()).ctx("F_DUPFD fd")?;
    eq("d1", d1.as_raw_fd(), 5)?;

    close(d0, "close d0")?;
    let d2 = vio::fcntl_dupfd(&fd, fd.as_raw_fd() + 10).ctx("F_DUPFD fd+10")?;
    eq("d2", d2.as_raw_fd(), 13)?;

    let d3 = vio::fcntl_dupfd_cloexec(&fd, 0).ctx("F_DUPFD_CLOEXEC 0")?;
    eq("d3 takes d0's number", d3.as_raw_fd(), 4)?;
    eq(
        "F_GETFD d3",
        vio::fcntl_getfd(&d3).ctx("F_GETFD")?,
        FdFlags::CLOEXEC,
    )?;
    eq("offset of d3", offset(&d3).ctx("seek")?, 5)?;

    close(fd, "close fd")?;
    eq(
        "rewind d3",
        vio::seek(&d3, SeekFrom::Start(0)).ctx("seek")?,
        0,
    )?;
    eq("read d3", read_n(&d3, 8).ctx("read")?, b"hello".to_vec())?;
    close(d1, "close d1")?;
    close(d2, "close d2")?;

    let mut fds: Vec<File> = Vec::new();
    for i in 0..32 {
        let f = File::open(&s.path).ctx("open dupfd.txt")?;
        let n = f.as_raw_fd();
        ensure(&format!("open {i} above 2"), n > 2)?;
        ensure(&format!("open {i} not d3"), n != d3.as_raw_fd())?;
        ensure(
            &format!("open {i} distinct"),
            fds.iter().all(|g| g.as_raw_fd() != n),
        )?;
        eq("first byte", read_n(&f, 1).ctx("read")?, b"h".to_vec())?;
        fds.push(f);
    }
    for f in fds {
        close(f, "close")?;
    }
    close(d3, "close d3")?;
    s.unlink()
}

/// sockets-dup.c, on a socket pair rather than a TCP connection over
/// loopback (the guest has no network grant): both numbers of a dup'd
/// socket send on one connection, F_SETFL through one is seen through the
/// other, and the peer reads end of file only when the last one closes.
fn wasilibc_sockets_dup() -> Check {
    let (c, s) = UnixStream::pair().ctx("socketpair")?;
    let c2 = c.try_clone().ctx("dup")?;
    write_exact(&c, b"ping", "send c")?;
    write_exact(&c2, b"pong", "send c2")?;
    let mut got = Vec::new();
    while got.len() < 8 {
        let chunk = read_n(&s, 16 - got.len()).ctx("recv")?;
        ensure("recv > 0", !chunk.is_empty())?;
        got.extend_from_slice(&chunk);
    }
    eq("received", got, b"pingpong".to_vec())?;

    vio::fcntl_setfl(&c, StatusFlags::NONBLOCK).ctx("F_SETFL c")?;
    ensure("c2 sees O_NONBLOCK", nonblocking(&c2)?)?;
    expect_errno("recv on c2", read_n(&c2, 16), EAGAIN)?;
    vio::fcntl_setfl(&c, StatusFlags::empty()).ctx("F_SETFL c")?;

    close(c, "close c")?;
    write_exact(&c2, b"!", "send c2 after close")?;
    eq("recv", read_n(&s, 16).ctx("recv")?, b"!".to_vec())?;
    close(c2, "close c2")?;
    eq("end of file", read_n(&s, 16).ctx("recv")?, Vec::new())?;
    close(s, "close s")
}

/// pipe_setfl_independent.c: a pipe's two ends are two open descriptions:
/// O_NONBLOCK set on the read end is not on the write end, and clearing it
/// on the write end leaves the read end's.
fn wasilibc_pipe_setfl_independent() -> Check {
    let (r, w) = pipe().ctx("pipe")?;
    vio::fcntl_setfl(&r, StatusFlags::NONBLOCK).ctx("F_SETFL read end")?;
    ensure("read end O_NONBLOCK", nonblocking(&r)?)?;
    ensure("write end still blocking", !nonblocking(&w)?)?;
    vio::fcntl_setfl(&w, StatusFlags::empty()).ctx("F_SETFL write end")?;
    ensure("read end keeps O_NONBLOCK", nonblocking(&r)?)?;
    close(r, "close read end")?;
    close(w, "close write end")
}
