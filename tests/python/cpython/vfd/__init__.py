"""CPython's own ``open``, ``os``, ``select`` and ``socket`` under vfd's
names, so that a recipe written for vfd (``from vfd import open, os,
socket``) runs natively unchanged: the oracle its output is compared
with."""

import builtins
import os
import select
import socket

open = builtins.open

__all__ = ["open", "os", "select", "socket"]
