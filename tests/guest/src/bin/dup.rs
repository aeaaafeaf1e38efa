//! The dup family: number allocation, shared descriptions, descriptor flags,
//! and the edge cases of dup2, dup3 and F_DUPFD, each against the result
//! Linux gives.
//!
//! A fresh guest holds 0, 1 and 2, so its first open gets 3. The harness
//! closes anything a check leaves open, so every check starts from there.

use std::io::SeekFrom;

use vfd::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use vfd::fs::{self, File, OpenOptions};
use vfd::io::{self as vio, FdFlags, StatusFlags};
use vfd_test_guests::errno::{EBADF, EINVAL, EMFILE};
use vfd_test_guests::{Check, Checks, Ctx, ensure, eq, expect_errno, offset, raw, read_n};

const FILE: &str = "/data/dup-test.txt";
const OTHER: &str = "/data/dup-other.txt";

/// The default table limit (RLIMIT_NOFILE) of a vfd guest.
const LIMIT: i32 = 1024;

fn open() -> Result<File, String> {
    File::open(FILE).ctx("open dup-test.txt")
}

fn open_other() -> Result<File, String> {
    File::open(OTHER).ctx("open dup-other.txt")
}

fn main() {
    let mut c = Checks::new();
    c.run("setup", setup);
    c.run("first_open_is_3", first_open_is_3);
    c.run("lowest_free", lowest_free);
    c.run("dup_shares_offset", dup_shares_offset);
    c.run("dup_clears_cloexec", dup_clears_cloexec);
    c.run("dup_shares_access_mode", dup_shares_access_mode);
    c.run("dup2_replaces_open_target", dup2_replaces_open_target);
    c.run("dup2_displaced_kept_by_dup", dup2_displaced_kept_by_dup);
    c.run("dup2_same_fd", dup2_same_fd);
    c.run("dup2_same_closed_fd", dup2_same_closed_fd);
    c.run("dup2_closed_source", dup2_closed_source);
    c.run("dup2_closed_target", dup2_closed_target);
    c.run("dup2_clears_cloexec", dup2_clears_cloexec);
    c.run("dup2_target_over_limit", dup2_target_over_limit);
    c.run("dup2_negative_target", dup2_negative_target);
    c.run("dup3_same_fd", dup3_same_fd);
    c.run("dup3_cloexec", dup3_cloexec);
    c.run("dup3_flags_per_number", dup3_flags_per_number);
    c.run("dupfd_min", dupfd_min);
    c.run("dupfd_cloexec", dupfd_cloexec);
    c.run("dupfd_min_over_limit", dupfd_min_over_limit);
    c.run("close_closed", close_closed);
    c.run("double_close", double_close);
    c.run("setfd_per_number", setfd_per_number);
    c.run("setfl_shared", setfl_shared);
    c.run("close_last_dup", close_last_dup);
    c.run("try_clone_is_dup", try_clone_is_dup);
    c.run("limit_boundary", limit_boundary);
    c.run("emfile", emfile);
    c.run("teardown", teardown);
    c.finish();
}

fn setup() -> Check {
    fs::write(FILE, "0123456789").ctx("write dup-test.txt")?;
    fs::write(OTHER, "other").ctx("write dup-other.txt")
}

/// A fresh guest holds 0, 1 and 2 only.
fn first_open_is_3() -> Check {
    let f = open()?;
    eq("first open", f.as_raw_fd(), 3)
}

/// open 3, open 4, close 3: dup gives 3, the lowest free number.
fn lowest_free() -> Check {
    let a = open()?;
    let b = open()?;
    eq("a", a.as_raw_fd(), 3)?;
    eq("b", b.as_raw_fd(), 4)?;
    drop(a);
    let c = vio::dup(&b).ctx("dup")?;
    eq("dup after closing 3", c.as_raw_fd(), 3)?;
    let d = vio::dup(&b).ctx("dup")?;
    eq("next dup", d.as_raw_fd(), 5)
}

/// A read through one duplicate moves the offset seen by the other.
fn dup_shares_offset() -> Check {
    let f = open()?;
    let g = vio::dup(&f).ctx("dup")?;
    eq("read f", read_n(&f, 3).ctx("read f")?, b"012".to_vec())?;
    eq("read g", read_n(&g, 3).ctx("read g")?, b"345".to_vec())?;
    eq("offset f", offset(&f).ctx("seek f")?, 6)?;
    eq("offset g", offset(&g).ctx("seek g")?, 6)?;
    eq(
        "seek g",
        vio::seek(&g, SeekFrom::Start(1)).ctx("seek g")?,
        1,
    )?;
    eq(
        "read f after seek g",
        read_n(&f, 2).ctx("read f")?,
        b"12".to_vec(),
    )
}

