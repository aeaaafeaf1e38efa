"""vfd for Python apps built with componentize-py: CPython's descriptor
API over vfd's table.

- ``vfd.os``: the descriptor functions of CPython's ``os``, with the same
  names, arguments, defaults, return types and exceptions (``OSError`` and
  the subclass CPython raises for its errno).
- ``vfd.open``: the built-in ``open``, over a path or a vfd descriptor,
  returning the ``io`` classes CPython returns around ``vfd.io.FileIO``.
- ``vfd.socket`` and ``vfd.select``: socket objects and ``poll``/``select``
  over vfd's sockets, pipes and files.

Build an app against the ``app`` world of ``python/wit`` with this folder
on componentize-py's path (see the README's Python section). A program
reads as it would under CPython once it starts with
``from vfd import open, os, socket``.
"""

from . import io, os, select, socket
from .io import open

__all__ = ["io", "open", "os", "select", "socket"]
