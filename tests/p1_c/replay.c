/* Replays a script of descriptor calls and prints what each returned: one
 * source, built twice, natively for Linux and with wasi-libc for
 * wasm32-wasi, so that the native run is the oracle for the run under
 * vfd (the differential test in tests/e2e/p1_diff.rs compares them line
 * by line).
 *
 * usage: replay [DIR] < SCRIPT
 *
 * Paths are relative to the directory at fd 3: natively the program opens
 * DIR there first; under WASI fd 3 is the first preopened directory. Each
 * script line is one call:
 *   open PATH FLAGS      openat(3, PATH, FLAGS, 0644); FLAGS like RDWR|CREAT
 *   close FD | read FD N | write FD TEXT | pread FD N OFF | pwrite FD TEXT OFF
 *   lseek FD OFF SET|CUR|END | ftruncate FD LEN | fstat FD
 *   getfl FD | setfl FD FLAGS | renumber FROM TO
 *   mkdir PATH | unlink PATH | rmdir PATH | rename FROM TO
 *   symlink TARGET PATH  symlinkat(TARGET, 3, PATH); TARGET "" is empty
 *   readlink PATH | link FROM TO (linkat without AT_SYMLINK_FOLLOW)
 *   utimens PATH TIMES follow|nofollow | futimens FD TIMES
 *                        TIMES: now, omit, set or mixed (see times_of)
 * Built with vfd.h (replay_vfd.c), also the calls wasi-libc lacks, which
 * vfd's import module provides:
 *   dup FD | dup2 FD TO | dup3 FD TO | dupfd FD MIN | dupfd_cloexec FD MIN
 *   getfd FD | setfd FD 0|1 | pipe | socketpair   (both made non-blocking)
 *   poll FD IN|OUT|INOUT|NONE   poll(2) of one entry, timeout 0
 * A read or write that would wait for ever (a blocking pipe or socket
 * with nothing to read or no room) is not made: it prints "wouldblock".
 * After each call it prints the offset and status flags of every open
 * number from 3 to 15.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#include <wasi/libc.h>
#else
#include <signal.h>
#include <sys/resource.h>
#endif

#define DIRFD 3
#define MAX_FD 15
#define VFD_MAX_FDS 1024

static const struct {
    const char *name;
    int value;
} errnos[] = {
    {"EACCES", EACCES}, {"EAGAIN", EAGAIN}, {"EBADF", EBADF}, {"EEXIST", EEXIST},
    {"EFBIG", EFBIG}, {"EINVAL", EINVAL}, {"EIO", EIO}, {"EISDIR", EISDIR},
    {"ELOOP", ELOOP}, {"EMFILE", EMFILE}, {"ENAMETOOLONG", ENAMETOOLONG},
    {"ENOENT", ENOENT}, {"ENOSPC", ENOSPC}, {"ENOTDIR", ENOTDIR},
    {"ENOTEMPTY", ENOTEMPTY}, {"ENOTSUP", ENOTSUP}, {"EPERM", EPERM},
    {"EPIPE", EPIPE}, {"ESPIPE", ESPIPE}, {"EROFS", EROFS}, {"EXDEV", EXDEV},
    {"EOVERFLOW", EOVERFLOW}, {"ENOTTY", ENOTTY}, {"EBUSY", EBUSY},
    {"ECONNRESET", ECONNRESET}, {"ENOTCONN", ENOTCONN}, {"ENOTSOCK", ENOTSOCK},
    {"EDQUOT", EDQUOT}, {"EMLINK", EMLINK}, {"ENOMEM", ENOMEM},
    {"EFAULT", EFAULT}, {"ESRCH", ESRCH},
};

/* `long long`: a `long` is 32 bits on wasm32, too small for offsets. */
static void result(long long r) {
    if (r >= 0) {
        printf(" = %lld\n", r);
        return;
    }
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++) {
        if (errnos[i].value == errno) {
            printf(" = -1 %s\n", errnos[i].name);
            return;
        }
    }
    printf(" = -1 errno %d\n", errno);
}

static int flags_of(const char *text) {
    static const struct {
        const char *name;
        int value;
    } names[] = {
        {"RDONLY", O_RDONLY}, {"WRONLY", O_WRONLY}, {"RDWR", O_RDWR},
        {"CREAT", O_CREAT}, {"EXCL", O_EXCL}, {"TRUNC", O_TRUNC},
        {"APPEND", O_APPEND}, {"NONBLOCK", O_NONBLOCK},
        {"DIRECTORY", O_DIRECTORY}, {"NOFOLLOW", O_NOFOLLOW},
    };
    int flags = 0;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", text);
    for (char *part = strtok(copy, "|"); part; part = strtok(NULL, "|")) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strcmp(part, names[i].name) == 0)
                flags |= names[i].value;
        }
    }
    return flags;
}

