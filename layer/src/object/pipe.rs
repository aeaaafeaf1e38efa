//! In-memory pipes and socket pairs, living inside the layer's instance.
//!
//! A pipe here is a byte queue with a count of the open descriptions of
//! each end; the rules are Linux's: a read returns end of file only once
//! every write end is closed, a write with no read end left is `pipe`
//! (EPIPE), and a non-blocking end that would wait gets `again`.
//!
//! Difference from Linux (and from the host build): the layer runs in one
//! single-threaded instance, so nothing can fill an empty pipe or drain a
//! full one while a call waits. A *blocking* read on an empty pipe whose
//! writer is open, or a blocking write to a full pipe whose reader is open,
//! would hang for ever on Linux; here it fails with `again` at once.
//! A blocking write larger than the room left is cut short (a short count)
//! rather than waiting for a reader.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// Linux's default pipe capacity (16 pages).
pub const PIPE_CAPACITY: usize = 64 * 1024;

/// POSIX's PIPE_BUF on Linux: a non-blocking write of at most this many
/// bytes goes in whole or not at all.
pub const PIPE_BUF: usize = 4096;

/// The most bytes all the pipes and socket pairs of the instance may hold
/// at once, as Linux's default `fs.pipe-user-pages-soft` (16384 pages)
/// caps a user's pipe buffers. Past it, writes wait (`again`) as they do
/// on a full pipe: a guest cannot grow the layer's memory without bound
/// by filling pipe after pipe.
pub const PIPES_TOTAL: usize = 64 << 20;

thread_local! {
    /// Bytes held by every pipe of the instance.
    static BUFFERED: Cell<usize> = const { Cell::new(0) };
}

/// Why a pipe call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeError {
    /// EAGAIN: the call would have to wait (see the module comment for
    /// blocking ends).
    Again,
    /// EPIPE: no read end is left.
    Broken,
}

/// The buffer shared by the two ends of one pipe (or one direction of a
/// socket pair).
#[derive(Debug)]
pub struct Pipe {
    data: VecDeque<u8>,
    readers: usize,
    writers: usize,
    /// A number unique to this pipe, reported as its inode.
    pub id: u64,
}

/// A pipe shared by its ends.
pub type SharedPipe = Rc<RefCell<Pipe>>;

impl Pipe {
    /// A new, empty pipe with one reader and one writer.
    pub fn new(id: u64) -> SharedPipe {
        Rc::new(RefCell::new(Pipe {
            data: VecDeque::new(),
            readers: 1,
            writers: 1,
            id,
        }))
    }

    /// read(2) of at most `len` bytes.
    pub fn read(&mut self, len: usize, nonblock: bool) -> Result<Vec<u8>, PipeError> {
        // Linux: a read of 0 bytes returns 0 at once, whatever the pipe holds.
        if len == 0 {
            return Ok(Vec::new());
        }
        if self.data.is_empty() {
            if self.writers == 0 {
                return Ok(Vec::new());
            }
            // Non-blocking: EAGAIN. Blocking: Linux would wait for ever
            // (see the module comment).
            let _ = nonblock;
            return Err(PipeError::Again);
        }
        let n = len.min(self.data.len());
        let out: Vec<u8> = self.data.drain(..n).collect();
        BUFFERED.set(BUFFERED.get() - n);
        self.shrink();
        Ok(out)
    }

    /// write(2) of `data`: how many bytes went in. No reader is `pipe`
    /// even for an empty write, as a socket pair's send says; a pipe's
    /// empty write succeeds before this is asked (see `Description`).
    pub fn write(&mut self, data: &[u8], nonblock: bool) -> Result<usize, PipeError> {
        if self.readers == 0 {
            return Err(PipeError::Broken);
        }
        if data.is_empty() {
            return Ok(0);
        }
        let room = self.room().min(PIPES_TOTAL - BUFFERED.get());
        // Up to PIPE_BUF bytes are written atomically: all or nothing.
        if room == 0 || (nonblock && data.len() <= PIPE_BUF && room < data.len()) {
            return Err(PipeError::Again);
        }
        let n = data.len().min(room);
        self.data.extend(&data[..n]);
        BUFFERED.set(BUFFERED.get() + n);
        Ok(n)
    }

    /// Give back memory the queue no longer needs, so that drained pipes
    /// hold little: all of it once empty, half of it once a quarter full.
    fn shrink(&mut self) {
        let (len, cap) = (self.data.len(), self.data.capacity());
        if len == 0 {
            self.data = VecDeque::new();
        } else if cap > PIPE_BUF && len * 4 < cap {
            self.data.shrink_to(len * 2);
        }
    }

    /// How many bytes could be written now.
    pub fn room(&self) -> usize {
        PIPE_CAPACITY - self.data.len()
    }

