"""The descriptor functions of CPython's ``os``, over vfd's descriptors.

Same names, arguments, defaults and results as ``os``; errors are
``OSError`` built from the errno, so CPython picks the subclass
(``FileNotFoundError``, ``FileExistsError``, ``IsADirectoryError``...)
and path errors carry the file name. As in CPython (PEP 446), new
descriptors are non-inheritable: ``open``, ``dup`` and ``pipe`` set
close-on-exec; ``dup2`` clears it unless ``inheritable=False``.

Besides the descriptor calls: ``fdopen`` (``vfd.open`` over a number),
``stat``/``lstat``, ``listdir`` and ``scandir`` over vfd's mounts, and
``readv``/``writev``.

The ``O_*`` flags have Linux's values, the model vfd follows. vfd's
``stat`` reports a file's type, size, inode, link count and times: the
permission bits, owner, device and block size are not in its WIT, so a
``stat_result`` has 0 there (``st_blksize`` is None).
"""

import errno as _errno
import io as _stdio
import operator as _operator
import os as _host_os
import stat as _stat
import warnings as _warnings

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
    "getcwd", "chdir", "strerror", "fdopen", "stat", "lstat", "listdir",
    "scandir", "DirEntry", "readv", "writev",
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

# Linux's cap on one read(2) (MAX_RW_COUNT): larger counts are valid and
# read at most this; the WIT's `u32` could not carry them anyway.
_MAX_RW = 0x7FFFF000

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
    _t.FileType.CHARACTER_DEVICE: _stat.S_IFCHR,
    _t.FileType.BLOCK_DEVICE: _stat.S_IFBLK,
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
    is EBADF there too; one beyond C's ``int`` is CPython's OverflowError,
    where the bindings would trap)."""
    if not isinstance(fd, int):
        raise TypeError(f"an integer is required (got type {type(fd).__name__})")
    if fd < 0:
        raise OSError(_errno.EBADF, strerror(_errno.EBADF))
    if fd > 0x7FFFFFFF:
        raise OverflowError("Python int too large to convert to C int")
    return fd


def _dir(dir_fd):
    return _AT_FDCWD if dir_fd is None else _fd(dir_fd)


def _offset(value):
    """An ``off_t`` argument, as CPython converts it (``__index__``; out
    of range is OverflowError, where the bindings would trap)."""
    value = _operator.index(value)
    if not -(2**63) <= value < 2**63:
        raise OverflowError("Python int too large to convert to C long")
    return value


def _unsigned_offset(value):
    """An offset or length the WIT takes as ``u64``: a negative one is
    Linux's EINVAL."""
    value = _offset(value)
    if value < 0:
        raise OSError(_errno.EINVAL, strerror(_errno.EINVAL))
    return value


def _bytes(data):
    """A bytes-like argument as the bytes the bindings require (they take
    nothing else): TypeError for anything else, as CPython's."""
    if type(data) is bytes:
        return data
    try:
        with memoryview(data) as view:
            return view.tobytes()
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'") from None


def _path(path):
    """A path argument as the WIT's string. A NUL inside is CPython's
    ValueError: C paths end there, and vfd's host would answer EINVAL."""
    name = _host_os.fsdecode(path)
    if "\0" in name:
        raise ValueError("embedded null byte")
    return name


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
    return _call(_d.read, _fd(fd), min(n, _MAX_RW))


def write(fd, data):
    """``os.write``: how many bytes of ``data`` were written."""
    return _call(_d.write, _fd(fd), _bytes(data))


def pread(fd, n, offset):
    """``os.pread``."""
    if n < 0:
        raise ValueError("negative count")
    return _call(_d.pread, _fd(fd), min(n, _MAX_RW), _unsigned_offset(offset))


def pwrite(fd, data, offset):
    """``os.pwrite``."""
    return _call(_d.pwrite, _fd(fd), _bytes(data), _unsigned_offset(offset))


def lseek(fd, pos, how):
    """``os.lseek``: the new offset."""
    whence = _WHENCE.get(how)
    if whence is None:
        raise OSError(_errno.EINVAL, strerror(_errno.EINVAL))
    return _call(_d.seek, _fd(fd), _offset(pos), whence)


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


def _stat_result(st):
    """An ``os.stat_result`` from the WIT's ``file-stat``."""
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


def fstat(fd):
    """``os.fstat``: an ``os.stat_result``."""
    return _stat_result(_call(_d.stat, _fd(fd)))