/* The access mode and the flags the differential compares. */
static void print_status(int flags) {
    int mode = flags & O_ACCMODE;
    printf("%s%s%s", mode == O_RDONLY ? "RDONLY" : mode == O_WRONLY ? "WRONLY" : "RDWR",
           flags & O_APPEND ? "|APPEND" : "", flags & O_NONBLOCK ? "|NONBLOCK" : "");
}

/* utimensat(2)'s two times (access, modification) for a script's TIMES.
 * Returns whether the modification time they set is known, so that the
 * caller can print the time the file then has (`now` is not, and `omit`
 * changes nothing). */
static int times_of(const char *what, struct timespec times[2]) {
    if (strcmp(what, "set") == 0) {
        times[0] = (struct timespec){.tv_sec = 1000000000, .tv_nsec = 5};
        times[1] = (struct timespec){.tv_sec = 1200000000, .tv_nsec = 7};
        return 1;
    }
    if (strcmp(what, "mixed") == 0) {
        times[0] = (struct timespec){.tv_nsec = UTIME_OMIT};
        times[1] = (struct timespec){.tv_sec = 1300000000};
        return 1;
    }
    long special = strcmp(what, "omit") == 0 ? UTIME_OMIT : UTIME_NOW;
    times[0] = times[1] = (struct timespec){.tv_nsec = special};
    return 0;
}

#ifdef __wasi__
/* Preview 1's `fstflags` and timestamps for utimensat's two times. */
static __wasi_fstflags_t fst_flags(const struct timespec times[2], __wasi_timestamp_t out[2]) {
    static const __wasi_fstflags_t set[2] = {__WASI_FSTFLAGS_ATIM, __WASI_FSTFLAGS_MTIM};
    static const __wasi_fstflags_t now[2] = {__WASI_FSTFLAGS_ATIM_NOW, __WASI_FSTFLAGS_MTIM_NOW};
    __wasi_fstflags_t flags = 0;
    for (int i = 0; i < 2; i++) {
        out[i] = 0;
        if (times[i].tv_nsec == UTIME_NOW) {
            flags |= now[i];
        } else if (times[i].tv_nsec != UTIME_OMIT) {
            flags |= set[i];
            out[i] = (__wasi_timestamp_t)times[i].tv_sec * 1000000000 + times[i].tv_nsec;
        }
    }
    return flags;
}

static int wasi_result(__wasi_errno_t error) {
    if (error == 0)
        return 0;
    errno = error;
    return -1;
}
#endif

/* utimensat(2) and futimens(2). Under WASI, straight through preview 1:
 * the wasi-libc that Debian builds with clang 16 refuses UTIME_NOW and
 * UTIME_OMIT as the modification time with EINVAL before it calls the
 * runtime (an LLVM miscompile of its timestamp conversion), which would
 * hide what vfd answers. */
static int set_times_at(int dir, const char *path, const struct timespec times[2], int flags) {
#ifdef __wasi__
    __wasi_timestamp_t t[2];
    __wasi_fstflags_t fst = fst_flags(times, t);
    __wasi_lookupflags_t lookup = flags & AT_SYMLINK_NOFOLLOW ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
    return wasi_result(__wasi_path_filestat_set_times(dir, lookup, path, t[0], t[1], fst));
#else
    return utimensat(dir, path, times, flags);
#endif
}

static int set_times(int fd, const struct timespec times[2]) {
#ifdef __wasi__
    __wasi_timestamp_t t[2];
    __wasi_fstflags_t fst = fst_flags(times, t);
    return wasi_result(__wasi_fd_filestat_set_times(fd, t[0], t[1], fst));
#else
    return futimens(fd, times);
#endif
}

/* The modification time a successful utimensat or futimens left, so that
 * a wrong time shows and not only a wrong result. Not the access time:
 * any read of the file may move it, on one side and not the other. */
static void print_mtime(int stat_result, const struct stat *st) {
    if (stat_result == 0)
        printf(" [mtime %lld.%09ld]", (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
    else
        printf(" [mtime: stat failed]");
}

/* preview 1's fd_renumber: both numbers must be open; natively, dup2 and
 * close, which is what it means. */
static int renumber(int from, int to) {
#ifdef __wasi__
    return __wasilibc_fd_renumber(from, to);
#else
    if (fcntl(from, F_GETFD) < 0 || fcntl(to, F_GETFD) < 0) {
        errno = EBADF;
        return -1;
    }
    if (from == to)
        return 0;
    if (dup2(from, to) < 0)
        return -1;
    return close(from);
#endif
}

/* Whether a read (POLLIN) or write (POLLOUT) on `fd` would wait for
 * ever: a blocking pipe or socket that is not ready for it. */
static int would_block(int fd, short events) {
    struct stat st;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_NONBLOCK) || fstat(fd, &st) != 0)
        return 0;
    /* A read of a write end (or a write of a read end) fails at once. */
    int mode = flags & O_ACCMODE;
    if ((events == POLLIN && mode == O_WRONLY) || (events == POLLOUT && mode == O_RDONLY))
        return 0;
    /* Files and directories never wait. (Not S_ISFIFO: preview 1 has no
     * pipe type, so wasi-libc's fstat of a pipe gives no type at all.) */
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
        return 0;
    struct pollfd p = {.fd = fd, .events = events};
    return poll(&p, 1, 0) == 0;
}