    /// Whether nothing waits to be read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Whether some read end is open.
    pub fn has_readers(&self) -> bool {
        self.readers > 0
    }

    /// Whether some write end is open.
    pub fn has_writers(&self) -> bool {
        self.writers > 0
    }

    fn add(&mut self, end: End) {
        match end {
            End::Read => self.readers += 1,
            End::Write => self.writers += 1,
        }
    }

    fn release(&mut self, end: End) {
        match end {
            End::Read => {
                self.readers -= 1;
                // Nobody can read what is left: free it now.
                if self.readers == 0 {
                    BUFFERED.set(BUFFERED.get() - self.data.len());
                    self.data = VecDeque::new();
                }
            }
            End::Write => self.writers -= 1,
        }
    }
}

/// Which end of a pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The read end.
    Read,
    /// The write end.
    Write,
}

/// One end of a pipe, held by one open description. Dropping it (when the
/// description's last number is closed) is what closes the end.
#[derive(Debug)]
pub struct PipeEnd {
    /// The pipe.
    pub pipe: SharedPipe,
    /// Which end this is.
    pub end: End,
}

impl PipeEnd {
    /// The two ends of a new pipe, as (read end, write end).
    pub fn pair(id: u64) -> (PipeEnd, PipeEnd) {
        let pipe = Pipe::new(id);
        (
            PipeEnd {
                pipe: pipe.clone(),
                end: End::Read,
            },
            PipeEnd {
                pipe,
                end: End::Write,
            },
        )
    }
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        self.pipe.borrow_mut().release(self.end);
    }
}

/// One end of an in-memory socket pair (AF_UNIX, SOCK_STREAM): it reads
/// from one pipe and writes to the other, the peer the other way round.
#[derive(Debug)]
pub struct SocketEnd {
    /// The direction this end reads; `None` once shut down for reading.
    rx: RefCell<Option<PipeEnd>>,
    /// The direction this end writes; `None` once shut down for writing.
    tx: RefCell<Option<PipeEnd>>,
    id: u64,
}

impl SocketEnd {
    /// The two connected ends of a new socket pair; `ids` numbers the two
    /// ends.
    pub fn pair(ids: (u64, u64)) -> (SocketEnd, SocketEnd) {
        let (a_rx, b_tx) = PipeEnd::pair(ids.0);
        let (b_rx, a_tx) = PipeEnd::pair(ids.1);
        let end = |rx, tx, id| SocketEnd {
            rx: RefCell::new(Some(rx)),
            tx: RefCell::new(Some(tx)),
            id,
        };
        (end(a_rx, a_tx, ids.0), end(b_rx, b_tx, ids.1))
    }

    /// A number unique to this end, reported as its inode.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// recv(2) of at most `len` bytes: end of file once the peer has shut
    /// down writing (or closed), or once this end has shut down reading.
    pub fn read(&self, len: usize, nonblock: bool) -> Result<Vec<u8>, PipeError> {
        match &*self.rx.borrow() {
            Some(rx) => rx.pipe.borrow_mut().read(len, nonblock),
            None => Ok(Vec::new()),
        }
    }

    /// send(2): `pipe` (EPIPE) once this end has shut down writing or the
    /// peer has closed.
    pub fn write(&self, data: &[u8], nonblock: bool) -> Result<usize, PipeError> {
        match &*self.tx.borrow() {
            Some(tx) => tx.pipe.borrow_mut().write(data, nonblock),
            None => Err(PipeError::Broken),
        }
    }

    /// shutdown(2): closing a direction releases this end's share of it,
    /// so the peer sees end of file (or EPIPE) at once.
    pub fn shutdown(&self, read: bool, write: bool) {
        if read {
            self.rx.borrow_mut().take();
        }
        if write {
            self.tx.borrow_mut().take();
        }
    }

    /// poll(2) readiness as (readable, writable, hup), as Linux's
    /// `unix_poll` computes it: readable with data or at end of file,
    /// writable with room (or when a write would fail at once), hung up
    /// once both directions are shut.
    pub fn readiness(&self) -> (bool, bool, bool) {
        let (readable, rx_done) = match &*self.rx.borrow() {
            Some(rx) => {
                let p = rx.pipe.borrow();
                (!p.is_empty() || !p.has_writers(), !p.has_writers())
            }
            None => (true, true),
        };
        let (writable, tx_done) = match &*self.tx.borrow() {
            Some(tx) => {
                let p = tx.pipe.borrow();
                (p.room() > 0 || !p.has_readers(), !p.has_readers())
            }
            None => (true, true),
        };
        (readable, writable, rx_done && tx_done)
    }
}

