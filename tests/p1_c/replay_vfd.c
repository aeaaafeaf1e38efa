/* replay.c built with vfd's C library (c/vfd.h): the same calls, plus the
 * dup family, F_GETFD/F_SETFD, pipes, socket pairs and poll(2), which wasi-libc
 * lacks and vfd's import module provides (tests/e2e/p1_diff.rs runs both
 * builds). Natively these are the C library's own calls. */
#define _GNU_SOURCE /* dup3 and pipe2 on Linux */
#include "vfd.h"

#include <sys/socket.h>

#include "replay.c"
