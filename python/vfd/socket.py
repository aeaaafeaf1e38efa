"""CPython's ``socket`` module over vfd's sockets.

Same names, arguments, defaults, results and exceptions as CPython's
``socket`` on Linux, where vfd can do what is asked: ``socket`` objects
for TCP and UDP over IPv4 and IPv6 and for ``socketpair`` ends,
``create_connection``, ``create_server``, ``getaddrinfo``, timeouts,
``makefile``. Constants have Linux's values. As in CPython (PEP 446),
new descriptors are non-inheritable.

Addresses are CPython's: ``(host, port)`` for AF_INET and ``(host, port,
flowinfo, scope_id)`` for AF_INET6. ``host`` is a numeric address, ``''``
for the any address, or ``'localhost'`` for the loopback address of the
socket's family.

Where vfd differs from Linux, and why:

- Names are not resolved: vfd has no resolver (its WIT takes numeric
  ``ip:port`` strings only), so any other host name raises ``gaierror``
  (EAI_NONAME), and a service name as a port EAI_SERVICE. ``getaddrinfo``
  answers for numeric hosts, ``None`` and ``'localhost'`` (IPv4 first),
  with SOCK_STREAM and SOCK_DGRAM entries (no SOCK_RAW).
- vfd's host has no unbound socket: it makes a socket already listening
  (``listen``), connected (``connect``) or, for UDP, bound (``bind``), and
  network access is the host's policy (``vfd run --allow-*``; a refused
  address is ``PermissionError``). So ``socket()`` takes the lowest free
  number, as on Linux, for a placeholder (one end of a vfd socket pair
  whose other end is closed), and the host socket made later takes that
  same number; vfd's C library does the same (c/vfd.c). Hence:

  - ``bind`` of a TCP socket only records the address: ``listen`` binds
    it, so EADDRINUSE, EADDRNOTAVAIL and the policy's EACCES come from
    ``listen``, and ``getsockname`` before ``listen`` shows the address as
    given (port 0 stays 0). ``create_server`` reports such a failure of
    ``listen`` as CPython reports a failure of ``bind``.
  - ``connect`` after ``bind`` (other than to the any address and port 0)
    is EOPNOTSUPP: the host connects from an address it picks.
  - ``connect`` returns once connected, also on a non-blocking socket or
    one with a timeout (never EINPROGRESS or ``TimeoutError``): the host
    makes the connection within the call.
  - UDP sockets cannot be connected (EOPNOTSUPP): use ``sendto`` and
    ``recvfrom``. One that sends or receives before ``bind`` is bound to
    the any address and port 0 first, as Linux binds it on ``sendto``
    (Linux leaves it unbound on a receive, where it can only wait).
  - A duplicate (``dup``, ``fromfd``, ``os.dup``) of a socket taken before
    ``listen``, ``connect`` or UDP ``bind`` stays the placeholder, which
    looks like a socketpair end (``socket(fileno=...)`` finds AF_UNIX and
    SOCK_STREAM; ``listen`` and ``connect`` on it are EINVAL): only the
    number the call is made on becomes the host socket.
  - ``listen`` on a listener keeps its first backlog. A listener made by
    ``listen`` has SO_REUSEADDR as the program left it, but the host set it
    before binding, as Rust's ``TcpListener`` does.
  - ``socket(AF_UNIX)`` is EAFNOSUPPORT and AF_UNIX paths are not
    supported (``bind`` EOPNOTSUPP; ``connect`` EISCONN, where Linux looks
    the path up first): AF_UNIX sockets come from ``socketpair`` only, and
    those are SOCK_STREAM only (EOPNOTSUPP for SOCK_DGRAM, which Linux
    has). Types other than SOCK_STREAM and SOCK_DGRAM are EPROTONOSUPPORT
    (WASI, and so the guest's ``errno``, has no ESOCKTNOSUPPORT).

- Options: SO_REUSEADDR and TCP_NODELAY can be set and read, SO_TYPE and
  SO_ERROR read. SO_ERROR is always 0: vfd has no call to read it, and
  ``connect`` completes within the call, so no connection error is ever
  pending (an error on an established connection comes from the next
  ``recv`` or ``send``). SO_REUSEADDR reads back on sockets made by
  ``socket()`` or ``socketpair()`` and those accepted from their
  listeners; on others (a
  listener handed in with ``vfd run --fd``) it is ENOPROTOOPT, as vfd's
  host has no call to read it. Every other option is refused as Linux
  refuses one it does not know: ENOPROTOOPT (``getsockopt`` at a protocol
  level other than the socket's, EOPNOTSUPP), as vfd's C library does,
  where Linux would accept SO_KEEPALIVE, SO_RCVBUF and the like.
- ``recv``, ``send`` and their kin take no flags (EOPNOTSUPP): vfd's
  calls have no MSG_PEEK, MSG_DONTWAIT or MSG_WAITALL, and every send
  already has MSG_NOSIGNAL's effect.
- IPv6: the flow info of an address is checked but not sent (vfd's
  addresses have none), and returned addresses carry flow info 0.
"""

