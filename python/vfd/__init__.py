"""vfd for Python apps built with componentize-py: CPython's descriptor
API over vfd's table.

``vfd.os`` mirrors the descriptor functions of CPython's ``os``: the same
names, arguments, defaults, return types and exceptions (``OSError`` and
the subclass CPython raises for its errno). Build an app against the
``app`` world of ``python/wit`` with this folder on componentize-py's
path (see the README's Python section).
"""

from . import os

__all__ = ["os"]
