/* SPDX-License-Identifier: Apache-2.0 */
/* Non-blocking pipes: empty reads give EAGAIN, a full pipe (64 KiB by default) refuses
 * writes with EAGAIN, large writes may be partial, and space comes back a page at a time. */
#include "test.h"

#include <fcntl.h>
#include <limits.h>

int main(void)
{
    int p[2];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
    char c;
    CHECK_ERR(read(p[0], &c, 1), EAGAIN);

    static char buf[1 << 17];
    memset(buf, 'p', sizeof(buf));
    /* A large write fills the pipe and returns the partial count. */
    long n = write(p[1], buf, sizeof(buf));
    CHECK_EQ(n, 65536);
    CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);

    /* Pipe space is managed in page-sized buffers: 100 bytes read from the first page do not
     * make room for even one byte until that whole page is consumed. */
    CHECK_EQ(read(p[0], buf, 100), 100);
    CHECK_ERR(write(p[1], buf, PIPE_BUF), EAGAIN);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);
    CHECK_EQ(read(p[0], buf, 4096 - 100), 4096 - 100);
    CHECK_EQ(write(p[1], buf, PIPE_BUF), PIPE_BUF);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);

    /* Drain: everything written comes back, then EAGAIN again. */
    long total = 0;
    for (;;) {
        long r = read(p[0], buf, sizeof(buf));
        if (r < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        total += r;
    }
    CHECK_EQ(total, 65536 - 4096 + PIPE_BUF);

    /* Toggling O_NONBLOCK with F_SETFL affects only that end. */
    CHECK(fcntl(p[0], F_SETFL, 0) == 0);
    CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
    CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
    close(p[0]);
    close(p[1]);
    TEST_OK();
}