import errno as _errno
import io as _io
import math as _math
import operator as _operator
import warnings as _warnings
from time import monotonic as _monotonic

from componentize_py_types import Err as _Err
from wit_world.imports import descriptors as _d
from wit_world.imports import pipes as _pipes
from wit_world.imports import poll as _poll
from wit_world.imports import sockets as _s
from wit_world.imports import types as _t

from . import os as _os
from ._addresses import _address_of, _address_text, _any_text, _parse_ip, _port_number
from ._args import (
    _bytes_view,
    _c_int,
    _gaierror,
    _intenum,
    _oserror,
    _timeout_arg,
    _writable_view,
)
from ._constants import (
    _AI_KNOWN,
    _FLAG_BITS,
    _INT_MAX,
    AF_INET,
    AF_INET6,
    AF_UNIX,
    AF_UNSPEC,
    AI_ADDRCONFIG,
    AI_CANONNAME,
    AI_NUMERICHOST,
    AI_NUMERICSERV,
    AI_PASSIVE,
    EAI_ADDRFAMILY,
    EAI_BADFLAGS,
    EAI_FAMILY,
    EAI_NONAME,
    EAI_SERVICE,
    EAI_SOCKTYPE,
    IPPROTO_IP,
    IPPROTO_IPV6,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SHUT_RD,
    SHUT_RDWR,
    SHUT_WR,
    SO_ERROR,
    SO_REUSEADDR,
    SO_TYPE,
    SOCK_CLOEXEC,
    SOCK_DGRAM,
    SOCK_NONBLOCK,
    SOCK_STREAM,
    SOL_SOCKET,
    SOMAXCONN,
    TCP_NODELAY,
    AddressFamily,
    AddressInfo,
    SocketKind,
    error,
    gaierror,
    herror,
    timeout,
)
from ._placeholders import (
    _CONNECTED,
    _DATAGRAM,
    _UNNAMED,
    _Record,
    _autobind,
    _family_of,
    _install,
    _kind,
    _pending,
    _placeholder,
    _record,
    _records,
    _state,
)
from ._socketio import SocketIO

__all__ = [
    "AddressFamily", "SocketKind", "AddressInfo", "AF_UNSPEC", "AF_UNIX", "AF_INET",
    "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_NONBLOCK", "SOCK_CLOEXEC",
    "SOL_SOCKET", "SO_REUSEADDR", "SO_TYPE", "SO_ERROR", "IPPROTO_IP",
    "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IPV6", "TCP_NODELAY", "SHUT_RD",
    "SHUT_WR", "SHUT_RDWR", "SOMAXCONN", "AI_PASSIVE", "AI_CANONNAME",
    "AI_NUMERICHOST", "AI_ADDRCONFIG", "AI_NUMERICSERV", "EAI_BADFLAGS",
    "EAI_NONAME", "EAI_FAMILY", "EAI_SOCKTYPE", "EAI_SERVICE",
    "EAI_ADDRFAMILY", "error", "timeout", "herror", "gaierror", "has_ipv6",
    "socket", "SocketType", "SocketIO", "socketpair", "fromfd",
    "create_connection", "create_server", "has_dualstack_ipv6",
    "getaddrinfo", "getdefaulttimeout", "setdefaulttimeout",
]

# The public classes defined in the private modules are this module's, as
# CPython's are ``socket``'s (in reprs, tracebacks and pickles).
for _cls in (AddressFamily, SocketKind, AddressInfo, herror, gaierror, SocketIO):
    _cls.__module__ = __name__
del _cls

has_ipv6 = True

# At most this much is handed to the host per write of ``sendall``, so a
# long buffer is not copied again for each short write (the host reads and
# writes at most 1 MiB per call anyway).
_CHUNK = 1 << 20

_GLOBAL_DEFAULT_TIMEOUT = object()
_default_timeout = None


# The options vfd has.
_NODELAY, _REUSEADDR, _TYPE, _ERROR, _UNKNOWN = range(5)


def _option(level, name):
    if level == IPPROTO_TCP and name == TCP_NODELAY:
        return _NODELAY
    if level == SOL_SOCKET:
        return {SO_REUSEADDR: _REUSEADDR, SO_TYPE: _TYPE, SO_ERROR: _ERROR}.get(name, _UNKNOWN)
    return _UNKNOWN


