//! UDP over wasi:sockets.

use super::addr::{family, from_wasi, to_wasi};
use super::finish;
use crate::bindings::Errno;
use crate::bindings::exports::vfd::posix::poll::Revents;
use crate::errno;
use crate::poll::Watch;
use std::cell::RefCell;
use std::net::SocketAddr;
use wasip2::sockets::network::{ErrorCode, Network};
use wasip2::sockets::udp::{
    IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream, UdpSocket,
};
use wasip2::sockets::udp_create_socket::create_udp_socket;

/// The largest UDP payload (65,535 bytes less the IPv4 and UDP headers):
/// `recv-from` never asks for more.
const MAX_DATAGRAM: u32 = 65_507;

/// A bound UDP socket. Its datagram streams are made on first use, and
/// declared before the socket so that they are dropped first.
#[derive(Debug)]
pub struct Udp {
    streams: RefCell<Option<(IncomingDatagramStream, OutgoingDatagramStream)>>,
    socket: UdpSocket,
}

impl Udp {
    /// socket(2) and bind(2).
    pub fn bind(network: &Network, addr: SocketAddr) -> Result<Udp, Errno> {
        let socket = create_udp_socket(family(&addr)).map_err(errno::net)?;
        socket
            .start_bind(network, to_wasi(addr))
            .map_err(errno::net)?;
        finish(|| socket.subscribe(), || socket.finish_bind())?;
        Ok(Udp {
            streams: RefCell::new(None),
            socket,
        })
    }

    /// The datagram streams, made on first use (with no fixed peer).
    fn datagrams<R>(
        &self,
        f: impl FnOnce(&IncomingDatagramStream, &OutgoingDatagramStream) -> Result<R, Errno>,
    ) -> Result<R, Errno> {
        let mut streams = self.streams.borrow_mut();
        let (incoming, outgoing) = match &mut *streams {
            Some(s) => s,
            none => none.insert(self.socket.stream(None).map_err(errno::net)?),
        };
        f(incoming, outgoing)
    }

    /// sendto(2) of one datagram.
    pub fn send_to(&self, data: &[u8], to: SocketAddr, nonblock: bool) -> Result<u32, Errno> {
        self.datagrams(|_, outgoing| {
            let room = if nonblock {
                outgoing.check_send().map_err(errno::net)?
            } else {
                finish(
                    || outgoing.subscribe(),
                    || match outgoing.check_send() {
                        Ok(0) => Err(ErrorCode::WouldBlock),
                        other => other,
                    },
                )?
            };
            if room == 0 {
                return Err(Errno::Again);
            }
            let datagram = OutgoingDatagram {
                data: data.to_vec(),
                remote_address: Some(to_wasi(to)),
            };
            outgoing
                .send(std::slice::from_ref(&datagram))
                .map_err(errno::net)?;
            Ok(data.len() as u32)
        })
    }

    /// recvfrom(2) of one datagram, cut to `len` bytes (the rest is
    /// discarded, as on Linux).
    pub fn recv_from(&self, len: u32, nonblock: bool) -> Result<(Vec<u8>, SocketAddr), Errno> {
        let len = len.min(MAX_DATAGRAM) as usize;
        self.datagrams(|incoming, _| {
            let mut got = loop {
                let got = incoming.receive(1).map_err(errno::net)?;
                if !got.is_empty() {
                    break got;
                }
                if nonblock {
                    return Err(Errno::Again);
                }
                incoming.subscribe().block();
            };
            let mut datagram = got.swap_remove(0);
            datagram.data.truncate(len);
            Ok((datagram.data, from_wasi(datagram.remote_address)))
        })
    }

    /// getsockname(2).
    pub fn local_address(&self) -> Result<SocketAddr, Errno> {
        self.socket
            .local_address()
            .map(from_wasi)
            .map_err(errno::net)
    }

    /// poll(2): readable with a datagram waiting, writable with room.
    pub fn watch(&self, w: &mut Watch, readable: bool, writable: bool) {
        // Streams that cannot be made leave the entry never ready; the
        // next call on the socket reports why.
        let _ = self.datagrams(|incoming, outgoing| {
            if readable {
                w.pollables.push((incoming.subscribe(), Revents::READABLE));
            }
            if writable {
                w.pollables.push((outgoing.subscribe(), Revents::WRITABLE));
            }
            Ok(())
        });
    }
}
