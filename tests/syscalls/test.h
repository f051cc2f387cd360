/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for syscall test programs: plain Linux programs that print "TEST OK"
 * on success and exit 0, and print what failed (and exit 1) otherwise. They
 * run natively and inside the sandbox; the runner compares both.
 */
#pragma once

/* Include this header first: the tests use GNU extensions of glibc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
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

/*
 * Note for handlers: glibc declares kill(), raise(), syscall() ... with
 * __attribute__((leaf)), so the compiler may keep a global in a register
 * across them. Anything a signal handler writes must be volatile.
 */

/* Checks that two integer expressions are equal, printing both values when not. */
#define CHECK_EQ(a, b)                                                                       \
    do {                                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                                  \
        if (a_ != b_) {                                                                      \
            int e_ = errno;                                                                  \
            fprintf(stderr, "FAIL %s:%d: %s == %s: %lld != %lld (errno %d: %s)\n", __FILE__, \
                    __LINE__, #a, #b, a_, b_, e_, strerror(e_));                             \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

/* Waits for child `pid` and returns its raw wait status; fails the test on error. */
static inline int test_wait(pid_t pid)
{
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, __WALL);
    } while (r < 0 && errno == EINTR);
    CHECK(r == pid);
    return status;
}

/* Waits for child `pid` and checks that it exited normally with `code`. */
static inline void test_wait_exit(pid_t pid, int code)
{
    int status = test_wait(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != code) {
        fprintf(stderr, "FAIL: child %d status 0x%x, want exit %d\n", (int)pid, status, code);
        exit(1);
    }
}

/* Creates a fresh directory under /tmp into `buf` (at least 32 bytes). */
static inline void test_mkdtemp(char *buf)
{
    strcpy(buf, "/tmp/systest.XXXXXX");
    CHECK(mkdtemp(buf) != NULL);
}

/* Returns whether capability `cap` is in the caller's effective set (the sandbox may run the
 * tests with fewer capabilities than native root; tests then assert the EPERM/EACCES path). */
static inline int test_has_cap(int cap)
{
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof(data));
    CHECK(syscall(SYS_capget, &hdr, data) == 0);
    return (data[cap / 32].effective >> (cap % 32)) & 1;
}