impl Clone for PipeEnd {
    /// Another open description of the same end (a FIFO opened twice);
    /// not used by `dup`, which shares the description itself.
    fn clone(&self) -> Self {
        self.pipe.borrow_mut().add(self.end);
        PipeEnd {
            pipe: self.pipe.clone(),
            end: self.end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_flows_in_order_and_eof_waits_for_every_writer() {
        let (r, w) = PipeEnd::pair(1);
        let w2 = w.clone();
        assert_eq!(w.pipe.borrow_mut().write(b"hello, ", false), Ok(7));
        assert_eq!(w2.pipe.borrow_mut().write(b"pipe", false), Ok(4));
        assert_eq!(
            r.pipe.borrow_mut().read(64, false),
            Ok(b"hello, pipe".to_vec())
        );
        drop(w);
        // One writer left: an empty pipe is not end of file.
        assert_eq!(r.pipe.borrow_mut().read(8, true), Err(PipeError::Again));
        assert_eq!(r.pipe.borrow_mut().read(8, false), Err(PipeError::Again));
        drop(w2);
        assert_eq!(r.pipe.borrow_mut().read(8, false), Ok(Vec::new()));
        assert_eq!(r.pipe.borrow_mut().read(8, true), Ok(Vec::new()));
    }

    #[test]
    fn write_without_reader_is_epipe() {
        let (r, w) = PipeEnd::pair(1);
        drop(r);
        assert_eq!(
            w.pipe.borrow_mut().write(b"x", false),
            Err(PipeError::Broken)
        );
        assert_eq!(
            w.pipe.borrow_mut().write(b"", false),
            Err(PipeError::Broken)
        );
    }

    #[test]
    fn full_pipe_is_eagain_and_pipe_buf_writes_are_atomic() {
        let (r, w) = PipeEnd::pair(1);
        let block = [b'f'; PIPE_BUF];
        let mut total = 0;
        loop {
            match w.pipe.borrow_mut().write(&block, true) {
                Ok(n) => total += n,
                Err(e) => {
                    assert_eq!(e, PipeError::Again);
                    break;
                }
            }
        }
        assert_eq!(total, PIPE_CAPACITY);
        assert_eq!(r.pipe.borrow_mut().read(10, true).unwrap().len(), 10);
        // Ten bytes of room: a PIPE_BUF write is all or nothing...
        assert_eq!(
            w.pipe.borrow_mut().write(&block, true),
            Err(PipeError::Again)
        );
        // ...a larger one, or a blocking one, goes in part.
        assert_eq!(w.pipe.borrow_mut().write(&block, false), Ok(10));
        assert_eq!(
            w.pipe.borrow_mut().write(b"x", false),
            Err(PipeError::Again)
        );
    }

    #[test]
    fn all_pipes_together_hold_at_most_the_total() {
        let block = [b'p'; PIPE_BUF];
        let mut pipes = Vec::new();
        let mut total = 0;
        // Fill pipe after pipe until the instance-wide budget says no.
        'fill: loop {
            let (r, w) = PipeEnd::pair(pipes.len() as u64);
            loop {
                let wrote = w.pipe.borrow_mut().write(&block, true);
                match wrote {
                    Ok(n) => total += n,
                    Err(_) if w.pipe.borrow().room() > 0 => break 'fill,
                    Err(_) => break,
                }
            }
            pipes.push((r, w));
        }
        assert_eq!(total, PIPES_TOTAL);
        // Reading one pipe makes room in another; closing one frees it all.
        let (r, w) = &pipes[0];
        r.pipe.borrow_mut().read(PIPE_BUF, true).unwrap();
        assert_eq!(w.pipe.borrow_mut().write(&block, true), Ok(PIPE_BUF));
        pipes.clear();
        assert_eq!(BUFFERED.get(), 0);
    }

    #[test]
    fn zero_length_read_returns_at_once() {
        let (r, _w) = PipeEnd::pair(1);
        assert_eq!(r.pipe.borrow_mut().read(0, false), Ok(Vec::new()));
    }

    #[test]
    fn closing_the_last_reader_frees_the_data() {
        let (r, w) = PipeEnd::pair(1);
        w.pipe.borrow_mut().write(b"abc", false).unwrap();
        drop(r);
        assert!(w.pipe.borrow().is_empty());
    }

    #[test]
    fn socket_pair_shutdown_and_close() {
        let (a, b) = SocketEnd::pair((1, 2));
        assert_eq!(a.write(b"last", false), Ok(4));
        a.shutdown(false, true);
        assert_eq!(b.read(16, false), Ok(b"last".to_vec()));
        assert_eq!(b.read(16, false), Ok(Vec::new()));
        assert_eq!(a.write(b"x", false), Err(PipeError::Broken));
        assert_eq!(b.write(b"back", false), Ok(4));
        assert_eq!(a.read(16, false), Ok(b"back".to_vec()));
        assert_eq!(b.readiness(), (true, true, false));
        drop(a);
        assert_eq!(b.write(b"x", false), Err(PipeError::Broken));
        assert_eq!(b.readiness(), (true, true, true));
    }
}
