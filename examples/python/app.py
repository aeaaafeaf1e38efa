"""The Python recipes as one app: ``vfd run [FLAGS] python-examples.wasm
RECIPE [ARGS]`` runs the recipe named RECIPE. Each recipe is a module of
this folder, written as it would be for CPython but for its first line,
``from vfd import open, os, socket``. Build the app with ``cargo xtask
python-app examples/python OUT.wasm``.

``--env PYTHONDEVMODE=1`` shows every warning, ``ResourceWarning``
included, as CPython's development mode (``python -X dev``) does.
"""

import os
import sys
import traceback
import warnings

from wit_world import exports

# componentize-py bundles the modules imported while it builds the app,
# so every recipe is imported here rather than when it is asked for.
import append
import binary_stdout
import double_close
import echo_server
import finalizer
import lockfile

RECIPES = {
    "echo-server": echo_server,
    "binary-stdout": binary_stdout,
    "lockfile": lockfile,
    "append": append,
    "double-close": double_close,
    "finalizer": finalizer,
}


class Run(exports.Run):
    def run(self) -> None:
        if len(sys.argv) < 2 or sys.argv[1] not in RECIPES:
            print(f"usage: {sys.argv[0]} RECIPE [ARGS...]; RECIPE one of: {', '.join(RECIPES)}",
                  file=sys.stderr)
            raise SystemExit(2)
        # Read at run time: the interpreter was initialised when the app
        # was built, before any environment was given.
        if os.environ.get("PYTHONDEVMODE"):
            warnings.simplefilter("default")
        try:
            RECIPES[sys.argv[1]].main(sys.argv[2:])
        except SystemExit:
            raise
        except BaseException:
            # As CPython's top level does: the traceback, then status 1.
            traceback.print_exc()
            raise SystemExit(1) from None
