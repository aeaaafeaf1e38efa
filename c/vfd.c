/* vfd.c: the calls vfd.h declares, over vfd's import module `vfd` (see
 * vfd.h). Natively this file is empty: the C library has them. */
#ifdef __wasi__

#include "vfd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wasi/api.h>

#define VFD_IMPORT(name) __attribute__((import_module("vfd"), import_name(#name)))

VFD_IMPORT(dup) uint16_t vfd_dup(uint32_t fd, uint32_t *new_fd);
VFD_IMPORT(dup2) uint16_t vfd_dup2(uint32_t fd, uint32_t target, uint32_t *new_fd);
VFD_IMPORT(dup3) uint16_t vfd_dup3(uint32_t fd, uint32_t target, uint32_t fd_flags, uint32_t *new_fd);
VFD_IMPORT(dup_min) uint16_t vfd_dup_min(uint32_t fd, uint32_t min, uint32_t fd_flags, uint32_t *new_fd);
VFD_IMPORT(get_fd_flags) uint16_t vfd_get_fd_flags(uint32_t fd, uint32_t *fd_flags);
VFD_IMPORT(set_fd_flags) uint16_t vfd_set_fd_flags(uint32_t fd, uint32_t fd_flags);
VFD_IMPORT(get_status_flags) uint16_t vfd_get_status_flags(uint32_t fd, uint32_t *status);
VFD_IMPORT(set_status_flags) uint16_t vfd_set_status_flags(uint32_t fd, uint32_t status);
VFD_IMPORT(get_access_mode) uint16_t vfd_get_access_mode(uint32_t fd, uint32_t *mode);
VFD_IMPORT(pipe) uint16_t vfd_pipe(uint32_t fd_flags, uint32_t status, uint32_t fds[2]);
VFD_IMPORT(socketpair) uint16_t vfd_socketpair(uint32_t fd_flags, uint32_t status, uint32_t fds[2]);
VFD_IMPORT(tcp_connect)
uint16_t vfd_tcp_connect(const char *addr, uint32_t addr_len, uint32_t fd_flags, uint32_t status, uint32_t *fd);
VFD_IMPORT(tcp_listen)
uint16_t vfd_tcp_listen(const char *addr, uint32_t addr_len, uint32_t backlog, uint32_t fd_flags, uint32_t status,
                        uint32_t *fd);
VFD_IMPORT(udp_bind)
uint16_t vfd_udp_bind(const char *addr, uint32_t addr_len, uint32_t fd_flags, uint32_t status, uint32_t *fd);
VFD_IMPORT(accept)
uint16_t vfd_accept(uint32_t fd, uint32_t fd_flags, uint32_t status, uint32_t *new_fd, char *peer, uint32_t cap,
                    uint32_t *peer_len);
VFD_IMPORT(send_to)
uint16_t vfd_send_to(uint32_t fd, const void *buf, uint32_t len, const char *addr, uint32_t addr_len, uint32_t *sent);
VFD_IMPORT(recv_from)
uint16_t vfd_recv_from(uint32_t fd, void *buf, uint32_t len, uint32_t *received, char *from, uint32_t cap,
                       uint32_t *from_len);
VFD_IMPORT(shutdown) uint16_t vfd_shutdown(uint32_t fd, uint32_t how);
VFD_IMPORT(local_address) uint16_t vfd_local_address(uint32_t fd, char *addr, uint32_t cap, uint32_t *addr_len);
VFD_IMPORT(peer_address) uint16_t vfd_peer_address(uint32_t fd, char *addr, uint32_t cap, uint32_t *addr_len);
VFD_IMPORT(poll) uint16_t vfd_poll(void *fds, uint32_t nfds, int32_t timeout_ms, uint32_t *ready);
VFD_IMPORT(set_nodelay) uint16_t vfd_set_nodelay(uint32_t fd, uint32_t on);
VFD_IMPORT(get_nodelay) uint16_t vfd_get_nodelay(uint32_t fd, uint32_t *on);
VFD_IMPORT(set_reuseaddr) uint16_t vfd_set_reuseaddr(uint32_t fd, uint32_t on);

