"""CPython's ``io.FileIO`` and built-in ``open`` over vfd's descriptors.

``open`` returns CPython's own ``io.BufferedReader``, ``BufferedWriter``,
``BufferedRandom`` and ``TextIOWrapper`` around a ``FileIO`` of this
module, so buffering, decoding and newlines are CPython's; only the raw
calls go to vfd. Errors are CPython's: ``OSError`` built from the errno
(so the subclass is CPython's) with the file name where CPython gives it,
and the ``ValueError``/``TypeError`` CPython raises for bad arguments.

Where vfd differs, on purpose:

- A ``FileIO`` owns its descriptor through the WIT's ``handles.file``
  resource, so vfd's staleness rule applies: if the number is closed
  behind the file object (``os.close(f.fileno())``) and maybe reused, the
  file object's calls fail with EBADF and its ``close()`` raises EBADF,
  as CPython's does, but never closes the unrelated file that took the
  number (CPython's would). ``vfd run --dev`` reports such a close.
- vfd's ``stat`` has no block size, so the default buffer is
  ``io.DEFAULT_BUFFER_SIZE``, as for CPython on WASI.
- A componentize-py app ends without finalizing the interpreter: a file
  object still open when ``run`` returns is never flushed. Close files
  (``with open(...)``), as CPython's own documentation asks.
"""

import errno as _errno
import io as _io
import operator as _operator
import os as _host_os
import warnings as _warnings

# componentize-py bundles the modules imported while it builds the app,
# and a codec's module is imported when an encoding is first asked for:
# so the common ones are imported here. An app using another encoding
# imports its module itself (``import encodings.cp437``).
import encodings.ascii  # noqa: F401
import encodings.latin_1  # noqa: F401
import encodings.utf_16  # noqa: F401
import encodings.utf_32  # noqa: F401
import encodings.utf_8  # noqa: F401
import encodings.utf_8_sig  # noqa: F401

from componentize_py_types import Err as _Err
from wit_world.imports import descriptors as _d
from wit_world.imports import handles as _handles
from wit_world.imports import types as _t

from . import os as _os
from ._args import _writable_view

__all__ = ["FileIO", "open", "DEFAULT_BUFFER_SIZE", "UnsupportedOperation"]

DEFAULT_BUFFER_SIZE = _io.DEFAULT_BUFFER_SIZE
UnsupportedOperation = _io.UnsupportedOperation

_C_INT_MAX = 0x7FFFFFFF


_BAD_MODE = "Must have exactly one of create/read/write/append mode and at most one plus"

# The open(2) flags of each of FileIO's x, r, w and a.
_MODE_FLAGS = {
    "x": _os.O_EXCL | _os.O_CREAT,
    "r": 0,
    "w": _os.O_CREAT | _os.O_TRUNC,
    "a": _os.O_APPEND | _os.O_CREAT,
}


def _parse_mode(mode):
    """FileIO's mode, read left to right as CPython's C FileIO reads it
    (so the first fault found is the one reported): ``(created, readable,
    writable, appending, os flags)``."""
    rwa, plus = None, False
    for c in mode:
        if c in "xrwa":
            if rwa is not None:
                raise ValueError(_BAD_MODE)
            rwa = c
        elif c == "+":
            if plus:
                raise ValueError(_BAD_MODE)
            plus = True
        elif c != "b":
            raise ValueError(f"invalid mode: {mode}")
    if rwa is None:
        raise ValueError(_BAD_MODE)
    readable = rwa == "r" or plus
    writable = rwa != "r" or plus
    if readable and writable:
        access = _os.O_RDWR
    else:
        access = _os.O_RDONLY if readable else _os.O_WRONLY
    flags = _MODE_FLAGS[rwa] | access | _os.O_CLOEXEC
    return rwa == "x", readable, writable, rwa == "a", flags


