//! Offsets and append: what moves the offset, what does not, holes, seeks
//! before the start, O_APPEND (including pwrite on it), O_TRUNC, set_len,
//! and which offsets are shared (dups) or separate (opens).

use std::io::{Read, Seek, SeekFrom, Write};

use vfd::fs::{self, File, OpenOptions};
use vfd::io::{self as vio, StatusFlags};
use vfd_test_guests::errno::{EBADF, EINVAL};
use vfd_test_guests::{Check, Checks, Ctx, ensure, eq, expect_errno, offset, read_all, read_n};

const FILE: &str = "/data/offsets-test.txt";

/// Write `content` to the scratch file and open it with `opts`.
fn fresh(content: &str, opts: &OpenOptions) -> Result<File, String> {
    fs::write(FILE, content).ctx("write scratch file")?;
    opts.open(FILE).ctx("open scratch file")
}

fn read_only() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.read(true);
    o
}

fn read_write() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.read(true).write(true);
    o
}

fn contents() -> Result<Vec<u8>, String> {
    fs::read(FILE).ctx("read back")
}

fn main() {
    let mut c = Checks::new();
    c.run("read_moves_offset", read_moves_offset);
    c.run("read_at_eof", read_at_eof);
    c.run("seek_set_cur_end", seek_set_cur_end);
    c.run("seek_past_end_read", seek_past_end_read);
    c.run("seek_hole", seek_hole);
    c.run("seek_negative", seek_negative);
    c.run("write_moves_offset", write_moves_offset);
    c.run("pread_keeps_offset", pread_keeps_offset);
    c.run("pwrite_keeps_offset", pwrite_keeps_offset);
    c.run("pread_past_end", pread_past_end);
    c.run("append_writes_at_end", append_writes_at_end);
    c.run("append_read_then_write", append_read_then_write);
    c.run("append_pwrite_appends", append_pwrite_appends);
    c.run("open_truncate", open_truncate);
    c.run("set_len_shrinks", set_len_shrinks);
    c.run("set_len_grows", set_len_grows);
    c.run("opens_independent", opens_independent);
    c.run("dups_shared", dups_shared);
    c.run("dup_write_moves_twin", dup_write_moves_twin);
    c.run("setfl_append_twin", setfl_append_twin);
    c.run("handle_write_moves_offset", handle_write_moves_offset);
    c.run("teardown", teardown);
    c.finish();
}

/// Each read moves the offset by what it read; the last read is short.
fn read_moves_offset() -> Check {
    let f = fresh("0123456789", &read_only())?;
    eq("offset at open", offset(&f).ctx("seek")?, 0)?;
    eq("read 4", read_n(&f, 4).ctx("read")?, b"0123".to_vec())?;
    eq("offset", offset(&f).ctx("seek")?, 4)?;
    eq("read 4 more", read_n(&f, 4).ctx("read")?, b"4567".to_vec())?;
    eq("short read", read_n(&f, 4).ctx("read")?, b"89".to_vec())?;
    eq("offset at end", offset(&f).ctx("seek")?, 10)
}

/// At the end of the file a read returns 0 bytes, again and again.
fn read_at_eof() -> Check {
    let f = fresh("abc", &read_only())?;
    eq("read all", read_n(&f, 16).ctx("read")?, b"abc".to_vec())?;
    eq("eof", read_n(&f, 16).ctx("read")?.len(), 0)?;
    eq("eof again", read_n(&f, 16).ctx("read")?.len(), 0)?;
    eq("offset", offset(&f).ctx("seek")?, 3)
}

/// SEEK_SET, SEEK_CUR and SEEK_END return the new offset.
fn seek_set_cur_end() -> Check {
    let f = fresh("0123456789", &read_only())?;
    eq("set 2", vio::seek(&f, SeekFrom::Start(2)).ctx("seek")?, 2)?;
    eq("read", read_n(&f, 2).ctx("read")?, b"23".to_vec())?;
    eq(
        "cur -1",
        vio::seek(&f, SeekFrom::Current(-1)).ctx("seek")?,
        3,
    )?;
    eq(
        "cur +2",
        vio::seek(&f, SeekFrom::Current(2)).ctx("seek")?,
        5,
    )?;
    eq("end -3", vio::seek(&f, SeekFrom::End(-3)).ctx("seek")?, 7)?;
    eq("read", read_n(&f, 8).ctx("read")?, b"789".to_vec())?;
    eq("end 0", vio::seek(&f, SeekFrom::End(0)).ctx("seek")?, 10)?;
    eq("end +5", vio::seek(&f, SeekFrom::End(5)).ctx("seek")?, 15)?;
    eq("set 0", vio::seek(&f, SeekFrom::Start(0)).ctx("seek")?, 0)
}

