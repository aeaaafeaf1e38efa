//! What the benchmark workloads share: the rows, their units, the files
//! they work on, and the timing loop.
//!
//! Every workload binary is called as `WORKLOAD ROW ITERATIONS [DIR]` and
//! prints one line: nanoseconds per operation, or bytes per second for a
//! throughput row, timed inside the program around the loop only, so
//! starting the program (or instantiating the guest) is not counted. A row
//! the build cannot do (WASI has no `dup` and no pipe) prints
//! [`UNSUPPORTED`] and exits with status 0.
//!
//! The benchmark runner includes this file with `#[path]` as well, so the
//! rows are named in one place.

use std::time::Instant;

/// What a row measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Nanoseconds per operation: lower is better.
    NsPerOp,
    /// Bytes per second: higher is better.
    BytesPerSec,
}

/// One benchmark row.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// The name on the command line.
    pub name: &'static str,
    /// The label in the table.
    pub label: &'static str,
    /// What one operation (or the throughput loop) does.
    pub what: &'static str,
    /// What the number measures.
    pub unit: Unit,
    /// Whether WASI (preview 1 and preview 2) can express it at all.
    pub p1: bool,
    /// As `p1`, for preview 2.
    pub p2: bool,
    /// Iterations of a full run; `--quick` divides them.
    pub iterations: u64,
}

/// Printed by a workload for a row its build cannot do.
pub const UNSUPPORTED: &str = "unsupported";

/// The file the read rows read, made by the runner in the scratch
/// directory before any workload runs.
pub const DATA_FILE: &str = "read.bin";
/// Its size: 32 MiB, in the page cache after the first run.
pub const DATA_LEN: u64 = 32 << 20;
/// The file the write rows write (created and truncated by each run).
pub const WRITE_FILE: &str = "write.bin";
/// Writes rewind to the start once they reach this offset, so a run never
/// grows the file past it.
pub const WRITE_SPAN: u64 = 8 << 20;
/// The second file the `dup2` row alternates with.
pub const OTHER_FILE: &str = "other.bin";

/// A large chunk: 1 MiB, vfd's `MAX_READ_LEN`.
pub const CHUNK: usize = 1 << 20;
/// A page-sized block.
pub const BLOCK: usize = 4096;
/// The pipe throughput row's write size: the default capacity of a Linux
/// pipe, so one write fills an empty pipe without blocking.
pub const PIPE_CHUNK: usize = 64 * 1024;

const fn row(
    name: &'static str,
    label: &'static str,
    what: &'static str,
    unit: Unit,
    wasi: bool,
    iterations: u64,
) -> Row {
    Row {
        name,
        label,
        what,
        unit,
        p1: wasi,
        p2: wasi,
        iterations,
    }
}

/// Every row, in table order.
pub const ROWS: &[Row] = &[
    row(
        "read-1b",
        "read 1 B",
        "`read` of 1 byte from a file opened for reading (rewound at end of file)",
        Unit::NsPerOp,
        true,
        200_000,
    ),
    row(
        "read-4k",
        "read 4 KiB",
        "`read` of 4 KiB from a 32 MiB file in the page cache (rewound at end of file)",
        Unit::NsPerOp,
        true,
        100_000,
    ),
    row(
        "read-1m",
        "read 1 MiB chunks",
        "the 32 MiB file read again and again with 1 MiB `read`s; bytes per second",
        Unit::BytesPerSec,
        true,
        1_000,
    ),
    row(
        "write-1b",
        "write 1 B",
        "`write` of 1 byte to a new file",
        Unit::NsPerOp,
        true,
        200_000,
    ),
    row(
        "write-4k",
        "write 4 KiB",
        "`write` of 4 KiB to a file, rewound every 8 MiB",
        Unit::NsPerOp,
        true,
        100_000,
    ),
    row(
        "write-1m",
        "write 1 MiB chunks",
        "1 MiB `write`s to a file, rewound every 8 MiB; bytes per second",
        Unit::BytesPerSec,
        true,
        1_000,
    ),
    row(
        "println",
        "println! to stdout",
        "std's `println!` of a short line, stdout a file (`> file`): std's line buffer \
         makes one `write` a line; for vfd, through the `wasi:cli` stdout vfd serves as fd 1",
        Unit::NsPerOp,
        true,
        100_000,
    ),
    row(
        "seek",
        "seek",
        "`lseek` to an absolute offset",
        Unit::NsPerOp,
        true,
        500_000,
    ),
    row(
        "pread-4k",
        "pread 4 KiB",
        "`pread` of 4 KiB at page-aligned offsets across the 32 MiB file",
        Unit::NsPerOp,
        true,
        100_000,
    ),
    row(
        "open-close",
        "open + close",
        "`open` of an existing file (absolute path, read-only), then `close`",
        Unit::NsPerOp,
        true,
        50_000,
    ),
    row(
        "dup-close",
        "dup + close",
        "`dup` of an open file, then `close` of the new number",
        Unit::NsPerOp,
        false,
        200_000,
    ),
    row(
        "dup2",
        "dup2 over an open fd",
        "`dup2` onto a number that is open, alternating between two source files",
        Unit::NsPerOp,
        false,
        200_000,
    ),
    row(
        "pipe-rtt",
        "pipe round trip, 1 B",
        "`write` of 1 byte into a pipe, then `read` of it from the other end",
        Unit::NsPerOp,
        false,
        200_000,
    ),
    row(
        "pipe-64k",
        "pipe, 64 KiB writes",
        "one 64 KiB `write` into an empty pipe, then `read`s until it is drained; bytes per second",
        Unit::BytesPerSec,
        false,
        20_000,
    ),
    Row {
        p2: true,
        ..row(
            "tcp-echo",
            "TCP loopback echo, 1 B",
            "over a connected 127.0.0.1 pair (TCP_NODELAY): the client writes 1 byte, the \
             server end reads it and writes it back, the client reads it",
            Unit::NsPerOp,
            false,
            50_000,
        )
    },
];

