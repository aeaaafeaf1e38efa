"""The stories as a componentize-py app: the ``vfd`` package on vfd's
table, with the fixture's directory mounted at /data."""

from wit_world import exports

import io_stories
import socket_stories
import stories
import vfd


class Run(exports.Run):
    def run(self) -> None:
        stories.main(vfd.os, "/data")
        io_stories.main(vfd, "/data")
        socket_stories.main(vfd)
