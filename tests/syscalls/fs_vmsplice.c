/* SPDX-License-Identifier: Apache-2.0 */
/* vmsplice copies user iovecs into a pipe's write end (data readable in order), and from a
 * read end into user memory; a non-pipe fd is EBADF, bad flags are EINVAL, and a full pipe
 * with SPLICE_F_NONBLOCK gives EAGAIN. */
#include "test.h"

#include <fcntl.h>
#include <sys/uio.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    char a[] = "hello ", b[] = "world";
    struct iovec iov[2] = { { a, 6 }, { b, 5 } };
    CHECK_EQ(vmsplice(p[1], iov, 2, 0), 11);
    char buf[32] = { 0 };
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 11);
    CHECK(strcmp(buf, "hello world") == 0);

    /* Reading side: vmsplice from the read end copies into the iovecs. */
    CHECK_EQ(write(p[1], "abcdefgh", 8), 8);
    char x[3], y[10];
    memset(y, 0, sizeof(y));
    struct iovec out[2] = { { x, 3 }, { y, sizeof(y) } };
    CHECK_EQ(vmsplice(p[0], out, 2, 0), 8);
    CHECK(memcmp(x, "abc", 3) == 0);
    CHECK(memcmp(y, "defgh", 5) == 0);

    /* Zero segments or zero-length vectors. */
    CHECK_EQ(vmsplice(p[1], iov, 0, 0), 0);
    struct iovec z = { a, 0 };
    CHECK_EQ(vmsplice(p[1], &z, 1, 0), 0);

    CHECK_ERR(vmsplice(p[1], iov, 2, 0x100), EINVAL);
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_ERR(vmsplice(fd, iov, 2, 0), EBADF);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    CHECK_ERR(vmsplice(-1, iov, 2, 0), EBADF);

    /* Fill a one-page pipe: non-blocking vmsplice runs out of room. The buffer is page
     * aligned: an unaligned one would take two pipe slots (one per user page touched). */
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) == 4096);
    static char page[4096] __attribute__((aligned(4096)));
    struct iovec big = { page, sizeof(page) };
    CHECK_EQ(vmsplice(p[1], &big, 1, SPLICE_F_NONBLOCK), 4096);
    CHECK_ERR(vmsplice(p[1], &big, 1, SPLICE_F_NONBLOCK), EAGAIN);
    /* An empty pipe read with NONBLOCK: EAGAIN. */
    int q[2];
    CHECK(pipe(q) == 0);
    CHECK_ERR(vmsplice(q[0], out, 2, SPLICE_F_NONBLOCK), EAGAIN);
    TEST_OK();
}