class socket:
    """``socket.socket(family=-1, type=-1, proto=-1, fileno=None)``.

    Without ``fileno``, a new TCP or UDP socket (AF_INET and SOCK_STREAM
    by default), non-inheritable, at the lowest free number, blocking
    unless ``SOCK_NONBLOCK`` or a default timeout says otherwise. With
    ``fileno``, the socket already at that number (one handed in with
    ``vfd run --fd 3=tcp-listen:...``, an accepted one, a socketpair end):
    as CPython, an omitted family is read from the form of its address, an
    omitted type from fstat, an omitted protocol from both (IPPROTO_TCP,
    IPPROTO_UDP, or 0 for AF_UNIX).

    See the module's notes for what vfd does differently from Linux."""

    __slots__ = ("__weakref__", "_fd", "_family", "_type", "_proto", "_timeout", "_io_refs", "_closed")

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        self._fd = -1
        self._io_refs = 0
        self._closed = False
        if fileno is None:
            family = AF_INET if family == -1 else family
            type = SOCK_STREAM if type == -1 else type
            proto = 0 if proto == -1 else proto
            fd = _placeholder(family, type, proto, _default_timeout)
        else:
            if isinstance(fileno, float):
                raise TypeError("'float' object cannot be interpreted as an integer")
            fd = _c_int(fileno)
            if fd < 0:
                raise ValueError("negative file descriptor")
            family, type, proto = _c_int(family), _c_int(type), _c_int(proto)
            if family == -1:
                family = _family_of(fd)
            if type == -1:
                rec = _pending(fd)
                type = rec.type if rec is not None else _kind(fd)
            if proto == -1:
                kind = type & ~_FLAG_BITS
                if family == AF_UNIX:
                    proto = 0
                else:
                    proto = IPPROTO_TCP if kind == SOCK_STREAM else IPPROTO_UDP
        self._family = int(family)
        self._type = int(type) & ~_FLAG_BITS
        self._proto = int(proto)
        if type & SOCK_NONBLOCK:
            self._timeout = 0.0
        else:
            self._timeout = _default_timeout
            if _default_timeout is not None and fileno is not None:
                _os.set_blocking(fd, False)
        self._fd = fd

    # ---- The object ----

    @property
    def family(self):
        """The address family, an ``AddressFamily`` when vfd knows it."""
        return _intenum(self._family, AddressFamily)

    @property
    def type(self):
        """The socket type, a ``SocketKind`` when vfd knows it."""
        return _intenum(self._type, SocketKind)

    @property
    def proto(self):
        """The protocol number."""
        return self._proto

    @property
    def timeout(self):
        """The timeout in seconds, or None (as ``gettimeout()``)."""
        return self._timeout

    def fileno(self):
        """The descriptor, or -1 once closed or detached."""
        return self._fd

    def _check(self):
        """The descriptor; EBADF once closed, as CPython's calls on -1."""
        if self._fd == -1:
            raise _oserror("EBADF")
        return self._fd

    def __repr__(self):
        """CPython's: class, descriptor, family, type, protocol, and the
        local and peer addresses where there are some."""
        closed = getattr(self, "_closed", False)
        text = "<%s.%s%s fd=%i, family=%s, type=%s, proto=%i" % (
            self.__class__.__module__,
            self.__class__.__qualname__,
            " [closed]" if closed else "",
            self.fileno(),
            self.family,
            self.type,
            self.proto,
        )
        if not closed:
            for label, method in (("laddr", self.getsockname), ("raddr", self.getpeername)):
                try:
                    address = method()
                except OSError:
                    continue
                if address:
                    text += f", {label}={address}"
        return text + ">"

    def __getstate__(self):
        raise TypeError(f"cannot pickle {self.__class__.__name__!r} object")

    def __enter__(self):
        return self

    def __exit__(self, *args):
        if not self._closed:
            self.close()

    def __del__(self):
        # CPython's finalizer: an unclosed socket warns, then is closed.
        fd = getattr(self, "_fd", -1)
        if fd == -1:
            return
        try:
            _warnings.warn(f"unclosed {self!r}", ResourceWarning, source=self)
        except Exception:
            pass
        self._fd = -1
        _records.pop(fd, None)
        try:
            _d.close(fd)
        except Exception:
            pass

    def dup(self):
        """A new socket object on a new, non-inheritable number for the
        same socket, with the same timeout."""
        fd = _os.dup(self.fileno())
        sock = self.__class__(self.family, self.type, self.proto, fileno=fd)
        sock.settimeout(self.gettimeout())
        return sock

    def get_inheritable(self):
        """Whether the descriptor is inherited across exec."""
        return _os.get_inheritable(self.fileno())

    def set_inheritable(self, inheritable):
        """Set whether the descriptor is inherited across exec."""
        _os.set_inheritable(self.fileno(), inheritable)

    # ---- Blocking and timeouts ----

    def settimeout(self, value):
        """None: blocking; 0: non-blocking; seconds: each call waits at most
        that long (non-blocking underneath, waiting in vfd's poll), then
        raises ``TimeoutError('timed out')``."""
        value = _timeout_arg(value)
        _os.set_blocking(self._fd, value is None)
        self._timeout = value

    def gettimeout(self):
        """The timeout in seconds, or None."""
        return self._timeout

    def setblocking(self, flag):
        """``settimeout(None)`` if ``flag``, else ``settimeout(0.0)``."""
        self.settimeout(None if flag else 0.0)

    def getblocking(self):
        """False for a non-blocking socket (timeout 0), else True."""
        return self._timeout != 0

    def _wait(self, writing, deadline):
        """Wait until the socket is ready or ``deadline`` passes, as
        CPython's ``internal_select`` (milliseconds rounded up)."""
        left = deadline - _monotonic()
        if left < 0:
            raise TimeoutError("timed out")
        events = _poll.Events.WRITABLE if writing else _poll.Events.READABLE
        ms = min(_math.ceil(left * 1000), _INT_MAX)
        (got,) = _os._call(_poll.poll, [_poll.PollFd(self._fd, events)], ms)
        if not got:
            raise TimeoutError("timed out")

    def _sock_call(self, writing, call, *args, deadline=None):
        """``call(*args)`` as CPython's ``sock_call``: at once without a
        timeout (EAGAIN, on a non-blocking socket, is ``BlockingIOError``);
        with one, wait for readiness first and again after EAGAIN, until
        ``deadline`` (now plus the timeout unless given)."""
        if not self._timeout:
            return _os._call(call, *args)
        if deadline is None:
            deadline = _monotonic() + self._timeout
        while True:
            self._wait(writing, deadline)
            try:
                return call(*args)
            except _Err as err:
                if err.value != _t.Errno.AGAIN:
                    _os._raise(err)

    # ---- Making connections ----

    def bind(self, address):
        """Bind to ``address``. A UDP socket is bound at once; a TCP one
        keeps the address for ``listen`` (see the module's notes)."""
        text = _address_text(self._family, address, "bind")
        fd = self._check()
        rec = _pending(fd)
        if rec is None:
            _kind(fd)
            # A socket the host has is bound already; AF_UNIX paths vfd
            # cannot name.
            raise _oserror("EOPNOTSUPP" if text is None else "EINVAL")
        if rec.bound is not None:
            raise _oserror("EINVAL")
        if rec.type == SOCK_STREAM:
            rec.bound = text
        else:
            _install(fd, rec, _s.udp_bind, text)

    def listen(self, backlog=None):
        """Listen, on the address given to ``bind`` or on the any address
        with a port the host picks; ``backlog`` defaults to
        ``min(SOMAXCONN, 128)`` and a negative one is 0, as CPython."""
        fd = self._check()
        backlog = min(SOMAXCONN, 128) if backlog is None else max(_c_int(backlog), 0)
        rec = _pending(fd)
        if rec is None:
            # Linux: a listener stays one; a connection or a socketpair end
            # is EINVAL, a datagram socket EOPNOTSUPP.
            state = _state(fd)
            if state in (_UNNAMED, _CONNECTED):
                raise _oserror("EINVAL")
            if state == _DATAGRAM:
                raise _oserror("EOPNOTSUPP")
            return
        if rec.type != SOCK_STREAM:
            raise _oserror("EOPNOTSUPP")
        _install(fd, rec, _s.tcp_listen, rec.bound or _any_text(rec.family), backlog)

    def accept(self):
        """``(socket, address)``: the next connection, a new non-inheritable
        socket, blocking unless a default timeout is set."""
        fd = self._check()
        new_fd, peer = self._sock_call(
            False, _s.accept, fd, _t.FdFlags.CLOEXEC, _t.StatusFlags(0)
        )
        listener = _record(fd) if fd in _records else None
        if listener is not None:
            # An accepted socket inherits its listener's SO_REUSEADDR.
            rec = _Record(new_fd, listener.family, SOCK_STREAM, pending=False)
            rec.reuseaddr = listener.reuseaddr
            _records[new_fd] = rec
        sock = socket(self.family, self.type, self.proto, fileno=new_fd)
        if getdefaulttimeout() is None and self.gettimeout():
            sock.setblocking(True)
        return sock, _address_of(peer)

    def connect(self, address):
        """Connect a TCP socket to ``address``; returns once connected (see
        the module's notes)."""
        text = _address_text(self._family, address, "connect")
        fd = self._check()
        rec = _pending(fd)
        if rec is None:
            # Linux: EISCONN for a listener, a connection or a socketpair
            # end given a path, EINVAL for a socketpair end given an
            # internet address; vfd has no connected UDP socket.
            state = _state(fd)
            if state == _DATAGRAM:
                raise _oserror("EOPNOTSUPP")
            if state == _UNNAMED and text is not None:
                raise _oserror("EINVAL")
            raise _oserror("EISCONN")
        if rec.type != SOCK_STREAM:
            raise _oserror("EOPNOTSUPP")
        if rec.bound not in (None, _any_text(rec.family)):
            raise _oserror("EOPNOTSUPP")
        _install(fd, rec, _s.tcp_connect, text)

    def connect_ex(self, address):
        """``connect``, returning the errno of a failure (0 for success)
        instead of raising it; bad addresses still raise, as CPython."""
        try:
            self.connect(address)
        except gaierror:
            raise
        except OSError as err:
            if err.errno is None:
                raise
            return err.errno
        return 0

    def shutdown(self, how):
        """Shut down receiving (SHUT_RD), sending (SHUT_WR) or both."""
        how = _c_int(how)
        fd = self._check()
        hows = {
            SHUT_RD: _s.ShutdownHow.READ,
            SHUT_WR: _s.ShutdownHow.WRITE,
            SHUT_RDWR: _s.ShutdownHow.BOTH,
        }
        if how not in hows:
            _kind(fd)
            raise _oserror("EINVAL")
        if _pending(fd) is not None:
            raise _oserror("ENOTCONN")
        _os._call(_s.shutdown, fd, hows[how])

    def getsockname(self):
        """The socket's own address ('' for a socketpair end)."""
        fd = self._check()
        rec = _pending(fd)
        if rec is not None:
            return _address_of(rec.bound or _any_text(rec.family))
        return _address_of(_os._call(_s.local_address, fd))

    def getpeername(self):
        """The connected peer's address; ENOTCONN if none."""
        fd = self._check()
        if _pending(fd) is not None:
            raise _oserror("ENOTCONN")
        return _address_of(_os._call(_s.peer_address, fd))

    # ---- Data ----

    def _no_flags(self, flags):
        if _c_int(flags) != 0:
            raise _oserror("EOPNOTSUPP")

    def _receiving(self, fd):
        """A placeholder cannot receive: a TCP one is not connected; a UDP
        one is bound first, as Linux binds it."""
        rec = _pending(fd)
        if rec is None:
            return
        if rec.type == SOCK_STREAM:
            raise _oserror("ENOTCONN")
        _autobind(fd, rec)

    def recv(self, bufsize, flags=0):
        """At most ``bufsize`` bytes; ``b''`` once the peer shut down."""
        bufsize = _operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        fd = self._check()
        self._no_flags(flags)
        self._receiving(fd)
        return self._sock_call(False, _d.read, fd, min(bufsize, 0xFFFFFFFF))

    def recv_into(self, buffer, nbytes=0, flags=0):
        """Receive into ``buffer`` (at most ``nbytes``, 0: its length) and
        return how many bytes came."""
        view = _writable_view(buffer, "recv_into")
        nbytes = _operator.index(nbytes)
        if nbytes < 0:
            raise ValueError("negative buffersize in recv_into")
        if nbytes > len(view):
            raise ValueError("buffer too small for requested bytes")
        data = self.recv(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data)

    def recvfrom(self, bufsize, flags=0):
        """``(data, address)``: a datagram and its sender; on a stream, the
        data and None, as Linux gives no sender."""
        bufsize = _operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recvfrom")
        fd = self._check()
        self._no_flags(flags)
        self._receiving(fd)
        data, sender = self._sock_call(False, _s.recv_from, fd, min(bufsize, 0xFFFFFFFF))
        return data, (_address_of(sender) if sender else None)

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        """``(nbytes, address)``, receiving into ``buffer``."""
        view = _writable_view(buffer, "recvfrom_into")
        nbytes = _operator.index(nbytes)
        if nbytes < 0:
            raise ValueError("negative buffersize in recvfrom_into")
        if nbytes > len(view):
            raise ValueError("nbytes is greater than the length of the buffer")
        data, address = self.recvfrom(nbytes or len(view), flags)
        view[: len(data)] = data
        return len(data), address

    def _sending(self, fd):
        """An unconnected UDP socket has no destination (EDESTADDRREQ); an
        unconnected TCP one writes to the placeholder, whose EPIPE is
        Linux's answer too."""
        rec = _pending(fd)
        if rec is not None and rec.type == SOCK_DGRAM:
            raise _oserror("EDESTADDRREQ")

    def send(self, data, flags=0):
        """Send ``data``; returns how many bytes were sent."""
        view = _bytes_view(data)
        fd = self._check()
        self._no_flags(flags)
        self._sending(fd)
        return self._sock_call(True, _d.write, fd, bytes(view))

    def sendall(self, data, flags=0):
        """Send all of ``data``. With a timeout, it bounds the whole call,
        as in CPython."""
        view = _bytes_view(data)
        fd = self._check()
        self._no_flags(flags)
        self._sending(fd)
        deadline = _monotonic() + self._timeout if self._timeout else None
        sent = 0
        while sent < len(view):
            chunk = bytes(view[sent : sent + _CHUNK])
            sent += self._sock_call(True, _d.write, fd, chunk, deadline=deadline)

    def sendto(self, data, *args):
        """``sendto(data[, flags], address)``: send one datagram to
        ``address``; an unbound UDP socket is bound first, as on Linux."""
        if len(args) == 1:
            flags, address = 0, args[0]
        elif len(args) == 2:
            flags, address = args
        else:
            raise TypeError(f"sendto() takes 2 or 3 arguments ({len(args) + 1} given)")
        view = _bytes_view(data)
        text = _address_text(self._family, address, "sendto")
        fd = self._check()
        self._no_flags(flags)
        rec = _pending(fd)
        if rec is not None:
            if rec.type == SOCK_STREAM:
                raise _oserror("EPIPE")
            _autobind(fd, rec)
        if text is None:
            # A socketpair end is connected: Linux refuses an address.
            raise _oserror("EISCONN")
        return self._sock_call(True, _s.send_to, fd, bytes(view), text)

    def sendfile(self, file, offset=0, count=None):
        """Send ``file`` (a regular file object opened in binary mode) from
        ``offset``, ``count`` bytes or to its end, and return how many
        bytes were sent; the file's position ends after them. Done with
        ``send``, as CPython does where ``os.sendfile`` is missing."""
        if "b" not in getattr(file, "mode", "b"):
            raise ValueError("file should be opened in binary mode")
        if not self.type & SOCK_STREAM:
            raise ValueError("only SOCK_STREAM type sockets are supported")
        if count is not None:
            if not isinstance(count, int):
                raise TypeError(f"count must be a positive integer (got {count!r})")
            if count <= 0:
                raise ValueError(f"count must be a positive integer (got {count!r})")
        if self.gettimeout() == 0:
            raise ValueError("non-blocking sockets are not supported")
        if offset:
            file.seek(offset)
        total = 0
        try:
            while count is None or total < count:
                size = 8192 if count is None else min(count - total, 8192)
                data = memoryview(file.read(size))
                if not data:
                    break
                while data:
                    try:
                        n = self.send(data)
                    except BlockingIOError:
                        continue
                    total += n
                    data = data[n:]
            return total
        finally:
            if total > 0 and hasattr(file, "seek"):
                file.seek(offset + total)

    # ---- Options ----

    def setsockopt(self, level, optname, value, optlen=None):
        """``setsockopt(level, optname, int | buffer)`` or
        ``setsockopt(level, optname, None, optlen)``: SO_REUSEADDR and
        TCP_NODELAY; others are ENOPROTOOPT (see the module's notes)."""
        level, optname = _c_int(level), _c_int(optname)
        if optlen is None:
            if isinstance(value, int):
                raw = _c_int(value).to_bytes(4, "little", signed=True)
            else:
                raw = bytes(_bytes_view(value))
            length = len(raw)
        else:
            if value is not None:
                raise TypeError(f"setsockopt() argument 3 must be None, not {type(value).__name__}")
            raw, length = None, _operator.index(optlen)
        fd = self._check()
        rec = _record(fd) if fd in _records else None
        if rec is None:
            _kind(fd)
        option = _option(level, optname)
        if option not in (_NODELAY, _REUSEADDR):
            raise _oserror("ENOPROTOOPT")
        if length < 4:
            raise _oserror("EINVAL")
        if raw is None:
            raise _oserror("EFAULT")
        on = int.from_bytes(raw[:4], "little") != 0
        if rec is not None and rec.pending:
            if option == _NODELAY:
                if rec.type != SOCK_STREAM:
                    raise _oserror("ENOPROTOOPT")
                rec.nodelay = on
            else:
                rec.reuseaddr = on
            return
        if option == _NODELAY:
            _os._call(_s.set_nodelay, fd, on)
        else:
            _os._call(_s.set_reuseaddr, fd, on)
            if rec is not None:
                rec.reuseaddr = on

    def getsockopt(self, level, optname, buflen=0):
        """An option's value: an int, or with ``buflen`` its bytes (as
        Linux writes an int option: at most ``buflen`` of its 4)."""
        level, optname, buflen = _c_int(level), _c_int(optname), _c_int(buflen)
        if buflen and not 0 < buflen <= 1024:
            raise OSError("getsockopt buflen out of range")
        fd = self._check()
        rec = _record(fd) if fd in _records else None
        kind = rec.type if rec is not None else _kind(fd)
        option = _option(level, optname)
        if option == _TYPE:
            value = kind
        elif option == _ERROR:
            value = 0
        elif option == _REUSEADDR:
            if rec is None:
                raise _oserror("ENOPROTOOPT")
            value = rec.reuseaddr
        elif option == _NODELAY:
            if rec is not None and rec.pending:
                if kind != SOCK_STREAM:
                    raise _oserror("EOPNOTSUPP")
                value = rec.nodelay
            else:
                value = _os._call(_s.get_nodelay, fd)
        elif level == SOL_SOCKET or (level == IPPROTO_TCP and kind == SOCK_STREAM):
            raise _oserror("ENOPROTOOPT")
        else:
            raise _oserror("EOPNOTSUPP")
        value = int(value)
        if not buflen:
            return value
        return value.to_bytes(4, "little", signed=True)[:buflen]

    # ---- Files and closing ----

    def makefile(self, mode="r", buffering=None, *, encoding=None, errors=None, newline=None):
        """A file object over the socket, as ``open`` makes one (modes of
        'r', 'w' and 'b' only): a ``SocketIO`` under CPython's buffered and
        text classes. The socket closes for real only once it and every
        file made by ``makefile`` are closed."""
        if not set(mode) <= {"r", "w", "b"}:
            raise ValueError(f"invalid mode {mode!r} (only r, w, b allowed)")
        writing = "w" in mode
        reading = "r" in mode or not writing
        binary = "b" in mode
        raw = SocketIO(self, ("r" if reading else "") + ("w" if writing else ""))
        self._io_refs += 1
        if buffering is None or buffering < 0:
            buffering = _io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if not binary:
                raise ValueError("unbuffered streams must be binary")
            return raw
        if reading and writing:
            buffer = _io.BufferedRWPair(raw, raw, buffering)
        elif reading:
            buffer = _io.BufferedReader(raw, buffering)
        else:
            buffer = _io.BufferedWriter(raw, buffering)
        if binary:
            return buffer
        text = _io.TextIOWrapper(buffer, _io.text_encoding(encoding), errors, newline)
        text.mode = mode
        return text

    def _decref_socketios(self):
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close()

    def _real_close(self):
        fd, self._fd = self._fd, -1
        if fd == -1:
            return
        _records.pop(fd, None)
        try:
            _d.close(fd)
        except _Err as err:
            # CPython ignores ECONNRESET from close(2), which only says the
            # peer reset a connection that is closed now anyway.
            if err.value != _t.Errno.CONNRESET:
                _os._raise(err)

    def close(self):
        """Close the socket, once no file made by ``makefile`` is open;
        closing again does nothing."""
        self._closed = True
        if self._io_refs <= 0:
            self._real_close()

    def detach(self):
        """Give up the descriptor without closing it and return it; the
        object is closed."""
        self._closed = True
        fd, self._fd = self._fd, -1
        return fd


