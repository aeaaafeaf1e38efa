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
 * After each call it prints the offset and status flags of every open
 * number from 3 to 15.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/libc.h>
#endif

#define DIRFD 3
#define MAX_FD 15

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
