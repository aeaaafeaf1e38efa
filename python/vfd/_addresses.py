"""Addresses for ``vfd.socket``: between CPython's and vfd's.

CPython's addresses (``(host, port)``, ``(host, port, flowinfo,
scope_id)``) checked as CPython checks them and turned into the text
vfd's WIT takes ("127.0.0.1:80", "[::1%2]:80"), and back; numeric hosts,
'' and 'localhost' only, as vfd has no resolver. Also the host and port
parsing ``getaddrinfo`` needs.
"""

import ipaddress as _ipaddress
import operator as _operator
import os as _host_os

from ._args import _c_int, _gaierror
from ._constants import (
    AF_INET,
    AF_INET6,
    AF_UNIX,
    AI_NUMERICSERV,
    EAI_ADDRFAMILY,
    EAI_NONAME,
    EAI_SERVICE,
)


def _parse_ip(text):
    """``(family, ip, scope)`` for a numeric address, or None for a name.
    An IPv6 zone is taken when numeric (vfd has no interface names)."""
    try:
        return AF_INET, str(_ipaddress.IPv4Address(text)), 0
    except ValueError:
        pass
    ip, percent, zone = text.partition("%")
    if percent and not zone.isdigit():
        return None
    try:
        return AF_INET6, str(_ipaddress.IPv6Address(ip)), int(zone or 0)
    except ValueError:
        return None


def _host_text(host):
    """A host argument as text: CPython takes str, bytes and bytearray."""
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    elif not isinstance(host, str):
        raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
    if "\0" in host:
        raise TypeError("host name must not contain null character")
    return host


def _host_ip(host, family):
    """The numeric address of ``host`` for a socket of ``family``, as
    CPython's ``setipaddr`` finds it: '' is the any address, '<broadcast>'
    the IPv4 broadcast one, 'localhost' the family's loopback one; other
    names raise ``gaierror`` (vfd has no resolver)."""
    host = _host_text(host)
    if host == "":
        return "0.0.0.0" if family == AF_INET else "::"
    if host == "<broadcast>":
        if family != AF_INET:
            raise OSError("address family mismatched")
        return "255.255.255.255"
    if host.lower() == "localhost":
        return "127.0.0.1" if family == AF_INET else "::1"
    parsed = _parse_ip(host)
    if parsed is None:
        raise _gaierror(EAI_NONAME)
    if parsed[0] != family:
        raise _gaierror(EAI_ADDRFAMILY)
    return parsed[1]


def _check_port(port, caller):
    if not 0 <= port <= 0xFFFF:
        raise OverflowError(f"{caller}(): port must be 0-65535.")


def _address_text(family, address, caller):
    """The WIT's text ("127.0.0.1:80", "[::1]:80") of a Python address for
    a socket of ``family``, checked as CPython's ``getsockaddrarg``; None
    for an AF_UNIX path, which vfd cannot name."""
    if family == AF_INET:
        if not isinstance(address, tuple):
            raise TypeError(
                f"{caller}(): AF_INET address must be tuple, not {type(address).__name__}"
            )
        if len(address) != 2:
            raise TypeError("AF_INET address must be a pair (host, port)")
        host, port = address
        _host_text(host)
        port = _c_int(port)
        ip = _host_ip(host, AF_INET)
        _check_port(port, caller)
        return f"{ip}:{port}"
    if family == AF_INET6:
        if not isinstance(address, tuple):
            raise TypeError(
                f"{caller}(): AF_INET6 address must be tuple, not {type(address).__name__}"
            )
        if not 2 <= len(address) <= 4:
            raise TypeError("AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])")
        host, port, flowinfo, scope_id = address + (0,) * (4 - len(address))
        _host_text(host)
        port = _c_int(port)
        flowinfo = _operator.index(flowinfo)
        scope_id = _operator.index(scope_id)
        if not 0 <= scope_id <= 0xFFFFFFFF:
            raise OverflowError("Python int too large to convert to C unsigned int")
        ip = _host_ip(host, AF_INET6)
        _check_port(port, caller)
        if not 0 <= flowinfo <= 0xFFFFF:
            raise OverflowError(f"{caller}(): flowinfo must be 0-1048575.")
        # As CPython, the tuple's scope id is the address's, whatever
        # zone the host text named.
        zone = f"%{scope_id}" if scope_id else ""
        return f"[{ip}{zone}]:{port}"
    if family == AF_UNIX:
        if not isinstance(address, (str, bytes, bytearray, _host_os.PathLike)):
            raise TypeError(
                f"a bytes-like object is required, not '{type(address).__name__}'"
            )
        return None
    raise OSError(f"getsockaddrarg: bad family {family}")


def _address_of(text):
    """The Python address of a WIT address text; '' is the unnamed address
    of a socketpair end, which CPython gives as ''."""
    if not text:
        return ""
    host, _, port = text.rpartition(":")
    if host.startswith("["):
        ip, _, zone = host[1:-1].partition("%")
        return (ip, int(port), 0, int(zone or 0))
    return (host, int(port))


def _any_text(family):
    """Where Linux binds a socket that was not bound: any address, port 0."""
    return "[::]:0" if family == AF_INET6 else "0.0.0.0:0"


def _port_number(port, flags):
    """A port as glibc's getaddrinfo takes it: numeric, cut to 16 bits."""
    if port is None:
        return 0
    if isinstance(port, int):
        return port & 0xFFFF
    if isinstance(port, (str, bytes)):
        text = port.decode("ascii", "replace") if isinstance(port, bytes) else port
        if text.isdigit() and text.isascii():
            return int(text) & 0xFFFF
        raise _gaierror(EAI_NONAME if flags & AI_NUMERICSERV else EAI_SERVICE)
    raise OSError("Int or String expected")
