"""A temporary file object closes a descriptor behind its caller's back:
``fd = open(path).fileno()`` keeps a number whose file object is collected
at once, and its finalizer closes the number. The next ``open`` gets the
same number for another file, so whoever was handed ``fd`` (a child, a
log handler) now writes into the wrong file. Nothing fails: on Linux as
here the line lands in the log. What shows the bug: ``--env
PYTHONDEVMODE=1`` (CPython's ``-X dev``) prints the ``ResourceWarning`` of
the file object collected while open, and ``vfd run --trace`` the
``file.drop`` that closed fd 3 (``= 0 (closed 3)``)::

    handed fd 3 to the child
    then opened the log as fd 3
    the child wrote into: log
"""

from vfd import open, os


def child(fd):
    """What a child process would do with the number it was handed."""
    os.write(fd, b"the child's line\n")


def main(args):
    data = args[0] if args else "/data/data.txt"
    log = args[1] if len(args) > 1 else "/data/log.txt"
    with open(data, "w"):
        pass
    fd = open(data, "w").fileno()  # the file object dies here
    print(f"handed fd {fd} to the child")
    logfile = open(log, "w")
    print(f"then opened the log as fd {logfile.fileno()}")
    child(fd)
    logfile.close()
    with open(log) as f:
        into = "log" if f.read() else "nothing"
    print(f"the child wrote into: {into}")
    os.unlink(data)
    os.unlink(log)
