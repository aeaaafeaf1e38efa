/* Linux's socket stories through vfd.h: an echo server on loopback (a
 * listener on port 0, a client connecting to it in the same process, lines
 * echoed in upper case, shutdown and end of file), UDP datagrams between
 * two sockets, a connection over IPv6, and the errors of calls made with
 * bad arguments or in the wrong state. One
 * source, built twice: natively, where the C library makes the calls, and
 * for wasm32-wasi with vfd.c, run under `vfd run` with loopback granted;
 * the two outputs must be the same (tests/e2e/p1_posix.rs), so nothing
 * that differs between runs (a port number) is printed.
 *
 * The client connects before the server accepts, in blocking mode: the
 * kernel completes the handshake into the listener's backlog, so the
 * order of events is the same every time, natively and under vfd.
 *
 * usage: sockets */
#define _GNU_SOURCE /* accept4 on Linux */
#include "vfd.h"
#include "show.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *yes(int b) {
    return b ? "yes" : "no";
}

static struct sockaddr_in loopback(void) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* The address fd is bound to (getsockname's). */
static struct sockaddr_in name_of(int fd) {
    struct sockaddr_in a = loopback();
    socklen_t len = sizeof a;
    show("getsockname", getsockname(fd, (struct sockaddr *)&a, &len));
    return a;
}

static int same(struct sockaddr_in a, struct sockaddr_in b) {
    return a.sin_family == b.sin_family && a.sin_port == b.sin_port &&
           a.sin_addr.s_addr == b.sin_addr.s_addr;
}

/* An int option, shown as its value or its error. */
static void show_option(const char *what, int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) < 0) {
        show(what, -1);
        return;
    }
    printf("%s = %s (length %d)\n", what, v ? "on" : "off", (int)len);
}

/* Reads exactly n bytes (a stream may deliver them in parts). */
static long read_all(int fd, char *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        long r = recv(fd, buf + got, n - got, 0);
        if (r <= 0)
            return r;
        got += (size_t)r;
    }
    return (long)got;
}

