"""How every story prints: lines on fd 1 through the ``os`` under test
(vfd's or CPython's), and an error as its class, errno name and file
name, so that the two runs can be compared line by line."""

import errno

# Among aliases, the name Linux's errno.h spells first: errno.errorcode
# picks between aliases differently from one C library to another, and
# WASI's has more of them (its ESHUTDOWN is EPIPE).
_PREFERRED = ["EAGAIN", "EOPNOTSUPP", "EPIPE"]


def errno_name(code):
    """The name of an errno value, the same under vfd and natively."""
    for name in _PREFERRED:
        if getattr(errno, name, None) == code:
            return name
    return errno.errorcode.get(code, str(code))


class Teller:
    """``say`` a line; tell how a call ``failed``. With ``messages``, a
    ``ValueError`` or ``TypeError`` is told with its text (for stories
    whose texts are the same in the CPython versions compared)."""

    def __init__(self, os, messages=False):
        self.os = os
        self.messages = messages

    def say(self, text):
        self.os.write(1, (text + "\n").encode())

    def failed(self, what, call, *args, **kwargs):
        try:
            call(*args, **kwargs)
        except OSError as e:
            if e.errno is None or e.errno < 0:
                # io.UnsupportedOperation; gaierror's EAI_* codes.
                self.say(f"{what}: {type(e).__name__}")
            else:
                self.say(f"{what}: {type(e).__name__} {errno_name(e.errno)} {e.filename!r}")
        except (ValueError, TypeError) as e:
            self.say(f"{what}: {type(e).__name__} {e}" if self.messages else f"{what}: {type(e).__name__}")
        except (OverflowError, KeyError) as e:
            self.say(f"{what}: {type(e).__name__}")
        else:
            self.say(f"{what}: no error")
