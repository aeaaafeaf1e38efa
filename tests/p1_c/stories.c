/* Linux's descriptor stories through vfd.h: redirecting stdout with dup2
 * and back, an offset shared by duplicates, fcntl's dup and flag commands,
 * pipes (blocking, non-blocking, end of file, poll) and a socket pair.
 * One source, built twice: natively, where the C library makes the calls,
 * and for wasm32-wasi with vfd.c, run under `vfd run`; the two outputs
 * must be the same (tests/e2e/p1_posix.rs).
 *
 * usage: stories DIR     (a writable directory for its one file) */
#define _GNU_SOURCE /* dup3 and pipe2 on Linux */
#include "vfd.h"
#include "show.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void redirect(const char *path) {
    fflush(stdout);
    int saved = dup(1);
    int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(file, 1);
    printf("this line goes to the file\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(file);
    char buf[64] = {0};
    int in = open(path, O_RDONLY);
    show("read back from the file", read(in, buf, sizeof buf - 1));
    printf("the file holds: %s", buf);
    close(in);
}

static void shared_offset(const char *path) {
    int fd = open(path, O_RDWR | O_TRUNC);
    int copy = dup(fd);
    show("dup is the lowest free number", copy);
    show("write through the original", write(fd, "abc", 3));
    show("the duplicate's offset moved too", lseek(copy, 0, SEEK_CUR));
    show("F_GETFD of the duplicate", fcntl(copy, F_GETFD));
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    show("F_DUPFD_CLOEXEC from 10", high);
    show("F_GETFD of it", fcntl(high, F_GETFD));
    show("F_SETFD 0", fcntl(high, F_SETFD, 0));
    show("F_GETFD after", fcntl(high, F_GETFD));
    show("F_DUPFD from 10 again", fcntl(fd, F_DUPFD, 10));
    show_status("F_GETFL", fd);
    show("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
    show_status("F_GETFL of the duplicate", copy);
    show("dup2 onto itself", dup2(fd, fd));
    show("dup3 onto itself", dup3(fd, fd, 0));
    show("dup of a closed number", dup(99));
    show("dup2 onto a negative number", dup2(fd, -1));
    show("fcntl with an unknown command", fcntl(fd, 12345));
    close(fd);
    close(copy);
    close(high);
    close(11);
}

static void pipes(void) {
    int p[2], q[2];
    char buf[16] = {0};
    show("pipe", pipe(p));
    printf("ends %d %d\n", p[0], p[1]);
    show("write into the pipe", write(p[1], "hello", 5));
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    show("poll", poll(&pfd, 1, 0));
    printf("readable: %s\n", pfd.revents & POLLIN ? "yes" : "no");
    show("read from the pipe", read(p[0], buf, sizeof buf - 1));
    printf("read: %s\n", buf);
    show("pipe2 O_NONBLOCK", pipe2(q, O_NONBLOCK));
    show("read of an empty non-blocking pipe", read(q[0], buf, sizeof buf));
    show_status("F_GETFL of its read end", q[0]);
    show_status("F_GETFL of its write end", q[1]);
    close(q[1]);
    show("read after the writer closed", read(q[0], buf, sizeof buf));
    show("pipe2 with an unknown flag", pipe2(q, O_APPEND));
    close(q[0]);
    close(p[0]);
    close(p[1]);
}

static void socket_pair(void) {
    int sv[2];
    char buf[16] = {0};
    show("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    show("write ping", write(sv[0], "ping", 4));
    show("read it on the other end", read(sv[1], buf, sizeof buf - 1));
    printf("read: %s\n", buf);
    show("write pong back", write(sv[1], "pong", 4));
    memset(buf, 0, sizeof buf);
    show("read it", read(sv[0], buf, sizeof buf - 1));
    printf("read: %s\n", buf);
    show("socketpair SOCK_NONBLOCK", socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv + 0));
    show("read of an empty non-blocking pair", read(sv[0], buf, sizeof buf));
    show("socketpair of AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, sv));
    show("socketpair with a protocol", socketpair(AF_UNIX, SOCK_STREAM, 7, sv));
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: stories DIR\n");
        return 2;
    }
#ifndef __wasi__
    /* Natively, start from 0, 1 and 2 only, as under vfd (a test harness
     * may pass on descriptors of its own, such as cargo's jobserver). */
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    /* Under vfd, 3 is the preopened directory: natively the same number is
     * taken by the same directory, so that both count from 4. */
    if (open(argv[1], O_RDONLY | O_DIRECTORY) != 3) {
        fprintf(stderr, "stories: fd 3 is not free\n");
        return 2;
    }
#endif
    char path[4096];
    snprintf(path, sizeof path, "%s/story.txt", argv[1]);
    redirect(path);
    shared_offset(path);
    pipes();
    socket_pair();
    return 0;
}
