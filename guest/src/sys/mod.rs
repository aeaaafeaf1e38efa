//! The calls the rest of the crate makes, one backend per target, with the
//! signatures of the WIT bindings: `descriptors`, `pipes`, `poll` and
//! `sockets`, taking and returning the WIT's types and its `Errno`.
//!
//! - wasm32-wasip2 (and the host-target build used for lints and docs):
//!   the `vfd:posix` imports themselves, through the generated bindings.
//! - wasm32-wasip1: the same table reached through preview 1 and vfd's
//!   own import module `vfd` (`p1`), each call a conversion of arguments
//!   and results, never a rule of its own: the host decides every answer.
//!
//! Reads (`read`, `pread`, `recv_from`) take the caller's buffer on every
//! target, so that each backend can place the bytes straight into it.

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
mod wit {
    pub(crate) use crate::bindings::vfd::posix::{descriptors, pipes, poll, sockets};
    pub(crate) use crate::landing::{pread, read};

    use crate::bindings::vfd::posix::types::Errno;
    use crate::io::{clamp_len, copy_into};

    /// recvfrom(2) into `buf`: the datagram's bytes that fit, and its
    /// sender.
    pub(crate) fn recv_from(fd: u32, buf: &mut [u8]) -> Result<(usize, String), Errno> {
        let (data, from) = sockets::recv_from(fd, clamp_len(buf.len()))?;
        Ok((copy_into(&data, buf), from))
    }
}

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
pub(crate) use wit::*;

#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod p1;

#[cfg(all(target_os = "wasi", target_env = "p1"))]
pub(crate) use p1::*;
