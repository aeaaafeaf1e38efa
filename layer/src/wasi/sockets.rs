//! `wasi:sockets/tcp` and `tcp-create-socket` as the guest sees them: the
//! runtime's, forwarded call for call.
//!
//! A component has one `wasi:io/streams`, and the guest's streams come
//! from the layer: so every interface that hands out a stream must be
//! served by the layer too, and a TCP connection's streams are among
//! them. Nothing here changes what the runtime answers; the streams of
//! `finish-connect` and `accept` are only wrapped as the layer's
//! `Input::Runtime` and `Output::Runtime`. UDP and name lookup hand out
//! no stream and stay the runtime's.

use super::streams::{Input, Output};
use crate::Layer;
use crate::bindings::exports::wasi::io::streams::{InputStream, OutputStream};
use crate::bindings::exports::wasi::sockets::{tcp, tcp_create_socket};
use wasip2::io::poll::Pollable;
use wasip2::io::streams as runtime_streams;
use wasip2::sockets::network::{ErrorCode, IpAddressFamily, IpSocketAddress, Network};
use wasip2::sockets::tcp as runtime;

/// The guest's TCP socket: one of the runtime's.
#[derive(Debug)]
pub struct Tcp(runtime::TcpSocket);

impl tcp::Guest for Layer {
    type TcpSocket = Tcp;
}

impl tcp_create_socket::Guest for Layer {
    fn create_tcp_socket(address_family: IpAddressFamily) -> Result<tcp::TcpSocket, ErrorCode> {
        wasip2::sockets::tcp_create_socket::create_tcp_socket(address_family)
            .map(|s| tcp::TcpSocket::new(Tcp(s)))
    }
}

/// A connection's runtime streams as the guest's.
fn wrap(
    (input, output): (runtime_streams::InputStream, runtime_streams::OutputStream),
) -> (InputStream, OutputStream) {
    (
        InputStream::new(Input::Runtime(input)),
        OutputStream::new(Output::Runtime(output)),
    )
}

/// The guest's shutdown type as the runtime's (the same enum, generated
/// twice).
fn runtime_shutdown(t: tcp::ShutdownType) -> runtime::ShutdownType {
    match t {
        tcp::ShutdownType::Receive => runtime::ShutdownType::Receive,
        tcp::ShutdownType::Send => runtime::ShutdownType::Send,
        tcp::ShutdownType::Both => runtime::ShutdownType::Both,
    }
}

impl tcp::GuestTcpSocket for Tcp {
    fn start_bind(
        &self,
        network: &Network,
        local_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        self.0.start_bind(network, local_address)
    }

    fn finish_bind(&self) -> Result<(), ErrorCode> {
        self.0.finish_bind()
    }

    fn start_connect(
        &self,
        network: &Network,
        remote_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        self.0.start_connect(network, remote_address)
    }

    fn finish_connect(&self) -> Result<(InputStream, OutputStream), ErrorCode> {
        self.0.finish_connect().map(wrap)
    }

    fn start_listen(&self) -> Result<(), ErrorCode> {
        self.0.start_listen()
    }

    fn finish_listen(&self) -> Result<(), ErrorCode> {
        self.0.finish_listen()
    }

    fn accept(&self) -> Result<(tcp::TcpSocket, InputStream, OutputStream), ErrorCode> {
        let (socket, input, output) = self.0.accept()?;
        let (input, output) = wrap((input, output));
        Ok((tcp::TcpSocket::new(Tcp(socket)), input, output))
    }

    fn local_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        self.0.local_address()
    }

    fn remote_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        self.0.remote_address()
    }

    fn is_listening(&self) -> bool {
        self.0.is_listening()
    }

    fn address_family(&self) -> IpAddressFamily {
        self.0.address_family()
    }

    fn set_listen_backlog_size(&self, value: u64) -> Result<(), ErrorCode> {
        self.0.set_listen_backlog_size(value)
    }

    fn keep_alive_enabled(&self) -> Result<bool, ErrorCode> {
        self.0.keep_alive_enabled()
    }

    fn set_keep_alive_enabled(&self, value: bool) -> Result<(), ErrorCode> {
        self.0.set_keep_alive_enabled(value)
    }

    fn keep_alive_idle_time(&self) -> Result<u64, ErrorCode> {
        self.0.keep_alive_idle_time()
    }

    fn set_keep_alive_idle_time(&self, value: u64) -> Result<(), ErrorCode> {
        self.0.set_keep_alive_idle_time(value)
    }

    fn keep_alive_interval(&self) -> Result<u64, ErrorCode> {
        self.0.keep_alive_interval()
    }

    fn set_keep_alive_interval(&self, value: u64) -> Result<(), ErrorCode> {
        self.0.set_keep_alive_interval(value)
    }

    fn keep_alive_count(&self) -> Result<u32, ErrorCode> {
        self.0.keep_alive_count()
    }

    fn set_keep_alive_count(&self, value: u32) -> Result<(), ErrorCode> {
        self.0.set_keep_alive_count(value)
    }

    fn hop_limit(&self) -> Result<u8, ErrorCode> {
        self.0.hop_limit()
    }

    fn set_hop_limit(&self, value: u8) -> Result<(), ErrorCode> {
        self.0.set_hop_limit(value)
    }

    fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.0.receive_buffer_size()
    }

    fn set_receive_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        self.0.set_receive_buffer_size(value)
    }

    fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.0.send_buffer_size()
    }

    fn set_send_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        self.0.set_send_buffer_size(value)
    }

    fn subscribe(&self) -> Pollable {
        self.0.subscribe()
    }

    fn shutdown(&self, shutdown_type: tcp::ShutdownType) -> Result<(), ErrorCode> {
        self.0.shutdown(runtime_shutdown(shutdown_type))
    }
}
