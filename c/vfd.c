/* vfd.c: the calls vfd.h declares, over vfd's import module `vfd` (see
 * vfd.h). Natively this file is empty: the C library has them. */
#ifdef __wasi__

#include "vfd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

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

/* The ABI's flag bits. */
#define VFD_CLOEXEC 1u
#define VFD_APPEND 1u
#define VFD_NONBLOCK 2u

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
    uint32_t fd_flags = (type & SOCK_CLOEXEC) ? VFD_CLOEXEC : 0;
    uint32_t status = (type & SOCK_NONBLOCK) ? VFD_NONBLOCK : 0;
    uint32_t pair[2];
    if (result(vfd_socketpair(fd_flags, status, pair), 0) < 0)
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

#endif /* __wasi__ */
