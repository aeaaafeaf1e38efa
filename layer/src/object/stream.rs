//! write(2) to a wasi:io output stream (stdio, TCP), shared by the objects
//! that have one.

use crate::bindings::Errno;
use wasip2::io::streams::{OutputStream, StreamError};

/// Write `data` whole, waiting for room as a blocking write(2) does: as
/// much as the stream takes at a time (`check-write`), then one flush. A
/// failure after some bytes went out is reported as a short write.
pub fn write_blocking(
    output: &OutputStream,
    data: &[u8],
    errno: fn(StreamError) -> Errno,
) -> Result<u32, Errno> {
    let mut written = 0;
    let result = (|| {
        while written < data.len() {
            let room = output.check_write()?;
            if room == 0 {
                output.subscribe().block();
                continue;
            }
            let n = (data.len() - written).min(usize::try_from(room).unwrap_or(usize::MAX));
            output.write(&data[written..written + n])?;
            written += n;
        }
        output.blocking_flush()
    })();
    match result {
        Ok(()) => Ok(written as u32),
        Err(_) if written > 0 => Ok(written as u32),
        Err(e) => Err(errno(e)),
    }
}

/// Write what the stream takes now, as a non-blocking write(2) does:
/// `again` if that is nothing. The flush is started, not waited for.
pub fn write_nonblocking(
    output: &OutputStream,
    data: &[u8],
    errno: fn(StreamError) -> Errno,
) -> Result<u32, Errno> {
    let room = output.check_write().map_err(errno)?;
    let n = data.len().min(usize::try_from(room).unwrap_or(usize::MAX));
    if n == 0 && !data.is_empty() {
        return Err(Errno::Again);
    }
    output.write(&data[..n]).map_err(errno)?;
    output.flush().map_err(errno)?;
    Ok(n as u32)
}