/* The ABI's flag bits and shutdown's `how`. */
#define VFD_CLOEXEC 1u
#define VFD_APPEND 1u
#define VFD_NONBLOCK 2u
#define VFD_SHUT_RD 0u
#define VFD_SHUT_WR 1u
#define VFD_SHUT_RDWR 2u

/* -1 with errno, or the result. */
static int result(uint16_t error, int value) {
    if (error != 0) {
        errno = error;
        return -1;
    }
    return value;
}

int dup(int fd) {
    uint32_t new_fd = 0;
    return result(vfd_dup((uint32_t)fd, &new_fd), (int)new_fd);
}

int dup2(int fd, int target) {
    uint32_t new_fd = 0;
    return result(vfd_dup2((uint32_t)fd, (uint32_t)target, &new_fd), (int)new_fd);
}

/* The close-on-exec bit of dup3/pipe2 flags, and whether other bits are
 * set (EINVAL). O_CLOEXEC is 0 in wasi-libc: then nothing asks for it. */
static int cloexec_of(int flags, int allowed, uint32_t *fd_flags) {
    if (flags & ~(allowed | O_CLOEXEC))
        return 0;
    *fd_flags = (O_CLOEXEC != 0 && (flags & O_CLOEXEC)) ? VFD_CLOEXEC : 0;
    return 1;
}

int dup3(int fd, int target, int flags) {
    uint32_t fd_flags, new_fd = 0;
    if (!cloexec_of(flags, 0, &fd_flags))
        return result(EINVAL, 0);
    return result(vfd_dup3((uint32_t)fd, (uint32_t)target, fd_flags, &new_fd), (int)new_fd);
}

int pipe2(int fds[2], int flags) {
    uint32_t fd_flags, pair[2];
    if (!cloexec_of(flags, O_NONBLOCK, &fd_flags))
        return result(EINVAL, 0);
    uint32_t status = (flags & O_NONBLOCK) ? VFD_NONBLOCK : 0;
    if (result(vfd_pipe(fd_flags, status, pair), 0) < 0)
        return -1;
    fds[0] = (int)pair[0];
    fds[1] = (int)pair[1];
    return 0;
}

int pipe(int fds[2]) {
    return pipe2(fds, 0);
}

/* The ABI's fd_flags and status of SOCK_CLOEXEC and SOCK_NONBLOCK. */
static uint32_t sock_fd_flags(int type) {
    return (type & SOCK_CLOEXEC) ? VFD_CLOEXEC : 0;
}

static uint32_t sock_status(int type) {
    return (type & SOCK_NONBLOCK) ? VFD_NONBLOCK : 0;
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
    /* Linux: the internet families have no pairs; others are unknown. */
    if (domain == AF_INET || domain == AF_INET6)
        return result(EOPNOTSUPP, 0);
    if (domain != AF_UNIX)
        return result(EAFNOSUPPORT, 0);
    int modifiers = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
    if ((type & ~modifiers) != SOCK_STREAM)
        return result(EOPNOTSUPP, 0);
    if (protocol != 0)
        return result(EPROTONOSUPPORT, 0);
    uint32_t pair[2];
    if (result(vfd_socketpair(sock_fd_flags(type), sock_status(type), pair), 0) < 0)
        return -1;
    fds[0] = (int)pair[0];
    fds[1] = (int)pair[1];
    return 0;
}

/* wasi-libc's access modes and status flags as fcntl(F_GETFL) gives them. */
static int status_of(uint32_t fd) {
    uint32_t mode = 0, status = 0;
    if (result(vfd_get_access_mode(fd, &mode), 0) < 0 ||
        result(vfd_get_status_flags(fd, &status), 0) < 0)
        return -1;
    static const int modes[] = {O_RDONLY, O_WRONLY, O_RDWR};
    int flags = mode < 3 ? modes[mode] : 0;
    if (status & VFD_APPEND)
        flags |= O_APPEND;
    if (status & VFD_NONBLOCK)
        flags |= O_NONBLOCK;
    return flags;
}

