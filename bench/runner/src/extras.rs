//! The host-side measurements: guest instance creation, host memory per
//! open descriptor, and `open` + `close` with a small and a large table.

use anyhow::{Context, Result, anyhow};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use vfd_host::bindings::OpenFlags;
use vfd_host::bindings::vfd::posix::descriptors::Host;
use vfd_host::{CommandCtx, MAX_MAX_FDS, MountPerms, VfdCtx};
use wasmtime::Store;
use wasmtime::component::{Linker, ResourceTable};
use wasmtime_wasi::p2::bindings::sync::Command as WasiCommand;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::alloc;
use crate::columns::{Columns, GUEST_DIR};
use crate::median;

/// The descriptors the large table holds.
pub const LARGE: u32 = 100_000;
/// The descriptors the small table holds.
pub const SMALL: u32 = 10;

pub struct Extras {
    /// Median ns: `VfdCtx` built with stdio and 2 mounts.
    pub vfd_ctx_ns: f64,
    /// Median ns: that, a `WasiCtx`, a store and the vfd workload's
    /// instantiation.
    pub vfd_instance_ns: f64,
    /// Median ns: a `WasiCtx` with 2 preopens, a store and the p2
    /// workload's instantiation.
    pub p2_instance_ns: f64,
    pub instance_samples: usize,
    /// Per `dup`ed descriptor (table entry only, shared description).
    pub per_dup: Memory,
    /// Per `open`ed descriptor (entry, description and host descriptor).
    pub per_open: Memory,
    /// The soft limit on host descriptors the runner got.
    pub nofile: u64,
    pub vfd_small: OpenClose,
    pub vfd_large: OpenClose,
    pub native_small: OpenClose,
    pub native_large: OpenClose,
}

/// Host memory per descriptor, over `count` of them.
pub struct Memory {
    pub count: u64,
    /// Live heap growth per descriptor (glibc `mallinfo2`).
    pub heap: Option<f64>,
    /// Resident set growth per descriptor.
    pub rss: Option<f64>,
    /// Bytes asked of the allocator per descriptor.
    pub allocated: f64,
}

/// `open` + `close` of one file with `open` descriptors already open.
pub struct OpenClose {
    pub open: u64,
    /// Median ns per pair.
    pub ns: f64,
    /// Allocator calls and bytes per pair (vfd only).
    pub alloc: Option<(f64, f64)>,
}

pub fn measure(columns: &Columns, scratch: &Path, quick: bool) -> Result<Extras> {
    let nofile = raise_nofile();
    let samples = if quick { 5 } else { 101 };
    let (vfd_ctx_ns, vfd_instance_ns) = vfd_instance(columns, scratch, samples)?;
    let p2_instance_ns = p2_instance(columns, scratch, samples)?;
    let per_dup = memory(scratch, LARGE as u64, false)?;
    // Each `open` holds a host descriptor: stay well inside the limit.
    let opens = (nofile.saturating_sub(1_000)).clamp(100, LARGE as u64);
    let per_open = memory(scratch, opens, true)?;
    let pairs = if quick { 1_000 } else { 50_000 };
    let (vfd_small, vfd_large) = vfd_open_close(scratch, SMALL, LARGE, pairs)?;
    let native_big = (nofile.saturating_sub(100)).min(LARGE as u64);
    let (native_small, native_large) = native_open_close(scratch, SMALL as u64, native_big, pairs)?;
    Ok(Extras {
        vfd_ctx_ns,
        vfd_instance_ns,
        p2_instance_ns,
        instance_samples: samples,
        per_dup,
        per_open,
        nofile,
        vfd_small,
        vfd_large,
        native_small,
        native_large,
    })
}

/// Raise RLIMIT_NOFILE's soft limit to the hard one; returns the soft
/// limit in force afterwards.
fn raise_nofile() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit to fill and then to pass back.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        let want = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
            lim = want;
        }
    }
    lim.rlim_cur
}

