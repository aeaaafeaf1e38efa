/* vfd.h: the descriptor and socket calls of Linux that wasi-libc lacks for
 * wasm32-wasi (WASI preview 1), over vfd's descriptor table: dup, dup2,
 * dup3, pipe, pipe2 and socketpair; an fcntl with F_DUPFD,
 * F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL and F_SETFL as Linux has them;
 * and TCP and UDP sockets: socket, bind, listen, connect, accept, accept4,
 * getsockname, getpeername, sendto, recvfrom, shutdown, setsockopt and
 * getsockopt (TCP_NODELAY, SO_REUSEADDR; SO_TYPE to read).
 *
 * Build the program with this directory on the include path and vfd.c
 * beside it:
 *
 *     clang-16 --target=wasm32-wasi --sysroot=/usr -I c/include prog.c c/vfd.c -o prog.wasm
 *     vfd run --allow-listen 127.0.0.1:* --allow-connect 127.0.0.1:* prog.wasm
 *
 * The same source builds natively (vfd.c is then empty and these are the
 * C library's own calls), so one program can be its own oracle.
 *
 * Under WASI the calls are vfd's import module `vfd` (its ABI is in
 * vfd_host::p1::VFD_MODULE), which `vfd run` and vfd_host::p1 provide; a
 * runtime without vfd refuses to instantiate a program that uses them.
 * vfd.c replaces wasi-libc's fcntl, poll, accept, accept4, shutdown and
 * getsockopt (the linker then takes none of wasi-libc's copies); send,
 * recv, read, write, close and fstat stay wasi-libc's, which reach the
 * same table through preview 1. poll is vfd's poll(2): POLLHUP, POLLERR
 * and POLLNVAL as Linux reports them, which preview 1's poll_oneoff
 * cannot say.
 *
 * What differs from Linux, descriptors: wasi-libc defines O_CLOEXEC as 0
 * (WASI has no exec), so dup3 and pipe2 cannot ask for close-on-exec with
 * it; use F_DUPFD_CLOEXEC or F_SETFD. socketpair makes AF_UNIX SOCK_STREAM
 * pairs only (EOPNOTSUPP for other types). fcntl commands other than the
 * six above are EINVAL, as in wasi-libc's own fcntl.
 *
 * What differs from Linux, sockets. vfd's host has no unbound socket: it
 * makes a socket already listening (tcp_listen), connected (tcp_connect)
 * or bound (udp_bind), within the network policy (`vfd run --allow-*`;
 * EACCES outside it). So socket() takes the lowest free number (as Linux)
 * for a placeholder, an AF_UNIX stream socket whose peer is closed, and
 * this library keeps what the program asks of it (family, type, bound
 * address, options) until listen, connect, or for UDP bind makes the host
 * socket; that socket then takes the placeholder's number with its
 * close-on-exec flag and O_NONBLOCK (set with socket's flags or fcntl).
 * Hence:
 * - Before then, fstat and fcntl see a socket (a stream one even for
 *   SOCK_DGRAM; SO_TYPE is right); read and recv return 0 (end of file)
 *   where Linux says ENOTCONN, write and send are EPIPE as on Linux, and
 *   poll reports it readable with POLLHUP.
 * - socket() needs two free numbers for a moment, and listen, connect and
 *   UDP bind one more than the socket's own: EMFILE at the table's limit
 *   where Linux would succeed.
 * - bind of a TCP socket only records the address: listen binds it, so
 *   EADDRINUSE, EADDRNOTAVAIL and the policy's EACCES come from listen,
 *   and getsockname between the two shows the address as given (port 0
 *   stays 0 until listen picks one). connect after bind of a TCP socket is
 *   EOPNOTSUPP (the host connects from an address it picks). listen
 *   without bind listens on 0.0.0.0:0 or [::]:0, as Linux does.
 * - connect returns once connected, even on a non-blocking socket (never
 *   EINPROGRESS; O_NONBLOCK applies after).
 * - UDP sockets cannot be connected (EOPNOTSUPP): use sendto and recvfrom.
 *   One that sends or receives before bind is bound to 0.0.0.0:0 or [::]:0
 *   first, as Linux binds it on sendto, which the policy must allow.
 * - A duplicate (dup, dup2, F_DUPFD) of a socket made before listen,
 *   connect or bind stays the placeholder: only the number given to the
 *   call becomes the host socket (listen and connect through the
 *   duplicate are then EINVAL, as on an AF_UNIX socket).
 * - listen on a listener succeeds and keeps its first backlog. A listener
 *   has SO_REUSEADDR as the program left it, but the host set it on before
 *   binding (as Rust's TcpListener does), so a restarted server can bind
 *   its port at once; on a UDP socket it takes effect only after the host
 *   bound it, so two UDP sockets cannot share a port.
 * - getsockopt(SO_REUSEADDR) answers for sockets made by socket() and
 *   those accepted from their listeners; on others (a listener handed in
 *   with `vfd run --fd`) it is ENOPROTOOPT, as vfd's host has no call to
 *   read it. Other options are refused as Linux refuses one it does not
 *   know (ENOPROTOOPT; EOPNOTSUPP from getsockopt at the IP level).
 * - sendto and recvfrom with an address take no flags but MSG_NOSIGNAL
 *   (which every send has under vfd: the host never raises SIGPIPE);
 *   others are EOPNOTSUPP. Without an address they are wasi-libc's send and
 *   recv. At most 1 MiB is sent per call (a short send, as any send may be).
 * - socket(AF_UNIX) is EAFNOSUPPORT (AF_UNIX sockets come from socketpair
 *   only); types other than SOCK_STREAM and SOCK_DGRAM are EPROTONOSUPPORT
 *   (WASI has no ESOCKTNOSUPPORT). An AF_INET6 socket takes AF_INET6
 *   addresses only (IPv4 as ::ffff:a.b.c.d), where Linux also takes
 *   AF_INET ones for connect and sendto.
 * - An AF_INET6 address's length is sizeof(struct sockaddr_in6), 32 in
 *   wasi-libc (28 on Linux); bind, connect and sendto take 24 or more, as
 *   Linux does. */
#ifndef VFD_H
#define VFD_H

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef __wasi__

/* Linux's values; wasi-libc does not define them. */
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#ifndef SO_REUSEADDR
#define SO_REUSEADDR 2
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0x4000
#endif

#ifdef __cplusplus
extern "C" {
#endif

int dup(int fd);
int dup2(int fd, int target);
int dup3(int fd, int target, int flags);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int socketpair(int domain, int type, int protocol, int fds[2]);

/* Declared here because wasi-libc's sys/socket.h leaves them out (it has
 * no definitions); accept, accept4, shutdown and getsockopt it declares. */
int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int getsockname(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len);
int getpeername(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
               socklen_t addr_len);
ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags,
                 struct sockaddr *__restrict addr, socklen_t *__restrict addr_len);
int setsockopt(int fd, int level, int name, const void *value, socklen_t len);

#ifdef __cplusplus
}
#endif

#endif /* __wasi__ */
#endif /* VFD_H */
