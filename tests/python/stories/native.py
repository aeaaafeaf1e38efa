"""The stories under CPython on Linux, the oracle: ``native.py DIR``, with
CPython's own ``os``, ``open``, ``socket`` and ``select``."""

import os
import select
import socket
import sys
import types

import io_stories
import socket_stories
import stories

cpython = types.SimpleNamespace(os=os, open=open, socket=socket, select=select)
stories.main(os, sys.argv[1])
io_stories.main(cpython, sys.argv[1])
socket_stories.main(cpython)
