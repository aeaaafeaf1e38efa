//! The pipeline example as a std program for wasm32-wasip1: vfd makes the
//! pipe, makes its ends non-blocking and polls (preview 1 can do none of
//! these); std reads, writes and prints, on the same numbers. Then a
//! second pipe becomes std's stdin.
//!
//! More goes through the first pipe than it can hold: the writer writes
//! until the pipe is full (`WouldBlock`), polls the read end, takes what
//! it holds and goes on; once the write end is closed the last read
//! returns 0. Run with no mounts, so the pipe takes 3 and 4:
//!
//! ```text
//! pipe: read end fd 3, write end fd 4 (both non-blocking)
//! sending 200000 bytes of a counting pattern, 1000 bytes per write
//! the pipe filled up (WouldBlock) at least once: yes
//! each time it was full, poll said the read end was readable: yes
//! all 200000 bytes written; closing the write end
//! the reader took the rest, then read returned 0 (end of file): yes
//! received 200000 bytes, every one in order: yes
//! std's stdin is now a pipe: one, two, three
//! ```

#[cfg(all(target_os = "wasi", target_env = "p1"))]
fn main() {
    if let Err(e) = story::run() {
        eprintln!("p1-pipeline: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(all(target_os = "wasi", target_env = "p1")))]
fn main() {
    eprintln!("p1-pipeline calls vfd's preview 1 module: build it for wasm32-wasip1");
    std::process::exit(2);
}

#[cfg(all(target_os = "wasi", target_env = "p1"))]
mod story {
    use std::fs::File;
    use std::io::{self, ErrorKind, Read, Write};
    use std::os::fd::{AsRawFd, OwnedFd};

    use vfd::io::{StatusFlags, fcntl_getfl, fcntl_setfl};
    use vfd::poll::{PollFd, PollFlags, poll};

    /// How many bytes cross the pipe in all: more than a default pipe holds.
    const TOTAL: usize = 200_000;
    /// The most one write offers.
    const CHUNK: usize = 1000;

    /// The byte at position `i` of the stream: a count that wraps at a
    /// prime, so it never lines up with the chunks.
    fn pattern(i: usize) -> u8 {
        (i % 251) as u8
    }

    /// A pipe end from vfd as a std `File`: preview 1's reads and writes
    /// work on any number of the table.
    fn std_file(fd: vfd::fd::OwnedFd) -> File {
        File::from(OwnedFd::from(fd))
    }

    fn yes_no(b: bool) -> &'static str {
        if b { "yes" } else { "no" }
    }

    pub(super) fn run() -> io::Result<()> {
        let data: Vec<u8> = (0..TOTAL).map(pattern).collect();

        let (reader, writer) = vfd::pipe::pipe()?;
        for end in [&reader, &writer] {
            fcntl_setfl(end, fcntl_getfl(end)? | StatusFlags::NONBLOCK)?;
        }
        let (mut reader, mut writer) = (std_file(reader), std_file(writer));
        println!(
            "pipe: read end fd {}, write end fd {} (both non-blocking)",
            reader.as_raw_fd(),
            writer.as_raw_fd()
        );
        println!("sending {TOTAL} bytes of a counting pattern, {CHUNK} bytes per write");

        let mut received = Vec::with_capacity(TOTAL);
        let mut fills = 0;
        let mut poll_said_readable = true;
        for chunk in data.chunks(CHUNK) {
            let mut rest = chunk;
            while !rest.is_empty() {
                match writer.write(rest) {
                    Ok(n) => rest = &rest[n..],
                    // The pipe is full: wait until the read end is
                    // readable (at once, here), and take what it holds.
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        fills += 1;
                        let mut fds = [PollFd::new(&reader, PollFlags::IN)];
                        poll(&mut fds, None)?;
                        poll_said_readable &= fds[0].revents().contains(PollFlags::IN);
                        drain(&mut reader, &mut received)?;
                    }
                    Err(e) => return Err(e),
                }
            }
        }

        println!(
            "the pipe filled up (WouldBlock) at least once: {}",
            yes_no(fills > 0)
        );
        println!(
            "each time it was full, poll said the read end was readable: {}",
            yes_no(poll_said_readable)
        );
        println!("all {TOTAL} bytes written; closing the write end");
        drop(writer);

        // No writer is left, so once the pipe is empty read returns 0
        // instead of WouldBlock.
        let eof = drain(&mut reader, &mut received)?;
        println!(
            "the reader took the rest, then read returned 0 (end of file): {}",
            yes_no(eof)
        );
        println!(
            "received {} bytes, every one in order: {}",
            received.len(),
            yes_no(received == data)
        );
        drop(reader);

        stdin_from_a_pipe()
    }

    /// Read what the non-blocking pipe holds into `received`; whether the
    /// read that stopped it was end of file (else it was `WouldBlock`).
    fn drain(reader: &mut File, received: &mut Vec<u8>) -> io::Result<bool> {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(true),
                Ok(n) => received.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
    }

    /// A pipe's read end dup2'd onto fd 0 is what `std::io::stdin()`
    /// reads, before std has read anything of its own stdin.
    fn stdin_from_a_pipe() -> io::Result<()> {
        let (reader, writer) = vfd::pipe::pipe()?;
        vfd::stdio::dup2_stdin(&reader)?;
        drop(reader);
        // Few enough bytes for the pipe to hold them all: no reader runs
        // until the writer is closed.
        let mut writer = std_file(writer);
        writer.write_all(b"one\ntwo\nthree\n")?;
        drop(writer);
        let lines = io::stdin().lines().collect::<io::Result<Vec<_>>>()?;
        println!("std's stdin is now a pipe: {}", lines.join(", "));
        Ok(())
    }
}
