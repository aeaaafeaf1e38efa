//! Reads land in the caller's buffer: `read` and `pread` of files, pipes
//! and socket pairs, and reads through handles, allocate nothing in the
//! guest, write exactly the bytes they report and nothing past them, and
//! large reads arrive whole.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::SeekFrom;
use std::sync::atomic::{AtomicUsize, Ordering};

use vfd::fs::{self, File};
use vfd::io as vio;
use vfd_test_guests::{Check, Checks, Ctx, ensure, eq};

/// The system allocator, counting every allocation and reallocation, and
/// every free.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static FREES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is handed on to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREES.fetch_add(1, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// How many allocations `f` made in this guest.
fn allocations_in<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let r = f();
    (r, ALLOCATIONS.load(Ordering::Relaxed) - before)
}

const FILE: &str = "/data/reads-test.bin";

/// The byte at `i` of the scratch file: a pattern no shifted copy matches.
fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

/// Write `len` bytes of the pattern to the scratch file and open it.
fn scratch(len: usize) -> Result<File, String> {
    let data: Vec<u8> = (0..len).map(pattern).collect();
    fs::write(FILE, &data).ctx("write scratch file")?;
    File::open(FILE).ctx("open scratch file")
}

/// The argument that runs only [`longer_answers_are_cut_and_freed`], for
/// a host whose `read` answers with more bytes than were asked.
const FAULTY_HOST: &str = "faulty-host";

fn main() {
    let mut c = Checks::new();
    if std::env::args().nth(1).as_deref() == Some(FAULTY_HOST) {
        c.run(
            "longer_answers_are_cut_and_freed",
            longer_answers_are_cut_and_freed,
        );
        c.finish();
    }
    c.run("allocations_are_counted", allocations_are_counted);
    c.run("file_reads_allocate_nothing", file_reads_allocate_nothing);
    c.run("pipe_reads_allocate_nothing", pipe_reads_allocate_nothing);
    c.run(
        "handle_reads_allocate_nothing",
        handle_reads_allocate_nothing,
    );
    c.run(
        "read_writes_only_what_it_read",
        read_writes_only_what_it_read,
    );
    c.run("pread_into_part_of_a_buffer", pread_into_part_of_a_buffer);
    c.run("empty_buffer_reads_nothing", empty_buffer_reads_nothing);
    c.run("large_reads_arrive_whole", large_reads_arrive_whole);
    c.run("teardown", || {
        fs::remove_file(FILE).ctx("remove scratch file")
    });
    c.finish();
}

/// The control for the checks below: a read through the generated
/// bindings, whose list the runtime places through `cabi_realloc`, shows up
/// in the count (so a count of 0 below means something).
fn allocations_are_counted() -> Check {
    use vfd::bindings::vfd::posix::descriptors;
    use vfd::fd::AsRawFd;

    let f = scratch(16)?;
    let (data, n) = allocations_in(|| descriptors::read(f.as_raw_fd() as u32, 4));
    eq(
        "read through the bindings",
        data.map_err(|e| format!("{e:?}"))?,
        vec![0, 1, 2, 3],
    )?;
    ensure("an allocation counted", n >= 1)
}

/// 1-byte and 4 KiB reads and preads of a file, and reads at its end, take
/// no memory from the guest's allocator.
fn file_reads_allocate_nothing() -> Check {
    const LEN: usize = 64 << 10;
    let f = scratch(LEN)?;
    let mut small = [0u8; 1];
    let mut page = [0u8; 4096];
    let (r, n) = allocations_in(|| -> Result<(), String> {
        for i in 0..100 {
            eq("read 1 byte", vio::read(&f, &mut small).ctx("read")?, 1)?;
            eq("the byte", small[0], pattern(i))?;
        }
        vio::seek(&f, SeekFrom::Start(0)).ctx("rewind")?;
        for i in 0..16 {
            eq("read 4 KiB", vio::read(&f, &mut page).ctx("read")?, 4096)?;
            eq("first byte", page[0], pattern(i * 4096))?;
        }
        eq("read at end", vio::read(&f, &mut page).ctx("read")?, 0)?;
        for i in 0..16 {
            let at = i * 4096 + 7;
            let want = page.len().min(LEN - at);
            eq(
                "pread",
                vio::pread(&f, &mut page, at as u64).ctx("pread")?,
                want,
            )?;
            eq("first byte", page[0], pattern(at))?;
        }
        Ok(())
    });
    r?;
    eq("allocations", n, 0)
}