/// dup clears close-on-exec on the new number only.
fn dup_clears_cloexec() -> Check {
    let f = OpenOptions::new()
        .read(true)
        .cloexec(true)
        .open(FILE)
        .ctx("open cloexec")?;
    eq(
        "O_CLOEXEC",
        vio::fcntl_getfd(&f).ctx("getfd f")?,
        FdFlags::CLOEXEC,
    )?;
    let g = vio::dup(&f).ctx("dup")?;
    eq(
        "dup",
        vio::fcntl_getfd(&g).ctx("getfd g")?,
        FdFlags::empty(),
    )?;
    eq(
        "original keeps it",
        vio::fcntl_getfd(&f).ctx("getfd f")?,
        FdFlags::CLOEXEC,
    )
}

/// The access mode belongs to the description, so a dup has it too.
fn dup_shares_access_mode() -> Check {
    let f = OpenOptions::new()
        .write(true)
        .open(OTHER)
        .ctx("open write-only")?;
    let g = vio::dup(&f).ctx("dup")?;
    eq(
        "mode",
        vio::access_mode(&g).ctx("access mode")?,
        vio::AccessMode::WriteOnly,
    )?;
    expect_errno("read dup of write-only", read_n(&g, 1), EBADF)
}

/// dup2 onto an open number replaces it: the number now reads the new file,
/// sharing its offset.
fn dup2_replaces_open_target() -> Check {
    let a = open()?;
    let mut b: OwnedFd = open_other()?.into();
    eq("b", b.as_raw_fd(), 4)?;
    vio::dup2(&a, &mut b).ctx("dup2")?;
    eq("target number", b.as_raw_fd(), 4)?;
    eq(
        "read target",
        read_n(&b, 4).ctx("read b")?,
        b"0123".to_vec(),
    )?;
    eq("read source", read_n(&a, 2).ctx("read a")?, b"45".to_vec())?;
    // The displaced description was the last reference to dup-other.txt,
    // so it is gone: no number reads "other" any more.
    let c = open()?;
    eq("next free", c.as_raw_fd(), 5)
}

/// The description displaced by dup2 lives on while another dup holds it.
fn dup2_displaced_kept_by_dup() -> Check {
    let a = open()?;
    let mut b: OwnedFd = open_other()?.into();
    let keep = vio::dup(&b).ctx("dup")?;
    eq("keep", keep.as_raw_fd(), 5)?;
    vio::dup2(&a, &mut b).ctx("dup2")?;
    eq(
        "keep reads other",
        read_n(&keep, 16).ctx("read keep")?,
        b"other".to_vec(),
    )?;
    eq(
        "target reads file",
        read_n(&b, 3).ctx("read b")?,
        b"012".to_vec(),
    )
}

/// dup2(fd, fd) returns fd when it is open, and changes nothing.
fn dup2_same_fd() -> Check {
    let f = OpenOptions::new()
        .read(true)
        .cloexec(true)
        .open(FILE)
        .ctx("open cloexec")?;
    eq("dup2(3, 3)", vio::dup2_raw(3, 3).ctx("dup2(3, 3)")?, 3)?;
    // Linux leaves the flags alone when the numbers are equal.
    eq(
        "flags kept",
        vio::fcntl_getfd(&f).ctx("getfd")?,
        FdFlags::CLOEXEC,
    )?;
    eq("still reads", read_n(&f, 2).ctx("read")?, b"01".to_vec())
}

/// dup2(fd, fd) on a closed number is EBADF.
fn dup2_same_closed_fd() -> Check {
    expect_errno("dup2(5, 5)", vio::dup2_raw(5, 5), EBADF)
}

/// dup2 from a closed number is EBADF and leaves the target alone.
fn dup2_closed_source() -> Check {
    let f = open()?;
    expect_errno("dup2(77, 3)", vio::dup2_raw(77, 3), EBADF)?;
    eq("target intact", read_n(&f, 3).ctx("read")?, b"012".to_vec())
}

