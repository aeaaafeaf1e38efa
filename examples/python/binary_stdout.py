"""Binary output on standard output (the Python Cookbook, recipe 5.18): a
second, binary file object over descriptor 1, ``closefd=False`` so that
closing it leaves stdout open. Bytes that are not text go through as
they are::

    Hello World
    caf\\xe9 (raw bytes)
"""

import sys

from vfd import open


def main(args):
    bstdout = open(sys.stdout.fileno(), 'wb', closefd=False)
    bstdout.write(b'Hello World\n')
    bstdout.write(b'caf\xe9 (raw bytes)\n')
    bstdout.flush()
    bstdout.close()
