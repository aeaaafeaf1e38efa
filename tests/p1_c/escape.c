/* The escape corpus for preview 1: every path call of wasi-libc, through
 * the directory at fd 3 (the mount /data), with paths that try to leave
 * it: `..` chains, symlinks out (absolute, relative, chained, dangling,
 * looping, through /proc), and the host's own absolute paths. Each line
 * is `call path = result`; a read that succeeds prints what it read, so
 * the test can check that nothing from outside ever reached the guest,
 * and the host tree outside the mount is compared before and after.
 *
 * usage: escape HOST_ROOT   (the fixture's root on the host)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIRFD 3

static void show(const char *call, const char *path, long long r) {
    printf("%s %s = %lld%s%s\n", call, path, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

/* A file of our own inside the mount, to try to move or link out. */
static void fresh(const char *name) {
    int fd = openat(DIRFD, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        write(fd, "own\n", 4);
        close(fd);
    }
}

static void attempt(const char *path) {
    char buf[64];
    int fd = openat(DIRFD, path, O_RDONLY);
    show("open-read", path, fd);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = 0;
            for (ssize_t i = 0; i < n; i++)
                if (buf[i] == '\n')
                    buf[i] = ' ';
            printf("  read: %s\n", buf);
        }
        close(fd);
    }
    fd = openat(DIRFD, path, O_WRONLY | O_CREAT, 0644);
    show("open-create", path, fd);
    if (fd >= 0) {
        write(fd, "pwned\n", 6);
        close(fd);
    }
    show("open-trunc", path, openat(DIRFD, path, O_WRONLY | O_TRUNC));
    show("mkdir", path, mkdirat(DIRFD, path, 0755));
    show("unlink", path, unlinkat(DIRFD, path, 0));
    show("rmdir", path, unlinkat(DIRFD, path, AT_REMOVEDIR));
    fresh("victim.txt");
    show("rename-out", path, renameat(DIRFD, "victim.txt", DIRFD, path));
    show("rename-in", path, renameat(DIRFD, path, DIRFD, "stolen.txt"));
    show("symlink-at", path, symlinkat("hello.txt", DIRFD, path));
    show("link-in", path, linkat(DIRFD, path, DIRFD, "linked.txt", 0));
    fresh("victim2.txt");
    show("link-out", path, linkat(DIRFD, "victim2.txt", DIRFD, path, 0));
    show("utimens", path, utimensat(DIRFD, path, NULL, 0));
    struct stat st;
    show("stat", path, fstatat(DIRFD, path, &st, 0));
    char target[256];
    show("readlink", path, readlinkat(DIRFD, path, target, sizeof target));
    /* Whatever came in through a rename or a link: read it back. */
    fd = openat(DIRFD, "stolen.txt", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        printf("  stolen: %.*s\n", (int)(n > 0 ? n : 0), buf);
        close(fd);
        unlinkat(DIRFD, "stolen.txt", 0);
    }
    unlinkat(DIRFD, "linked.txt", 0);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: escape HOST_ROOT\n");
        return 2;
    }
    static const char *paths[] = {
        "..", "../outside", "../outside/secret.txt", "sub/../../outside/secret.txt",
        "sub/../../outside/new.txt", "./../outside/secret.txt", "sub/up/outside/secret.txt",
        "sub/up2/outside/secret.txt", "dir-out/secret.txt", "dir-out/new.txt",
        "rel-dir-out/secret.txt", "rel-dir-out/new.txt", "root-link", "root-link/etc/passwd",
        "proc-link/etc/passwd", "chain-1", "dangling-out", "dangling-abs", "dangling-dir-out",
        "dangling-dir-out/x", "self-loop", "hop-0", "empty-link", "empty-link/x",
        "onto-link", "onto-link/new.txt", "swapf-link", "dir-out", "rel-dir-out",
        "/data/../outside/secret.txt", "/outside/secret.txt", "/etc/passwd",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        attempt(paths[i]);
    /* The host's own absolute paths to the fixture. */
    char host[512];
    snprintf(host, sizeof host, "%s/outside/secret.txt", argv[1]);
    attempt(host);
    snprintf(host, sizeof host, "%s/outside/new.txt", argv[1]);
    attempt(host);
    printf("done\n");
    return 0;
}
