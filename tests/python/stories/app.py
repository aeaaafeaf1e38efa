"""The stories as a componentize-py app: ``vfd.os`` on vfd's table, with
the fixture's directory mounted at /data."""

from wit_world import exports

import stories
from vfd import os


class Run(exports.Run):
    def run(self) -> None:
        stories.main(os, "/data")
