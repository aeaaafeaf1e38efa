/* An unmodified C program for wasm32-wasi (wasi-libc, preview 1), run by
 * vfd on its descriptor table: it prints a file under its preopened
 * directory, creates another with O_CREAT|O_EXCL, then serves N TCP
 * clients on a listening socket it was handed at LISTEN_FD (socket
 * activation), echoing each line in upper case, and exits with 0.
 *
 * usage: serve LISTEN_FD N
 * Built with: clang-16 --target=wasm32-wasi --sysroot=/usr -O2 serve.c
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what) {
    fprintf(stderr, "serve: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: serve LISTEN_FD N\n");
        return 2;
    }
    int listener = atoi(argv[1]);
    int clients = atoi(argv[2]);

    int in = open("/data/hello.txt", O_RDONLY);
    if (in < 0)
        return fail("open /data/hello.txt");
    char buf[256];
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0)
        return fail("read");
    fwrite(buf, 1, (size_t)n, stdout);
    close(in);

    int out = open("/data/from-c.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (out < 0)
        return fail("open /data/from-c.txt");
    if (write(out, "written by C\n", 13) != 13)
        return fail("write");
    close(out);
    int again = open("/data/from-c.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
    printf("second O_EXCL open: %s\n", again < 0 && errno == EEXIST ? "EEXIST" : "opened");
    fflush(stdout);

    for (int i = 0; i < clients; i++) {
        int conn = accept(listener, NULL, NULL);
        if (conn < 0)
            return fail("accept");
        size_t len = 0;
        while (len < sizeof buf) {
            ssize_t got = read(conn, buf + len, sizeof buf - len);
            if (got <= 0)
                break;
            len += (size_t)got;
            if (buf[len - 1] == '\n')
                break;
        }
        for (size_t j = 0; j < len; j++)
            buf[j] = (char)toupper((unsigned char)buf[j]);
        if (write(conn, buf, len) != (ssize_t)len)
            return fail("write to the client");
        close(conn);
    }
    printf("served %d\n", clients);
    return 0;
}