SocketType = socket


# ---- Module functions ----


def getdefaulttimeout():
    """The timeout new sockets start with (None: blocking)."""
    return _default_timeout


def setdefaulttimeout(timeout):
    """Set the timeout new sockets start with."""
    global _default_timeout
    _default_timeout = _timeout_arg(timeout)


def socketpair(family=None, type=SOCK_STREAM, proto=0):
    """Two connected AF_UNIX stream sockets, non-inheritable. Other
    families are refused as Linux refuses them; SOCK_DGRAM pairs vfd does
    not have (EOPNOTSUPP)."""
    family = AF_UNIX if family is None else _c_int(family)
    type, proto = _c_int(type), _c_int(proto)
    if family in (AF_INET, AF_INET6):
        raise _oserror("EOPNOTSUPP")
    if family != AF_UNIX:
        raise _oserror("EAFNOSUPPORT")
    if type & ~_FLAG_BITS != SOCK_STREAM:
        raise _oserror("EOPNOTSUPP")
    if proto != 0:
        raise _oserror("EPROTONOSUPPORT")
    status = _t.StatusFlags.NONBLOCK if type & SOCK_NONBLOCK else _t.StatusFlags(0)
    a, b = _os._call(_pipes.socketpair, _t.FdFlags.CLOEXEC, status)
    # Records, so that SO_REUSEADDR reads back (off, as on Linux).
    _records[a] = _Record(a, AF_UNIX, SOCK_STREAM, pending=False)
    _records[b] = _Record(b, AF_UNIX, SOCK_STREAM, pending=False)
    return socket(family, type, proto, a), socket(family, type, proto, b)


