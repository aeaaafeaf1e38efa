"""CPython's ``select`` module (``poll`` objects and ``select``) over vfd's
``poll`` interface.

Same names, arguments, results and exceptions as CPython's on Linux; the
``POLL*`` constants have Linux's values. Descriptors are ints or objects
with a ``fileno()`` method (sockets, files, pipes' ends made by
``vfd.os``), all in vfd's table.

Where vfd differs from Linux, and why:

- vfd's poll watches for reading and writing only, and reports hang-up,
  error and invalid numbers (POLLHUP, POLLERR, POLLNVAL). ``POLLPRI`` (urgent
  data) may be registered, as Linux allows, but is never reported; for the
  same reason ``select`` never reports a descriptor of its third list.
  The Linux bits vfd cannot report at all (POLLRDHUP, POLLRDBAND,
  POLLWRBAND, POLLMSG) are left out rather than defined and never seen, so
  a program that relies on them fails at once; a peer that shut down
  writing shows as ``POLLIN``, with end of file on the next read.
- ``select`` raises EBADF for any number that is not open; Linux ignores
  numbers beyond the size of its own table.
- There is no ``epoll``, ``devpoll`` or ``kqueue``: vfd has one waiting
  call, poll(2).
"""

import errno as _errno
import math as _math
from time import monotonic as _monotonic

from wit_world.imports import poll as _poll

from . import os as _os

__all__ = [
    "POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL",
    "POLLRDNORM", "POLLWRNORM", "error", "poll", "select",
]

# Linux's values.
POLLIN = 0x001
POLLPRI = 0x002
POLLOUT = 0x004
POLLERR = 0x008
POLLHUP = 0x010
POLLNVAL = 0x020
POLLRDNORM = 0x040
POLLWRNORM = 0x100

error = OSError

_READ = POLLIN | POLLRDNORM
_WRITE = POLLOUT | POLLWRNORM
_INT_MAX = 2**31 - 1

# Linux's FD_SETSIZE: select's bit sets have room for this many numbers.
_FD_SETSIZE = 1024


def _fileno(obj):
    """The descriptor of ``obj``, an int or an object with ``fileno()``,
    checked as CPython's ``PyObject_AsFileDescriptor`` checks it."""
    if isinstance(obj, int):
        fd = obj
    else:
        method = getattr(obj, "fileno", None)
        if method is None:
            raise TypeError("argument must be an int, or have a fileno() method.")
        fd = method()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({fd})")
    if fd > _INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return fd


def _eventmask(mask):
    """An event mask, a C ``unsigned short`` in CPython."""
    if not isinstance(mask, int):
        raise TypeError(f"'{type(mask).__name__}' object cannot be interpreted as an integer")
    if mask < 0:
        raise ValueError("value must be positive")
    if mask > 0xFFFF:
        raise OverflowError("Python int too large for C unsigned short")
    return mask


def _events(mask):
    """What vfd's poll is asked to watch for ``mask``."""
    events = _poll.Events(0)
    if mask & _READ:
        events |= _poll.Events.READABLE
    if mask & _WRITE:
        events |= _poll.Events.WRITABLE
    return events


def _revents(got, mask):
    """The ``revents`` Linux reports for ``mask``: the asked-for bits of
    readiness, and hang-up, error and invalid number always."""
    bits = 0
    if _poll.Revents.READABLE in got:
        bits |= mask & _READ
    if _poll.Revents.WRITABLE in got:
        bits |= mask & _WRITE
    if _poll.Revents.HUP in got:
        bits |= POLLHUP
    if _poll.Revents.ERR in got:
        bits |= POLLERR
    if _poll.Revents.NVAL in got:
        bits |= POLLNVAL
    return bits


def _wait(entries, timeout_ms):
    """vfd's poll(2): the revents of each entry."""
    return _os._call(_poll.poll, entries, timeout_ms)