/// dup2 onto a closed number opens it, sharing the description.
fn dup2_closed_target() -> Check {
    let f = open()?;
    eq("dup2(3, 20)", vio::dup2_raw(3, 20).ctx("dup2(3, 20)")?, 20)?;
    // SAFETY: 20 was just made by dup2 and nothing else owns it.
    let g = unsafe { OwnedFd::from_raw_fd(20) };
    eq("read 20", read_n(&g, 2).ctx("read 20")?, b"01".to_vec())?;
    eq("offset 3", offset(&f).ctx("seek 3")?, 2)?;
    eq("next free", vio::dup(&f).ctx("dup")?.as_raw_fd(), 4)
}

/// dup2 clears close-on-exec on the target.
fn dup2_clears_cloexec() -> Check {
    let f = OpenOptions::new()
        .read(true)
        .cloexec(true)
        .open(FILE)
        .ctx("open cloexec")?;
    let mut t: OwnedFd = OpenOptions::new()
        .read(true)
        .cloexec(true)
        .open(OTHER)
        .ctx("open cloexec")?
        .into();
    vio::dup2(&f, &mut t).ctx("dup2")?;
    eq(
        "target flags",
        vio::fcntl_getfd(&t).ctx("getfd t")?,
        FdFlags::empty(),
    )?;
    eq(
        "source flags",
        vio::fcntl_getfd(&f).ctx("getfd f")?,
        FdFlags::CLOEXEC,
    )
}

/// A dup2 target at or above the table limit is EBADF (not EMFILE).
fn dup2_target_over_limit() -> Check {
    let _f = open()?;
    expect_errno("dup2(3, 1024)", vio::dup2_raw(3, LIMIT), EBADF)?;
    expect_errno("dup2(3, 1000000)", vio::dup2_raw(3, 1_000_000), EBADF)?;
    expect_errno("dup2(3, i32::MAX)", vio::dup2_raw(3, i32::MAX), EBADF)
}

/// A negative dup2 target is EBADF.
fn dup2_negative_target() -> Check {
    let _f = open()?;
    expect_errno("dup2(3, -1)", vio::dup2_raw(3, -1), EBADF)?;
    expect_errno("dup2(3, -100)", vio::dup2_raw(3, -100), EBADF)
}

/// dup3(fd, fd, _) is EINVAL, with or without flags.
fn dup3_same_fd() -> Check {
    let _f = open()?;
    expect_errno(
        "dup3(3, 3, 0)",
        vio::dup3_raw(3, 3, FdFlags::empty()),
        EINVAL,
    )?;
    expect_errno(
        "dup3(3, 3, CLOEXEC)",
        vio::dup3_raw(3, 3, FdFlags::CLOEXEC),
        EINVAL,
    )
}

/// dup3 with O_CLOEXEC sets it on the new number, not on the source.
fn dup3_cloexec() -> Check {
    let f = open()?;
    let mut t: OwnedFd = open_other()?.into();
    vio::dup3(&f, &mut t, FdFlags::CLOEXEC).ctx("dup3")?;
    eq("target", t.as_raw_fd(), 4)?;
    eq(
        "target flags",
        vio::fcntl_getfd(&t).ctx("getfd t")?,
        FdFlags::CLOEXEC,
    )?;
    eq(
        "source flags",
        vio::fcntl_getfd(&f).ctx("getfd f")?,
        FdFlags::empty(),
    )?;
    eq(
        "target reads file",
        read_n(&t, 2).ctx("read t")?,
        b"01".to_vec(),
    )?;
    eq(
        "dup3(3, 10, CLOEXEC)",
        vio::dup3_raw(3, 10, FdFlags::CLOEXEC).ctx("dup3 raw")?,
        10,
    )?;
    eq(
        "flags of 10",
        vio::fcntl_getfd(raw(10)).ctx("getfd 10")?,
        FdFlags::CLOEXEC,
    )?;
    vio::close_raw(10).ctx("close 10")
}

/// dup3 without flags clears close-on-exec on the target, and leaves the
/// source's own flag alone: the flag belongs to each number.
fn dup3_flags_per_number() -> Check {
    let f = OpenOptions::new()
        .read(true)
        .cloexec(true)
        .open(FILE)
        .ctx("open cloexec")?;
    let mut t: OwnedFd = OpenOptions::new()
        .read(true)
        .cloexec(true)
        .open(OTHER)
        .ctx("open cloexec")?
        .into();
    vio::dup3(&f, &mut t, FdFlags::empty()).ctx("dup3")?;
    eq(
        "target flags",
        vio::fcntl_getfd(&t).ctx("getfd t")?,
        FdFlags::empty(),
    )?;
    eq(
        "source flags",
        vio::fcntl_getfd(&f).ctx("getfd f")?,
        FdFlags::CLOEXEC,
    )
}

