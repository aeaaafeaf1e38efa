"""The descriptor functions of CPython's ``os``, over vfd's descriptors.

Same names, arguments, defaults and results as ``os``; errors are
``OSError`` built from the errno, so CPython picks the subclass
(``FileNotFoundError``, ``FileExistsError``, ``IsADirectoryError``...)
and path errors carry the file name. As in CPython (PEP 446), new
descriptors are non-inheritable: ``open``, ``dup`` and ``pipe`` set
close-on-exec; ``dup2`` clears it unless ``inheritable=False``.

The ``O_*`` flags have Linux's values, the model vfd follows.
"""

import errno as _errno
import os as _host_os
import stat as _stat

from componentize_py_types import Err as _Err
from wit_world.imports import descriptors as _d
from wit_world.imports import pipes as _pipes
from wit_world.imports import types as _t

__all__ = [
    "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE", "O_CREAT", "O_EXCL",
    "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DIRECTORY", "O_NOFOLLOW",
    "O_CLOEXEC", "SEEK_SET", "SEEK_CUR", "SEEK_END",
    "open", "read", "write", "pread", "pwrite", "lseek", "close",
    "closerange", "dup", "dup2", "pipe", "pipe2", "fstat", "ftruncate",
    "fsync", "isatty", "get_blocking", "set_blocking", "get_inheritable",
    "set_inheritable", "mkdir", "unlink", "remove", "rmdir", "rename",
    "getcwd", "chdir", "strerror",
]

# Linux's values.
O_RDONLY = 0o0
O_WRONLY = 0o1
O_RDWR = 0o2
O_ACCMODE = 0o3
O_CREAT = 0o100
O_EXCL = 0o200
O_TRUNC = 0o1000
O_APPEND = 0o2000
O_NONBLOCK = 0o4000
O_DIRECTORY = 0o200000
O_NOFOLLOW = 0o400000
O_CLOEXEC = 0o2000000

SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2

# vfd's `AT_FDCWD`, as the WIT takes it (an unsigned number).
_AT_FDCWD = 4294967196

_OPEN_FLAGS = (
    (O_CREAT, _t.OpenFlags.CREATE),
    (O_EXCL, _t.OpenFlags.EXCLUSIVE),
    (O_TRUNC, _t.OpenFlags.TRUNCATE),
    (O_APPEND, _t.OpenFlags.APPEND),
    (O_NONBLOCK, _t.OpenFlags.NONBLOCK),
    (O_DIRECTORY, _t.OpenFlags.DIRECTORY),
    (O_NOFOLLOW, _t.OpenFlags.NOFOLLOW),
    (O_CLOEXEC, _t.OpenFlags.CLOEXEC),
)
_KNOWN = O_ACCMODE | sum(bit for bit, _ in _OPEN_FLAGS)

_WHENCE = {SEEK_SET: _t.Whence.SET, SEEK_CUR: _t.Whence.CUR, SEEK_END: _t.Whence.END}

_FILE_MODES = {
    _t.FileType.REGULAR_FILE: _stat.S_IFREG,
    _t.FileType.DIRECTORY: _stat.S_IFDIR,
    _t.FileType.SYMLINK: _stat.S_IFLNK,
    _t.FileType.PIPE: _stat.S_IFIFO,
    _t.FileType.SOCKET_STREAM: _stat.S_IFSOCK,
    _t.FileType.SOCKET_DGRAM: _stat.S_IFSOCK,
}


def strerror(code):
    """``os.strerror``: the text of an errno."""
    return _host_os.strerror(code)


def _errno_of(error):
    """This interpreter's errno number for vfd's ``errno`` value."""
    return getattr(_errno, "E" + error.name, _errno.EIO)


def _raise(err, *filenames):
    """The ``OSError`` CPython raises for ``err`` (a bindings ``Err``)."""
    code = _errno_of(err.value)
    raise OSError(code, strerror(code), *filenames) from None


def _call(function, *args, filenames=()):
    try:
        return function(*args)
    except _Err as err:
        _raise(err, *filenames)


def _fd(fd):
    """A descriptor argument: an int, as CPython requires (a negative one
    is EBADF there too)."""
    if not isinstance(fd, int):
        raise TypeError(f"an integer is required (got type {type(fd).__name__})")
    if fd < 0:
        raise OSError(_errno.EBADF, strerror(_errno.EBADF))
    return fd


def _dir(dir_fd):
    return _AT_FDCWD if dir_fd is None else _fd(dir_fd)


def _path(path):
    return _host_os.fsdecode(path)


def open(path, flags, mode=0o777, *, dir_fd=None):
    """``os.open``: a new, non-inheritable descriptor. ``mode`` is
    accepted for the same signature; vfd's host creates files with its
    own umask."""
    if flags & ~_KNOWN:
        raise OSError(_errno.EINVAL, strerror(_errno.EINVAL), path)
    access = flags & O_ACCMODE
    wit = _t.OpenFlags(0)
    if access in (O_RDONLY, O_RDWR):
        wit |= _t.OpenFlags.READ
    if access in (O_WRONLY, O_RDWR):
        wit |= _t.OpenFlags.WRITE
    for bit, flag in _OPEN_FLAGS:
        if flags & bit:
            wit |= flag
    wit |= _t.OpenFlags.CLOEXEC
    name = _path(path)
    return _call(_d.open_at, _dir(dir_fd), name, wit, filenames=(path,))


def read(fd, n):
    """``os.read``: at most ``n`` bytes; ``b''`` at end of file."""
    if n < 0:
        raise ValueError("negative count")
    return _call(_d.read, _fd(fd), n)