/// Reads from a pipe and from a socket pair land in the buffer as well.
fn pipe_reads_allocate_nothing() -> Check {
    let (reader, writer) = vfd::pipe::pipe().ctx("pipe")?;
    let (left, right) = vfd::net::UnixStream::pair().ctx("socketpair")?;
    let mut buf = [0u8; 16];
    let (r, n) = allocations_in(|| -> Result<(), String> {
        for _ in 0..50 {
            vio::write(&writer, b"ping").ctx("write to pipe")?;
            eq(
                "pipe read",
                vio::read(&reader, &mut buf).ctx("read pipe")?,
                4,
            )?;
            eq("pipe bytes", &buf[..4], b"ping")?;
            vio::write(&left, b"pong!").ctx("write to socket")?;
            eq(
                "socket read",
                vio::read(&right, &mut buf).ctx("read socket")?,
                5,
            )?;
            eq("socket bytes", &buf[..5], b"pong!")?;
        }
        Ok(())
    });
    r?;
    eq("allocations", n, 0)
}

/// Reads through a host-checked handle (`vfd::handles`) land in the buffer
/// as well, with the same bytes.
fn handle_reads_allocate_nothing() -> Check {
    use std::io::Read;
    use vfd::fd::AsRawFd;

    let f = scratch(256)?;
    let mut handle = vfd::handles::Handle::wrap(f.as_raw_fd(), false).ctx("wrap")?;
    let mut buf = [0u8; 8];
    let (r, n) = allocations_in(|| -> Result<(), String> {
        for i in 0..32 {
            eq("read 8", handle.read(&mut buf).ctx("read")?, 8)?;
            eq("first byte", buf[0], pattern(i * 8))?;
        }
        eq("at end", handle.read(&mut buf).ctx("read")?, 0)
    });
    r?;
    eq("allocations", n, 0)
}

/// A short read changes the bytes it reports and not one past them.
fn read_writes_only_what_it_read() -> Check {
    let f = scratch(3)?;
    let mut buf = [0xAAu8; 16];
    eq("short read", vio::read(&f, &mut buf).ctx("read")?, 3)?;
    eq(
        "read bytes",
        &buf[..3],
        &[pattern(0), pattern(1), pattern(2)][..],
    )?;
    ensure(
        "bytes past the read untouched",
        buf[3..].iter().all(|&b| b == 0xAA),
    )?;
    eq("at end", vio::read(&f, &mut buf).ctx("read")?, 0)?;
    ensure(
        "end of file writes nothing",
        buf[3..].iter().all(|&b| b == 0xAA),
    )
}

/// A `pread` into the middle of a buffer leaves both sides of it alone.
fn pread_into_part_of_a_buffer() -> Check {
    let f = scratch(100)?;
    let mut buf = [0x55u8; 12];
    eq("pread", vio::pread(&f, &mut buf[4..8], 10).ctx("pread")?, 4)?;
    eq("before", &buf[..4], &[0x55; 4][..])?;
    eq("read", &buf[4..8], &[10, 11, 12, 13][..])?;
    eq("after", &buf[8..], &[0x55; 4][..])
}

/// A read into an empty buffer returns 0 and keeps the offset.
fn empty_buffer_reads_nothing() -> Check {
    let f = scratch(10)?;
    let (r, n) = allocations_in(|| vio::read(&f, &mut []));
    eq("read of nothing", r.ctx("read")?, 0)?;
    eq("allocations", n, 0)?;
    eq(
        "offset",
        vio::seek(&f, SeekFrom::Current(0)).ctx("seek")?,
        0,
    )
}

/// Reads of more than a megabyte are served in parts of at most 1 MiB and
/// arrive whole.
fn large_reads_arrive_whole() -> Check {
    const LEN: usize = 3 << 20 | 12345;
    let f = scratch(LEN)?;
    let mut buf = vec![0u8; 2 << 20];
    let mut at = 0;
    loop {
        let n = vio::read(&f, &mut buf).ctx("read")?;
        if n == 0 {
            break;
        }
        ensure("at most 1 MiB a read", n <= 1 << 20)?;
        if let Some(i) = (0..n).find(|&i| buf[i] != pattern(at + i)) {
            return Err(format!("byte {} differs", at + i));
        }
        at += n;
    }
    eq("bytes read", at, LEN)
}

/// Against a faulty host whose `read` answers with 5 bytes more than asked
/// (the bytes 0, 1, 2...; vfd-host never does this): the answer cannot
/// land in the buffer, so the runtime's ordinary realloc takes it; the
/// guest keeps what fits and frees the rest, leaking nothing.
fn longer_answers_are_cut_and_freed() -> Check {
    let mut buf = [0xAAu8; 8];
    let before = FREES.load(Ordering::Relaxed);
    let (n, allocations) = allocations_in(|| vio::read(vfd::stdio::stdin(), &mut buf));
    let frees = FREES.load(Ordering::Relaxed) - before;
    eq("bytes read", n.ctx("read")?, buf.len())?;
    eq("the bytes that fit", buf, [0, 1, 2, 3, 4, 5, 6, 7])?;
    eq("allocations", allocations, 1)?;
    eq("frees", frees, 1)
}
