"""The portable lock file: ``os.open`` with ``O_CREAT | O_EXCL`` creates
the file atomically or raises ``FileExistsError``, so only one holder can
succeed, across processes too: a second run while the lock is held fails.

``lockfile [PATH] [--keep]`` (default ``/data/app.lock``) takes the lock,
tries again while it holds it, and releases it, unless ``--keep``, which
leaves the lock taken for the next run::

    first attempt: locked /data/app.lock
    second attempt: FileExistsError: File exists: '/data/app.lock'
    lock released
"""

from vfd import os


def lock(path):
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    os.write(fd, b"locked\n")
    return fd


def attempt(what, path):
    try:
        fd = lock(path)
    except FileExistsError as e:
        print(f"{what} attempt: {type(e).__name__}: {e.strerror}: {e.filename!r}")
        return None
    print(f"{what} attempt: locked {path}")
    return fd


def main(args):
    keep = "--keep" in args
    paths = [a for a in args if a != "--keep"]
    path = paths[0] if paths else "/data/app.lock"
    fd = attempt("first", path)
    if fd is None:
        raise SystemExit(1)
    attempt("second", path)
    os.close(fd)
    if not keep:
        os.unlink(path)
        print("lock released")
