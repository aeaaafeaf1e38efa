//! Limits and leaks: the table limit (EMFILE, EBADF, EINVAL), calls with
//! huge lengths, thousands of guest lifecycles that end without closing
//! anything, and guests running side by side; through vfd-host and
//! composed with the wasm layer.
//!
//! The tests that count the host's descriptors or measure its memory run
//! in a child process of their own (this test binary again, on that one
//! test), since the other tests of this binary run in parallel threads and
//! open descriptors and allocate at the same time.

use crate::harness::{
    Fixture, Output, component, composed, composed_wasi, engine, listed_checks, read_all,
    run_composed_with, run_lib_with, run_plain,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use vfd_host::{MountPerms, VfdCtx};
use wasmtime_wasi::WasiCtx;

/// The environment variable that tells a child test it was started by
/// its parent (and not by a plain `--ignored` run, among other tests).
const CHILD: &str = "VFD_E2E_LIMITS_CHILD";

/// How many lifecycles the leak test runs (the issue asks for 10,000).
const LEAK_RUNS: &str = "VFD_LEAK_RUNS";
const DEFAULT_LEAK_RUNS: usize = 10_000;

fn expect_checks(what: &str, out: &Output, expected: &[String]) {
    let want: Vec<String> = expected.iter().map(|c| format!("ok {c}")).collect();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        want,
        "{what}: stdout differs\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(out.code, 0, "{what}: exit status");
}

/// The checks of `limits table`, as the guest lists them.
fn table_checks() -> Vec<String> {
    listed_checks("limits", &["table"])
}

/// What `limits fill 16` prints: how many of each call fit in a table of
/// 16 that holds stdio, before EMFILE.
const FILL_16: &str = "fill: open 13 then mfile, pipe 6 then mfile, socketpair 6 then mfile, \
     dup 12 then mfile (37 calls)\n";

/// vfd-host with `.max_fds(16)`.
fn run_16(fixture: &Fixture, args: &[&str]) -> Output {
    run_lib_with(fixture, "limits", args, |b| {
        b.max_fds(16);
    })
}

/// The wasm layer's limit comes from `VFD_MAX_FDS` in the environment
/// the runtime gives (`wasmtime run --env VFD_MAX_FDS=16`).
fn run_16_composed(fixture: &Fixture, args: &[&str]) -> Output {
    run_composed_with(fixture, "limits", args, |b| {
        b.env("VFD_MAX_FDS", "16");
    })
}

#[test]
fn max_fds_gives_emfile_ebadf_and_einval_at_the_limit() {
    for (mode, run) in [
        ("vfd-host", run_16 as fn(&Fixture, &[&str]) -> Output),
        ("composed", run_16_composed),
    ] {
        let fixture = Fixture::new();
        let out = run(&fixture, &["table"]);
        expect_checks(&format!("limits table ({mode})"), &out, &table_checks());
        fixture.assert_outside_untouched();
    }
}

#[test]
fn a_guest_that_fills_its_table_leaves_the_host_healthy() {
    let fixture = Fixture::new();
    let out = run_16(&fixture, &["fill", "16"]);
    assert_eq!(out.stdout, FILL_16, "{out:#?}");
    // The host goes on: the next guests run as on a fresh host.
    let out = run_lib_with(&fixture, "probe", &["open:/data/hello.txt"], |b| {
        b.max_fds(16);
    });
    assert_eq!(out.stdout, "open /data/hello.txt: fd 3\n", "{out:#?}");
    let out = run_16(&fixture, &["table"]);
    expect_checks("limits table after fill", &out, &table_checks());
}

#[test]
fn a_composed_guest_that_fills_its_table_stops_where_vfd_host_does() {
    let fixture = Fixture::new();
    let out = run_16_composed(&fixture, &["fill", "16"]);
    assert_eq!(out.stdout, FILL_16, "{out:#?}");
    assert_eq!(out.code, 0, "{out:#?}");
}

/// `limits read` over a file of `big` bytes: every `read` and `pread`
/// of `u32::MAX` returned at most `cap` bytes.
fn expect_read_capped(out: &Output, big: usize, cap: usize) {
    assert_eq!(
        out.stdout,
        format!(
            "read {big} bytes in {} calls, largest {cap}, pread largest {cap}, within cap true\n",
            big / cap
        ),
        "{out:#?}"
    );
}

/// `limits recv`: `recv-from` and `read` of `u32::MAX` on sockets got
/// everything sent, at most the cap per call.
fn expect_recv_capped(out: &Output) {
    assert!(
        out.stdout
            .starts_with("recv_from 60000 of 60000 bytes; read ")
            && out.stdout.ends_with("within cap true\n"),
        "{out:#?}"
    );
}

/// `read`, `pread` and `recv-from` with a length of `u32::MAX` through
/// the wasm layer: each call returns at most the layer's cap, as through
/// vfd-host. (The host's memory is measured through vfd-host only: under
/// plain wasmtime-wasi, what the host allocates is wasmtime-wasi's.)
#[test]
fn huge_lengths_composed_return_at_most_the_cap() {
    let fixture = Fixture::new();
    let big = 8 * MIB;
    std::fs::File::create(fixture.path("mnt/big.bin"))
        .unwrap()
        .set_len(big as u64)
        .unwrap();
    // The layer's MAX_READ_LEN is the host build's, by design.
    let cap = vfd_host::MAX_READ_LEN as usize;
    let out = run_composed_with(&fixture, "limits", &["read", "/data/big.bin"], |_| {});
    expect_read_capped(&out, big, cap);
    let out = run_composed_with(&fixture, "limits", &["recv"], |b| {
        b.inherit_network();
    });
    expect_recv_capped(&out);
}

// ---- Children -----------------------------------------------------------

/// Run the ignored test `name` of this binary alone, in a child process
/// (which inherits the environment, `VFD_LEAK_RUNS` included), and return
/// what it printed; fail if it failed.
pub(crate) fn run_child(name: &str) -> String {
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            name,
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&child.stdout).into_owned();
    assert!(
        child.status.success() && stdout.contains("1 passed"),
        "the child {name} failed: {:?}\n{stdout}\n{}",
        child.status,
        String::from_utf8_lossy(&child.stderr)
    );
    // What the child measured, for the parent's output.
    eprintln!("{name}:\n{stdout}");
    stdout
}