def fromfd(fd, family, type, proto=0):
    """A socket object on a non-inheritable duplicate of ``fd``."""
    return socket(family, type, proto, _os.dup(fd))


def has_dualstack_ipv6():
    """False: vfd has no IPV6_V6ONLY to turn off."""
    return False



def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """``[(family, type, proto, canonname, sockaddr)]`` for ``host`` and
    ``port``, without a resolver: ``host`` is a numeric address, None (the
    loopback address, or with AI_PASSIVE the any address) or 'localhost';
    a name raises ``gaierror`` (EAI_NONAME). 'localhost' and None give
    IPv4 first. AI_ADDRCONFIG is taken and changes nothing."""
    if host is not None:
        if isinstance(host, (bytes, bytearray)):
            host = bytes(host).decode("ascii", "replace")
        elif not isinstance(host, str):
            raise TypeError("getaddrinfo() argument 1 must be string or None")
    family, type, proto, flags = _c_int(family), _c_int(type), _c_int(proto), _c_int(flags)
    port = _port_number(port, flags)
    if flags & ~_AI_KNOWN:
        raise _gaierror(EAI_BADFLAGS)
    if family not in (AF_UNSPEC, AF_INET, AF_INET6):
        raise _gaierror(EAI_FAMILY)
    kinds = [(k, p) for k, p in ((SOCK_STREAM, IPPROTO_TCP), (SOCK_DGRAM, IPPROTO_UDP))
             if type in (0, k) and proto in (0, p)]
    if not kinds:
        raise _gaierror(EAI_SOCKTYPE)

    if host is None:
        v4, v6 = ("0.0.0.0", "::") if flags & AI_PASSIVE else ("127.0.0.1", "::1")
        found = [(AF_INET, v4, 0), (AF_INET6, v6, 0)]
    elif host.lower() == "localhost" and not flags & AI_NUMERICHOST:
        found = [(AF_INET, "127.0.0.1", 0), (AF_INET6, "::1", 0)]
    else:
        parsed = _parse_ip(host) if host else None
        if parsed is None:
            raise _gaierror(EAI_NONAME)
        if family not in (AF_UNSPEC, parsed[0]):
            raise _gaierror(EAI_ADDRFAMILY)
        found = [parsed]
    found = [f for f in found if family in (AF_UNSPEC, f[0])]

    results = []
    for af, ip, scope in found:
        address = (ip, port) if af == AF_INET else (ip, port, 0, scope)
        for kind, protocol in kinds:
            canonname = host if flags & AI_CANONNAME and not results and host else ""
            results.append((af, kind, protocol, canonname, address))
    return results


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT, source_address=None, *, all_errors=False):
    """Connect to ``address`` (``(host, port)``), trying each address
    ``getaddrinfo`` gives in turn, and return the socket. ``timeout`` is
    set before connecting (but see the module's notes on ``connect``);
    ``source_address``, if given, is bound first. The last error is
    raised, or with ``all_errors`` an ``ExceptionGroup`` of all."""
    host, port = address
    exceptions = []
    for af, socktype, proto, _canonname, sa in getaddrinfo(host, port, 0, SOCK_STREAM):
        sock = None
        try:
            sock = socket(af, socktype, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sa)
            exceptions.clear()
            return sock
        except OSError as exc:
            if not all_errors:
                exceptions.clear()
            exceptions.append(exc)
            if sock is not None:
                sock.close()
    if exceptions:
        try:
            if not all_errors:
                raise exceptions[0]
            raise ExceptionGroup("create_connection failed", exceptions)
        finally:
            # Break the reference cycle through the traceback.
            exceptions.clear()
    raise OSError("getaddrinfo returns an empty list")


