"""The stories under CPython on Linux, the oracle: ``native.py DIR``."""

import os
import sys

import stories

stories.main(os, sys.argv[1])