/// Seeking past the end is allowed; a read there gives 0 bytes and the
/// file does not grow.
fn seek_past_end_read() -> Check {
    let f = fresh("abc", &read_write())?;
    eq(
        "seek",
        vio::seek(&f, SeekFrom::Start(100)).ctx("seek")?,
        100,
    )?;
    eq("read", read_n(&f, 4).ctx("read")?.len(), 0)?;
    eq("size", f.metadata().ctx("fstat")?.len(), 3)
}

/// A write past the end leaves a hole that reads as zeros.
fn seek_hole() -> Check {
    let mut f = fresh("abc", &read_write())?;
    eq("seek", vio::seek(&f, SeekFrom::Start(6)).ctx("seek")?, 6)?;
    f.write_all(b"xyz").ctx("write")?;
    eq("offset", offset(&f).ctx("seek")?, 9)?;
    eq("size", f.metadata().ctx("fstat")?.len(), 9)?;
    eq("content", contents()?, b"abc\0\0\0xyz".to_vec())
}

/// A seek to before the start is EINVAL and leaves the offset alone.
fn seek_negative() -> Check {
    let f = fresh("0123456789", &read_only())?;
    eq("set 3", vio::seek(&f, SeekFrom::Start(3)).ctx("seek")?, 3)?;
    expect_errno("cur -4", vio::seek(&f, SeekFrom::Current(-4)), EINVAL)?;
    expect_errno("end -11", vio::seek(&f, SeekFrom::End(-11)), EINVAL)?;
    expect_errno(
        "end i64::MIN",
        vio::seek(&f, SeekFrom::End(i64::MIN)),
        EINVAL,
    )?;
    eq("offset unchanged", offset(&f).ctx("seek")?, 3)?;
    eq("end -10", vio::seek(&f, SeekFrom::End(-10)).ctx("seek")?, 0)
}

/// A write moves the offset by what it wrote, overwriting in place.
fn write_moves_offset() -> Check {
    let mut f = fresh("0123456789", &read_write())?;
    eq("read", read_n(&f, 2).ctx("read")?, b"01".to_vec())?;
    f.write_all(b"ab").ctx("write")?;
    eq("offset", offset(&f).ctx("seek")?, 4)?;
    eq("read on", read_n(&f, 2).ctx("read")?, b"45".to_vec())?;
    eq("content", contents()?, b"01ab456789".to_vec())
}

/// pread reads at its own offset and leaves the file offset alone.
fn pread_keeps_offset() -> Check {
    let f = fresh("0123456789", &read_only())?;
    vio::seek(&f, SeekFrom::Start(2)).ctx("seek")?;
    let mut buf = [0u8; 4];
    eq("pread", vio::pread(&f, &mut buf, 5).ctx("pread")?, 4)?;
    eq("data", &buf, b"5678")?;
    eq("offset", offset(&f).ctx("seek")?, 2)?;
    eq("read", read_n(&f, 2).ctx("read")?, b"23".to_vec())
}

/// pwrite writes at its own offset and leaves the file offset alone.
fn pwrite_keeps_offset() -> Check {
    let f = fresh("0123456789", &read_write())?;
    vio::seek(&f, SeekFrom::Start(2)).ctx("seek")?;
    eq("pwrite", vio::pwrite(&f, b"AB", 0).ctx("pwrite")?, 2)?;
    eq("offset", offset(&f).ctx("seek")?, 2)?;
    eq("read", read_n(&f, 2).ctx("read")?, b"23".to_vec())?;
    eq(
        "pwrite past end",
        vio::pwrite(&f, b"Z", 12).ctx("pwrite")?,
        1,
    )?;
    eq("offset after", offset(&f).ctx("seek")?, 4)?;
    eq("content", contents()?, b"AB23456789\0\0Z".to_vec())
}

