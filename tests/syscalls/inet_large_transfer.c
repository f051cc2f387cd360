/* SPDX-License-Identifier: Apache-2.0 */
/* 8 MiB over TCP loopback from a child process arrives complete and in order (checked
 * against a position-dependent pattern), then EOF. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define TOTAL (8u << 20)

static unsigned char pattern(size_t i)
{
    return (unsigned char)(((i * 2654435761u) >> 11) ^ (i >> 20));
}

int main(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &len) == 0);
    CHECK(listen(ls, 1) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(ls);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
        static unsigned char buf[100003];
        size_t off = 0;
        while (off < TOTAL) {
            size_t n = sizeof(buf);
            if (n > TOTAL - off)
                n = TOTAL - off;
            for (size_t i = 0; i < n; i++)
                buf[i] = pattern(off + i);
            size_t done = 0;
            while (done < n) {
                ssize_t w = write(c, buf + done, n - done);
                CHECK(w > 0);
                done += (size_t)w;
            }
            off += n;
        }
        close(c);
        _exit(0);
    }
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);
    static unsigned char rb[65521];
    size_t off = 0;
    for (;;) {
        ssize_t n = read(a, rb, sizeof(rb));
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
    close(a);
    close(ls);
    TEST_OK();
}