/* One entry of vfd's poll: struct pollfd's layout with vfd's event bits. */
struct vfd_pollfd {
    uint32_t fd;
    uint16_t events;  /* bit 0 readable, bit 1 writable */
    uint16_t revents; /* and bit 2 hang-up, bit 3 error, bit 4 invalid */
};

/* The entries a poll translates on the stack; more are allocated. */
#define POLL_ON_STACK 16

/* poll(2) with Linux's meaning (POLLHUP when the peer or every writer is
 * gone, POLLERR, POLLNVAL for a number that is not open), through vfd's
 * poll rather than preview 1's poll_oneoff, which has no hang-up or
 * invalid-number events. A negative fd is skipped, as Linux skips it. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
    struct vfd_pollfd on_stack[POLL_ON_STACK];
    struct vfd_pollfd *entries = on_stack;
    if (nfds > POLL_ON_STACK) {
        /* vfd refuses more entries than its table has (EINVAL), as Linux
         * refuses more than RLIMIT_NOFILE: only sizes it may take are
         * allocated. */
        if (nfds > 1u << 20)
            return result(EINVAL, 0);
        entries = calloc(nfds, sizeof *entries);
        if (entries == NULL)
            return result(ENOMEM, 0);
    }
    for (nfds_t i = 0; i < nfds; i++) {
        short asked = fds[i].events;
        /* A negative fd becomes one no table holds: vfd reports it
         * invalid, and it is given no revents below. */
        entries[i].fd = fds[i].fd < 0 ? UINT32_MAX : (uint32_t)fds[i].fd;
        entries[i].events = (uint16_t)(((asked & (POLLIN | POLLRDNORM)) ? 1 : 0) |
                                       ((asked & (POLLOUT | POLLWRNORM)) ? 2 : 0));
        entries[i].revents = 0;
    }
    uint32_t ready = 0;
    uint16_t error = vfd_poll(entries, (uint32_t)nfds, timeout, &ready);
    for (nfds_t i = 0; !error && i < nfds; i++) {
        uint16_t got = entries[i].revents;
        short asked = fds[i].events;
        short revents = 0;
        if (fds[i].fd >= 0) {
            if (got & 1)
                revents |= asked & (POLLIN | POLLRDNORM);
            if (got & 2)
                revents |= asked & (POLLOUT | POLLWRNORM);
            if (got & 4)
                revents |= POLLHUP;
            if (got & 8)
                revents |= POLLERR;
            if (got & 16)
                revents |= POLLNVAL;
        } else if (got != 0) {
            ready--;
        }
        fds[i].revents = revents;
    }
    if (entries != on_stack)
        free(entries);
    return result(error, (int)ready);
}

int fcntl(int fd, int cmd, ...) {
    uint32_t n = (uint32_t)fd, out = 0;
    /* Only the commands that take an argument read one. */
    int arg = 0;
    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_SETFD || cmd == F_SETFL) {
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, int);
        va_end(ap);
    }
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        uint32_t fd_flags = cmd == F_DUPFD_CLOEXEC ? VFD_CLOEXEC : 0;
        return result(vfd_dup_min(n, (uint32_t)arg, fd_flags, &out), (int)out);
    }
    case F_GETFD:
        return result(vfd_get_fd_flags(n, &out), (out & VFD_CLOEXEC) ? FD_CLOEXEC : 0);
    case F_SETFD:
        return result(vfd_set_fd_flags(n, (arg & FD_CLOEXEC) ? VFD_CLOEXEC : 0), 0);
    case F_GETFL:
        return status_of(n);
    case F_SETFL: {
        uint32_t status = ((arg & O_APPEND) ? VFD_APPEND : 0) | ((arg & O_NONBLOCK) ? VFD_NONBLOCK : 0);
        return result(vfd_set_status_flags(n, status), 0);
    }
    default:
        return result(EINVAL, 0);
    }
}

/* ---- Sockets ----
 * vfd's host makes a socket already listening, connected or bound, so a
 * socket() is a placeholder until listen, connect or (UDP) bind makes the
 * host socket and puts it at the placeholder's number (see vfd.h). */