def create_server(address, *, family=AF_INET, backlog=None, reuse_port=False, dualstack_ipv6=False):
    """A TCP listener on ``address`` (``(host, port)``), with SO_REUSEADDR
    set. vfd binds at ``listen`` (see the module's notes), so an address
    error from ``listen`` is reported as CPython reports one from
    ``bind``. ``reuse_port`` and ``dualstack_ipv6`` are refused with
    CPython's ``ValueError`` for a platform without them. vfd has no
    IPV6_V6ONLY, which CPython sets on an AF_INET6 server, so one on the
    any address takes IPv4 connections too (Linux's default for a socket
    that does not set it)."""
    if reuse_port:
        raise ValueError("SO_REUSEPORT not supported on this platform")
    if dualstack_ipv6:
        raise ValueError("dualstack_ipv6 not supported on this platform")
    sock = socket(family, SOCK_STREAM)
    try:
        sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as err:
            raise _bind_error(err, address) from None
        try:
            if backlog is None:
                sock.listen()
            else:
                sock.listen(backlog)
        except OSError as err:
            if err.errno in (_errno.EADDRINUSE, _errno.EADDRNOTAVAIL, _errno.EACCES):
                raise _bind_error(err, address) from None
            raise
        return sock
    except OSError:
        sock.close()
        raise


def _bind_error(err, address):
    """CPython's ``create_server`` error for a failed bind."""
    return OSError(err.errno, f"{err.strerror} (while attempting to bind on address {address!r})")
