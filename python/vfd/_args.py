"""Arguments and errors of ``vfd.socket`` as CPython's C code makes them.

Integers converted as to a C ``int``, timeouts and buffers checked as
CPython checks them, and ``OSError`` and ``gaierror`` built from an
errno name or an ``EAI_*`` code.
"""

import errno as _errno
import math as _math
import operator as _operator

from . import os as _os
from ._constants import _GAI_TEXT, _INT_MAX, gaierror


def _oserror(name):
    """The ``OSError`` (CPython picks the subclass) for errno ``name``."""
    code = getattr(_errno, name)
    return OSError(code, _os.strerror(code))


def _gaierror(code):
    return gaierror(code, _GAI_TEXT[code])


def _intenum(value, enum):
    try:
        return enum(value)
    except ValueError:
        return value


def _c_int(value):
    """An argument CPython converts to a C ``int``."""
    value = _operator.index(value)
    if not -_INT_MAX - 1 <= value <= _INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return value


def _timeout_arg(value):
    """A timeout as CPython takes it: None, or seconds (not negative)."""
    if value is None:
        return None
    if not isinstance(value, float):
        value = _operator.index(value)
    if _math.isnan(value):
        raise ValueError("Invalid value NaN (not a number)")
    if value < 0:
        raise ValueError("Timeout value out of range")
    return float(value)


def _bytes_view(data):
    """A byte view of a bytes-like ``data``, as CPython's ``y*``."""
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(
            f"a bytes-like object is required, not '{type(data).__name__}'"
        ) from None
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def _writable_view(buffer, method):
    """A writable byte view of ``buffer``, as CPython's ``w*``."""
    try:
        view = memoryview(buffer)
    except TypeError:
        view = None
    if view is None or view.readonly:
        raise TypeError(
            f"{method}() argument 1 must be read-write bytes-like object, "
            f"not {type(buffer).__name__}"
        )
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view