/* Room for an address text: the host's longest is 64 bytes. */
#define TEXT_SIZE 72

/* What this library knows of a socket socket() made, by its number: what
 * the program asked of it while it is a placeholder (`pending`), and its
 * SO_REUSEADDR after, which vfd has no call to read back. A record holds
 * only while its number refers to the socket it was made for (the same
 * inode: Linux never reuses a socket's inode number while the process
 * lives), so a number closed and reused has none. */
struct sock {
    ino_t ino; /* 0: no record */
    int family, type, pending;
    int nodelay, reuseaddr;
    char bound[TEXT_SIZE]; /* the address bind gave a pending TCP socket, or "" */
};

static struct sock *socks;
static size_t nsocks;

static ino_t ino_of(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/* fd's record, if it still holds. */
static struct sock *record_of(int fd) {
    if (fd < 0 || (size_t)fd >= nsocks || socks[fd].ino == 0)
        return NULL;
    if (ino_of(fd) != socks[fd].ino) {
        socks[fd].ino = 0;
        return NULL;
    }
    return &socks[fd];
}

/* fd's record, if it is a placeholder. */
static struct sock *pending_of(int fd) {
    struct sock *s = record_of(fd);
    return s && s->pending ? s : NULL;
}

/* A new, empty record for the socket at fd (NULL with ENOMEM). */
static struct sock *remember(int fd, int family, int type) {
    if ((size_t)fd >= nsocks) {
        size_t n = (size_t)fd + 1 > 2 * nsocks ? (size_t)fd + 1 : 2 * nsocks;
        struct sock *grown = realloc(socks, n * sizeof *grown);
        if (!grown) {
            errno = ENOMEM;
            return NULL;
        }
        memset(grown + nsocks, 0, (n - nsocks) * sizeof *grown);
        socks = grown;
        nsocks = n;
    }
    struct sock *s = &socks[fd];
    memset(s, 0, sizeof *s);
    s->ino = ino_of(fd);
    s->family = family;
    s->type = type;
    return s;
}

/* SOCK_STREAM or SOCK_DGRAM for a socket, or -1 with EBADF or ENOTSOCK. */
static int socket_type_of(int fd) {
    __wasi_fdstat_t st;
    uint16_t error = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &st);
    if (error != 0)
        return result(error, 0);
    if (st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
        return SOCK_STREAM;
    if (st.fs_filetype == __WASI_FILETYPE_SOCKET_DGRAM)
        return SOCK_DGRAM;
    return result(ENOTSOCK, 0);
}

/* The address Linux binds an unbound socket to: any, port 0. */
static const char *any_address(int family) {
    return family == AF_INET6 ? "[::]:0" : "0.0.0.0:0";
}

/* The shortest AF_INET6 address Linux takes: RFC 2133's, without the
 * scope id (SIN6_LEN_RFC2133, 24 bytes). */
#define SIN6_LEN offsetof(struct sockaddr_in6, sin6_scope_id)

/* The ABI's text ("ip:port", "[ip%scope]:port") of the address `a` of
 * `len` bytes, for a socket of `family` (0: either), into `text`: its
 * length, or -1 with Linux's errno (EINVAL for a length out of bounds,
 * EFAULT for no address, EAFNOSUPPORT for another family). */
static int text_of(const struct sockaddr *a, socklen_t len, int family, char text[TEXT_SIZE]) {
    if (len > 128)
        return result(EINVAL, 0);
    if (!a)
        return result(EFAULT, 0);
    if (len < sizeof(sa_family_t))
        return result(EINVAL, 0);
    int f = a->sa_family;
    if ((family != 0 && f != family) || (f != AF_INET && f != AF_INET6))
        return result(EAFNOSUPPORT, 0);
    char ip[INET6_ADDRSTRLEN];
    if (f == AF_INET) {
        struct sockaddr_in in;
        if (len < sizeof in)
            return result(EINVAL, 0);
        memcpy(&in, a, sizeof in);
        inet_ntop(AF_INET, &in.sin_addr, ip, sizeof ip);
        return snprintf(text, TEXT_SIZE, "%s:%u", ip, ntohs(in.sin_port));
    }
    struct sockaddr_in6 in6 = {0};
    if (len < SIN6_LEN)
        return result(EINVAL, 0);
    memcpy(&in6, a, len < sizeof in6 ? len : sizeof in6);
    inet_ntop(AF_INET6, &in6.sin6_addr, ip, sizeof ip);
    if (in6.sin6_scope_id != 0)
        return snprintf(text, TEXT_SIZE, "[%s%%%u]:%u", ip, in6.sin6_scope_id, ntohs(in6.sin6_port));
    return snprintf(text, TEXT_SIZE, "[%s]:%u", ip, ntohs(in6.sin6_port));
}

/* The sockaddr of an address text the host wrote (`len` bytes, no NUL),
 * into `out`: its length. The empty text of an unnamed socket (a
 * socketpair end) is AF_UNIX's unnamed address, as Linux gives it. */
static socklen_t sockaddr_of(const char *text, uint32_t len, struct sockaddr_storage *out) {
    char buf[TEXT_SIZE];
    memset(out, 0, sizeof *out);
    out->ss_family = AF_UNIX;
    if (len >= sizeof buf)
        return sizeof(sa_family_t);
    memcpy(buf, text, len);
    buf[len] = 0;
    char *port = strrchr(buf, ':');
    if (!port) /* "" */
        return sizeof(sa_family_t);
    *port++ = 0;
    uint16_t net_port = htons((uint16_t)strtoul(port, NULL, 10));
    if (buf[0] != '[') {
        struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = net_port};
        inet_pton(AF_INET, buf, &in.sin_addr);
        memcpy(out, &in, sizeof in);
        return sizeof in;
    }
    buf[strlen(buf) - 1] = 0; /* the ']' */
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = net_port};
    char *scope = strchr(buf, '%');
    if (scope) {
        *scope++ = 0;
        in6.sin6_scope_id = (unsigned)strtoul(scope, NULL, 10);
    }
    inet_pton(AF_INET6, buf + 1, &in6.sin6_addr);
    memcpy(out, &in6, sizeof in6);
    return sizeof in6;
}

