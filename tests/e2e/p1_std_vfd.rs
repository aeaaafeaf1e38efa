//! std and the vfd crate on one table, in programs built for
//! wasm32-wasip1 (tests/p1_guest's `p1-redirect`, `p1-shared-offset`,
//! `p1-pipeline`, `p1-echo-server`): std opens, reads, writes, prints and
//! accepts; vfd's crate adds what preview 1 lacks (dup, dup2, pipes, poll,
//! making a listener, its address) through vfd's import module, on the
//! same numbers. Each runs under `vfd run`, and its whole output is
//! checked.

use crate::harness::{Fixture, p1_guest, stderr_of, stdout_of, vfd, vfd_cli};
use crate::net::{finish, patient};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, ChildStdout, Stdio};

#[test]
fn std_println_follows_a_vfd_dup2_into_a_file() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg(p1_guest("p1-redirect"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // /data and /ro are preopened at 3 and 4: vfd's dup takes 5, std's
    // open the next lowest, 6. The line printed while fd 1 was the file
    // is only in the file.
    assert_eq!(
        stdout_of(&out),
        "fd 1 saved at 5; std opened the log at 6\n\
         to the terminal\n\
         redirect.log holds: to the file\n"
    );
    assert!(!fixture.path("mnt/redirect.log").exists());
    fixture.assert_outside_untouched();
}

#[test]
fn a_vfd_dup_of_a_std_file_shares_its_offset() {
    let fixture = Fixture::new();
    let out = vfd_cli(&fixture)
        .arg(p1_guest("p1-shared-offset"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "dup a: ab\ndup b: cd\ndup a: ef\nopen 1: ab\nopen 2: ab\n"
    );
    assert!(!fixture.path("mnt/shared.txt").exists());
}

#[test]
fn std_reads_and_writes_vfd_pipes_and_reads_one_as_stdin() {
    // No mounts: the first pipe takes 3 and 4.
    let out = vfd()
        .arg("run")
        .arg(p1_guest("p1-pipeline"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "pipe: read end fd 3, write end fd 4 (both non-blocking)\n\
         sending 200000 bytes of a counting pattern, 1000 bytes per write\n\
         the pipe filled up (WouldBlock) at least once: yes\n\
         each time it was full, poll said the read end was readable: yes\n\
         all 200000 bytes written; closing the write end\n\
         the reader took the rest, then read returned 0 (end of file): yes\n\
         received 200000 bytes, every one in order: yes\n\
         std's stdin is now a pipe: one, two, three\n"
    );
}

/// `p1-echo-server` under `vfd run`, with its log read as it goes.
struct EchoServer {
    child: Child,
    log: BufReader<ChildStdout>,
}

impl EchoServer {
    /// Start it with `vfd run`'s `flags` and the program's `args`, and
    /// return it with the address its first line announced.
    fn start(flags: &[&str], args: &[&str]) -> (EchoServer, String) {
        let mut command = vfd();
        command.arg("run").args(flags);
        command.arg(p1_guest("p1-echo-server")).args(args);
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        let log = BufReader::new(child.stdout.take().unwrap());
        let mut server = EchoServer { child, log };
        let announced = server.next_line();
        let Some(addr) = announced.strip_prefix("listening on ") else {
            panic!(
                "p1-echo-server announced {announced:?} and ended with {}",
                finish(server.child)
            );
        };
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        (server, addr.trim_end().to_owned())
    }

    fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.log.read_line(&mut line).unwrap();
        line
    }

    /// Two clients in turn at `addr`, sending 3 lines and 1 (without its
    /// newline), each reading back what it sent; then the server's exit
    /// and the rest of its log.
    fn serve_two_clients(mut self, addr: &str) {
        for sent in ["a\nbb\nccc\n", "last line, no newline"] {
            let mut stream = TcpStream::connect(addr).unwrap();
            patient(&stream);
            stream.write_all(sent.as_bytes()).unwrap();
            stream.shutdown(Shutdown::Write).unwrap();
            let mut echoed = String::new();
            stream.read_to_string(&mut echoed).unwrap();
            assert_eq!(echoed, sent);
        }
        let status = finish(self.child);
        let mut rest = String::new();
        self.log.read_to_string(&mut rest).unwrap();
        assert!(status.success(), "{status}\n{rest}");
        assert_eq!(
            rest,
            "client 1 connected\nclient 1: echoed 3 lines\n\
             client 2 connected\nclient 2: echoed 1 lines\n"
        );
    }
}

#[test]
fn std_accepts_on_a_listener_handed_in_at_fd_3() {
    // Socket activation with no mounts, so 3 is free: the host binds, std
    // takes fd 3 with from_raw_fd, vfd tells its port.
    let (server, addr) = EchoServer::start(&["--fd", "3=tcp-listen:127.0.0.1:0"], &["fd3", "2"]);
    server.serve_two_clients(&addr);
}

#[test]
fn std_accepts_on_a_listener_vfd_made() {
    let (server, addr) =
        EchoServer::start(&["--allow-listen", "127.0.0.1:*"], &["127.0.0.1:0", "2"]);
    server.serve_two_clients(&addr);
}
