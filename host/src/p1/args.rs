//! The process calls: `args_*`, `environ_*`, `random_get`, `proc_exit`,
//! `proc_raise`, `sched_yield`. Arguments, environment and randomness are
//! wasmtime-wasi's, so a module sees what a component would.

use super::memory::Mem;
use super::{Errno, Result, functions};
use wasmtime::Linker;
use wasmtime_wasi::cli::WasiCliCtxView;
use wasmtime_wasi::p2::bindings::cli::environment::Host as Environment;
use wasmtime_wasi::p2::bindings::random::random::Host as Random;
use wasmtime_wasi::{I32Exit, WasiView};

/// The bytes asked of wasmtime-wasi's generator at a time.
const RANDOM_PIECE: usize = 1 << 20;

pub(super) fn add_to_linker<T: WasiView + crate::VfdView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    functions! { linker,
        "args_get" => |mem, data, argv: u32, buf: u32| {
            put_strings(mem, &arguments(data)?, argv, buf)
        };
        "args_sizes_get" => |mem, data, count_out: u32, size_out: u32| {
            put_sizes(mem, &arguments(data)?, count_out, size_out)
        };
        "environ_get" => |mem, data, environ: u32, buf: u32| {
            put_strings(mem, &environment(data)?, environ, buf)
        };
        "environ_sizes_get" => |mem, data, count_out: u32, size_out: u32| {
            put_sizes(mem, &environment(data)?, count_out, size_out)
        };
        "random_get" => |mem, data, buf: u32, len: u32| {
            let out = mem.bytes_mut(buf, len)?;
            // In pieces: wasmtime-wasi refuses a single request above its
            // `max_random_size`, and preview 1 fills the whole buffer.
            for piece in out.chunks_mut(RANDOM_PIECE) {
                let bytes = data
                    .ctx()
                    .ctx
                    .random()
                    .get_random_bytes(piece.len() as u64)
                    .map_err(|_| Errno::from(vfd_core::Errno::Io))?;
                piece.copy_from_slice(&bytes);
            }
            Ok(())
        };
        "sched_yield" => |_mem, _data| {
            std::thread::yield_now();
            Ok(())
        };
        // Signals are not part of vfd's model; wasmtime-wasi answers the
        // same, and wasi-libc no longer calls it.
        "proc_raise" => |_mem, _data, _signal: u32| Err(Errno::NOTSUP);
    }
    // exit(2)'s status is the low 8 bits of what the program passed, as a
    // Linux parent sees it; wasmtime-wasi refuses statuses above 125.
    linker.func_wrap(
        super::MODULE,
        "proc_exit",
        |_caller: wasmtime::Caller<'_, T>, status: u32| -> wasmtime::Result<()> {
            Err(I32Exit((status & 0xff) as i32).into())
        },
    )?;
    Ok(())
}

fn arguments<T: WasiView>(data: &mut T) -> Result<Vec<String>> {
    let view = data.ctx();
    let mut cli = WasiCliCtxView {
        ctx: view.ctx.cli(),
        table: view.table,
    };
    cli.get_arguments().map_err(|_| vfd_core::Errno::Io.into())
}

fn environment<T: WasiView>(data: &mut T) -> Result<Vec<String>> {
    let view = data.ctx();
    let mut cli = WasiCliCtxView {
        ctx: view.ctx.cli(),
        table: view.table,
    };
    let vars = cli
        .get_environment()
        .map_err(|_| Errno::from(vfd_core::Errno::Io))?;
    Ok(vars.into_iter().map(|(k, v)| format!("{k}={v}")).collect())
}

/// `argv`-style: a pointer per string into `buf`, where the strings lie
/// one after the other, each NUL-terminated. No NULL pointer ends the
/// array (the guest's libc adds it).
fn put_strings(mem: &mut Mem<'_>, strings: &[String], pointers: u32, buf: u32) -> Result<()> {
    let (count, size) = sizes(strings)?;
    mem.check(pointers, count.checked_mul(4).ok_or(Errno::FAULT)?)?;
    mem.check(buf, size)?;
    // Offsets from `buf` as `usize`: the end of the last string may be
    // exactly 2^32, which a `u32` cannot hold.
    let mut offset = 0usize;
    for (i, s) in strings.iter().enumerate() {
        let at = buf + offset as u32;
        mem.put_u32(pointers + 4 * i as u32, at)?;
        mem.put(at, s.as_bytes())?;
        mem.put(at + s.len() as u32, &[0])?;
        offset += s.len() + 1;
    }
    Ok(())
}

fn put_sizes(mem: &mut Mem<'_>, strings: &[String], count_out: u32, size_out: u32) -> Result<()> {
    let (count, size) = sizes(strings)?;
    mem.check(count_out, 4)?;
    mem.check(size_out, 4)?;
    mem.put_u32(count_out, count)?;
    mem.put_u32(size_out, size)
}

/// The number of strings and the bytes they take with their NULs; more
/// than a 32-bit memory can hold is `EOVERFLOW`.
fn sizes(strings: &[String]) -> Result<(u32, u32)> {
    let size: usize = strings.iter().map(|s| s.len() + 1).sum();
    let count = u32::try_from(strings.len()).map_err(|_| Errno::OVERFLOW)?;
    let size = u32::try_from(size).map_err(|_| Errno::OVERFLOW)?;
    Ok((count, size))
}
