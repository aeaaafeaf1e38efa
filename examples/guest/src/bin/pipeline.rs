//! Push more through a pipe than it can hold, inside one guest.
//!
//! The write end is non-blocking: the writer writes until the pipe is full
//! (EAGAIN, `WouldBlock`), then polls the read end, drains what is there,
//! and goes on until every byte has crossed. Closing the write end is what
//! makes the reader's last read return 0.
//!
//! How much a pipe holds is the host kernel's business (64 KiB on Linux by
//! default), so the output only says whether it filled up; `--verbose`
//! also prints how many bytes fitted each time. Expected output:
//!
//! ```text
//! pipe: read end fd 3, write end fd 4 (non-blocking)
//! sending 200000 bytes of a counting pattern, 1000 bytes per write
//! the pipe filled up (EAGAIN) at least once: yes
//! each time it was full, poll said the read end was readable: yes
//! all 200000 bytes written; closing the write end
//! the reader drained the rest, then read returned 0 (end of file)
//! received 200000 bytes, every one in order: yes
//! ```

use std::io::{self, ErrorKind};

use vfd::fd::AsRawFd;
use vfd::io::{StatusFlags, fcntl_getfl, fcntl_setfl, read, write};
use vfd::pipe::pipe;
use vfd::poll::{PollFd, PollFlags, poll};

/// How many bytes cross the pipe in all: more than a default pipe holds.
const TOTAL: usize = 200_000;
/// The most one write offers.
const CHUNK: usize = 1000;

/// The byte at position `i` of the stream: a count that wraps at a prime,
/// so it never lines up with the chunks.
fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose");
    if let Err(e) = run(verbose) {
        eprintln!("pipeline: {e}");
        std::process::exit(1);
    }
}

fn run(verbose: bool) -> io::Result<()> {
    let data: Vec<u8> = (0..TOTAL).map(pattern).collect();

    let (reader, writer) = pipe()?;
    fcntl_setfl(&writer, fcntl_getfl(&writer)? | StatusFlags::NONBLOCK)?;
    println!(
        "pipe: read end fd {}, write end fd {} (non-blocking)",
        reader.as_raw_fd(),
        writer.as_raw_fd()
    );
    println!("sending {TOTAL} bytes of a counting pattern, {CHUNK} bytes per write");

    let mut received = Vec::with_capacity(TOTAL);
    let mut buf = vec![0u8; 16 * 1024];
    let mut sent = 0;
    let mut fills = 0;
    let mut poll_said_readable = true;

    while sent < TOTAL {
        // Write until the pipe is full or everything is in.
        while sent < TOTAL {
            let end = (sent + CHUNK).min(TOTAL);
            match write(&writer, &data[sent..end]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    fills += 1;
                    if verbose {
                        let held = sent - received.len();
                        println!("fill {fills}: {held} bytes in the pipe before EAGAIN");
                    }
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        if sent == TOTAL {
            break;
        }

        // The pipe is full: wait until the read end is readable (at once,
        // here), then read while poll says there is more.
        let mut fds = [PollFd::new(&reader, PollFlags::IN)];
        poll(&mut fds, None)?;
        poll_said_readable &= fds[0].revents().contains(PollFlags::IN);
        loop {
            let n = read(&reader, &mut buf)?;
            received.extend_from_slice(&buf[..n]);
            let mut fds = [PollFd::new(&reader, PollFlags::IN)];
            if poll(&mut fds, Some(std::time::Duration::ZERO))? == 0 {
                break;
            }
        }
    }

    println!(
        "the pipe filled up (EAGAIN) at least once: {}",
        yes_no(fills > 0)
    );
    println!(
        "each time it was full, poll said the read end was readable: {}",
        yes_no(poll_said_readable)
    );
    println!("all {sent} bytes written; closing the write end");
    drop(writer);

    // No writer is left, so once the pipe is empty read returns 0 instead
    // of waiting.
    loop {
        let n = read(&reader, &mut buf)?;
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buf[..n]);
    }
    println!("the reader drained the rest, then read returned 0 (end of file)");
    println!(
        "received {} bytes, every one in order: {}",
        received.len(),
        yes_no(received == data)
    );
    Ok(())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
