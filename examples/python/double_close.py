"""The double close: closing a file object's descriptor with ``os.close``,
then the file object itself. CPython raises ``OSError`` (EBADF) from the
second close, and only when the file object is closed, which may be far
from the bug; ``vfd run --dev`` names the descriptor and the call at the
moment the file object tries to close it::

    wrote through fd 3
    closed fd 3 behind the file object
    f.close(): OSError EBADF Bad file descriptor
"""

import errno

from vfd import open, os


def main(args):
    path = args[0] if args else "/data/double-close.txt"
    f = open(path, "w")
    f.write("some text\n")
    f.flush()
    print(f"wrote through fd {f.fileno()}")
    os.close(f.fileno())
    print(f"closed fd {f.fileno()} behind the file object")
    try:
        f.close()
    except OSError as e:
        print(f"f.close(): {type(e).__name__} {errno.errorcode[e.errno]} {e.strerror}")
    os.unlink(path)
