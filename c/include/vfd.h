/* vfd.h: the descriptor calls of Linux that wasi-libc lacks for
 * wasm32-wasi (WASI preview 1), over vfd's descriptor table: dup, dup2,
 * dup3, pipe, pipe2 and socketpair, and an fcntl with F_DUPFD,
 * F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL and F_SETFL as Linux has them.
 *
 * Build the program with this directory on the include path and vfd.c
 * beside it:
 *
 *     clang-16 --target=wasm32-wasi --sysroot=/usr -I c/include prog.c c/vfd.c -o prog.wasm
 *     vfd run prog.wasm
 *
 * The same source builds natively (vfd.c is then empty and these are the
 * C library's own calls), so one program can be its own oracle.
 *
 * Under WASI the calls are vfd's import module `vfd` (its ABI is in
 * vfd_host::p1::VFD_MODULE), which `vfd run` and vfd_host::p1 provide; a
 * runtime without vfd refuses to instantiate a program that uses them.
 *
 * What differs from Linux: wasi-libc defines O_CLOEXEC as 0 (WASI has no
 * exec), so dup3 and pipe2 cannot ask for close-on-exec with it; use
 * F_DUPFD_CLOEXEC or F_SETFD. socketpair makes AF_UNIX SOCK_STREAM pairs
 * only (EOPNOTSUPP for other types). fcntl commands other than the six
 * above are EINVAL, as in wasi-libc's own fcntl, which vfd.c replaces. */
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

#ifdef __cplusplus
extern "C" {
#endif

int dup(int fd);
int dup2(int fd, int target);
int dup3(int fd, int target, int flags);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int socketpair(int domain, int type, int protocol, int fds[2]);

#ifdef __cplusplus
}
#endif

#endif /* __wasi__ */
#endif /* VFD_H */
