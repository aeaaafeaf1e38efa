//! `fd_read`, `fd_pread`, `fd_write`, `fd_pwrite`: straight between the
//! host kernel and the guest's memory.
//!
//! One non-empty buffer (what wasi-libc's `read` and `write` send) is one
//! read(2) or write(2) on the guest's bytes. Several are one readv(2) or
//! writev(2), filling each buffer in turn as Linux does, through a host
//! buffer only when two of the guest's read buffers overlap (the kernel
//! would write them in order; Rust cannot lend overlapping slices).

use super::memory::{IoList, Mem};
use super::{Result, functions};
use crate::VfdView;
use crate::description::Description;
use crate::descriptors::retry_blocking;
use std::io::{IoSlice, IoSliceMut};
use std::ops::Range;
use vfd_core::io::check_offset;
use vfd_core::limits::MAX_READ_LEN;
use wasmtime::Linker;

pub(super) fn add_to_linker<T: VfdView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    functions! { linker,
        "fd_read" => |mem, data, fd: u32, iovs: u32, count: u32, out: u32| {
            let d = data.vfd().desc(fd)?;
            mem.check(out, 4)?;
            let list = mem.iovecs(iovs, count)?;
            let n = fill(mem, list, |buf| rustix::io::read(d, buf), |bufs| {
                rustix::io::readv(d, bufs)
            })?;
            mem.put_u32(out, n)
        };
        "fd_pread" => |mem, data, fd: u32, iovs: u32, count: u32, offset: u64, out: u32| {
            let offset = check_offset(offset)?;
            let d = data.vfd().desc(fd)?;
            mem.check(out, 4)?;
            let list = mem.iovecs(iovs, count)?;
            let n = fill(mem, list, |buf| rustix::io::pread(d, buf, offset), |bufs| {
                rustix::io::preadv(d, bufs, offset)
            })?;
            mem.put_u32(out, n)
        };
        "fd_write" => |mem, data, fd: u32, iovs: u32, count: u32, out: u32| {
            let d = data.vfd().desc(fd)?;
            mem.check(out, 4)?;
            let list = mem.iovecs(iovs, count)?;
            let n = drain(mem, &list, |buf| d.write(buf), |bufs| d.write_vectored(bufs))?;
            mem.put_u32(out, n)
        };
        "fd_pwrite" => |mem, data, fd: u32, iovs: u32, count: u32, offset: u64, out: u32| {
            let offset = check_offset(offset)?;
            let d: &Description = data.vfd().desc(fd)?;
            mem.check(out, 4)?;
            let list = mem.iovecs(iovs, count)?;
            let n = drain(mem, &list, |buf| rustix::io::pwrite(d, buf, offset), |bufs| {
                rustix::io::pwritev(d, bufs, offset)
            })?;
            mem.put_u32(out, n)
        };
    }
    Ok(())
}

/// Reads into the guest's buffers `list` with `one` (a single buffer) or
/// `many` (several, in order); returns the byte count.
pub(super) fn fill(
    mem: &mut Mem<'_>,
    list: IoList,
    mut one: impl FnMut(&mut [u8]) -> rustix::io::Result<usize>,
    mut many: impl FnMut(&mut [IoSliceMut<'_>]) -> rustix::io::Result<usize>,
) -> Result<u32> {
    let n = match list {
        // A read of nothing still asks the kernel, which checks the
        // descriptor (a write-only one is EBADF).
        IoList::None => retry_blocking(|| one(&mut []))?,
        IoList::One(range) => retry_blocking(|| one(&mut mem.0[range.clone()]))?,
        IoList::Many(ranges) => match disjoint(mem.0, &ranges) {
            Some(mut slices) => retry_blocking(|| many(&mut slices))?,
            None => fill_overlapping(mem, &ranges, one)?,
        },
    };
    Ok(n as u32)
}

/// Writes the guest's buffers `list` with `one` or `many`.
pub(super) fn drain(
    mem: &Mem<'_>,
    list: &IoList,
    mut one: impl FnMut(&[u8]) -> rustix::io::Result<usize>,
    mut many: impl FnMut(&[IoSlice<'_>]) -> rustix::io::Result<usize>,
) -> Result<u32> {
    let n = match list {
        IoList::None => retry_blocking(|| one(&[]))?,
        IoList::One(range) => retry_blocking(|| one(&mem.0[range.clone()]))?,
        IoList::Many(ranges) => {
            let slices: Vec<_> = ranges
                .iter()
                .map(|r| IoSlice::new(&mem.0[r.clone()]))
                .collect();
            retry_blocking(|| many(&slices))?
        }
    };
    Ok(n as u32)
}

/// The guest's buffers as separate mutable slices, in the guest's order,
/// if no two overlap.
fn disjoint<'m>(memory: &'m mut [u8], ranges: &[Range<usize>]) -> Option<Vec<IoSliceMut<'m>>> {
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_by_key(|&i| ranges[i].start);
    if order
        .windows(2)
        .any(|w| ranges[w[0]].end > ranges[w[1]].start)
    {
        return None;
    }
    let mut slices: Vec<Option<&'m mut [u8]>> = (0..ranges.len()).map(|_| None).collect();
    let mut rest = memory;
    let mut consumed = 0;
    for i in order {
        let r = &ranges[i];
        let (_, tail) = std::mem::take(&mut rest).split_at_mut(r.start - consumed);
        let (slice, tail) = tail.split_at_mut(r.len());
        slices[i] = Some(slice);
        rest = tail;
        consumed = r.end;
    }
    Some(
        slices
            .into_iter()
            .map(|s| IoSliceMut::new(s.expect("every range placed")))
            .collect(),
    )
}

/// One read into a host buffer, then copied into the guest's overlapping
/// buffers in order, as the kernel would have filled them.
fn fill_overlapping(
    mem: &mut Mem<'_>,
    ranges: &[Range<usize>],
    mut one: impl FnMut(&mut [u8]) -> rustix::io::Result<usize>,
) -> Result<usize> {
    let total: usize = ranges.iter().map(|r| r.len()).sum();
    let mut buf = vec![0; total.min(MAX_READ_LEN as usize)];
    let n = retry_blocking(|| one(&mut buf))?;
    let mut data = &buf[..n];
    for r in ranges {
        let take = data.len().min(r.len());
        mem.0[r.start..r.start + take].copy_from_slice(&data[..take]);
        data = &data[take..];
    }
    Ok(n)
}