/* SO_TYPE, compared with the type it should be. */
static void show_type(const char *what, int fd, int type) {
    int v = -1;
    socklen_t len = sizeof v;
    show(what, getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
    printf("the type is the one asked for: %s\n", yes(v == type));
}

/* The listener: made, given options, bound and listening on port 0. */
static int serve(struct sockaddr_in *at) {
    int one = 1;
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    show("socket (the listener)", listener);
    struct stat st;
    show("fstat before listen", fstat(listener, &st));
    printf("it is a socket: %s\n", yes(S_ISSOCK(st.st_mode)));
    show("F_GETFD before listen", fcntl(listener, F_GETFD));
    show_type("SO_TYPE of the listener", listener, SOCK_STREAM);
    show_option("SO_REUSEADDR at first", listener, SOL_SOCKET, SO_REUSEADDR);
    show("setsockopt SO_REUSEADDR", setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    show_option("SO_REUSEADDR then", listener, SOL_SOCKET, SO_REUSEADDR);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    show("getpeername before listen", getpeername(listener, (struct sockaddr *)&peer, &len));
    show("accept before listen", accept(listener, NULL, NULL));
    *at = loopback();
    show("bind 127.0.0.1:0", bind(listener, (struct sockaddr *)at, sizeof *at));
    show("bind again", bind(listener, (struct sockaddr *)at, sizeof *at));
    show("listen", listen(listener, 8));
    show("F_GETFD after listen", fcntl(listener, F_GETFD));
    show_option("SO_REUSEADDR after listen", listener, SOL_SOCKET, SO_REUSEADDR);
    len = sizeof *at;
    show("getsockname", getsockname(listener, (struct sockaddr *)at, &len));
    printf("on 127.0.0.1: %s; a port chosen: %s; length: %s\n",
           yes(at->sin_addr.s_addr == htonl(INADDR_LOOPBACK)), yes(at->sin_port != 0),
           yes(len == sizeof *at));
    show("listen again", listen(listener, 8));
    show("getpeername of the listener", getpeername(listener, (struct sockaddr *)&peer, &len));
    show("connect the listener", connect(listener, (struct sockaddr *)at, sizeof *at));
    return listener;
}

/* The client: connected to `at` before the server accepts. */
static int dial(struct sockaddr_in at) {
    int one = 1;
    int client = socket(AF_INET, SOCK_STREAM, 0);
    show("socket (the client)", client);
    show("setsockopt TCP_NODELAY", setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    show("connect", connect(client, (struct sockaddr *)&at, sizeof at));
    show_option("TCP_NODELAY", client, IPPROTO_TCP, TCP_NODELAY);
    show("connect again", connect(client, (struct sockaddr *)&at, sizeof at));
    show("listen on the connection", listen(client, 1));
    struct sockaddr_in peer = loopback();
    socklen_t len = sizeof peer;
    show("getpeername", getpeername(client, (struct sockaddr *)&peer, &len));
    printf("the peer is the listener: %s\n", yes(same(peer, at)));
    return client;
}

/* Lines from the client, echoed in upper case by the server, then the
 * client's shutdown seen as end of file. */
static void echo(int server, int client) {
    char buf[32] = {0};
    const char lines[] = "hello\nworld\n";
    size_t n = sizeof lines - 1;
    show("send", send(client, lines, n, 0));
    show("the server reads", read_all(server, buf, n));
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)toupper((unsigned char)buf[i]);
    show("the server writes back", write(server, buf, n));
    memset(buf, 0, sizeof buf);
    show("the client reads", read_all(client, buf, n));
    printf("echoed: %s", buf);
    show("shutdown SHUT_WR", shutdown(client, SHUT_WR));
    show("the server reads end of file", read(server, buf, sizeof buf));
    show("send after SHUT_WR", send(client, "x", 1, 0));
    close(server);
    show("the client reads end of file", recv(client, buf, sizeof buf, 0));
}

static void echo_server(void) {
    struct sockaddr_in at;
    int listener = serve(&at);
    int client = dial(at);
    struct sockaddr_in peer = loopback();
    socklen_t len = sizeof peer;
    int server = accept(listener, (struct sockaddr *)&peer, &len);
    show("accept", server);
    printf("the peer is the client: %s\n", yes(same(peer, name_of(client))));
    echo(server, client);
    close(client);
    show("accept4 with an unknown flag", accept4(listener, NULL, NULL, 0x40));
    close(listener);

    int quiet = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    show("socket SOCK_NONBLOCK", quiet);
    show_status("F_GETFL before listen", quiet);
    at = loopback();
    show("bind", bind(quiet, (struct sockaddr *)&at, sizeof at));
    show("listen", listen(quiet, 1));
    show_status("F_GETFL after listen", quiet);
    show("accept with nobody there", accept(quiet, NULL, NULL));
    close(quiet);
}

/* Two UDP sockets on loopback: datagrams both ways, one cut short. */
static void datagrams(void) {
    char buf[16] = {0};
    int a = socket(AF_INET, SOCK_DGRAM, 0);
    int b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    show("socket SOCK_DGRAM", a);
    show("socket SOCK_DGRAM|SOCK_NONBLOCK", b);
    show_type("SO_TYPE before bind", a, SOCK_DGRAM);
    struct sockaddr_in at = loopback();
    show("bind a", bind(a, (struct sockaddr *)&at, sizeof at));
    show("bind b", bind(b, (struct sockaddr *)&at, sizeof at));
    show("listen on UDP", listen(a, 1));
    show("accept on UDP", accept(a, NULL, NULL));
    struct sockaddr_in to_a = name_of(a), to_b = name_of(b);
    show("sendto b", sendto(a, "ping", 4, 0, (struct sockaddr *)&to_b, sizeof to_b));
    struct sockaddr_in from = loopback();
    socklen_t len = sizeof from;
    show("recvfrom on b", recvfrom(b, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &len));
    printf("b got %s from a: %s\n", buf, yes(same(from, to_a)));
    show("recvfrom on b with nothing there", recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &len));
    show("sendto a", sendto(b, "pong!", 5, 0, (struct sockaddr *)&to_a, sizeof to_a));
    memset(buf, 0, sizeof buf);
    len = 4; /* room for the family and the port only */
    show("recvfrom on a, 2 bytes", recvfrom(a, buf, 2, 0, (struct sockaddr *)&from, &len));
    printf("a got %s, the address's whole length: %s\n", buf, yes(len == sizeof from));
    show("getpeername of UDP", getpeername(a, (struct sockaddr *)&from, &len));
    show("shutdown of UDP", shutdown(a, SHUT_RDWR));
    int one = 1;
    show("TCP_NODELAY on UDP", setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    close(a);
    close(b);
}

/* A connection over IPv6 loopback: sockaddr_in6 both ways. */
static void over_ipv6(void) {
    struct sockaddr_in6 at, peer, name;
    memset(&at, 0, sizeof at);
    at.sin6_family = AF_INET6;
    at.sin6_addr = in6addr_loopback;
    int listener = socket(AF_INET6, SOCK_STREAM, 0);
    show("socket AF_INET6", listener);
    /* RFC 2133's length, without the scope id, as Linux takes it. */
    if (bind(listener, (struct sockaddr *)&at, 24) < 0) {
        show("bind [::1]:0 (no IPv6 loopback here)", -1);
        close(listener);
        return;
    }
    show("listen", listen(listener, 1));
    socklen_t len = sizeof at;
    show("getsockname", getsockname(listener, (struct sockaddr *)&at, &len));
    printf("on ::1: %s; a port chosen: %s; length: %s\n",
           yes(memcmp(&at.sin6_addr, &in6addr_loopback, sizeof at.sin6_addr) == 0),
           yes(at.sin6_port != 0), yes(len == sizeof at));
    int client = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in v4 = loopback();
    show("connect to an AF_INET address with a short length", connect(client, (struct sockaddr *)&v4, 1));
    show("connect [::1]", connect(client, (struct sockaddr *)&at, sizeof at));
    len = sizeof peer;
    int server = accept(listener, (struct sockaddr *)&peer, &len);
    show("accept", server);
    socklen_t name_len = sizeof name;
    show("getsockname of the client", getsockname(client, (struct sockaddr *)&name, &name_len));
    printf("the peer is the client: %s\n",
           yes(len == name_len && peer.sin6_family == AF_INET6 && peer.sin6_port == name.sin6_port &&
               memcmp(&peer.sin6_addr, &name.sin6_addr, sizeof name.sin6_addr) == 0));
    close(server);
    close(client);
    close(listener);
}

/* Calls with arguments or at a time Linux refuses. */
static void refusals(void) {
    int one = 1;
    show("socket of an unknown family", socket(12345, SOCK_STREAM, 0));
    show("socket SOCK_STREAM with IPPROTO_UDP", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    show("socket SOCK_DGRAM with IPPROTO_TCP", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    show("socket with an unknown type bit", socket(AF_INET, SOCK_STREAM | 0x100, 0));
    int s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    show("socket with IPPROTO_TCP", s);
    struct sockaddr_in at = loopback();
    show("bind with a short length", bind(s, (struct sockaddr *)&at, sizeof at - 1));
    at.sin_family = AF_INET6;
    show("bind with another family", bind(s, (struct sockaddr *)&at, sizeof at));
    show("connect with another family", connect(s, (struct sockaddr *)&at, sizeof at));
    at = loopback();
    show("sendto before connect", sendto(s, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&at, sizeof at));
    socklen_t len = sizeof at;
    show("recvfrom before connect", recvfrom(s, &one, 1, 0, (struct sockaddr *)&at, &len));
    show("shutdown before connect", shutdown(s, SHUT_RDWR));
    show("shutdown with an unknown how", shutdown(s, 12345));
    show("setsockopt with a short length", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, 2));
    show("setsockopt of an unknown level", setsockopt(s, 12345, 1, &one, sizeof one));
    show_option("getsockopt of an unknown level", s, 12345, 1);
    len = sizeof at;
    show("getsockname before bind", getsockname(s, (struct sockaddr *)&at, &len));
    printf("0.0.0.0 port 0: %s\n", yes(at.sin_addr.s_addr == 0 && at.sin_port == 0));
    close(s);
    int p[2];
    show("pipe", pipe(p));
    show("listen on a pipe", listen(p[0], 1));
    show("connect a pipe", connect(p[0], (struct sockaddr *)&at, sizeof at));
    show("getsockname of a pipe", getsockname(p[0], (struct sockaddr *)&at, &len));
    show("setsockopt on a pipe", setsockopt(p[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    show("listen on a closed number", listen(99, 1));
    close(p[0]);
    close(p[1]);
}

#ifndef __wasi__
#include <signal.h>
#endif

int main(void) {
#ifndef __wasi__
    /* Natively, start from 0, 1 and 2 only, as under vfd (a test harness
     * may pass on descriptors of its own, such as cargo's jobserver). */
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    /* vfd never raises SIGPIPE: a send on a closed connection is EPIPE. */
    signal(SIGPIPE, SIG_IGN);
#endif
    echo_server();
    datagrams();
    over_ipv6();
    refusals();
    return 0;
}