/// The row called `name`.
pub fn find(name: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.name == name)
}

/// The parsed command line of a workload.
pub struct Args {
    /// The row to run.
    pub row: &'static Row,
    /// How many operations to time.
    pub iterations: u64,
    /// The scratch directory (`/data` in a guest).
    pub dir: String,
}

impl Args {
    /// `ROW ITERATIONS [DIR]` from the process arguments; exits with a
    /// usage message if they are wrong.
    pub fn from_env() -> Args {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let Some(row) = args.first().and_then(|n| find(n)) else {
            usage()
        };
        let Some(iterations) = args.get(1).and_then(|n| n.parse().ok()) else {
            usage()
        };
        let dir = args.get(2).cloned().unwrap_or_else(|| ".".to_owned());
        Args {
            row,
            iterations,
            dir,
        }
    }

    /// `DIR/name`.
    pub fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.dir)
    }
}

fn usage() -> ! {
    let names: Vec<&str> = ROWS.iter().map(|r| r.name).collect();
    eprintln!(
        "usage: WORKLOAD ROW ITERATIONS [DIR]\nrows: {}",
        names.join(" ")
    );
    std::process::exit(2)
}

/// Run `op` for a tenth of `iterations` untimed (to fault in pages and
/// fill caches), then `iterations` times under the clock, and return the
/// nanoseconds per call.
pub fn time_per_op<E>(iterations: u64, mut op: impl FnMut(u64) -> Result<(), E>) -> Result<f64, E> {
    for i in 0..iterations / 10 {
        op(i)?;
    }
    let start = Instant::now();
    for i in 0..iterations {
        op(i)?;
    }
    let elapsed = start.elapsed();
    Ok(elapsed.as_nanos() as f64 / iterations.max(1) as f64)
}

/// As [`time_per_op`] for a loop whose calls each move `op`'s return
/// value in bytes: the bytes per second.
pub fn time_throughput<E>(
    iterations: u64,
    mut op: impl FnMut(u64) -> Result<u64, E>,
) -> Result<f64, E> {
    for i in 0..iterations / 10 {
        op(i)?;
    }
    let start = Instant::now();
    let mut bytes = 0u64;
    for i in 0..iterations {
        bytes += op(i)?;
    }
    let elapsed = start.elapsed();
    Ok(bytes as f64 / elapsed.as_secs_f64().max(1e-9))
}

/// Print a workload's result line: the number, or [`UNSUPPORTED`].
pub fn report(result: std::io::Result<Option<f64>>) {
    match result {
        Ok(Some(value)) => println!("{value:.3}"),
        Ok(None) => println!("{UNSUPPORTED}"),
        Err(e) => {
            eprintln!("workload failed: {e}");
            std::process::exit(1);
        }
    }
}

/// A buffer that starts on a 4 KiB boundary, filled with `fill`.
///
/// Every workload reads and writes through one, so no column is slowed by
/// where its allocator happened to put the buffer: on some x86 CPUs
/// (AMD Zen among them) the kernel's `rep movsb` copy into a buffer 16
/// bytes past a page boundary, where glibc puts a large `vec!`, runs at a
/// fifth of its speed.
pub struct Aligned {
    storage: Vec<u8>,
    start: usize,
    len: usize,
}

/// The alignment of [`Aligned`].
pub const PAGE: usize = 4096;

impl Aligned {
    /// `len` bytes of `fill`, page-aligned.
    pub fn new(len: usize, fill: u8) -> Aligned {
        let storage = vec![fill; len + PAGE];
        let start = storage.as_ptr().align_offset(PAGE);
        Aligned {
            storage,
            start,
            len,
        }
    }
}

impl std::ops::Deref for Aligned {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.storage[self.start..self.start + self.len]
    }
}

impl std::ops::DerefMut for Aligned {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.storage[self.start..self.start + self.len]
    }
}

/// One byte of a deterministic pattern, so writes are not all zeroes.
pub fn byte(i: u64) -> u8 {
    (i % 251) as u8
}
