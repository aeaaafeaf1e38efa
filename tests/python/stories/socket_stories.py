"""Socket stories for Python, written once against ``api.socket``,
``api.select`` and ``api.os``: vfd's modules inside a component under vfd,
CPython's own natively. The two runs must print the same lines (CPython is
the oracle), so nothing printed depends on a port, a descriptor number or
the Python version. The run needs network access (``vfd run
--allow-network``): TCP and UDP on 127.0.0.1, and a UDP socket bound to
0.0.0.0 port 0 by its first ``sendto``, as Linux binds it."""

import gc
import re
import warnings

from tell import Teller, errno_name


def main(api):
    socket, select, os = api.socket, api.select, api.os

    teller = Teller(os)
    say, failed = teller.say, teller.failed

    def lowest_free():
        fd = os.dup(0)
        os.close(fd)
        return fd

    def shape(sock):
        """repr without what differs between runs: module, numbers, ports."""
        text = re.sub(r"^<[\w.]*socket\b", "<socket", repr(sock))
        text = re.sub(r"fd=\d+", "fd=N", text)
        return re.sub(r"(\('[^']*', )\d+", r"\1P", text)

    # A socket pair: two connected ends, non-inheritable.
    a, b = socket.socketpair()
    say(f"pair: family {int(a.family)}, type {int(a.type)}, proto {a.proto}, "
        f"inheritable {a.get_inheritable()} {b.get_inheritable()}")
    a.sendall(b"ping")
    say(f"pair: b got {b.recv(10)!r}")
    b.send(b"pong")
    say(f"pair: a got {a.recv(10)!r}, names {a.getsockname()!r} {a.getpeername()!r}")
    say(f"pair: {shape(a)}")
    a.close()
    say(f"pair: after close {shape(a)}, fileno {a.fileno()}, peer reads {b.recv(10)!r}")
    a.close()
    say("pair: a second close is fine")
    b.close()

    # A TCP listener on 127.0.0.1, port 0: the lowest free number from
    # socket() on, the port picked at listen.
    expected = lowest_free()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    say(f"listener: lowest free number {srv.fileno() == expected}, "
        f"inheritable {srv.get_inheritable()}, blocking {srv.getblocking()}")
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    host, port = srv.getsockname()
    say(f"listener: number kept {srv.fileno() == expected}, host {host}, port picked {port > 0}")
    say(f"listener: SO_REUSEADDR {srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0}, "
        f"SO_TYPE {srv.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)}, "
        f"SO_ERROR {srv.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)}")
    say(f"listener: {shape(srv)}")

    client = socket.create_connection(("127.0.0.1", port))
    conn, peer = srv.accept()
    say(f"accept: peer host {peer[0]}, peer port is the client's {peer[1] == client.getsockname()[1]}")
    say(f"accept: inheritable {conn.get_inheritable()}, timeout {conn.gettimeout()}, "
        f"family {int(conn.family)}, type {int(conn.type)}")
    say(f"client: peer {client.getpeername() == ('127.0.0.1', port)}, "
        f"local host {client.getsockname()[0]}, conn local {conn.getsockname() == ('127.0.0.1', port)}")
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    say(f"client: TCP_NODELAY {client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0}")

    client.sendall(b"hello over tcp")
    say(f"conn got {conn.recv(100)!r}")
    big = bytes(range(256)) * 256
    client.sendall(big)
    got = bytearray()
    while len(got) < len(big):
        buf = bytearray(8192)
        n = conn.recv_into(buf)
        got += buf[:n]
    say(f"conn got 64 KiB intact {bytes(got) == big}")

    # makefile: binary read-write, then text.
    f = conn.makefile("rwb")
    client.sendall(b"line one\nline two\n")
    say(f"makefile rwb: {f.readline()!r} {f.readline()!r}")
    f.write(b"reply\n")
    f.flush()
    say(f"client got {client.recv(100)!r}")
    reader = client.makefile("r", encoding="utf-8", newline="")
    writer = client.makefile("w", encoding="utf-8")
    conn.sendall("text line \u00e9\n".encode())
    say(f"makefile text: {reader.readline()!r}, mode {reader.mode}")
    writer.write("written\n")
    writer.flush()
    say(f"conn got {f.readline()!r}")

    # close() with files open defers the real close.
    client_fd = client.fileno()
    client.close()
    say(f"close with files open: fileno kept {client.fileno() == client_fd}")
    client.shutdown(socket.SHUT_WR)
    say(f"after SHUT_WR conn reads {f.read()!r}")
    reader.close()
    say(f"one file closed: fileno kept {client.fileno() == client_fd}")
    writer.close()
    say(f"all files closed: fileno {client.fileno()}")
    f.close()

    conn.close()

    srv.setblocking(False)
    failed("non-blocking accept", srv.accept)
    srv.settimeout(0.05)
    failed("accept with a timeout", srv.accept)

    # Accepted from a listener with a timeout: blocking, as CPython.
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    conn, _ = srv.accept()
    say(f"accepted under a timeout: timeout {conn.gettimeout()}, fd blocking {os.get_blocking(conn.fileno())}, "
        f"client timeout {client.gettimeout()}")

    # Timeouts: non-blocking underneath, TimeoutError after the deadline.
    conn.settimeout(0.05)
    say(f"timeout {conn.gettimeout()}, blocking {conn.getblocking()}, "
        f"fd blocking {os.get_blocking(conn.fileno())}")
    try:
        conn.recv(10)
    except socket.timeout as e:
        say(f"recv with a timeout: {type(e).__name__} {e}")
    conn.setblocking(False)
    say(f"non-blocking: timeout {conn.gettimeout()}, blocking {conn.getblocking()}")
    failed("non-blocking recv", conn.recv, 10)
    conn.setblocking(True)
    say(f"blocking again: timeout {conn.gettimeout()}, fd blocking {os.get_blocking(conn.fileno())}")

    # detach, and a socket made from a number: family and type found.
    fd = conn.detach()
    say(f"detach: fileno {conn.fileno()}, {shape(conn)}")
    again = socket.socket(fileno=fd)
    say(f"from a number: family {int(again.family)}, type {int(again.type)}, proto {again.proto}, "
        f"peer host {again.getpeername()[0]}")
    client.sendall(b"still connected")
    say(f"adopted got {again.recv(100)!r}")
    pa, pb = socket.socketpair()
    adopted = socket.socket(fileno=pa.detach())
    say(f"adopted pair end: family {int(adopted.family)}, type {int(adopted.type)}, proto {adopted.proto}")
    dup = socket.fromfd(again.fileno(), socket.AF_INET, socket.SOCK_STREAM)
    say(f"fromfd: inheritable {dup.get_inheritable()}, same peer {dup.getpeername() == again.getpeername()}")
    for s in (dup, adopted, pb, again, client):
        s.close()

    # Connecting where nothing listens.
    gone = socket.socket()
    gone.bind(("127.0.0.1", 0))
    gone.listen()
    dead_port = gone.getsockname()[1]
    gone.close()
    failed("connect to a closed port", socket.create_connection, ("127.0.0.1", dead_port))
    s = socket.socket()
    say(f"connect_ex to a closed port: {errno_name(s.connect_ex(('127.0.0.1', dead_port)))}")
    s.close()

    # create_server and a context manager.
    with socket.create_server(("127.0.0.1", 0)) as server:
        sport = server.getsockname()[1]
        with socket.create_connection(("localhost", sport)) as c:
            d, _ = server.accept()
            c.sendall(b"via create_server")
            say(f"create_server: {d.recv(100)!r}, family {int(server.family)}")
            d.close()
    say(f"with-block closed: {server.fileno()} {c.fileno()}")

    # UDP: sendto autobinds, recvfrom names the sender.
    u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u1.bind(("127.0.0.1", 0))
    uport = u1.getsockname()[1]
    u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    say(f"udp: unbound name {u2.getsockname()}, proto {u2.proto}, "
        f"SO_TYPE {u2.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)}")
    failed("udp send without address", u2.send, b"x")
    say(f"udp: sendto sent {u2.sendto(b'datagram', ('127.0.0.1', uport))}")
    data, sender = u1.recvfrom(100)
    say(f"udp: got {data!r} from {sender[0]}, sender port is u2's {sender[1] == u2.getsockname()[1]}, "
        f"u2 bound to {u2.getsockname()[0]}")
    u1.sendto(b"answer", sender)
    buf = bytearray(3)
    n, back = u2.recvfrom_into(buf)
    say(f"udp: recvfrom_into {n} {bytes(buf)!r} from u1 {back == ('127.0.0.1', uport)}")
    failed("udp listen", u1.listen)
    failed("udp TCP_NODELAY", u1.setsockopt, socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    u1.close()
    u2.close()

    # select.poll over a pipe and a socket pair.
    r, w = os.pipe()
    p = select.poll()
    p.register(r, select.POLLIN)
    p.register(w, select.POLLOUT)
    say(f"poll pipe: {[(fd == r, ev) for fd, ev in p.poll(0)]}")
    os.write(w, b"x")
    say(f"poll pipe with data: {sorted((fd == r, ev) for fd, ev in p.poll(0))}")
    p.unregister(w)
    os.close(w)
    say(f"poll pipe, writer gone: {[(fd == r, ev) for fd, ev in p.poll(0)]}")
    os.read(r, 1)
    say(f"poll pipe, drained: {[(fd == r, ev) for fd, ev in p.poll(100)]}")
    os.close(r)
    say(f"poll closed number: {[ev for _, ev in p.poll(0)]}")
    failed("unregister unknown", p.unregister, w)
    failed("modify unknown", p.modify, w, select.POLLIN)
    failed("register negative", p.register, -1)

    a, b = socket.socketpair()
    p = select.poll()
    p.register(a)
    say(f"poll pair, default mask: {[ev for _, ev in p.poll(0)]}")
    p.modify(a, select.POLLIN | select.POLLOUT)
    b.send(b"x")
    say(f"poll pair, data: {[ev for _, ev in p.poll(0)]}")
    p.modify(a, select.POLLRDNORM)
    say(f"poll pair, POLLRDNORM only: {[ev for _, ev in p.poll(0)]}")
    p.modify(a, select.POLLIN | select.POLLOUT)
    b.close()
    say(f"poll pair, peer gone: {[ev for _, ev in p.poll(0)]}")
    e, f = socket.socketpair()
    p = select.poll()
    p.register(e, select.POLLIN)
    say(f"poll pair, nothing to read in 10.5 ms: {p.poll(10.5)}")
    e.close()
    f.close()

    # select.select: objects and numbers, in the order given.
    c, d = socket.socketpair()
    rl, wl, xl = select.select([c, d.fileno()], [c], [c], 0)
    say(f"select: r {len(rl)}, w {[x is c for x in wl]}, x {xl}")
    d.send(b"y")
    rl, wl, xl = select.select([d, c], [], [], 1.0)
    say(f"select: r {[x is c for x in rl]}")
    say(f"select timeout: {select.select([d], [], [], 0.01)}")
    failed("select closed number", select.select, [lowest_free()], [], [], 0)
    failed("select negative timeout", select.select, [], [], [], -1)
    for s in (a, c, d):
        s.close()

    # Errors of bad calls, as Linux gives them.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    lport = listener.getsockname()[1]
    fresh = socket.socket()
    failed("recv on a listener", listener.recv, 1)
    failed("send on a listener", listener.send, b"x")
    failed("connect a listener", listener.connect, ("127.0.0.1", lport))
    failed("bind a listener", listener.bind, ("127.0.0.1", 0))
    failed("recv before connect", fresh.recv, 1)
    failed("send before connect", fresh.send, b"x")
    failed("getpeername before connect", fresh.getpeername)
    failed("shutdown before connect", fresh.shutdown, socket.SHUT_RDWR)
    failed("shutdown bad how", fresh.shutdown, 7)
    failed("accept before listen", fresh.accept)
    failed("unknown option", fresh.setsockopt, socket.SOL_SOCKET, 999, 1)
    failed("unknown option read", fresh.getsockopt, socket.SOL_SOCKET, 999)
    failed("short option value", fresh.setsockopt, socket.SOL_SOCKET, socket.SO_REUSEADDR, b"\x01")
    failed("address not a tuple", fresh.connect, "127.0.0.1")
    failed("port out of range", fresh.connect, ("127.0.0.1", 70000))
    failed("host name", fresh.connect, ("no-such-host.invalid", 80))
    failed("IPv6 address on IPv4", fresh.bind, ("::1", 0))
    failed("negative recv size", fresh.recv, -1)
    failed("send a str", fresh.send, "text")
    failed("bad timeout", fresh.settimeout, -1)
    pr, pw = os.pipe()
    failed("socket from a pipe", lambda: socket.socket(fileno=pr))
    os.close(pr)
    os.close(pw)
    failed("pair of AF_INET", socket.socketpair, socket.AF_INET)
    fresh.close()
    failed("recv after close", fresh.recv, 1)
    failed("getsockname after close", fresh.getsockname)
    say(f"connect_ex after close: {errno_name(fresh.connect_ex(('127.0.0.1', lport)))}")
    c = socket.create_connection(("127.0.0.1", lport))
    d, _ = listener.accept()
    failed("accept on a connection", d.accept)
    failed("listen on a connection", d.listen)
    failed("connect a connection", c.connect, ("127.0.0.1", lport))
    for s in (c, d, listener, srv):
        s.close()

    # Defaults and lookups.
    say(f"default timeout {socket.getdefaulttimeout()}")
    socket.setdefaulttimeout(2.5)
    s = socket.socket()
    say(f"under a default timeout: {s.gettimeout()}, fd blocking {os.get_blocking(s.fileno())}")
    s.close()
    socket.setdefaulttimeout(None)
    info = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)
    say(f"getaddrinfo: {[(int(f), int(t), p, n, a) for f, t, p, n, a in info]}")
    failed("getaddrinfo of a name", socket.getaddrinfo, "no-such-host.invalid", 80)
    say(f"constants: {socket.AF_INET} {socket.AF_INET6} {socket.SOCK_STREAM} {socket.SOCK_DGRAM} "
        f"{socket.SOL_SOCKET} {socket.SO_REUSEADDR} {socket.IPPROTO_TCP} {socket.TCP_NODELAY} "
        f"{socket.SHUT_WR} {select.POLLIN} {select.POLLOUT} {select.POLLHUP} {select.POLLNVAL}")
    say(f"aliases: {socket.error is OSError} {socket.timeout is TimeoutError} "
        f"{issubclass(socket.gaierror, OSError)}")

    # An unclosed socket warns when collected, as CPython.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = socket.socket()
        del s
        gc.collect()
    say(f"collected unclosed: {[w.category.__name__ for w in caught]} "
        f"{[str(w.message).startswith('unclosed <') for w in caught]}")
    say("sockets done")