fn two_mounts(scratch: &Path) -> Result<VfdCtx> {
    Ok(VfdCtx::builder()
        .mount(scratch.join("a"), "/a", MountPerms::ReadWrite)?
        .mount(scratch.join("b"), "/b", MountPerms::ReadOnly)?
        .build()?)
}

/// A guest instance with vfd: the default stdio (the host's, lent) and
/// two mounts; the linker is made once, as an embedder would.
fn vfd_instance(columns: &Columns, scratch: &Path, samples: usize) -> Result<(f64, f64)> {
    let mut linker = Linker::<CommandCtx>::new(&columns.engine);
    vfd_host::add_to_linker_with_wasi(&mut linker)?;
    let mut ctx_ns = Vec::new();
    let mut total_ns = Vec::new();
    for _ in 0..samples {
        let start = Instant::now();
        let vfd = two_mounts(scratch)?;
        let built = start.elapsed();
        let wasi = WasiCtxBuilder::new().build();
        let data = CommandCtx {
            wasi,
            table: ResourceTable::new(),
            vfd,
        };
        let mut store = Store::new(&columns.engine, data);
        let command = WasiCommand::instantiate(&mut store, &columns.vfd, &linker)?;
        let total = start.elapsed();
        black_box(command);
        drop(store);
        ctx_ns.push(built.as_nanos() as f64);
        total_ns.push(total.as_nanos() as f64);
    }
    Ok((median(&ctx_ns).unwrap(), median(&total_ns).unwrap()))
}

/// The same for wasmtime-wasi p2 alone: two preopened directories.
fn p2_instance(columns: &Columns, scratch: &Path, samples: usize) -> Result<f64> {
    let mut total_ns = Vec::new();
    for _ in 0..samples {
        let start = Instant::now();
        let wasi = WasiCtxBuilder::new()
            .allow_blocking_current_thread(true)
            .preopened_dir(scratch.join("a"), "/a", FsPerms::ReadWrite)?
            .preopened_dir(scratch.join("b"), "/b", FsPerms::ReadOnly)?
            .build();
        let data = crate::columns::P2State::new(wasi);
        let mut store = Store::new(&columns.engine, data);
        let command = WasiCommand::instantiate(&mut store, &columns.p2, &columns.p2_linker)?;
        let total = start.elapsed();
        black_box(command);
        drop(store);
        total_ns.push(total.as_nanos() as f64);
    }
    Ok(median(&total_ns).unwrap())
}

fn errno(e: vfd_host::bindings::Errno) -> anyhow::Error {
    anyhow!("vfd: {}", vfd_host::errno_name(e))
}

/// A context with room for a million descriptors, the data file open at
/// fd 3.
fn big_ctx(scratch: &Path) -> Result<(VfdCtx, u32)> {
    let mut ctx = VfdCtx::builder()
        .mount(scratch, GUEST_DIR, MountPerms::ReadWrite)?
        .max_fds(MAX_MAX_FDS)
        .build()?;
    let fd = ctx
        .open(data_path(), OpenFlags::READ)
        .map_err(errno)
        .context("open")?;
    Ok((ctx, fd))
}

fn data_path() -> String {
    format!("{GUEST_DIR}/{}", vfd_bench_workloads::DATA_FILE)
}

/// Host memory for `count` more descriptors: `dup`s of one open file, or
/// (`open`) separate opens, each with its own description and host
/// descriptor.
fn memory(scratch: &Path, count: u64, open: bool) -> Result<Memory> {
    let (mut ctx, fd) = big_ctx(scratch)?;
    let heap_before = alloc::live_heap();
    let rss_before = alloc::rss();
    alloc::start();
    for _ in 0..count {
        if open {
            ctx.open(data_path(), OpenFlags::READ).map_err(errno)?;
        } else {
            ctx.dup(fd).map_err(errno)?;
        }
    }
    let counts = alloc::stop();
    let heap_after = alloc::live_heap();
    let rss_after = alloc::rss();
    let per = |before: Option<u64>, after: Option<u64>| {
        Some((after? as f64 - before? as f64) / count as f64)
    };
    let memory = Memory {
        count,
        heap: per(heap_before, heap_after),
        rss: per(rss_before, rss_after),
        allocated: counts.bytes as f64 / count as f64,
    };
    drop(ctx);
    Ok(memory)
}

