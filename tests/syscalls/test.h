/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for syscall test programs: plain Linux programs that print "TEST OK"
 * on success and exit 0, and print what failed (and exit 1) otherwise. They
 * run natively and inside the sandbox; the runner compares both.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fails the test with the file, line, expression and errno when `x` is false. */
#define CHECK(x)                                                                           \
    do {                                                                                   \
        if (!(x)) {                                                                        \
            int e_ = errno;                                                                \
            fprintf(stderr, "FAIL %s:%d: %s (errno %d: %s)\n", __FILE__, __LINE__, #x, e_, \
                    strerror(e_));                                                         \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

/* Checks that expression `x` returns -1 with errno `e`. */
#define CHECK_ERR(x, e)                                                                           \
    do {                                                                                          \
        errno = 0;                                                                                \
        long r_ = (long)(x);                                                                      \
        int e_ = errno;                                                                           \
        if (r_ != -1 || e_ != (e)) {                                                              \
            fprintf(stderr, "FAIL %s:%d: %s returned %ld errno %d (%s), want -1 errno %d (%s)\n", \
                    __FILE__, __LINE__, #x, r_, e_, strerror(e_), (int)(e), strerror(e));         \
            exit(1);                                                                              \
        }                                                                                         \
    } while (0)

/* Prints the success line every test ends with. */
#define TEST_OK()            \
    do {                     \
        printf("TEST OK\n"); \
        fflush(stdout);      \
        exit(0);             \
    } while (0)