def write(fd, data):
    """``os.write``: how many bytes of ``data`` were written."""
    return _call(_d.write, _fd(fd), bytes(data))


def pread(fd, n, offset):
    """``os.pread``."""
    if n < 0:
        raise ValueError("negative count")
    return _call(_d.pread, _fd(fd), n, offset)


def pwrite(fd, data, offset):
    """``os.pwrite``."""
    return _call(_d.pwrite, _fd(fd), bytes(data), offset)


def lseek(fd, pos, how):
    """``os.lseek``: the new offset."""
    whence = _WHENCE.get(how)
    if whence is None:
        raise OSError(_errno.EINVAL, strerror(_errno.EINVAL))
    return _call(_d.seek, _fd(fd), pos, whence)


def close(fd):
    """``os.close``."""
    _call(_d.close, _fd(fd))


def closerange(fd_low, fd_high):
    """``os.closerange``: close every number in ``[fd_low, fd_high)``,
    ignoring errors."""
    for fd in range(max(fd_low, 0), fd_high):
        try:
            _d.close(fd)
        except _Err:
            pass


def dup(fd):
    """``os.dup``: the lowest free number, non-inheritable."""
    return _call(_d.dup_min, _fd(fd), 0, _t.FdFlags.CLOEXEC)


def dup2(fd, fd2, inheritable=True):
    """``os.dup2``: ``fd2``, inheritable unless asked otherwise."""
    _fd(fd)
    _fd(fd2)
    if inheritable or fd == fd2:
        return _call(_d.dup2, fd, fd2)
    return _call(_d.dup3, fd, fd2, _t.FdFlags.CLOEXEC)


def pipe():
    """``os.pipe``: ``(r, w)``, both non-inheritable."""
    return _call(_pipes.pipe, _t.FdFlags.CLOEXEC, _t.StatusFlags(0))


def pipe2(flags):
    """``os.pipe2``: ``flags`` is ``O_NONBLOCK`` and/or ``O_CLOEXEC``."""
    if flags & ~(O_NONBLOCK | O_CLOEXEC):
        raise OSError(_errno.EINVAL, strerror(_errno.EINVAL))
    fd_flags = _t.FdFlags.CLOEXEC if flags & O_CLOEXEC else _t.FdFlags(0)
    status = _t.StatusFlags.NONBLOCK if flags & O_NONBLOCK else _t.StatusFlags(0)
    return _call(_pipes.pipe, fd_flags, status)


def fstat(fd):
    """``os.fstat``: an ``os.stat_result``."""
    st = _call(_d.stat, _fd(fd))
    mode = _FILE_MODES.get(st.file_type, 0)

    def seconds(t):
        return t.seconds + t.nanoseconds / 1e9

    def nanoseconds(t):
        return t.seconds * 1_000_000_000 + t.nanoseconds

    times = (st.access_time, st.modify_time, st.change_time)
    fields = (mode, st.inode, 0, st.link_count, 0, 0, st.size)
    return _host_os.stat_result(
        fields
        + tuple(int(t.seconds) for t in times)
        + tuple(seconds(t) for t in times)
        + tuple(nanoseconds(t) for t in times)
    )


def ftruncate(fd, length):
    """``os.ftruncate``."""
    _call(_d.truncate, _fd(fd), length)


def fsync(fd):
    """``os.fsync``: ``fd`` may be a number or have ``fileno()``."""
    if hasattr(fd, "fileno"):
        fd = fd.fileno()
    _call(_d.sync, _fd(fd))


def isatty(fd):
    """``os.isatty``: False for a number that is not open, as CPython."""
    try:
        return _d.is_terminal(fd)
    except _Err:
        return False


def get_blocking(fd):
    """``os.get_blocking``."""
    return _t.StatusFlags.NONBLOCK not in _call(_d.get_status_flags, _fd(fd))


def set_blocking(fd, blocking):
    """``os.set_blocking``."""
    status = _call(_d.get_status_flags, _fd(fd))
    if blocking:
        status &= ~_t.StatusFlags.NONBLOCK
    else:
        status |= _t.StatusFlags.NONBLOCK
    _call(_d.set_status_flags, fd, status)


def get_inheritable(fd):
    """``os.get_inheritable``: close-on-exec clear."""
    return _t.FdFlags.CLOEXEC not in _call(_d.get_fd_flags, _fd(fd))


def set_inheritable(fd, inheritable):
    """``os.set_inheritable``."""
    flags = _t.FdFlags(0) if inheritable else _t.FdFlags.CLOEXEC
    _call(_d.set_fd_flags, _fd(fd), flags)


def mkdir(path, mode=0o777, *, dir_fd=None):
    """``os.mkdir``."""
    _call(_d.mkdir_at, _dir(dir_fd), _path(path), filenames=(path,))


def unlink(path, *, dir_fd=None):
    """``os.unlink``."""
    _call(_d.unlink_at, _dir(dir_fd), _path(path), filenames=(path,))


remove = unlink


def rmdir(path, *, dir_fd=None):
    """``os.rmdir``."""
    _call(_d.remove_dir_at, _dir(dir_fd), _path(path), filenames=(path,))


def rename(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
    """``os.rename``: errors name both paths, as CPython's."""
    _call(
        _d.rename_at,
        _dir(src_dir_fd),
        _path(src),
        _dir(dst_dir_fd),
        _path(dst),
        filenames=(src, None, dst),
    )


def getcwd():
    """``os.getcwd``: vfd's current directory."""
    return _call(_d.getcwd)


def chdir(path):
    """``os.chdir``."""
    _call(_d.chdir, _path(path), filenames=(path,))