/// F_DUPFD gives the lowest free number at or above min, without cloexec.
fn dupfd_min() -> Check {
    let f = OpenOptions::new()
        .read(true)
        .cloexec(true)
        .open(FILE)
        .ctx("open")?;
    let a = vio::fcntl_dupfd(&f, 10).ctx("dupfd 10")?;
    eq("first", a.as_raw_fd(), 10)?;
    let b = vio::fcntl_dupfd(&f, 10).ctx("dupfd 10")?;
    eq("second", b.as_raw_fd(), 11)?;
    eq(
        "flags",
        vio::fcntl_getfd(&a).ctx("getfd")?,
        FdFlags::empty(),
    )?;
    let c = vio::fcntl_dupfd(&f, 0).ctx("dupfd 0")?;
    eq("min 0", c.as_raw_fd(), 4)?;
    let d = vio::fcntl_dupfd(&f, 3).ctx("dupfd 3")?;
    eq("min 3", d.as_raw_fd(), 5)?;
    eq("shared offset", read_n(&b, 2).ctx("read")?, b"01".to_vec())?;
    eq("offset via 10", offset(&a).ctx("seek")?, 2)
}

/// F_DUPFD_CLOEXEC sets close-on-exec on the new number.
fn dupfd_cloexec() -> Check {
    let f = open()?;
    let a = vio::fcntl_dupfd_cloexec(&f, 10).ctx("dupfd_cloexec 10")?;
    eq("number", a.as_raw_fd(), 10)?;
    eq(
        "flags",
        vio::fcntl_getfd(&a).ctx("getfd")?,
        FdFlags::CLOEXEC,
    )?;
    eq(
        "source flags",
        vio::fcntl_getfd(&f).ctx("getfd")?,
        FdFlags::empty(),
    )
}

/// F_DUPFD with min at or above the limit is EINVAL (not EBADF, not EMFILE).
fn dupfd_min_over_limit() -> Check {
    let f = open()?;
    expect_errno("dupfd(1024)", vio::fcntl_dupfd(&f, LIMIT), EINVAL)?;
    expect_errno("dupfd(1000000)", vio::fcntl_dupfd(&f, 1_000_000), EINVAL)?;
    expect_errno(
        "dupfd_cloexec(1000000)",
        vio::fcntl_dupfd_cloexec(&f, 1_000_000),
        EINVAL,
    )?;
    expect_errno("dupfd(i32::MAX)", vio::fcntl_dupfd(&f, i32::MAX), EINVAL)?;
    expect_errno("dupfd(-1)", vio::fcntl_dupfd(&f, -1), EINVAL)
}

/// Closing a number that is not open is EBADF and changes nothing.
fn close_closed() -> Check {
    let f = open()?;
    expect_errno("close(5)", vio::close_raw(5), EBADF)?;
    expect_errno("close(77)", vio::close_raw(77), EBADF)?;
    expect_errno("close(-1)", vio::close_raw(-1), EBADF)?;
    eq("3 still reads", read_n(&f, 2).ctx("read")?, b"01".to_vec())?;
    eq("next open", open()?.as_raw_fd(), 4)
}

/// A second close of the same number is EBADF.
fn double_close() -> Check {
    let n = open()?.into_raw_fd();
    eq("number", n, 3)?;
    vio::close_raw(n).ctx("first close")?;
    expect_errno("second close", vio::close_raw(n), EBADF)?;
    expect_errno("read after close", read_n(raw(n), 1), EBADF)
}

/// F_SETFD on one dup is not seen on the other.
fn setfd_per_number() -> Check {
    let f = open()?;
    let g = vio::dup(&f).ctx("dup")?;
    vio::fcntl_setfd(&g, FdFlags::CLOEXEC).ctx("setfd g")?;
    eq("g", vio::fcntl_getfd(&g).ctx("getfd g")?, FdFlags::CLOEXEC)?;
    eq("f", vio::fcntl_getfd(&f).ctx("getfd f")?, FdFlags::empty())?;
    vio::fcntl_setfd(&f, FdFlags::CLOEXEC).ctx("setfd f")?;
    vio::fcntl_setfd(&g, FdFlags::empty()).ctx("clear g")?;
    eq(
        "f after",
        vio::fcntl_getfd(&f).ctx("getfd f")?,
        FdFlags::CLOEXEC,
    )?;
    eq(
        "g after",
        vio::fcntl_getfd(&g).ctx("getfd g")?,
        FdFlags::empty(),
    )
}