/// pread at or past the end gives 0 bytes; across the end, a short read.
fn pread_past_end() -> Check {
    let f = fresh("0123456789", &read_only())?;
    let mut buf = [0u8; 8];
    eq("at end", vio::pread(&f, &mut buf, 10).ctx("pread")?, 0)?;
    eq("past end", vio::pread(&f, &mut buf, 1000).ctx("pread")?, 0)?;
    eq("across end", vio::pread(&f, &mut buf, 7).ctx("pread")?, 3)?;
    eq("data", &buf[..3], b"789")
}

/// With O_APPEND every write lands at the end, whatever the offset, and
/// the offset then points after it.
fn append_writes_at_end() -> Check {
    fs::write(FILE, "start\n").ctx("write")?;
    let mut f = OpenOptions::new()
        .append(true)
        .open(FILE)
        .ctx("open append")?;
    eq("offset at open", offset(&f).ctx("seek")?, 0)?;
    f.write_all(b"more\n").ctx("write")?;
    eq("offset after write", offset(&f).ctx("seek")?, 11)?;
    vio::seek(&f, SeekFrom::Start(0)).ctx("seek")?;
    f.write_all(b"end\n").ctx("write")?;
    eq("offset after second write", offset(&f).ctx("seek")?, 15)?;
    eq("content", contents()?, b"start\nmore\nend\n".to_vec())
}

/// Read-and-append ("a+"): reads follow the offset, writes go to the end.
fn append_read_then_write() -> Check {
    fs::write(FILE, "0123456789").ctx("write")?;
    let mut f = OpenOptions::new()
        .read(true)
        .append(true)
        .open(FILE)
        .ctx("open read+append")?;
    eq("read from 0", read_n(&f, 3).ctx("read")?, b"012".to_vec())?;
    f.write_all(b"X").ctx("write")?;
    eq("offset after write", offset(&f).ctx("seek")?, 11)?;
    vio::seek(&f, SeekFrom::Start(0)).ctx("seek")?;
    let mut all = String::new();
    f.read_to_string(&mut all).ctx("read_to_string")?;
    eq("content", all.as_str(), "0123456789X")
}

/// pwrite on an O_APPEND description appends (a Linux quirk) and, being a
/// pwrite, leaves the offset alone.
fn append_pwrite_appends() -> Check {
    fs::write(FILE, "start\n").ctx("write")?;
    let f = OpenOptions::new()
        .read(true)
        .append(true)
        .open(FILE)
        .ctx("open append")?;
    eq("read", read_n(&f, 2).ctx("read")?, b"st".to_vec())?;
    eq("pwrite", vio::pwrite(&f, b"X", 0).ctx("pwrite")?, 1)?;
    eq("offset", offset(&f).ctx("seek")?, 2)?;
    eq("content", contents()?, b"start\nX".to_vec())
}

/// O_TRUNC empties the file at open.
fn open_truncate() -> Check {
    fs::write(FILE, "long old content").ctx("write")?;
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .truncate(true)
        .open(FILE)
        .ctx("open truncate")?;
    eq("size", f.metadata().ctx("fstat")?.len(), 0)?;
    f.write_all(b"new").ctx("write")?;
    eq("content", contents()?, b"new".to_vec())
}

/// set_len shrinks the file; the offset is not moved by it.
fn set_len_shrinks() -> Check {
    let f = fresh("0123456789", &read_write())?;
    vio::seek(&f, SeekFrom::Start(6)).ctx("seek")?;
    f.set_len(4).ctx("set_len 4")?;
    eq("offset", offset(&f).ctx("seek")?, 6)?;
    eq("read past new end", read_n(&f, 4).ctx("read")?.len(), 0)?;
    eq("content", contents()?, b"0123".to_vec())
}

/// set_len grows the file with zeros.
fn set_len_grows() -> Check {
    let f = fresh("0123", &read_write())?;
    f.set_len(8).ctx("set_len 8")?;
    eq("offset", offset(&f).ctx("seek")?, 0)?;
    eq("size", f.metadata().ctx("fstat")?.len(), 8)?;
    eq(
        "content",
        read_all(&f).ctx("read")?,
        b"0123\0\0\0\0".to_vec(),
    )
}

