"""What ``vfd.socket`` keeps beside a socket's number, and its placeholders.

vfd's host has no unbound socket, so ``socket()`` reserves the lowest
free number with a placeholder (one end of a vfd socket pair whose other
end is closed), and ``bind`` (UDP), ``listen`` or ``connect`` later puts
the host socket at that number (``_install``). Until then a per-number
record (``_Record``) keeps the family, type, ``bind`` address and options
the placeholder cannot hold; this module keeps those records and answers
what a number is (``_kind``, ``_state``, ``_family_of``).
"""

from componentize_py_types import Err as _Err
from wit_world.imports import descriptors as _d
from wit_world.imports import pipes as _pipes
from wit_world.imports import sockets as _s
from wit_world.imports import types as _t

from . import os as _os
from ._addresses import _any_text
from ._args import _c_int, _oserror
from ._constants import (
    _FLAG_BITS,
    AF_INET,
    AF_INET6,
    AF_UNIX,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SOCK_DGRAM,
    SOCK_NONBLOCK,
    SOCK_STREAM,
)


class _Record:
    """What a socket ``vfd.socket`` made (``socket()``, ``socketpair()``, or
    ``accept`` on a listener made by ``socket()``) needs kept beside its
    number, as vfd's C library keeps it (``struct sock`` in c/vfd.c):
    while it is a placeholder (``pending``), its family, type, the address
    ``bind`` gave a TCP socket and the options set on it; after, its
    SO_REUSEADDR, which vfd has no call to read back.

    Records are kept by number, not by object, so that a number passed
    on (``detach``, then ``socket(fileno=...)``) keeps them. A record
    holds only while its number refers to the socket it was made for (the
    same inode), so a number closed behind vfd.socket's back and reused
    has none."""

    __slots__ = ("ino", "family", "type", "pending", "bound", "nodelay", "reuseaddr")

    def __init__(self, fd, family, type, pending):
        self.ino = _inode(fd)
        self.family = family
        self.type = type
        self.pending = pending
        self.bound = None
        self.nodelay = False
        self.reuseaddr = False


_records = {}


def _inode(fd):
    try:
        return _d.stat(fd).inode
    except _Err:
        return None


def _record(fd):
    """fd's record, if it still holds."""
    rec = _records.get(fd)
    if rec is not None and _inode(fd) != rec.ino:
        del _records[fd]
        rec = None
    return rec


def _pending(fd):
    """fd's record if fd is a placeholder (cheap when it is not)."""
    rec = _records.get(fd)
    if rec is None or not rec.pending:
        return None
    return _record(fd)


def _kind(fd):
    """SOCK_STREAM or SOCK_DGRAM for a socket the host has; EBADF or
    ENOTSOCK otherwise, as the socket calls answer on Linux."""
    file_type = _os._call(_d.stat, fd).file_type
    if file_type == _t.FileType.SOCKET_STREAM:
        return SOCK_STREAM
    if file_type == _t.FileType.SOCKET_DGRAM:
        return SOCK_DGRAM
    raise _oserror("ENOTSOCK")


# What a socket the host has is, for listen and connect on it.
_UNNAMED, _LISTENING, _CONNECTED, _DATAGRAM = range(4)


def _state(fd):
    if _kind(fd) == SOCK_DGRAM:
        return _DATAGRAM
    if not _os._call(_s.local_address, fd):
        return _UNNAMED
    try:
        _s.peer_address(fd)
    except _Err as err:
        if err.value == _t.Errno.NOTCONN:
            return _LISTENING
        _os._raise(err)
    return _CONNECTED


def _install(fd, rec, make, *args):
    """Make the host socket with ``make(*args, fd_flags, status)`` and put
    it at the placeholder's number ``fd``, with the placeholder's
    close-on-exec flag and O_NONBLOCK and the options set on it."""
    status = _os._call(_d.get_status_flags, fd) & _t.StatusFlags.NONBLOCK
    made = _os._call(make, *args, _t.FdFlags(0), status)
    try:
        _s.set_reuseaddr(made, rec.reuseaddr)
        if rec.type == SOCK_STREAM and rec.nodelay:
            _s.set_nodelay(made, True)
        _d.dup3(made, fd, _d.get_fd_flags(fd))
    except _Err as err:
        _os._raise(err)
    finally:
        try:
            _d.close(made)
        except _Err:
            pass
    rec.pending = False
    rec.ino = _inode(fd)


def _autobind(fd, rec):
    """Bind a placeholder UDP socket where Linux binds one before it sends
    or receives: the any address, port 0."""
    _install(fd, rec, _s.udp_bind, _any_text(rec.family))


def _placeholder(family, type, proto, default_timeout):
    """The number ``socket()`` gives, with its record: the arguments
    checked as vfd's C library checks them. It is non-blocking if ``type``
    has SOCK_NONBLOCK or ``default_timeout`` (``getdefaulttimeout()``) is
    not None."""
    family, type, proto = _c_int(family), _c_int(type), _c_int(proto)
    kind = type & ~_FLAG_BITS
    if kind & ~0xF:
        raise _oserror("EINVAL")
    if family not in (AF_INET, AF_INET6):
        raise _oserror("EAFNOSUPPORT")
    if kind not in (SOCK_STREAM, SOCK_DGRAM):
        raise _oserror("EPROTONOSUPPORT")
    if proto not in (0, IPPROTO_TCP if kind == SOCK_STREAM else IPPROTO_UDP):
        raise _oserror("EPROTONOSUPPORT")
    nonblock = type & SOCK_NONBLOCK or default_timeout is not None
    status = _t.StatusFlags.NONBLOCK if nonblock else _t.StatusFlags(0)
    # One end of a pair, the other closed at once: a socket at the lowest
    # free number, as Linux's socket() gives.
    fd, other = _os._call(_pipes.socketpair, _t.FdFlags.CLOEXEC, status)
    _os._call(_d.close, other)
    _records[fd] = _Record(fd, family, kind, pending=True)
    return fd


def _family_of(fd):
    """The family of the socket at ``fd``, from the form of its address."""
    rec = _record(fd) if fd in _records else None
    if rec is not None:
        return rec.family
    local = _os._call(_s.local_address, fd)
    if not local:
        return AF_UNIX
    return AF_INET6 if local.startswith("[") else AF_INET