/// Whether this process is a child started by `run_child`; a child test
/// run any other way (`cargo test -- --ignored`) returns at once, since
/// its counts would include the other tests' descriptors.
pub(crate) fn in_child(name: &str) -> bool {
    let yes = std::env::var_os(CHILD).is_some();
    if !yes {
        eprintln!("{name}: runs only as a child of its parent test");
    }
    yes
}

// ---- Memory -------------------------------------------------------------

/// The system allocator, remembering the largest single allocation made
/// while `TRACKING` is on. Only the memory child turns it on.
struct Largest;

static TRACKING: AtomicBool = AtomicBool::new(false);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

fn note(size: usize) {
    if TRACKING.load(Ordering::Relaxed) {
        LARGEST.fetch_max(size, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

/// A field of /proc/self/status, in bytes.
fn status_bytes(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    let kib: usize = line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap();
    kib * 1024
}

/// What running `f` cost the host process: the growth of its peak
/// resident memory over what it held before, and the largest single heap
/// allocation made meanwhile.
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    // Reset the peak (VmHWM) to the current resident size.
    std::fs::write("/proc/self/clear_refs", "5").expect("cannot reset the peak RSS");
    let before = status_bytes("VmRSS:");
    LARGEST.store(0, Ordering::Relaxed);
    TRACKING.store(true, Ordering::Relaxed);
    let out = f();
    TRACKING.store(false, Ordering::Relaxed);
    let peak = status_bytes("VmHWM:");
    (
        out,
        peak.saturating_sub(before),
        LARGEST.load(Ordering::Relaxed),
    )
}

const MIB: usize = 1 << 20;

#[test]
fn huge_lengths_allocate_at_most_the_cap() {
    let out = run_child("limits::memory_child");
    assert!(out.contains("memory child done"), "{out}");
}

#[test]
#[ignore = "run in a child process by huge_lengths_allocate_at_most_the_cap"]
fn memory_child() {
    if !in_child("memory_child") {
        return;
    }
    let fixture = Fixture::new();
    // A sparse 256 MiB file: reading it fills every page of the buffers.
    let big = 256 * MIB;
    std::fs::File::create(fixture.path("mnt/big.bin"))
        .unwrap()
        .set_len(big as u64)
        .unwrap();
    let run = |args: &[&str], configure: &dyn Fn(&mut vfd_host::VfdCtxBuilder)| {
        run_lib_with(&fixture, "limits", args, configure)
    };
    // Compile and run once, so that what follows measures the calls only.
    run(&["read", "/data/hello.txt"], &|_| {});
    let cap = vfd_host::MAX_READ_LEN as usize;
    assert_eq!(cap, MIB, "the cap this test expects");

    // read(fd, u32::MAX) and pread(fd, u32::MAX, _): 1 MiB per call at
    // most. Were the host to allocate what the guest asks for, one call
    // would take the whole file, and the host and the guest would each
    // hold 256 MiB of it.
    let (out, growth, largest) = measure(|| run(&["read", "/data/big.bin"], &|_| {}));
    expect_read_capped(&out, big, cap);
    println!(
        "read(fd, u32::MAX) over {} MiB: peak RSS growth {:.1} MiB, largest host allocation {} bytes",
        big / MIB,
        growth as f64 / MIB as f64,
        largest
    );
    assert!(growth < 64 * MIB, "reading grew the host by {growth} bytes");
    assert!(
        largest <= 2 * MIB,
        "largest host allocation {largest} bytes"
    );

    // recv-from(fd, u32::MAX) and read(socket, u32::MAX).
    let (out, growth, largest) = measure(|| {
        run(&["recv"], &|b| {
            b.allow_network();
        })
    });
    expect_recv_capped(&out);
    println!(
        "recv-from(fd, u32::MAX): peak RSS growth {:.1} MiB, largest host allocation {largest} bytes",
        growth as f64 / MIB as f64
    );
    assert!(
        growth < 64 * MIB,
        "receiving grew the host by {growth} bytes"
    );
    assert!(
        largest <= 2 * MIB,
        "largest host allocation {largest} bytes"
    );

    // A write of one huge list. The guest's own buffer is in its linear
    // memory, inside the host process: the baseline run fills the same
    // buffer without writing it, and the difference is the host's part.
    let list = 64;
    let devnull = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .unwrap();
    let to_devnull = |b: &mut vfd_host::VfdCtxBuilder| {
        b.insert_borrowed(3, devnull.as_fd()).unwrap();
    };
    let (out, baseline, _) = measure(|| run(&["touch", &list.to_string()], &|_| {}));
    assert_eq!(out.stdout, format!("touched {} bytes\n", list * MIB));
    let (out, growth, largest) = measure(|| run(&["write", &list.to_string()], &to_devnull));
    // The guest library hands the host at most MAX_WRITE_LEN bytes per
    // call: a short write, as POSIX allows.
    assert_eq!(
        out.stdout,
        format!("wrote {} of {} bytes in one call\n", MIB, list * MIB),
        "{out:#?}"
    );
    let host_part = growth.saturating_sub(baseline);
    println!(
        "write of a {list} MiB buffer: peak RSS growth {:.1} MiB ({:.1} MiB for the guest's own buffer), \
         host part {:.1} MiB, largest host allocation {largest} bytes",
        growth as f64 / MIB as f64,
        baseline as f64 / MIB as f64,
        host_part as f64 / MIB as f64,
    );
    assert!(
        host_part <= 16 * MIB,
        "a {list} MiB write grew the host by {host_part} bytes beyond the guest's own"
    );
    assert!(
        largest <= 2 * MIB,
        "largest host allocation {largest} bytes"
    );

    // write_all of a buffer larger than wasmtime lets one host call copy
    // in (its "hostcall fuel", 128 MiB): the library's chunks keep every
    // call small, so it is all written and the host never holds more than
    // a chunk of it.
    let huge = 256;
    let (result, growth, largest) = measure(|| {
        let out = tempfile::tempfile().unwrap();
        let mut b = VfdCtx::builder();
        b.stdout_borrowed(out.as_fd()).unwrap();
        to_devnull(&mut b);
        let wasi = WasiCtx::builder()
            .args(&["limits", "write-all", &huge.to_string()])
            .build();
        let limits = component("limits");
        vfd_host::run_command(engine(), &limits, wasi, b.build().unwrap())
    });
    assert_eq!(result.unwrap(), 0, "write_all of {huge} MiB");
    assert!(
        largest <= 2 * MIB,
        "largest host allocation {largest} bytes"
    );
    println!(
        "write_all of a {huge} MiB buffer: written; peak RSS growth {:.1} MiB (the guest's own buffer included), \
         largest host allocation {largest} bytes",
        growth as f64 / MIB as f64
    );
    println!("memory child done");
}

// ---- Leaks --------------------------------------------------------------

/// The host process's open descriptors.
fn host_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// How many lifecycles a leak test runs: `VFD_LEAK_RUNS`, or 10,000.
fn leak_runs() -> usize {
    std::env::var(LEAK_RUNS)
        .ok()
        .map(|n| n.parse().expect("VFD_LEAK_RUNS: a number"))
        .unwrap_or(DEFAULT_LEAK_RUNS)
}

fn dev_null() -> std::fs::File {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .unwrap()
}

/// A listener lent to every guest is still the host's, and accepts.
fn assert_still_accepts(listener: &TcpListener) {
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (_accepted, peer) = listener.accept().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
}

#[test]
fn module_lifecycles_leak_no_host_descriptors() {
    let out = run_child("limits::module_leak_child");
    assert!(out.contains("module leak child done"), "{out}");
}

/// The same for preview 1 modules (`p1-leaky`, a std program for
/// wasm32-wasip1): files, a directory and accepted connections left open,
/// ending by return, `proc_exit` or a trap, on a table with a preopen and
/// a lent listener.
#[test]
#[ignore = "run in a child process by module_lifecycles_leak_no_host_descriptors"]
fn module_leak_child() {
    if !in_child("module_leak_child") {
        return;
    }
    let runs = leak_runs();
    let fixture = Fixture::new();
    let module = crate::harness::p1_module("p1-leaky");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let devnull = dev_null();
    let endings = ["return", "exit", "panic"];
    let run = |i: usize| {
        let ending = endings[i % endings.len()];
        // Every tenth run accepts a real connection and leaves it open.
        let accept = i.is_multiple_of(10);
        let client = accept.then(|| TcpStream::connect(addr).unwrap());
        let mut b = VfdCtx::builder();
        b.stdin_borrowed(devnull.as_fd())
            .unwrap()
            .stdout_borrowed(devnull.as_fd())
            .unwrap()
            .stderr_borrowed(devnull.as_fd())
            .unwrap()
            .mount(fixture.path("mnt"), "/data", MountPerms::ReadWrite)
            .unwrap()
            .preopen_mounts(true)
            .insert_borrowed(4, listener.as_fd())
            .unwrap();
        let mut args = vec!["p1-leaky", ending];
        if accept {
            args.push("accept");
        }
        let wasi = WasiCtx::builder().args(&args).build();
        let result = vfd_host::run_module(engine(), &module, wasi, b.build().unwrap());
        match (ending, result) {
            ("return", Ok(0)) | ("exit", Ok(3)) | ("panic", Err(_)) => {}
            (ending, other) => panic!("run {i} ({ending}): {other:?}"),
        }
        drop(client);
    };
    for i in 0..6 {
        run(i);
    }
    let before = host_fds();
    let start = Instant::now();
    for i in 0..runs {
        run(i);
    }
    let elapsed = start.elapsed();
    let after = host_fds();
    println!(
        "{runs} module lifecycles in {:.1} s ({:.2} ms each); host descriptors before {before}, after {after}",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / runs.max(1) as f64
    );
    assert_eq!(after, before, "host descriptors leaked over {runs} runs");
    let written = std::fs::metadata(fixture.path("mnt/leaky-p1.txt"))
        .unwrap()
        .len();
    assert_eq!(
        written as usize,
        runs + 6,
        "every run got as far as its write"
    );
    // The lent listener survived every guest.
    assert_still_accepts(&listener);
    println!("module leak child done");
}

#[test]
fn instance_lifecycles_leak_no_host_descriptors() {
    let out = run_child("limits::leak_child");
    assert!(out.contains("leak child done"), "{out}");
}

#[test]
#[ignore = "run in a child process by instance_lifecycles_leak_no_host_descriptors"]
fn leak_child() {
    if !in_child("leak_child") {
        return;
    }
    let runs = leak_runs();
    let fixture = Fixture::new();
    let engine = engine();
    let leaky = component("leaky");
    let limits = component("limits");
    // The host's own objects, lent to every guest.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let devnull = dev_null();
    let endings = ["return", "exit", "panic", "close-borrowed"];
    let run = |i: usize, report: Option<&std::fs::File>| {
        let ending = endings[i % endings.len()];
        let mut b = VfdCtx::builder();
        b.stdin_borrowed(devnull.as_fd())
            .unwrap()
            .stdout_borrowed(report.unwrap_or(&devnull).as_fd())
            .unwrap()
            .stderr_borrowed(devnull.as_fd())
            .unwrap()
            .mount(fixture.path("mnt"), "/data", MountPerms::ReadWrite)
            .unwrap()
            .insert_borrowed(5, listener.as_fd())
            .unwrap()
            .allow_listen("127.0.0.1:*")
            .unwrap()
            .allow_connect("127.0.0.1:*")
            .unwrap();
        let mut args = vec!["leaky", ending];
        if report.is_some() {
            args.push("report");
        }
        let wasi = WasiCtx::builder().args(&args).build();
        let result = vfd_host::run_command(engine, &leaky, wasi, b.build().unwrap());
        match (ending, result) {
            ("return" | "close-borrowed", Ok(0)) | ("exit", Ok(1)) | ("panic", Err(_)) => {}
            (ending, other) => panic!("run {i} ({ending}): {other:?}"),
        }
    };

    // Warm up (wasmtime's and the runtime's own lazily made descriptors),
    // and check once what the guest opens.
    let report = tempfile::tempfile().unwrap();
    run(0, Some(&report));
    assert_eq!(
        read_all(report),
        "leaky opened: file [3], dir [4], created [6], pipe [7, 8], socketpair [9, 10], \
         tcp [11, 12, 13], udp [14], dups [15, 20]\n"
    );
    for i in 1..8 {
        run(i, None);
    }
    let before = host_fds();
    let start = Instant::now();
    for i in 0..runs {
        run(i, None);
    }
    let elapsed = start.elapsed();
    let after = host_fds();
    println!(
        "{runs} lifecycles in {:.1} s ({:.2} ms each); host descriptors before {before}, after {after}",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / runs.max(1) as f64
    );
    assert_eq!(after, before, "host descriptors leaked over {runs} runs");
    // Every run got as far as its writes: one byte each.
    let written = std::fs::metadata(fixture.path("mnt/leaky.txt"))
        .unwrap()
        .len();
    assert_eq!(written as usize, runs + 8);
    // The lent listener survived every guest, closing it included.
    assert_still_accepts(&listener);

    // A guest that fills a table of the default size, 1024, and exits.
    // The first run warms up (wasmtime keeps one memory image per module).
    let fill = || {
        let out = tempfile::tempfile().unwrap();
        let vfd = VfdCtx::builder()
            .stdin_borrowed(devnull.as_fd())
            .unwrap()
            .stdout_borrowed(out.as_fd())
            .unwrap()
            .stderr_borrowed(devnull.as_fd())
            .unwrap()
            .mount(fixture.path("mnt"), "/data", MountPerms::ReadOnly)
            .unwrap()
            .build()
            .unwrap();
        let wasi = WasiCtx::builder().args(&["limits", "fill", "1024"]).build();
        assert_eq!(
            vfd_host::run_command(engine, &limits, wasi, vfd).unwrap(),
            0
        );
        assert_eq!(
            read_all(out),
            "fill: open 1021 then mfile, pipe 510 then mfile, socketpair 510 then mfile, \
             dup 1020 then mfile (3061 calls)\n"
        );
    };
    fill();
    let before = host_fds();
    for _ in 0..3 {
        fill();
    }
    assert_eq!(host_fds(), before, "a full table leaked host descriptors");

    // The same guest composed with the wasm layer, under plain
    // wasmtime-wasi. Nothing is lent there, so its fd 5 is the file it
    // created, which is what `close-borrowed` closes then.
    let leaky_composed = composed("leaky");
    let run_composed = |i: usize| {
        let ending = endings[i % endings.len()];
        let (mut b, _out, _err) = composed_wasi(&fixture, "leaky", &[ending]);
        b.inherit_network();
        match (ending, run_plain(&leaky_composed, b.build())) {
            ("return" | "close-borrowed", Ok(0)) | ("exit", Ok(1)) | ("panic", Err(_)) => {}
            (ending, other) => panic!("composed run {i} ({ending}): {other:?}"),
        }
    };
    for i in 0..8 {
        run_composed(i);
    }
    let composed_runs = runs;
    let before = host_fds();
    let start = Instant::now();
    for i in 0..composed_runs {
        run_composed(i);
    }
    let elapsed = start.elapsed();
    let after = host_fds();
    println!(
        "{composed_runs} composed lifecycles in {:.1} s; host descriptors before {before}, after {after}",
        elapsed.as_secs_f64()
    );
    assert_eq!(
        after, before,
        "composed: host descriptors leaked over {composed_runs} runs"
    );
    let grown = std::fs::metadata(fixture.path("mnt/leaky.txt"))
        .unwrap()
        .len()
        - written;
    assert_eq!(grown as usize, composed_runs + 8);
    println!("leak child done");
}

// ---- Concurrency --------------------------------------------------------

/// Aborts the whole process if it is not dropped within `limit`: a hung
/// guest or a deadlock in the host fails the run instead of stalling it.
struct Watchdog(Option<mpsc::Sender<()>>);

impl Watchdog {
    fn new(what: &'static str, limit: Duration) -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                eprintln!("{what}: still running after {limit:?}, aborting the test process");
                std::process::abort();
            }
        });
        Watchdog(Some(tx))
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.take();
    }
}