def ftruncate(fd, length):
    """``os.ftruncate``."""
    _call(_d.truncate, _fd(fd), _unsigned_offset(length))


def fsync(fd):
    """``os.fsync``: ``fd`` may be a number or have ``fileno()``."""
    if hasattr(fd, "fileno"):
        fd = fd.fileno()
    _call(_d.sync, _fd(fd))


def isatty(fd):
    """``os.isatty``: False for a number that is not open, as CPython."""
    if isinstance(fd, int) and fd < 0:
        return False
    try:
        return _d.is_terminal(_fd(fd))
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


def fdopen(fd, mode="r", buffering=-1, encoding=None, *args, **kwargs):
    """``os.fdopen``: ``vfd.open`` over the descriptor ``fd``."""
    if not isinstance(fd, int):
        raise TypeError("invalid fd type (%s, expected integer)" % type(fd))
    from .io import open as vfd_open  # vfd.io imports this module

    if "b" not in mode:
        encoding = _stdio.text_encoding(encoding)
    return vfd_open(fd, mode, buffering, encoding, *args, **kwargs)


def _path_or_fd(function, path, kinds):
    """CPython's TypeError for a ``path`` that is none of ``kinds``."""
    if not isinstance(path, (str, bytes, int)) and not hasattr(type(path), "__fspath__"):
        name = type(path).__name__
        raise TypeError(f"{function}: path should be {kinds}, not {name}")
    return path


def stat(path, *, dir_fd=None, follow_symlinks=True):
    """``os.stat``: ``path`` may be a descriptor, as in CPython (then it
    is ``fstat``)."""
    _path_or_fd("stat", path, "string, bytes, os.PathLike or integer")
    if isinstance(path, int):
        if dir_fd is not None:
            raise ValueError("stat: can't specify dir_fd without matching path")
        if not follow_symlinks:
            raise ValueError("stat: cannot use fd and follow_symlinks together")
        return fstat(path)
    st = _call(
        _d.stat_at, _dir(dir_fd), _path(path), bool(follow_symlinks), filenames=(path,)
    )
    return _stat_result(st)


def lstat(path, *, dir_fd=None):
    """``os.lstat``: a final symlink is reported itself."""
    if isinstance(path, int):
        raise TypeError("lstat: path should be string, bytes or os.PathLike, not int")
    return stat(path, dir_fd=dir_fd, follow_symlinks=False)


def _read_dir(path):
    """The WIT's entries of the directory ``path`` (a path or a
    descriptor, which is left open)."""
    if isinstance(path, int):
        return _call(_d.read_dir, _fd(path))
    flags = _t.OpenFlags.READ | _t.OpenFlags.DIRECTORY | _t.OpenFlags.CLOEXEC
    fd = _call(_d.open_at, _AT_FDCWD, _path(path), flags, filenames=(path,))
    try:
        return _call(_d.read_dir, fd, filenames=(path,))
    finally:
        _d.close(fd)


def listdir(path=None):
    """``os.listdir``: the names in the directory ``path`` (a path, or an
    open directory descriptor), without ``.`` and ``..``, in the host's
    order (CPython's is unspecified too). Bytes for a bytes path."""
    if path is None:
        path = "."
    _path_or_fd("listdir", path, "string, bytes, os.PathLike, integer or None")
    names = [entry.name for entry in _read_dir(path)]
    if not isinstance(path, int) and isinstance(_host_os.fspath(path), bytes):
        names = [_host_os.fsencode(name) for name in names]
    return names