#ifdef VFD_H
/* The two numbers of a new pipe or socket pair, or its error. */
static void show_pair(int r, const int fds[2]) {
    if (r == 0)
        printf(" [%d %d]", fds[0], fds[1]);
    result(r);
}
#endif

#ifdef VFD_H
/* poll(2) of one entry with no wait, and the events it reports. */
static void show_poll(int fd, const char *asked) {
    short events = strcmp(asked, "IN") == 0      ? POLLIN
                   : strcmp(asked, "OUT") == 0   ? POLLOUT
                   : strcmp(asked, "INOUT") == 0 ? POLLIN | POLLOUT
                                                 : 0;
    struct pollfd p = {.fd = fd, .events = events};
    int r = poll(&p, 1, 0);
    if (r >= 0) {
        static const struct {
            short bit;
            const char *name;
        } names[] = {{POLLIN, "IN"}, {POLLOUT, "OUT"}, {POLLHUP, "HUP"}, {POLLERR, "ERR"}, {POLLNVAL, "NVAL"}};
        printf(" revents");
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (p.revents & names[i].bit)
                printf(" %s", names[i].name);
    }
    result(r);
}
#endif

static void state(void) {
    printf("  state:");
    for (int fd = DIRFD + 1; fd <= MAX_FD; fd++) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0)
            continue;
        printf(" %d:", fd);
        print_status(flags);
        off_t off = lseek(fd, 0, SEEK_CUR);
        if (off >= 0)
            printf("@%lld", (long long)off);
    }
    printf("\n");
}