#[test]
fn guests_run_side_by_side_on_their_own_tables() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 20;
    // Compile first: the watchdog times the runs, not the build.
    for name in ["limits", "leaky", "cat", "upper"] {
        component(name);
    }
    let _watchdog = Watchdog::new("guests_run_side_by_side", Duration::from_secs(60));
    let text: String = (0..20_000)
        .map(|i| format!("line {i} of the pipeline\n"))
        .collect();
    let start = Instant::now();
    let table_checks = &table_checks();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            s.spawn(move || {
                let fixture = Fixture::new();
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                for round in 0..ROUNDS {
                    // The same numbers in every table: each guest has its own.
                    let out = run_lib_with(&fixture, "limits", &["table"], |b| {
                        b.max_fds(16);
                    });
                    expect_checks(&format!("thread {t} round {round}"), &out, table_checks);
                    let out = run_lib_with(&fixture, "leaky", &["return", "report"], |b| {
                        b.insert_borrowed(5, listener.as_fd())
                            .unwrap()
                            .allow_listen("127.0.0.1:*")
                            .unwrap()
                            .allow_connect("127.0.0.1:*")
                            .unwrap();
                    });
                    assert!(
                        out.stdout.starts_with("leaky opened: file [3], dir [4]"),
                        "thread {t} round {round}: {out:#?}"
                    );
                }
            });
        }
        // Meanwhile, pairs of guests joined by host pipes.
        s.spawn(|| {
            let fixture = Fixture::new();
            std::fs::write(fixture.path("mnt/lines.txt"), &text).unwrap();
            for _ in 0..ROUNDS {
                assert!(
                    crate::pipes::cat_into_upper(&fixture, &["/data/lines.txt"])
                        == text.to_uppercase()
                );
            }
        });
    });
    eprintln!(
        "{THREADS} threads x {ROUNDS} rounds and {ROUNDS} pipelines in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}
