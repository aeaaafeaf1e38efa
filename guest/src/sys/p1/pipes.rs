//! The WIT's `pipes` interface on wasm32-wasip1: vfd's module.

use super::{out, vfd_imports as vfd};
use crate::bindings::vfd::posix::types::{Errno, FdFlags, StatusFlags};

pub(crate) fn pipe(flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
    // SAFETY: the import writes two u32s where `fds` points.
    let [r, w] = out(|fds| unsafe { vfd::pipe(flags.bits().into(), status.bits().into(), fds) })?;
    Ok((r, w))
}

pub(crate) fn socketpair(flags: FdFlags, status: StatusFlags) -> Result<(u32, u32), Errno> {
    // SAFETY: as in `pipe`.
    let [a, b] =
        out(|fds| unsafe { vfd::socketpair(flags.bits().into(), status.bits().into(), fds) })?;
    Ok((a, b))
}
