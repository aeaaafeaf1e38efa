"""The constants and exception classes of ``vfd.socket``.

Linux's values for families, types, options, levels and ``shutdown``
modes, glibc's ``getaddrinfo`` flags and ``EAI_*`` codes with their
texts, and the exception classes. They are ``vfd.socket``'s public names
(it imports them and makes itself the module of the classes); they are
kept here so that its private modules can use them without importing
``vfd.socket``.
"""

from enum import IntEnum as _IntEnum
from enum import IntFlag as _IntFlag


class AddressFamily(_IntEnum):
    """``socket.AddressFamily``: the families vfd has, Linux's values."""

    AF_UNSPEC = 0
    AF_UNIX = 1
    AF_INET = 2
    AF_INET6 = 10


class SocketKind(_IntEnum):
    """``socket.SocketKind``: the types vfd has and the flags ``socket()``
    takes with them, Linux's values."""

    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOCK_NONBLOCK = 0o4000
    SOCK_CLOEXEC = 0o2000000


AF_UNSPEC = AddressFamily.AF_UNSPEC
AF_UNIX = AddressFamily.AF_UNIX
AF_INET = AddressFamily.AF_INET
AF_INET6 = AddressFamily.AF_INET6
SOCK_STREAM = SocketKind.SOCK_STREAM
SOCK_DGRAM = SocketKind.SOCK_DGRAM
SOCK_NONBLOCK = SocketKind.SOCK_NONBLOCK
SOCK_CLOEXEC = SocketKind.SOCK_CLOEXEC

# Linux's values.
SOL_SOCKET = 1
SO_REUSEADDR = 2
SO_TYPE = 3
SO_ERROR = 4
IPPROTO_IP = 0
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_IPV6 = 41
TCP_NODELAY = 1
SHUT_RD = 0
SHUT_WR = 1
SHUT_RDWR = 2
SOMAXCONN = 4096


class AddressInfo(_IntFlag):
    """``socket.AddressInfo``: the ``getaddrinfo`` flags vfd takes,
    Linux's values."""

    AI_PASSIVE = 0x1
    AI_CANONNAME = 0x2
    AI_NUMERICHOST = 0x4
    AI_ADDRCONFIG = 0x20
    AI_NUMERICSERV = 0x400


AI_PASSIVE = AddressInfo.AI_PASSIVE
AI_CANONNAME = AddressInfo.AI_CANONNAME
AI_NUMERICHOST = AddressInfo.AI_NUMERICHOST
AI_ADDRCONFIG = AddressInfo.AI_ADDRCONFIG
AI_NUMERICSERV = AddressInfo.AI_NUMERICSERV
_AI_KNOWN = sum(AddressInfo)

# glibc's values and texts.
EAI_BADFLAGS = -1
EAI_NONAME = -2
EAI_FAMILY = -6
EAI_SOCKTYPE = -7
EAI_SERVICE = -8
EAI_ADDRFAMILY = -9
_GAI_TEXT = {
    EAI_BADFLAGS: "Bad value for ai_flags",
    EAI_NONAME: "Name or service not known",
    EAI_FAMILY: "ai_family not supported",
    EAI_SOCKTYPE: "ai_socktype not supported",
    EAI_SERVICE: "Servname not supported for ai_socktype",
    EAI_ADDRFAMILY: "Address family for hostname not supported",
}

error = OSError
timeout = TimeoutError


class herror(OSError):
    """``socket.herror``: an address-related error of the old resolver
    calls (vfd raises ``gaierror`` instead, as ``getaddrinfo`` does)."""


class gaierror(OSError):
    """``socket.gaierror``: an error of address resolution, with glibc's
    ``EAI_*`` code and text."""


# The flags socket() takes in its type argument; the largest C int.
_FLAG_BITS = SOCK_NONBLOCK | SOCK_CLOEXEC
_INT_MAX = 2**31 - 1