/* Checks a result address and its length as Linux does: EFAULT without
 * them, EINVAL for a negative length. */
static int check_out(const void *addr, const socklen_t *len) {
    if (!addr || !len)
        return result(EFAULT, 0);
    if ((int)*len < 0)
        return result(EINVAL, 0);
    return 0;
}

/* Writes an address text as getsockname(2) writes a sockaddr: at most
 * *len bytes of it, and its whole length at *len. */
static int put_address(struct sockaddr *addr, socklen_t *len, const char *text, uint32_t n) {
    if (check_out(addr, len) < 0)
        return -1;
    struct sockaddr_storage ss;
    socklen_t size = sockaddr_of(text, n, &ss);
    memcpy(addr, &ss, size < *len ? size : *len);
    *len = size;
    return 0;
}

/* The host socket `made` takes the place of the placeholder at fd (with
 * fd's close-on-exec flag), after the options the program set on the
 * placeholder; `error` is the host's answer to making it. */
static int install(int fd, struct sock *s, uint16_t error, uint32_t made) {
    if (error != 0)
        return result(error, 0);
    uint32_t fd_flags = 0, out = 0;
    error = vfd_set_reuseaddr(made, (uint32_t)s->reuseaddr);
    if (error == 0 && s->type == SOCK_STREAM && s->nodelay)
        error = vfd_set_nodelay(made, 1);
    if (error == 0)
        error = vfd_get_fd_flags((uint32_t)fd, &fd_flags);
    if (error == 0)
        error = vfd_dup3(made, (uint32_t)fd, fd_flags, &out);
    close((int)made);
    if (error != 0)
        return result(error, 0);
    s->pending = 0;
    s->ino = ino_of(fd);
    return 0;
}

/* The status a host socket made for the placeholder at fd starts with:
 * the placeholder's O_NONBLOCK, however it was set. */