/// Rounds of batches: each round times one batch with the small table
/// and one with the large, so drift hits both alike.
pub const ROUNDS: usize = 7;

/// `open` + `close` through vfd's host API with `small` and with `large`
/// descriptors already in the table (numbers 3 and up, so each new one is
/// the lowest free number after them).
fn vfd_open_close(
    scratch: &Path,
    small: u32,
    large: u32,
    pairs: u64,
) -> Result<(OpenClose, OpenClose)> {
    let mut tables = Vec::new();
    for open in [small, large] {
        let (mut ctx, fd) = big_ctx(scratch)?;
        for _ in 1..open {
            ctx.dup(fd).map_err(errno)?;
        }
        tables.push(ctx);
    }
    let path = data_path();
    let batch = |ctx: &mut VfdCtx, pairs: u64| -> Result<f64> {
        let start = Instant::now();
        for _ in 0..pairs {
            let new = ctx.open(path.clone(), OpenFlags::READ).map_err(errno)?;
            ctx.close(new).map_err(errno)?;
        }
        Ok(start.elapsed().as_nanos() as f64 / pairs as f64)
    };
    let mut times = [Vec::new(), Vec::new()];
    for ctx in &mut tables {
        batch(ctx, pairs / 10)?;
    }
    for _ in 0..ROUNDS {
        for (i, ctx) in tables.iter_mut().enumerate() {
            times[i].push(batch(ctx, pairs / ROUNDS as u64)?);
        }
    }
    let mut result = Vec::new();
    for (i, (ctx, open)) in tables.iter_mut().zip([small, large]).enumerate() {
        alloc::start();
        batch(ctx, 1_000)?;
        let counts = alloc::stop();
        result.push(OpenClose {
            open: open as u64,
            ns: median(&times[i]).unwrap(),
            alloc: Some((counts.calls as f64 / 1_000.0, counts.bytes as f64 / 1_000.0)),
        });
    }
    let large = result.pop().unwrap();
    let small = result.pop().unwrap();
    Ok((small, large))
}

/// The same natively: `std::fs::File::open` + drop of the data file with
/// `small` and with `large` descriptors (`dup`s) held by this process,
/// made and closed again around each batch.
fn native_open_close(
    scratch: &Path,
    small: u64,
    large: u64,
    pairs: u64,
) -> Result<(OpenClose, OpenClose)> {
    use std::os::fd::AsRawFd;
    let path = scratch.join(vfd_bench_workloads::DATA_FILE);
    let file = std::fs::File::open(&path)?;
    let batch = |open: u64, pairs: u64| -> Result<f64> {
        let mut held = Vec::new();
        for _ in 1..open {
            // SAFETY: `file` is open; each new number is closed below.
            let fd = unsafe { libc::dup(file.as_raw_fd()) };
            if fd < 0 {
                let e = std::io::Error::last_os_error();
                close_all(&held);
                return Err(e).context(format!("dup number {} of {open}", held.len()));
            }
            held.push(fd);
        }
        let start = Instant::now();
        let result = (0..pairs).try_for_each(|_| std::fs::File::open(&path).map(drop));
        let elapsed = start.elapsed();
        close_all(&held);
        result?;
        Ok(elapsed.as_nanos() as f64 / pairs as f64)
    };
    batch(small, pairs / 10)?;
    batch(large, pairs / 10)?;
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        for (i, open) in [small, large].into_iter().enumerate() {
            times[i].push(batch(open, pairs / ROUNDS as u64)?);
        }
    }
    let result = |i: usize, open: u64| OpenClose {
        open,
        ns: median(&times[i]).unwrap(),
        alloc: None,
    };
    Ok((result(0, small), result(1, large)))
}

fn close_all(fds: &[i32]) {
    for &fd in fds {
        // SAFETY: each number was dup'ed by us and is closed once.
        unsafe { libc::close(fd) };
    }
}
