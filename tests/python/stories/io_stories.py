"""File-object stories for Python: the built-in ``open`` and the ``io``
classes it returns, over descriptors, written once against ``api.os`` and
``api.open``: ``vfd.os`` and ``vfd.open`` inside a component under vfd
(CPython 3.14), CPython's own ``os`` and ``open`` natively (the oracle).
The two runs must print the same lines, so only facts that CPython 3.11
and 3.14 share are printed."""

import gc
import stat
import warnings

from tell import Teller, errno_name


def main(api, root):
    os, open = api.os, api.open

    teller = Teller(os, messages=True)
    say, failed = teller.say, teller.failed

    def holds(path):
        """What the file holds now, read past any file object's buffer."""
        fd = os.open(path, os.O_RDONLY)
        try:
            return os.read(fd, 1000)
        finally:
            os.close(fd)

    path = root + "/io.bin"
    text_path = root + "/io.txt"

    # Binary writes wait in the buffer until flush or close.
    f = open(path, "wb")
    say(f"open wb: {type(f).__name__}, mode {f.mode!r}, name is the path {f.name == path}")
    f.write(b"hello ")
    say(f"before flush the file holds {holds(path)!r}")
    f.flush()
    say(f"after flush {holds(path)!r}")
    f.write(b"world")
    f.close()
    say(f"after close {holds(path)!r}, closed {f.closed}")

    # What each mode returns.
    for mode, kwargs in (
        ("rb", {}),
        ("r+b", {}),
        ("ab", {}),
        ("rb", {"buffering": 0}),
        ("r", {"encoding": "utf-8"}),
        ("a+", {"encoding": "utf-8"}),
    ):
        with open(path, mode, **kwargs) as f:
            inner = f.buffer if hasattr(f, "buffer") else f
            raw = inner.raw if hasattr(inner, "raw") else inner
            say(
                f"open {mode} {kwargs}: {type(f).__name__} mode {f.mode!r},"
                f" raw {type(raw).__name__} mode {raw.mode!r} closefd {raw.closefd}"
            )
    with open(path, "rb", buffering=0) as raw:
        say(f"raw repr: {repr(raw).split(' ', 1)[1]}")
    say(f"closed raw repr ends {repr(raw).split(' ', 1)[1]}")

    # Text: newlines translated on the way in, not out on Linux.
    with open(text_path, "w", encoding="utf-8") as f:
        f.write("one\ntwo\r\nthree\rfour café")
        say(f"text before flush {holds(text_path)!r}")
    say(f"text after close {holds(text_path)!r}")
    with open(text_path, encoding="utf-8") as f:
        say(f"readline {f.readline()!r} {f.readline()!r}, then {list(f)!r}")
    with open(text_path, encoding="utf-8", newline="") as f:
        say(f"newline='': {list(f)!r}")
    with open(text_path, "w", encoding="utf-8", newline="\r\n") as f:
        f.write("a\nb\n")
    say(f"newline='\\r\\n' writes {holds(text_path)!r}")
    with open(text_path, "w", buffering=1, encoding="utf-8") as f:
        f.write("partial")
        say(f"line buffered {f.line_buffering}: before the newline {holds(text_path)!r}")
        f.write(" line\n")
        say(f"after it {holds(text_path)!r}")
    with open(text_path, "w") as f:
        f.write("default encoding\n")
    with open(text_path) as f:
        say(f"default encoding reads back {f.read()!r}")

    # readinto, raw and buffered.
    with open(path, "rb", buffering=0) as raw:
        buf = bytearray(5)
        n = raw.readinto(buf)
        view = memoryview(bytearray(8))
        m = raw.readinto(view[2:5])
        say(f"raw readinto {n} {bytes(buf)!r}, into a slice {m} {view.tobytes()!r}")
        say(f"raw read(2) {raw.read(2)!r}, read() {raw.read()!r}, at the end {raw.read()!r}")
        say(f"raw seekable {raw.seekable()} readable {raw.readable()} writable {raw.writable()}")
        say(f"raw seek(-3, 2) {raw.seek(-3, 2)}, readall {raw.readall()!r}, tell {raw.tell()}")
    with open(path, "rb") as f:
        buf = bytearray(4)
        say(f"buffered readinto {f.readinto(buf)} {bytes(buf)!r}, peek-free read {f.read(3)!r}")

    # A file object and an os.dup of its number share one offset.
    f = open(path, "rb", buffering=0)
    twin = os.dup(f.fileno())
    f.read(2)
    say(f"dup's offset after the file object read 2: {os.lseek(twin, 0, os.SEEK_CUR)}")
    os.read(twin, 3)
    say(f"file object's tell after the dup read 3: {f.tell()}, then {f.read(3)!r}")
    os.close(twin)
    f.close()
    f = open(path, "rb")
    twin = os.dup(f.fileno())
    ahead = f.read(2)
    say(f"a buffered reader reads ahead: {ahead!r}, the dup's offset {os.lseek(twin, 0, os.SEEK_CUR)}")
    os.close(twin)
    f.close()

    # closefd=False leaves the number open; closefd=True closes it.
    fd = os.open(path, os.O_RDONLY)
    f = open(fd, "rb", closefd=False)
    say(f"closefd=False: read {f.read(5)!r}, name is the number {f.name == fd}")
    say(f"closefd {f.raw.closefd}")
    f.close()
    os.lseek(fd, 0, os.SEEK_SET)
    say(f"after close the number still reads {os.read(fd, 3)!r}")
    f = open(fd, "rb")
    f.close()
    failed("closefd=True, read the number after close", os.read, fd, 1)

    # Binary standard output beside the text lines: the bytes come out
    # when flushed, in order with what fd 1 was given.
    out_fd = os.dup(1)
    out = open(out_fd, "wb", closefd=False)
    out.write(b"binary stdout: caf\xc3\xa9, written before the next line\n")
    say("this line goes straight to fd 1, before the buffered one")
    out.flush()
    out.close()
    say(f"the dup is still open after close: {os.fstat(out_fd).st_size >= 0}")
    os.close(out_fd)

    # "ab+": reads follow the offset, writes land at the end.
    with open(path, "wb") as f:
        f.write(b"one\n")
    with open(path, "ab+") as f:
        say(f"ab+: mode {f.mode!r}, offset at open {f.tell()}")
        f.seek(0)
        say(f"ab+ read from the start {f.read()!r}")
        f.seek(0)
        f.write(b"two\n")
        f.flush()
        say(f"ab+ offset after a write at 0: {f.tell()}")
        f.seek(0)
        say(f"ab+ whole file {f.read()!r}")

    # r+b: truncate keeps the offset.
    with open(path, "r+b") as f:
        f.seek(6)
        say(f"r+b truncate(3) {f.truncate(3)}, tell {f.tell()}, end {f.seek(0, 2)}")
    say(f"after truncate {holds(path)!r}")

    # "x": exclusive creation.
    failed("x on an existing file", open, path, "x")
    new = root + "/io-new.bin"
    with open(new, "xb+") as f:
        f.write(b"new")
        f.seek(0)
        say(f"xb+: {type(f).__name__} mode {f.mode!r} reads {f.read()!r}")
    os.unlink(new)

    # An opener: open relative to a directory descriptor.
    dir_fd = os.open(root, os.O_RDONLY)
    def opener(name, flags):
        return os.open(name, flags, dir_fd=dir_fd)

    with open("io.bin", "rb", opener=opener) as f:
        say(f"opener with dir_fd: {f.read()!r}, inheritable {os.get_inheritable(f.fileno())}")
    os.close(dir_fd)
    with open(path, "rb") as f:
        say(f"inheritable: {os.get_inheritable(f.fileno())}")

    # A pipe: no offset; closing each file object closes its end.
    r, w = os.pipe()
    wf = open(w, "wb", buffering=0)
    rf = open(r, "rb")
    say(f"pipe file objects: {type(wf).__name__} {type(rf).__name__}")
    say(f"seekable {wf.seekable()} {rf.seekable()}")
    failed("tell on a pipe", wf.tell)
    wf.write(b"through a pipe")
    wf.close()
    say(f"pipe read {rf.read()!r}")
    rf.close()
    failed("the read end after close", os.close, r)

    # os.fdopen: open over a number, with its type check.
    fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as f:
        say(f"fdopen: {type(f).__name__} {f.read()!r}")
    failed("fdopen closed it", os.close, fd)
    failed("fdopen of a string", os.fdopen, "3")

    # readv and writev.
    fd = os.open(path, os.O_RDWR | os.O_TRUNC)
    say(f"writev {os.writev(fd, [b'ab', bytearray(b'cd'), memoryview(b'ef')])}")
    os.lseek(fd, 0, os.SEEK_SET)
    first, second = bytearray(2), bytearray(10)
    n = os.readv(fd, [first, second])
    say(f"readv {n}: {bytes(first)!r} {bytes(second[:n - 2])!r}")
    os.close(fd)

    # The double close: the number closed behind the file object.
    for mode, kwargs in (("rb", {}), ("w", {"encoding": "utf-8"})):
        f = open(path, mode, **kwargs)
        os.close(f.fileno())
        try:
            f.close()
        except OSError as e:
            name = errno_name(e.errno)
            say(f"double close ({mode}): {type(e).__name__} {name}, closed {f.closed}")
        else:
            say(f"double close ({mode}): no error")

    # stat, listdir, scandir.
    d = root + "/io-dir"
    os.mkdir(d)
    with open(d + "/a.txt", "w", encoding="utf-8") as f:
        f.write("abcde")
    with open(d + "/b.bin", "wb") as f:
        f.write(b"\0" * 3)
    os.mkdir(d + "/sub")
    st = os.stat(d + "/a.txt")
    say(f"stat a.txt: size {st.st_size}, regular {stat.S_ISREG(st.st_mode)}, links {st.st_nlink}")
    say(f"stat dir: {stat.S_ISDIR(os.stat(d).st_mode)}, lstat dir: {stat.S_ISDIR(os.lstat(d).st_mode)}")
    with open(d + "/a.txt", "rb") as f:
        via_stat, via_fstat = os.stat(f.fileno()), os.fstat(f.fileno())
        same = via_stat.st_ino == via_fstat.st_ino and via_stat.st_size == via_fstat.st_size
        say(f"stat(fd) is fstat: {same}")
        say(f"same inode by path {os.stat(d + '/a.txt').st_ino == via_fstat.st_ino}")
    say(f"listdir {sorted(os.listdir(d))}")
    say(f"listdir bytes {sorted(os.listdir(d.encode()))}")
    with os.scandir(d) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        size = e.stat().st_size if e.is_file() else "-"
        same = e.inode() == os.lstat(e.path).st_ino
        say(
            f"scandir {e.name}: dir {e.is_dir()} file {e.is_file()} link {e.is_symlink()}"
            f" path {e.path == d + '/' + e.name} size {size} inode {same} {e!r}"
        )
    dir_fd = os.open(d, os.O_RDONLY)
    say(f"listdir(fd) {sorted(os.listdir(dir_fd))}")
    with os.scandir(dir_fd) as it:
        say(f"scandir(fd) {sorted((e.name, e.path, e.is_dir()) for e in it)}")
    os.close(dir_fd)
    failed("stat missing", os.stat, d + "/missing")
    failed("listdir a file", os.listdir, d + "/a.txt")
    failed("lstat a number", os.lstat, 1)

    # Errors: the class, the errno, the file name.
    failed("open a directory for writing", open, d, "w")
    failed("open a directory as FileIO", open, d, "rb", buffering=0)
    failed("open a directory as text", open, d, encoding="utf-8")
    failed("open missing", open, root + "/missing.txt")
    failed("invalid mode rw", open, path, "rw")
    failed("invalid mode q", open, path, "q")
    failed("invalid mode rbt", open, path, "rbt")
    failed("unbuffered text", open, path, "r", buffering=0)
    failed("closefd=False with a name", open, path, "rb", closefd=False)
    failed("encoding in binary mode", open, path, "rb", encoding="utf-8")
    failed("negative descriptor", open, -1)
    with open(path, "rb") as f:
        failed("write on a reader", f.write, b"x")
        failed("write on a raw reader", f.raw.write, b"x")
    failed("read a closed file", f.raw.read)
    failed("fileno of a closed file", f.fileno)

    # A file object collected while open warns and closes its number.
    for mode, kwargs in (("rb", {"buffering": 0}), ("rb", {}), ("r", {"encoding": "utf-8"})):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            f = open(path, mode, **kwargs)
            kind, number = type(f).__name__, f.fileno()
            del f
            gc.collect()
        unclosed = [w for w in caught if issubclass(w.category, ResourceWarning)]
        names = all(
            str(w.message).startswith("unclosed file") and kind in str(w.message)
            for w in unclosed
        )
        say(f"collected {kind}: {[w.category.__name__ for w in unclosed]}, names it {names}")
        failed("its number after collection", os.fstat, number)

    for name in ("a.txt", "b.bin"):
        os.unlink(d + "/" + name)
    os.rmdir(d + "/sub")
    os.rmdir(d)
    os.unlink(path)
    os.unlink(text_path)
    say("io: done")
