"""Run one of the Python recipes (examples/python) natively, on CPython's
own modules: ``run.py RECIPE [ARGS...]``."""

import importlib
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(here), str(here.parents[2] / "examples" / "python")]
importlib.import_module(sys.argv[1].replace("-", "_")).main(sys.argv[2:])
