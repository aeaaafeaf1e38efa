"""Descriptor stories for Python, written once against an ``os`` module:
``vfd.os`` inside a component under vfd, CPython's own ``os`` natively.
The two runs must print the same lines (CPython is the oracle)."""

from tell import Teller


def main(os, root):
    teller = Teller(os)
    say, failed = teller.say, teller.failed

    path = root + "/story.txt"
    # A shared offset: dup shares it, a second open does not.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"abcdef")
    os.lseek(fd, 0, os.SEEK_SET)
    twin = os.dup(fd)
    other = os.open(path, os.O_RDONLY)
    say(f"read {os.read(fd, 2)!r}, twin {os.read(twin, 2)!r}, other {os.read(other, 2)!r}")
    say(f"offsets {os.lseek(fd, 0, os.SEEK_CUR)} {os.lseek(twin, 0, os.SEEK_CUR)} {os.lseek(other, 0, os.SEEK_CUR)}")
    say(f"inheritable: open {os.get_inheritable(fd)}, dup {os.get_inheritable(twin)}")
    st = os.fstat(fd)
    say(f"fstat: size {st.st_size}, regular {st.st_mode & 0o170000 == 0o100000}")

    # Redirect fd 1 into the file and back, as a shell would.
    saved = os.dup(1)
    os.lseek(fd, 0, os.SEEK_END)
    new = os.dup2(fd, 1)
    say("into the file")
    os.dup2(saved, 1)
    os.close(saved)
    say(f"dup2 gave {new}, inheritable {os.get_inheritable(1)}")
    say(f"the file holds {os.pread(other, 100, 0)!r}")

    # Errors: the subclass CPython raises, the errno, the file name.
    failed("missing", os.open, root + "/missing.txt", os.O_RDONLY)
    failed("exclusive", os.open, path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    os.close(other)
    failed("double close", os.close, other)
    failed("read closed", os.read, other, 1)
    failed("rmdir a file", os.rmdir, path)
    failed("unlink missing", os.unlink, root + "/missing.txt")

    # A pipe: non-inheritable ends, blocking by default.
    r, w = os.pipe()
    say(f"pipe ends inheritable: {os.get_inheritable(r)} {os.get_inheritable(w)}, blocking {os.get_blocking(r)}")
    os.set_blocking(r, False)
    failed("empty non-blocking read", os.read, r, 1)
    os.write(w, b"through the pipe")
    os.close(w)
    say(f"pipe: {os.read(r, 100)!r}, then {os.read(r, 100)!r}")
    os.close(r)

    os.close(twin)
    os.close(fd)
    os.mkdir(root + "/story-dir")
    os.rename(path, root + "/story-dir/moved.txt")
    failed("rename missing", os.rename, path, root + "/x.txt")
    os.unlink(root + "/story-dir/moved.txt")
    os.rmdir(root + "/story-dir")
    say("done")