class DirEntry:
    """``os.DirEntry``: one entry that ``scandir`` yields.

    ``name`` and ``path`` as CPython's (``path`` is ``name`` when the
    directory was given as a descriptor). The entry's type comes with it,
    so ``is_dir``/``is_file``/``is_symlink`` ask the host nothing unless
    a symlink must be followed; ``stat`` asks once and keeps the answer.
    vfd's ``read-dir`` gives no inode, so ``inode()`` is an ``lstat``
    (CPython's comes free from readdir).
    """

    __slots__ = ("name", "path", "_dir", "_at", "_type", "_stat", "_lstat")

    def __init__(self, name, path, dir_fd, at, file_type):
        self.name = name
        self.path = path
        self._dir = dir_fd
        self._at = at
        self._type = file_type
        self._stat = None
        self._lstat = None

    def __repr__(self):
        return f"<DirEntry {self.name!r}>"

    def __fspath__(self):
        return self.path

    def stat(self, *, follow_symlinks=True):
        """``DirEntry.stat``: cached, as CPython's."""
        if follow_symlinks and self.is_symlink():
            if self._stat is None:
                self._stat = self._ask(True)
            return self._stat
        if self._lstat is None:
            self._lstat = self._ask(False)
        return self._lstat

    def _ask(self, follow):
        st = _call(_d.stat_at, self._dir, self._at, follow, filenames=(self.path,))
        return _stat_result(st)

    def inode(self):
        """``DirEntry.inode``."""
        return self.stat(follow_symlinks=False).st_ino

    def is_symlink(self):
        """``DirEntry.is_symlink``."""
        if self._type == _t.FileType.UNKNOWN:
            return _stat.S_ISLNK(self.stat(follow_symlinks=False).st_mode)
        return self._type == _t.FileType.SYMLINK

    def _is(self, file_type, test, follow_symlinks):
        if self._type == _t.FileType.UNKNOWN or (
            follow_symlinks and self._type == _t.FileType.SYMLINK
        ):
            try:
                return test(self.stat(follow_symlinks=follow_symlinks).st_mode)
            except FileNotFoundError:
                return False  # a broken symlink, as CPython answers
        return self._type == file_type

    def is_dir(self, *, follow_symlinks=True):
        """``DirEntry.is_dir``."""
        return self._is(_t.FileType.DIRECTORY, _stat.S_ISDIR, follow_symlinks)

    def is_file(self, *, follow_symlinks=True):
        """``DirEntry.is_file``."""
        return self._is(_t.FileType.REGULAR_FILE, _stat.S_ISREG, follow_symlinks)

    def is_junction(self):
        """``DirEntry.is_junction``: never, off Windows."""
        return False


class _ScandirIterator:
    """CPython's ``ScandirIterator``: an iterator and context manager.

    vfd's ``read-dir`` returns the whole directory in one call and the
    descriptor is closed at once, so this holds nothing; it still warns
    ``unclosed scandir iterator`` when dropped neither exhausted nor
    closed, as CPython does, so that a program run on vfd is right on
    CPython too.
    """

    def __init__(self, entries):
        self._entries = entries

    def __iter__(self):
        return self

    def __next__(self):
        if self._entries is None:
            raise StopIteration
        try:
            return next(self._entries)
        except StopIteration:
            self._entries = None
            raise

    def close(self):
        self._entries = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if self._entries is not None:
            _warnings.warn(
                f"unclosed scandir iterator {self!r}", ResourceWarning, stacklevel=1, source=self
            )


def scandir(path=None):
    """``os.scandir``: the entries of the directory ``path`` (a path or an
    open directory descriptor) as ``DirEntry`` objects, in the host's
    order."""
    if path is None:
        path = "."
    _path_or_fd("scandir", path, "string, bytes, os.PathLike, integer or None")
    if isinstance(path, int):
        made = [DirEntry(e.name, e.name, path, e.name, e.file_type) for e in _read_dir(path)]
        return _ScandirIterator(iter(made))
    top = _host_os.fspath(path)
    in_bytes = isinstance(top, bytes)
    if not top.endswith(b"/" if in_bytes else "/"):
        top += b"/" if in_bytes else "/"
    made = []
    for e in _read_dir(path):
        name = _host_os.fsencode(e.name) if in_bytes else e.name
        made.append(DirEntry(name, top + name, _AT_FDCWD, _path(top + name), e.file_type))
    return _ScandirIterator(iter(made))


def _sequence(buffers, what):
    # CPython's PySequence_Check: indexable, and not a mapping.
    if isinstance(buffers, dict) or not hasattr(type(buffers), "__getitem__"):
        raise TypeError(f"{what}() arg 2 must be a sequence")
    return buffers


def readv(fd, buffers):
    """``os.readv``: one read, spread over the writable ``buffers`` in
    order; how many bytes were read. The read is one call, as readv(2):
    the bindings return bytes, copied once into the buffers."""
    views = [memoryview(b).cast("B") for b in _sequence(buffers, "readv")]
    for view in views:
        if view.readonly:
            raise BufferError("Object is not writable.")
    data = read(fd, sum(len(view) for view in views))
    done = 0
    with memoryview(data) as source:
        for view in views:
            n = min(len(view), len(data) - done)
            view[:n] = source[done : done + n]
            done += n
    return len(data)


def writev(fd, buffers):
    """``os.writev``: the ``buffers`` in order, in one write, as
    writev(2); how many bytes were written."""
    return write(fd, b"".join(_sequence(buffers, "writev")))