/// Two opens of one file are two descriptions: two offsets.
fn opens_independent() -> Check {
    fs::write(FILE, "0123456789").ctx("write")?;
    let a = File::open(FILE).ctx("open a")?;
    let b = File::open(FILE).ctx("open b")?;
    eq("a", read_n(&a, 3).ctx("read a")?, b"012".to_vec())?;
    eq("b", read_n(&b, 3).ctx("read b")?, b"012".to_vec())?;
    vio::seek(&a, SeekFrom::Start(8)).ctx("seek a")?;
    eq("b offset", offset(&b).ctx("seek b")?, 3)?;
    eq("b reads on", read_n(&b, 2).ctx("read b")?, b"34".to_vec())
}

/// A dup shares the offset: a seek through one is seen through the other.
fn dups_shared() -> Check {
    let mut f = fresh("0123456789", &read_only())?;
    let mut g = f.try_clone().ctx("try_clone")?;
    eq("seek f", f.seek(SeekFrom::Start(5)).ctx("seek")?, 5)?;
    eq("g offset", g.stream_position().ctx("seek")?, 5)?;
    let mut buf = [0u8; 2];
    g.read_exact(&mut buf).ctx("read g")?;
    eq("g reads", &buf, b"56")?;
    eq("f offset", offset(&f).ctx("seek")?, 7)
}

/// A write through one dup moves the other's offset: the second write
/// continues the first instead of overwriting it.
fn dup_write_moves_twin() -> Check {
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(FILE)
        .ctx("create")?;
    let mut g = f.try_clone().ctx("try_clone")?;
    f.write_all(b"first ").ctx("write f")?;
    g.write_all(b"second").ctx("write g")?;
    eq("offset", offset(&f).ctx("seek")?, 12)?;
    eq("content", contents()?, b"first second".to_vec())
}

/// O_APPEND set with F_SETFL on one dup applies to its twin, and can be
/// cleared again through the twin.
fn setfl_append_twin() -> Check {
    let f = fresh("0123456789", &read_write())?;
    let mut g = f.try_clone().ctx("try_clone")?;
    ensure(
        "no APPEND at first",
        !vio::fcntl_getfl(&g)
            .ctx("getfl")?
            .contains(StatusFlags::APPEND),
    )?;
    vio::fcntl_setfl(&f, StatusFlags::APPEND).ctx("setfl f")?;
    ensure(
        "g sees APPEND",
        vio::fcntl_getfl(&g)
            .ctx("getfl g")?
            .contains(StatusFlags::APPEND),
    )?;
    g.write_all(b"Z").ctx("write g")?;
    eq("offset after append", offset(&f).ctx("seek")?, 11)?;
    vio::fcntl_setfl(&g, StatusFlags::empty()).ctx("setfl g")?;
    ensure(
        "f sees it cleared",
        !vio::fcntl_getfl(&f)
            .ctx("getfl f")?
            .contains(StatusFlags::APPEND),
    )?;
    vio::seek(&g, SeekFrom::Start(0)).ctx("seek")?;
    g.write_all(b"Q").ctx("write g")?;
    eq("content", contents()?, b"Q123456789Z".to_vec())
}

fn teardown() -> Check {
    fs::remove_file(FILE).ctx("remove scratch file")
}

/// A write through a handle lands every byte at the offset it shares with
/// its number, and moves it; a write through a handle whose number was
/// closed behind it writes nothing and is `EBADF`.
fn handle_write_moves_offset() -> Check {
    use vfd::fd::AsRawFd;
    use vfd::handles::Handle;

    let mut f = fresh("", &read_write())?;
    let mut h = Handle::wrap(f.as_raw_fd(), false).ctx("wrap")?;
    let data: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    h.write_all(&data).ctx("write through the handle")?;
    eq("offset", offset(&f).ctx("seek")?, data.len() as u64)?;
    f.write_all(b"tail").ctx("write through the number")?;
    let mut want = data;
    want.extend_from_slice(b"tail");
    eq("contents", contents()?, want.clone())?;

    let number = f.as_raw_fd();
    drop(f);
    let other = File::open(FILE).ctx("reopen")?;
    eq("the number is reused", other.as_raw_fd(), number)?;
    expect_errno("write through the stale handle", h.write(b"x"), EBADF)?;
    eq("contents unchanged", contents()?, want)
}
