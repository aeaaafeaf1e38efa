"""The Python Cookbook's echo server (recipe 5.18, "Wrapping an existing
file descriptor as a file object"): text-mode file objects over a client
socket's descriptor, ``closefd=False`` so that closing them leaves the
socket its descriptor.

The listener comes from the host or is made here:

- ``--fd3``: serve the listener handed in at fd 3 (socket activation,
  ``vfd run --fd 3=tcp-listen:127.0.0.1:20000``; no network grant needed);
- ``--listen HOST:PORT``: bind it (``vfd run --allow-listen 127.0.0.1:*``,
  or composed under ``wasmtime run -S inherit-network``); port 0 picks one.

``--clients N`` serves N clients, then exits (default: for ever). The first
line is the listener's address, so whoever started it with port 0 learns
the port::

    listening on 127.0.0.1:20000
    Got connection from ('127.0.0.1', 41230)
"""

import itertools

from vfd import open, socket


def echo_client(client_sock, addr):
    print('Got connection from', addr)

    # Make text-mode file wrappers for socket reading/writing
    client_in = open(client_sock.fileno(), 'rt', encoding='latin-1',
                     closefd=False)

    client_out = open(client_sock.fileno(), 'wt', encoding='latin-1',
                      closefd=False)

    # Echo lines back to the client using file I/O
    for line in client_in:
        client_out.write(line)
        client_out.flush()

    client_sock.close()


def echo_server(sock, clients):
    for _ in clients:
        client, addr = sock.accept()
        echo_client(client, addr)


USAGE = "usage: echo-server (--fd3 | --listen HOST:PORT) [--clients N]"


def parse(args):
    """``(the address to listen on, or None for fd 3; how many clients,
    or None for ever)``. (argparse would need the ``locale`` module at run
    time, which componentize-py bundles only if the app imports it.)"""
    fd3 = "--fd3" in args
    rest = [a for a in args if a != "--fd3"]
    options = dict(zip(rest[::2], rest[1::2]))
    allowed = {"--clients"} if fd3 else {"--listen", "--clients"}
    if len(rest) % 2 or not set(options) <= allowed or fd3 == ("--listen" in options):
        raise SystemExit(USAGE)
    clients = options.get("--clients")
    return options.get("--listen"), None if clients is None else int(clients)


def main(args):
    listen, clients = parse(args)
    if listen is None:
        sock = socket.socket(fileno=3)
    else:
        host, _, port = listen.rpartition(":")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((host, int(port)))
        sock.listen(1)
    host, port = sock.getsockname()
    print(f"listening on {host}:{port}", flush=True)
    with sock:
        echo_server(sock, itertools.count() if clients is None else range(clients))
