"""``SocketIO``, the raw stream under the files ``socket.makefile`` makes.

``vfd.socket`` imports it (as CPython's ``socket.SocketIO``) and makes
itself the class's module.
"""

import io as _io


class SocketIO(_io.RawIOBase):
    """``socket.SocketIO``: the raw stream ``makefile`` puts under its
    buffers, reading with ``recv_into`` and writing with ``send`` so that
    the socket's timeout holds. On a non-blocking socket a read or write
    that would wait returns None."""

    def __init__(self, sock, mode):
        if mode not in ("r", "w", "rw", "rb", "wb", "rwb"):
            raise ValueError(f"invalid mode: {mode!r}")
        _io.RawIOBase.__init__(self)
        self._sock = sock
        if "b" not in mode:
            mode += "b"
        self._mode = mode
        self._reading = "r" in mode
        self._writing = "w" in mode
        self._timeout_occurred = False

    def readinto(self, b):
        """Read into ``b``; 0 at end of stream. After a timeout the stream
        is unusable (its buffer may have lost data), as in CPython."""
        self._checkClosed()
        self._checkReadable()
        if self._timeout_occurred:
            raise OSError("cannot read from timed out object")
        try:
            return self._sock.recv_into(b)
        except TimeoutError:
            self._timeout_occurred = True
            raise
        except BlockingIOError:
            return None

    def write(self, b):
        """Send what the socket takes of ``b`` and return its length."""
        self._checkClosed()
        self._checkWritable()
        try:
            return self._sock.send(b)
        except BlockingIOError:
            return None

    def readable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._reading

    def writable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._writing

    def seekable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return super().seekable()

    def fileno(self):
        self._checkClosed()
        return self._sock.fileno()

    @property
    def name(self):
        return -1 if self.closed else self.fileno()

    @property
    def mode(self):
        return self._mode

    def close(self):
        """Close this stream; the socket closes for real if it was closed
        and this was its last stream."""
        if self.closed:
            return
        _io.RawIOBase.close(self)
        self._sock._decref_socketios()
        self._sock = None