static uint32_t status_now(int fd) {
    uint32_t status = 0;
    vfd_get_status_flags((uint32_t)fd, &status);
    return status & VFD_NONBLOCK;
}

/* A pending UDP socket bound where Linux binds it before it sends. */
static int autobind(int fd, struct sock *s) {
    const char *any = any_address(s->family);
    uint32_t made = 0;
    uint16_t error = vfd_udp_bind(any, strlen(any), 0, status_now(fd), &made);
    return install(fd, s, error, made);
}

int socket(int domain, int type, int protocol) {
    int modifiers = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
    int kind = type & ~modifiers;
    if (kind & ~0xf)
        return result(EINVAL, 0);
    if (domain != AF_INET && domain != AF_INET6)
        return result(EAFNOSUPPORT, 0);
    if (kind != SOCK_STREAM && kind != SOCK_DGRAM)
        return result(EPROTONOSUPPORT, 0);
    if (protocol != 0 && protocol != (kind == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
        return result(EPROTONOSUPPORT, 0);
    /* The placeholder: one end of a pair, the other closed at once, so the
     * number is the lowest free one, as Linux's socket() gives. */
    uint32_t pair[2];
    if (result(vfd_socketpair(sock_fd_flags(type), sock_status(type), pair), 0) < 0)
        return -1;
    close((int)pair[1]);
    struct sock *s = remember((int)pair[0], domain, kind);
    if (!s) {
        close((int)pair[0]);
        return -1;
    }
    s->pending = 1;
    return (int)pair[0];
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    struct sock *s = pending_of(fd);
    if (!s) /* a host socket is bound already */
        return socket_type_of(fd) < 0 ? -1 : result(EINVAL, 0);
    char text[TEXT_SIZE];
    int n = text_of(addr, len, s->family, text);
    if (n < 0)
        return -1;
    if (s->bound[0] != 0)
        return result(EINVAL, 0);
    if (s->type == SOCK_STREAM) {
        memcpy(s->bound, text, (size_t)n + 1);
        return 0;
    }
    uint32_t made = 0;
    uint16_t error = vfd_udp_bind(text, (uint32_t)n, 0, status_now(fd), &made);
    return install(fd, s, error, made);
}

/* What a socket the host has is, for listen and connect on it. */
enum state { UNNAMED, LISTENING, CONNECTED, DATAGRAM };

static int state_of(int fd) {
    int type = socket_type_of(fd);
    if (type < 0)
        return -1;
    if (type == SOCK_DGRAM)
        return DATAGRAM;
    char text[TEXT_SIZE];
    uint32_t n = 0;
    uint16_t error = vfd_local_address((uint32_t)fd, text, sizeof text, &n);
    if (error != 0)
        return result(error, 0);
    if (n == 0)
        return UNNAMED;
    error = vfd_peer_address((uint32_t)fd, text, sizeof text, &n);
    return error == ENOTCONN ? LISTENING : CONNECTED;
}

int listen(int fd, int backlog) {
    struct sock *s = pending_of(fd);
    if (!s) {
        /* Linux: a listener stays one; a connection or an AF_UNIX pair end
         * is EINVAL; a datagram socket EOPNOTSUPP. */
        static const int answers[] = {EINVAL, 0, EINVAL, EOPNOTSUPP};
        int state = state_of(fd);
        return state < 0 ? -1 : result((uint16_t)answers[state], 0);
    }
    if (s->type != SOCK_STREAM)
        return result(EOPNOTSUPP, 0);
    const char *at = s->bound[0] != 0 ? s->bound : any_address(s->family);
    uint32_t made = 0;
    /* A negative backlog is a large one, which Linux caps at somaxconn. */
    uint16_t error = vfd_tcp_listen(at, strlen(at), (uint32_t)backlog, 0, status_now(fd), &made);
    return install(fd, s, error, made);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    struct sock *s = pending_of(fd);
    if (!s) {
        /* Linux: EISCONN for a listener or a connection, EINVAL for an
         * AF_UNIX pair end given an internet address; vfd has no
         * connected UDP socket. */
        static const int answers[] = {EINVAL, EISCONN, EISCONN, EOPNOTSUPP};
        int state = state_of(fd);
        return state < 0 ? -1 : result((uint16_t)answers[state], 0);
    }
    char text[TEXT_SIZE];
    int n = text_of(addr, len, s->family, text);
    if (n < 0)
        return -1;
    if (s->type != SOCK_STREAM || s->bound[0] != 0)
        return result(EOPNOTSUPP, 0);
    uint32_t made = 0;
    uint16_t error = vfd_tcp_connect(text, (uint32_t)n, 0, status_now(fd), &made);
    return install(fd, s, error, made);
}

/* An accepted socket inherits its listener's SO_REUSEADDR, as on Linux,
 * where this library knows it. */
static void inherit(int listener, int fd) {
    struct sock *l = record_of(listener);
    if (!l)
        return;
    int family = l->family, reuseaddr = l->reuseaddr;
    struct sock *s = remember(fd, family, SOCK_STREAM); /* may move l */
    if (s)
        s->reuseaddr = reuseaddr;
}

int accept4(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len, int flags) {
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return result(EINVAL, 0);
    if (addr && check_out(addr, len) < 0)
        return -1;
    char peer[TEXT_SIZE];
    uint32_t n = 0, new_fd = 0;
    uint16_t error =
        vfd_accept((uint32_t)fd, sock_fd_flags(flags), sock_status(flags), &new_fd, peer, sizeof peer, &n);
    if (error != 0)
        return result(error, 0);
    inherit(fd, (int)new_fd);
    if (addr)
        put_address(addr, len, peer, n);
    return (int)new_fd;
}

int accept(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
    return accept4(fd, addr, len, 0);
}

/* getsockname(2) and getpeername(2) of a socket the host has. */
typedef uint16_t (*address_call)(uint32_t fd, char *addr, uint32_t cap, uint32_t *addr_len);

static int host_address(address_call call, int fd, struct sockaddr *addr, socklen_t *len) {
    char text[TEXT_SIZE];
    uint32_t n = 0;
    uint16_t error = call((uint32_t)fd, text, sizeof text, &n);
    return error != 0 ? result(error, 0) : put_address(addr, len, text, n);
}

int getsockname(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
    struct sock *s = pending_of(fd);
    if (!s)
        return host_address(vfd_local_address, fd, addr, len);
    const char *at = s->bound[0] != 0 ? s->bound : any_address(s->family);
    return put_address(addr, len, at, strlen(at));
}

int getpeername(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len) {
    if (pending_of(fd))
        return result(ENOTCONN, 0);
    return host_address(vfd_peer_address, fd, addr, len);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addr_len) {
    if (!addr)
        return send(fd, buf, len, flags);
    if (flags & ~MSG_NOSIGNAL)
        return result(EOPNOTSUPP, 0);
    struct sock *s = pending_of(fd);
    if (s && s->type == SOCK_STREAM) /* not connected */
        return result(EPIPE, 0);
    char text[TEXT_SIZE];
    int n = text_of(addr, addr_len, s ? s->family : 0, text);
    if (n < 0 || (s && autobind(fd, s) < 0))
        return -1;
    uint32_t sent = 0;
    uint16_t error = vfd_send_to((uint32_t)fd, buf, (uint32_t)len, text, (uint32_t)n, &sent);
    return error != 0 ? result(error, 0) : (ssize_t)sent;
}

ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags, struct sockaddr *__restrict addr,
                 socklen_t *__restrict addr_len) {
    if (!addr)
        return recv(fd, buf, len, flags);
    if (flags != 0)
        return result(EOPNOTSUPP, 0);
    if (check_out(addr, addr_len) < 0)
        return -1;
    struct sock *s = pending_of(fd);
    if (s && s->type == SOCK_STREAM)
        return result(ENOTCONN, 0);
    if (s && autobind(fd, s) < 0)
        return -1;
    char text[TEXT_SIZE];
    uint32_t got = 0, n = 0;
    uint16_t error = vfd_recv_from((uint32_t)fd, buf, (uint32_t)len, &got, text, sizeof text, &n);
    if (error != 0)
        return result(error, 0);
    if (n == 0) /* a stream's data has no sender: Linux says so with 0 */
        *addr_len = 0;
    else
        put_address(addr, addr_len, text, n);
    return (ssize_t)got;
}

int shutdown(int fd, int how) {
    uint32_t h = how == SHUT_RD ? VFD_SHUT_RD : how == SHUT_WR ? VFD_SHUT_WR : VFD_SHUT_RDWR;
    /* Linux: the number first, then `how`, then the connection. */
    if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
        return socket_type_of(fd) < 0 ? -1 : result(EINVAL, 0);
    if (pending_of(fd))
        return result(ENOTCONN, 0);
    return result(vfd_shutdown((uint32_t)fd, h), 0);
}

/* The options vfd has. */
enum option { NODELAY, REUSEADDR, TYPE, UNKNOWN };

static enum option option_of(int level, int name) {
    if (level == IPPROTO_TCP && name == TCP_NODELAY)
        return NODELAY;
    if (level == SOL_SOCKET && name == SO_REUSEADDR)
        return REUSEADDR;
    if (level == SOL_SOCKET && name == SO_TYPE)
        return TYPE;
    return UNKNOWN;
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len) {
    struct sock *s = record_of(fd);
    if (!s && socket_type_of(fd) < 0)
        return -1;
    enum option option = option_of(level, name);
    if (option != NODELAY && option != REUSEADDR)
        return result(ENOPROTOOPT, 0);
    if (len < sizeof(int))
        return result(EINVAL, 0);
    if (!value)
        return result(EFAULT, 0);
    int on = 0;
    memcpy(&on, value, sizeof on);
    on = on != 0;
    if (s && s->pending) {
        if (option == NODELAY && s->type != SOCK_STREAM)
            return result(ENOPROTOOPT, 0);
        *(option == NODELAY ? &s->nodelay : &s->reuseaddr) = on;
        return 0;
    }
    uint16_t error = option == NODELAY ? vfd_set_nodelay((uint32_t)fd, (uint32_t)on)
                                       : vfd_set_reuseaddr((uint32_t)fd, (uint32_t)on);
    if (error == 0 && s && option == REUSEADDR)
        s->reuseaddr = on;
    return result(error, 0);
}

/* getsockopt's answer to an option vfd does not have, as Linux answers
 * one it does not know: ENOPROTOOPT at SOL_SOCKET and at TCP's level of a
 * TCP socket, EOPNOTSUPP at the IP layer's (any other level). */
static uint16_t unknown_option(int level, int type) {
    if (level == SOL_SOCKET || (level == IPPROTO_TCP && type == SOCK_STREAM))
        return ENOPROTOOPT;
    return EOPNOTSUPP;
}

/* The value of an option of fd (whose record is `s`, if any), or -1. */
static int option_value(int fd, struct sock *s, int type, int level, int name) {
    uint32_t on = 0;
    switch (option_of(level, name)) {
    case TYPE:
        return type;
    case REUSEADDR:
        return s ? s->reuseaddr : result(ENOPROTOOPT, 0);
    case NODELAY:
        if (!s || !s->pending)
            return result(vfd_get_nodelay((uint32_t)fd, &on), (int)on);
        return type == SOCK_STREAM ? s->nodelay : result(EOPNOTSUPP, 0);
    case UNKNOWN:
        break;
    }
    return result(unknown_option(level, type), 0);
}

int getsockopt(int fd, int level, int name, void *__restrict value, socklen_t *__restrict len) {
    struct sock *s = record_of(fd);
    int type = s ? s->type : socket_type_of(fd);
    if (type < 0)
        return -1;
    int v = option_value(fd, s, type, level, name);
    if (v < 0 || check_out(value, len) < 0)
        return -1;
    /* Linux writes at most *len bytes of an int option, and says how many. */
    socklen_t n = *len < sizeof v ? *len : sizeof v;
    memcpy(value, &v, n);
    *len = n;
    return 0;
}

#endif /* __wasi__ */
