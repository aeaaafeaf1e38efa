"""Read and append on one file object, mode ``"ab+"``: reads follow the
offset, every write lands at the end of the file wherever the offset is
(``O_APPEND``), as with CPython on Linux. The buffered writer holds the
bytes until ``flush``, which is when the file's end moves::

    read back: b'one\\n'
    offset before writing: 4
    offset after writing: 8
    whole file: b'one\\ntwo\\n'
"""

from vfd import open


def main(args):
    path = args[0] if args else "/data/append.txt"
    with open(path, "wb") as f:
        f.write(b"one\n")
    with open(path, "ab+") as f:
        f.seek(0)
        print("read back:", f.read())
        print("offset before writing:", f.tell())
        f.seek(0)
        f.write(b"two\n")
        f.flush()
        print("offset after writing:", f.tell())
        f.seek(0)
        print("whole file:", f.read())