class poll:
    """``select.poll()``: a set of descriptors to wait on, each with its
    event mask, kept in the order they were first registered."""

    def __init__(self):
        self._masks = {}

    def register(self, fd, eventmask=POLLIN | POLLPRI | POLLOUT):
        """Watch ``fd`` (or replace its mask) for ``eventmask``."""
        fd = _fileno(fd)
        self._masks[fd] = _eventmask(eventmask)

    def modify(self, fd, eventmask):
        """Change the mask of a registered ``fd``; ENOENT
        (``FileNotFoundError``) if it is not registered, as CPython."""
        fd = _fileno(fd)
        mask = _eventmask(eventmask)
        if fd not in self._masks:
            raise OSError(_errno.ENOENT, _os.strerror(_errno.ENOENT))
        self._masks[fd] = mask

    def unregister(self, fd):
        """Stop watching ``fd``; ``KeyError`` if it is not registered."""
        fd = _fileno(fd)
        if fd not in self._masks:
            raise KeyError(fd)
        del self._masks[fd]

    def poll(self, timeout=None):
        """Wait at most ``timeout`` milliseconds (None or negative: no
        limit; a fraction rounds up, as CPython) and return
        ``[(fd, revents)]`` for the descriptors with something to report."""
        if timeout is None:
            ms = -1
        else:
            if not isinstance(timeout, (int, float)):
                raise TypeError("timeout must be an integer or None")
            if _math.isnan(timeout):
                raise ValueError("Invalid value NaN (not a number)")
            ms = -1 if timeout < 0 else _math.ceil(timeout)
            if ms > _INT_MAX:
                raise OverflowError("timeout is too large")
        watched = list(self._masks.items())
        entries = [_poll.PollFd(fd, _events(mask)) for fd, mask in watched]
        ready = []
        for (fd, mask), got in zip(watched, _wait(entries, ms)):
            bits = _revents(got, mask)
            if bits:
                ready.append((fd, bits))
        return ready


def _descriptors(objects):
    """``[(object, fd)]`` for one of select's lists."""
    try:
        items = list(objects)
    except TypeError:
        raise TypeError("arguments 1-3 must be sequences") from None
    pairs = []
    for obj in items:
        fd = _fileno(obj)
        if fd >= _FD_SETSIZE:
            raise ValueError("filedescriptor out of range in select()")
        pairs.append((obj, fd))
    return pairs


_READY_TO_READ = _poll.Revents.READABLE | _poll.Revents.HUP | _poll.Revents.ERR
_READY_TO_WRITE = _poll.Revents.WRITABLE | _poll.Revents.ERR


def select(rlist, wlist, xlist, timeout=None):
    """``select.select``: wait at most ``timeout`` seconds (None: no limit)
    until an object of ``rlist`` is readable or one of ``wlist`` writable,
    and return the three lists of ready objects, in their given order.

    Readiness is Linux's select(2)'s: readable includes hang-up and error,
    writable includes error. ``xlist`` (urgent data) is checked for
    invalid numbers but never reported (see the module's notes)."""
    if timeout is None:
        deadline = None
    else:
        if not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a float or None")
        if _math.isnan(timeout):
            raise ValueError("Invalid value NaN (not a number)")
        if timeout < 0:
            raise ValueError("timeout must be non-negative")
        deadline = _monotonic() + timeout
    reads = _descriptors(rlist)
    writes = _descriptors(wlist)
    excepts = _descriptors(xlist)

    events = {}
    for _, fd in reads:
        events[fd] = events.get(fd, _poll.Events(0)) | _poll.Events.READABLE
    for _, fd in writes:
        events[fd] = events.get(fd, _poll.Events(0)) | _poll.Events.WRITABLE
    # A number only in xlist is waited on for nothing, but must still be
    # open: check it once, without letting its hang-up end the wait.
    quiet = [fd for _, fd in excepts if fd not in events]
    if quiet:
        got = _wait([_poll.PollFd(fd, _poll.Events(0)) for fd in quiet], 0)
        if any(_poll.Revents.NVAL in r for r in got):
            raise OSError(_errno.EBADF, _os.strerror(_errno.EBADF))

    fds = list(events)
    entries = [_poll.PollFd(fd, events[fd]) for fd in fds]
    while True:
        if deadline is None:
            ms = -1
        else:
            ms = min(_math.ceil(max(deadline - _monotonic(), 0) * 1000), _INT_MAX)
        got = dict(zip(fds, _wait(entries, ms)))
        if any(_poll.Revents.NVAL in r for r in got.values()):
            raise OSError(_errno.EBADF, _os.strerror(_errno.EBADF))
        ready_r = [obj for obj, fd in reads if got[fd] & _READY_TO_READ]
        ready_w = [obj for obj, fd in writes if got[fd] & _READY_TO_WRITE]
        if ready_r or ready_w or ms == 0:
            return ready_r, ready_w, []
        # poll woke for a condition select does not report (a hang-up on
        # a number watched for writing only): wait again for the rest.