static void call(char *line) {
    char op[32], a[256], b[256], c[64];
    int n = sscanf(line, "%31s %255s %255s %63s", op, a, b, c);
    if (n < 1)
        return;
    printf("%s", line);
    errno = 0;
    if (strcmp(op, "open") == 0 && n >= 3) {
        result(openat(DIRFD, a, flags_of(b), 0644));
    } else if (strcmp(op, "close") == 0) {
        result(close(atoi(a)));
    } else if ((strcmp(op, "read") == 0 || strcmp(op, "write") == 0) &&
               would_block(atoi(a), op[0] == 'r' ? POLLIN : POLLOUT)) {
        printf(" = wouldblock\n");
    } else if (strcmp(op, "read") == 0 || strcmp(op, "pread") == 0) {
        char buf[64];
        size_t len = (size_t)atoi(b);
        if (len > sizeof buf)
            len = sizeof buf;
        ssize_t r = op[0] == 'p' ? pread(atoi(a), buf, len, atoll(c)) : read(atoi(a), buf, len);
        if (r > 0)
            printf(" [%.*s]", (int)r, buf);
        result(r);
    } else if (strcmp(op, "write") == 0) {
        result(write(atoi(a), b, strlen(b)));
    } else if (strcmp(op, "pwrite") == 0) {
        result(pwrite(atoi(a), b, strlen(b), atoll(c)));
    } else if (strcmp(op, "lseek") == 0) {
        int whence = strcmp(c, "SET") == 0 ? SEEK_SET : strcmp(c, "CUR") == 0 ? SEEK_CUR : SEEK_END;
        result(lseek(atoi(a), atoll(b), whence));
    } else if (strcmp(op, "ftruncate") == 0) {
        result(ftruncate(atoi(a), atoll(b)));
    } else if (strcmp(op, "fstat") == 0) {
        struct stat st;
        int r = fstat(atoi(a), &st);
        if (r == 0)
            printf(" [%s size %lld]", S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other",
                   (long long)st.st_size);
        result(r);
    } else if (strcmp(op, "getfl") == 0) {
        int r = fcntl(atoi(a), F_GETFL);
        if (r >= 0) {
            printf(" [");
            print_status(r);
            printf("]");
            r = 0;
        }
        result(r);
    } else if (strcmp(op, "setfl") == 0) {
        result(fcntl(atoi(a), F_SETFL, flags_of(b)));
    } else if (strcmp(op, "renumber") == 0) {
        result(renumber(atoi(a), atoi(b)));
    } else if (strcmp(op, "mkdir") == 0) {
        result(mkdirat(DIRFD, a, 0755));
    } else if (strcmp(op, "unlink") == 0) {
        result(unlinkat(DIRFD, a, 0));
    } else if (strcmp(op, "rmdir") == 0) {
        result(unlinkat(DIRFD, a, AT_REMOVEDIR));
    } else if (strcmp(op, "rename") == 0) {
        result(renameat(DIRFD, a, DIRFD, b));
    } else if (strcmp(op, "symlink") == 0 && n >= 3) {
        /* A script's words cannot hold an empty target: `""` stands for it. */
        result(symlinkat(strcmp(a, "\"\"") == 0 ? "" : a, DIRFD, b));
    } else if (strcmp(op, "readlink") == 0) {
        char buf[256];
        ssize_t r = readlinkat(DIRFD, a, buf, sizeof buf);
        /* The target too: a wrong one can have the right length. */
        if (r >= 0)
            printf(" [%.*s]", (int)r, buf);
        result(r);
    } else if (strcmp(op, "link") == 0 && n >= 3) {
        result(linkat(DIRFD, a, DIRFD, b, 0));
    } else if (strcmp(op, "utimens") == 0 && n >= 4) {
        struct timespec times[2];
        int known = times_of(b, times);
        int flags = strcmp(c, "follow") == 0 ? 0 : AT_SYMLINK_NOFOLLOW;
        int r = set_times_at(DIRFD, a, times, flags);
        struct stat st;
        if (r == 0 && known)
            print_mtime(fstatat(DIRFD, a, &st, flags), &st);
        result(r);
    } else if (strcmp(op, "futimens") == 0 && n >= 3) {
        struct timespec times[2];
        int known = times_of(b, times);
        int r = set_times(atoi(a), times);
        struct stat st;
        if (r == 0 && known)
            print_mtime(fstat(atoi(a), &st), &st);
        result(r);
#ifdef VFD_H
    } else if (strcmp(op, "dup") == 0) {
        result(dup(atoi(a)));
    } else if (strcmp(op, "dup2") == 0) {
        result(dup2(atoi(a), atoi(b)));
    } else if (strcmp(op, "dup3") == 0) {
        result(dup3(atoi(a), atoi(b), 0));
    } else if (strcmp(op, "dupfd") == 0) {
        result(fcntl(atoi(a), F_DUPFD, atoi(b)));
    } else if (strcmp(op, "dupfd_cloexec") == 0) {
        result(fcntl(atoi(a), F_DUPFD_CLOEXEC, atoi(b)));
    } else if (strcmp(op, "getfd") == 0) {
        result(fcntl(atoi(a), F_GETFD));
    } else if (strcmp(op, "setfd") == 0) {
        result(fcntl(atoi(a), F_SETFD, atoi(b) ? FD_CLOEXEC : 0));
    } else if (strcmp(op, "pipe") == 0) {
        int fds[2];
        show_pair(pipe2(fds, O_NONBLOCK), fds);
    } else if (strcmp(op, "socketpair") == 0) {
        int fds[2];
        show_pair(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), fds);
    } else if (strcmp(op, "poll") == 0) {
        show_poll(atoi(a), b);
#endif
    } else {
        printf(" = unknown call\n");
    }
    state();
}

int main(int argc, char **argv) {
#ifndef __wasi__
    int dir = argc == 2 ? open(argv[1], O_RDONLY | O_DIRECTORY) : -1;
    if (dir < 0) {
        fprintf(stderr, "usage: replay DIR < SCRIPT\n");
        return 2;
    }
    /* The directory at 3 and nothing else open above it, whatever this
     * process inherited: the numbers the WASI build starts with. */
    if (dir != DIRFD && (dup2(dir, DIRFD) != DIRFD || close(dir) != 0)) {
        perror("replay: dup2");
        return 2;
    }
    for (int fd = DIRFD + 1; fd <= MAX_FD; fd++)
        close(fd);
    /* A write to a pipe with no reader is EPIPE, as under WASI, which has
     * no signals, rather than the end of the process. */
    signal(SIGPIPE, SIG_IGN);
    /* vfd's default table limit (vfd_host::DEFAULT_MAX_FDS), which Linux
     * applies as RLIMIT_NOFILE: dup2 and F_DUPFD answer by it. */
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max < VFD_MAX_FDS) {
        fprintf(stderr, "replay: the hard RLIMIT_NOFILE is below %d\n", VFD_MAX_FDS);
        return 2;
    }
    limit.rlim_cur = VFD_MAX_FDS;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        perror("replay: setrlimit");
        return 2;
    }
#else
    (void)argc;
    (void)argv;
#endif
    char line[600];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        call(line);
        fflush(stdout);
    }
    return 0;
}