/// F_SETFL on one dup is seen on the other (one description), but not on a
/// separate open of the same file.
fn setfl_shared() -> Check {
    let f = open()?;
    let g = vio::dup(&f).ctx("dup")?;
    let h = open()?;
    ensure(
        "no NONBLOCK at first",
        !vio::fcntl_getfl(&f)
            .ctx("getfl")?
            .contains(StatusFlags::NONBLOCK),
    )?;
    vio::fcntl_setfl(&f, StatusFlags::NONBLOCK).ctx("setfl f")?;
    ensure(
        "g sees NONBLOCK",
        vio::fcntl_getfl(&g)
            .ctx("getfl g")?
            .contains(StatusFlags::NONBLOCK),
    )?;
    ensure(
        "separate open does not",
        !vio::fcntl_getfl(&h)
            .ctx("getfl h")?
            .contains(StatusFlags::NONBLOCK),
    )?;
    vio::fcntl_setfl(&g, StatusFlags::empty()).ctx("setfl g")?;
    eq(
        "f cleared",
        vio::fcntl_getfl(&f).ctx("getfl f")?,
        StatusFlags::empty(),
    )
}

/// The description lives until its last number is closed; then the numbers
/// are EBADF.
fn close_last_dup() -> Check {
    let f = open()?;
    let g = vio::dup(&f).ctx("dup")?;
    eq("read f", read_n(&f, 2).ctx("read f")?, b"01".to_vec())?;
    drop(f);
    expect_errno("read closed 3", read_n(raw(3), 1), EBADF)?;
    eq(
        "g still reads",
        read_n(&g, 2).ctx("read g")?,
        b"23".to_vec(),
    )?;
    drop(g);
    expect_errno("read closed 4", read_n(raw(4), 1), EBADF)?;
    expect_errno("getfd closed 4", vio::fcntl_getfd(raw(4)), EBADF)?;
    eq("3 is free again", open()?.as_raw_fd(), 3)
}

/// File::try_clone is dup: the lowest number, the same offset.
fn try_clone_is_dup() -> Check {
    let f = open()?;
    let g = f.try_clone().ctx("try_clone")?;
    eq("number", g.as_raw_fd(), 4)?;
    eq("read f", read_n(&f, 4).ctx("read f")?, b"0123".to_vec())?;
    eq("read g", read_n(&g, 4).ctx("read g")?, b"4567".to_vec())?;
    eq(
        "flags",
        vio::fcntl_getfd(&g).ctx("getfd")?,
        FdFlags::empty(),
    )
}

/// The highest number, limit - 1, can be made; the limit itself cannot.
fn limit_boundary() -> Check {
    let f = open()?;
    eq(
        "dup2(3, 1023)",
        vio::dup2_raw(3, LIMIT - 1).ctx("dup2(3, 1023)")?,
        LIMIT - 1,
    )?;
    expect_errno(
        "dupfd(1023) when taken",
        vio::fcntl_dupfd(&f, LIMIT - 1),
        EMFILE,
    )?;
    vio::close_raw(LIMIT - 1).ctx("close 1023")?;
    let top = vio::fcntl_dupfd(&f, LIMIT - 1).ctx("dupfd(1023)")?;
    eq("dupfd(1023)", top.as_raw_fd(), LIMIT - 1)
}

/// Filling the table: 3 to 1023 can be taken, the next one is EMFILE.
fn emfile() -> Check {
    let f = open()?;
    let mut held: Vec<OwnedFd> = Vec::new();
    let result = loop {
        match vio::dup(&f) {
            Ok(fd) => held.push(fd),
            Err(e) => break e,
        }
        if held.len() > 2 * LIMIT as usize {
            return Err("no limit reached".into());
        }
    };
    let last = held.last().map(|fd| fd.as_raw_fd());
    eq("last number", last, Some(LIMIT - 1))?;
    eq("error", result.raw_os_error(), Some(EMFILE))?;
    expect_errno("open when full", File::open(FILE), EMFILE)?;
    drop(held.pop());
    eq(
        "one free again",
        vio::dup(&f).ctx("dup")?.as_raw_fd(),
        LIMIT - 1,
    )
}

fn teardown() -> Check {
    fs::remove_file(FILE).ctx("remove dup-test.txt")?;
    fs::remove_file(OTHER).ctx("remove dup-other.txt")
}
