/* How the C stories print what a call did, the same way on Linux and
 * under vfd: a result, or -1 and the errno's name (WASI numbers its
 * errnos differently); F_GETFL's flags by name. */
#ifndef SHOW_H
#define SHOW_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

static const struct {
    const char *name;
    int value;
} errnos[] = {
    {"EAGAIN", EAGAIN}, {"EBADF", EBADF}, {"EINVAL", EINVAL}, {"EMFILE", EMFILE},
    {"EOPNOTSUPP", EOPNOTSUPP}, {"EAFNOSUPPORT", EAFNOSUPPORT},
    {"EPROTONOSUPPORT", EPROTONOSUPPORT}, {"EPIPE", EPIPE}, {"EISCONN", EISCONN},
    {"ENOTCONN", ENOTCONN}, {"ENOTSOCK", ENOTSOCK}, {"ENOPROTOOPT", ENOPROTOOPT},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL}, {"ECONNREFUSED", ECONNREFUSED},
};

/* A call's result, with the errno's name when it failed. */
static void show(const char *what, long r) {
    if (r >= 0) {
        printf("%s = %ld\n", what, r);
        return;
    }
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++) {
        if (errnos[i].value == errno) {
            printf("%s = -1 %s\n", what, errnos[i].name);
            return;
        }
    }
    printf("%s = -1 errno %d\n", what, errno);
}

/* F_GETFL as the two systems agree on it: the access mode, append and
 * non-blocking (Linux adds O_LARGEFILE, which WASI does not have). */
static void show_status(const char *what, int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) {
        show(what, flags);
        return;
    }
    int mode = flags & O_ACCMODE;
    printf("%s = %s%s%s\n", what,
           mode == O_RDONLY ? "RDONLY" : mode == O_WRONLY ? "WRONLY" : "RDWR",
           flags & O_APPEND ? "|APPEND" : "", flags & O_NONBLOCK ? "|NONBLOCK" : "");
}

#endif /* SHOW_H */