class FileIO(_io.RawIOBase):
    """``io.FileIO`` over a vfd descriptor: a path (str, bytes or
    path-like) opened with the mode's flags and ``O_CLOEXEC`` (PEP 446),
    or a descriptor number, closed by ``close()`` when ``closefd``.

    The descriptor is held through a ``handles.file`` resource: ``read``,
    ``write`` and ``seek`` go through it (so a stale number is EBADF, not
    another file); ``truncate``, ``isatty`` and the ``stat`` at open go to
    ``descriptors`` with its number. ``close()`` drops the resource at
    once, not at garbage collection.
    """

    _handle = None  # the handles.File; None once closed or never opened
    _fd = -1
    _closefd = True
    _created = _readable = _writable = _appending = False
    _seekable = None
    _stat_atopen = None  # the WIT's file-stat at open: guidance only

    def __init__(self, file, mode="r", closefd=True, opener=None):
        if not isinstance(mode, str):
            raise TypeError(f"FileIO() argument 'mode' must be str, not {type(mode).__name__}")
        if self._handle is not None:
            self._release()  # re-initialised: close the old file first
        if isinstance(file, bool):
            _warnings.warn("bool is used as a file descriptor", RuntimeWarning, stacklevel=2)
        fd = _number(file)
        if fd is not None and fd < 0:
            raise ValueError("negative file descriptor")
        if fd is None:
            _os._path(file)  # TypeError, or ValueError for a NUL, before the mode
        parsed = _parse_mode(mode)
        self._created, self._readable, self._writable, self._appending, flags = parsed
        closefd = bool(closefd)

        owned = fd is None
        if owned:
            if not closefd:
                raise ValueError("Cannot use closefd=False with file name")
            fd = _open(file, flags, opener)
        try:
            handle = _os._call(_handles.File.wrap, _os._fd(fd), closefd)
        except BaseException:
            if owned:
                _os.close(fd)
            raise
        try:
            try:
                self._stat_atopen = st = _d.stat(fd)
            except _Err as err:
                # As CPython: only EBADF is an error here (gh-69903).
                if err.value == _t.Errno.BADF:
                    _os._raise(err)
            else:
                if st.file_type == _t.FileType.DIRECTORY:
                    raise IsADirectoryError(
                        _errno.EISDIR, _os.strerror(_errno.EISDIR), file
                    )
            self.name = file
            if self._appending:
                # As CPython: at the end from the start, not from the
                # first write.
                try:
                    handle.seek(0, _t.Whence.END)
                except _Err as err:
                    if err.value != _t.Errno.SPIPE:
                        _os._raise(err)
        except BaseException:
            if not owned:
                handle.detach()  # a number the caller gave stays open
            handle.__exit__(None, None, None)
            self._stat_atopen = None
            raise
        self._handle, self._fd, self._closefd = handle, fd, closefd

    def _dealloc_warn(self, source):
        """The ResourceWarning for a file object collected while open,
        naming ``source`` (this object, or the buffered or text object
        around it, which CPython's C classes pass when they are
        finalized)."""
        if self._handle is not None and self._closefd:
            _warnings.warn(f"unclosed file {source!r}", ResourceWarning, stacklevel=2, source=self)

    def __del__(self):
        # As _pyio.FileIO: warn, then IOBase's finalizer closes.
        self._dealloc_warn(self)
        super().__del__()

    def __getstate__(self):
        raise TypeError(f"cannot pickle {type(self).__name__!r} object")

    def __repr__(self):
        class_name = f"{type(self).__module__}.{type(self).__qualname__}"
        if self.closed:
            return f"<{class_name} [closed]>"
        try:
            name = self.name
        except AttributeError:
            return f"<{class_name} fd={self._fd} mode={self.mode!r} closefd={self._closefd!r}>"
        return f"<{class_name} name={name!r} mode={self.mode!r} closefd={self._closefd!r}>"

    @property
    def closed(self):
        """True once closed."""
        return self._handle is None

    @property
    def closefd(self):
        """True if ``close()`` closes the descriptor."""
        return self._closefd

    @property
    def mode(self):
        """The mode as CPython's ``FileIO`` names it: ``'rb'``, ``'rb+'``,
        ``'wb'``, ``'ab'``, ``'ab+'``, ``'xb'``, ``'xb+'``."""
        if self._created:
            first = "x"
        elif self._appending:
            first = "a"
        elif self._readable:
            first = "r"
        else:
            first = "w"
        plus = "+" if self._readable and self._writable else ""
        return first + "b" + plus

    @property
    def _blksize(self):
        # CPython takes st_blksize; vfd's stat has none (as WASI's).
        return DEFAULT_BUFFER_SIZE

    def _open_handle(self):
        if self._handle is None:
            raise ValueError("I/O operation on closed file")
        return self._handle

    def _reading(self):
        handle = self._open_handle()
        if not self._readable:
            raise UnsupportedOperation("File not open for reading")
        return handle

    def _writing(self):
        handle = self._open_handle()
        if not self._writable:
            raise UnsupportedOperation("File not open for writing")
        return handle

    def fileno(self):
        """The descriptor number."""
        self._open_handle()
        return self._fd

    def readable(self):
        """True if opened for reading."""
        self._open_handle()
        return self._readable

    def writable(self):
        """True if opened for writing."""
        self._open_handle()
        return self._writable

    def seekable(self):
        """True if the file has an offset (not a pipe or socket)."""
        self._open_handle()
        if self._seekable is None:
            try:
                self.tell()
            except OSError:
                pass
        return self._seekable

    def isatty(self):
        """True if the descriptor is a terminal (False on any error, as
        CPython's isatty(3))."""
        self._open_handle()
        try:
            return _d.is_terminal(self._fd)
        except _Err:
            return False

    def _isatty_open_only(self):
        # As CPython's: ``open`` asks right after opening, when the stat
        # taken at open still says whether this can be a terminal.
        st = self._stat_atopen
        if st is not None and st.file_type != _t.FileType.CHARACTER_DEVICE:
            return False
        return self.isatty()

    def read(self, size=-1):
        """At most ``size`` bytes in one read (all of it for ``size`` < 0
        or None); ``b''`` at end of file, None if a non-blocking read
        would wait."""
        handle = self._reading()
        if size is None:
            size = -1
        elif not hasattr(type(size), "__index__"):
            raise TypeError(f"argument should be integer or None, not '{type(size).__name__}'")
        size = _operator.index(size)
        if size < 0:
            return self.readall()
        try:
            return _os._call(handle.read, min(size, _os._MAX_RW))
        except BlockingIOError:
            return None

    def readall(self):
        """Everything to the end of file. Non-blocking: what is there, or
        None if nothing is."""
        handle = self._reading()
        known = self._stat_atopen.size if self._stat_atopen is not None else 0
        # One byte more than the size at open, so that a regular file
        # takes a read for its data and one for the end.
        want = known + 1 if known > 0 else DEFAULT_BUFFER_SIZE
        chunks = []
        total = 0
        while True:
            try:
                chunk = _os._call(handle.read, min(want, _os._MAX_RW))
            except BlockingIOError:
                if chunks:
                    break
                return None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = max(total, DEFAULT_BUFFER_SIZE)
        return b"".join(chunks)

    def readinto(self, buffer):
        """Read into the writable ``buffer``; how many bytes (None if a
        non-blocking read would wait). The bindings return bytes: they are
        copied once into ``buffer``."""
        handle = self._reading()
        view = _writable_view(buffer, "readinto")
        with view:
            try:
                data = _os._call(handle.read, min(len(view), _os._MAX_RW))
            except BlockingIOError:
                return None
            n = len(data)
            view[:n] = data
        return n

    def write(self, b):
        """Write the bytes-like ``b`` in one write; how many bytes were
        written (None if a non-blocking write would wait)."""
        handle = self._writing()
        data = _os._bytes(b)
        try:
            return _os._call(handle.write, data)
        except BlockingIOError:
            return None

    def _lseek(self, pos, whence):
        handle = self._open_handle()
        how = _os._WHENCE.get(_operator.index(whence))
        try:
            if how is None:
                raise OSError(_errno.EINVAL, _os.strerror(_errno.EINVAL))
            result = _os._call(handle.seek, pos, how)
        except OSError:
            if self._seekable is None:
                self._seekable = False
            raise
        if self._seekable is None:
            self._seekable = True
        return result

    def seek(self, pos, whence=_os.SEEK_SET):
        """Move the offset; the new offset."""
        self._open_handle()
        return self._lseek(_os._offset(pos), whence)

    def tell(self):
        """The offset."""
        return self._lseek(0, _os.SEEK_CUR)

    def truncate(self, size=None):
        """Set the file's size to ``size`` (default: the offset, which does
        not move); the new size."""
        self._writing()
        size = self.tell() if size is None else _os._unsigned_offset(size)
        _os._call(_d.truncate, self._fd, size)
        self._stat_atopen = None  # the size at open no longer says much
        return size

    def close(self):
        """Flush and close; closing again does nothing. With ``closefd``,
        the descriptor is closed: EBADF if it was closed behind this
        object, as CPython's (vfd then leaves the number alone, whatever
        it now refers to)."""
        if self._handle is None:
            return
        try:
            super().close()
        finally:
            self._release()

    def _release(self):
        """Drop the handle now (which closes an owned number that is still
        this file's); EBADF if the number was closed behind it."""
        handle, self._handle = self._handle, None
        self._stat_atopen = None
        self._fd = -1
        stale = False
        if self._closefd:
            # A call with no side effect tells a stale wrapper (EBADF)
            # from a live one (an offset, or ESPIPE on a pipe or socket).
            try:
                handle.seek(0, _t.Whence.CUR)
            except _Err as err:
                stale = err.value == _t.Errno.BADF
        handle.__exit__(None, None, None)
        if stale:
            raise OSError(_errno.EBADF, _os.strerror(_errno.EBADF))


