/* SPDX-License-Identifier: Apache-2.0 */
/* 4 MiB through a unix stream socketpair between two processes with uneven write and read
 * sizes arrives complete and in order; writes block while the buffer is full. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

#define TOTAL (4u << 20)

static unsigned char pattern(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(sv[1]);
        static unsigned char buf[70001];
        size_t off = 0;
        while (off < TOTAL) {
            size_t n = sizeof(buf) - (off % 977);
            if (n > TOTAL - off)
                n = TOTAL - off;
            for (size_t i = 0; i < n; i++)
                buf[i] = pattern(off + i);
            ssize_t w = write(sv[0], buf, n);
            CHECK(w > 0);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(sv[0]);
    static unsigned char rb[3333];
    size_t off = 0;
    for (;;) {
        ssize_t n = read(sv[1], rb, sizeof(rb) - (off % 100));
        CHECK(n >= 0);
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (rb[i] != pattern(off + (size_t)i)) {
                fprintf(stderr, "FAIL: mismatch at %zu\n", off + (size_t)i);
                exit(1);
            }
        off += (size_t)n;
    }
    CHECK_EQ(off, TOTAL);
    test_wait_exit(child, 0);
    close(sv[1]);
    TEST_OK();
}