def _number(file):
    """``file`` as a descriptor number, or None for a path; as CPython's
    C FileIO reads it (``__index__``; beyond a C int it is a path, and
    then a TypeError)."""
    if isinstance(file, (str, bytes)):
        return None
    try:
        fd = _operator.index(file)
    except TypeError:
        return None
    return fd if fd <= _C_INT_MAX else None


def _open(file, flags, opener):
    """The new descriptor for the path ``file``: ``vfd.os.open``, or the
    ``opener``'s, made non-inheritable as CPython makes it."""
    if opener is None:
        return _os.open(file, flags, 0o666)
    fd = opener(file, flags)
    if not isinstance(fd, int):
        raise TypeError("expected integer from opener")
    if fd < 0:
        raise ValueError(f"opener returned {fd}")
    _os.set_inheritable(fd, False)
    return fd


def _text_argument(name, value):
    if value is not None and not isinstance(value, str):
        kind = type(value).__name__
        raise TypeError(f"open() argument '{name}' must be str or None, not {kind}")


def open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None,
         closefd=True, opener=None):
    """The built-in ``open`` over vfd: ``file`` is a path or a vfd
    descriptor. Same arguments, validation, errors and results as
    CPython's: ``FileIO`` for ``buffering=0`` (binary only),
    ``io.BufferedReader``/``BufferedWriter``/``BufferedRandom`` in binary
    mode, ``io.TextIOWrapper`` in text mode (line buffered for
    ``buffering=1`` or a terminal; ``encoding=None`` is
    ``io.text_encoding``'s choice, the locale's, UTF-8 in a
    componentize-py guest)."""
    if not isinstance(file, int):
        file = _host_os.fspath(file)
    if not isinstance(mode, str):
        raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
    buffering = _operator.index(buffering)
    _text_argument("encoding", encoding)
    _text_argument("errors", errors)
    _text_argument("newline", newline)
    for i, c in enumerate(mode):
        if c not in "xrwa+tb" or c in mode[i + 1:]:
            raise ValueError(f"invalid mode: '{mode}'")
    creating, reading, writing, appending = ("x" in mode, "r" in mode, "w" in mode, "a" in mode)
    updating, text, binary = "+" in mode, "t" in mode, "b" in mode
    if text and binary:
        raise ValueError("can't have text and binary mode at once")
    if creating + reading + writing + appending > 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    if binary and encoding is not None:
        raise ValueError("binary mode doesn't take an encoding argument")
    if binary and errors is not None:
        raise ValueError("binary mode doesn't take an errors argument")
    if binary and newline is not None:
        raise ValueError("binary mode doesn't take a newline argument")
    if binary and buffering == 1:
        _warnings.warn(
            "line buffering (buffering=1) isn't supported in binary mode, "
            "the default buffer size will be used",
            RuntimeWarning,
            stacklevel=2,
        )
    rawmode = "".join(c for c in "xrwa+" if c in mode)
    raw = FileIO(file, rawmode, closefd, opener=opener)
    result = raw
    try:
        line_buffering = buffering == 1 or (buffering < 0 and raw._isatty_open_only())
        if line_buffering or buffering < 0:
            buffering = raw._blksize
        if buffering == 0:
            if binary:
                return result
            raise ValueError("can't have unbuffered text I/O")
        if updating:
            result = _io.BufferedRandom(raw, buffering)
        elif creating or writing or appending:
            result = _io.BufferedWriter(raw, buffering)
        else:
            result = _io.BufferedReader(raw, buffering)
        if binary:
            return result
        encoding = _io.text_encoding(encoding)
        result = _io.TextIOWrapper(result, encoding, errors, newline, line_buffering)
        result.mode = mode
        return result
    except BaseException:
        result.close()
        raise
