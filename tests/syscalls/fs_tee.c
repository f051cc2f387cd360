/* SPDX-License-Identifier: Apache-2.0 */
/* tee duplicates pipe data into a second pipe without consuming it, copies at most what is
 * buffered, returns EAGAIN with SPLICE_F_NONBLOCK on an empty pipe (and 0 once all writers are
 * gone), and needs two different pipes (EINVAL otherwise). */
#include "test.h"

#include <fcntl.h>

int main(void)
{
    int a[2], b[2];
    CHECK(pipe(a) == 0 && pipe(b) == 0);
    CHECK_EQ(write(a[1], "0123456789", 10), 10);
    CHECK_EQ(tee(a[0], b[1], 4, 0), 4);
    CHECK_EQ(tee(a[0], b[1], 100, 0), 10); /* again from the start: not consumed */
    char buf[32];
    CHECK_EQ(read(b[0], buf, sizeof(buf)), 14);
    CHECK(memcmp(buf, "01230123456789", 14) == 0);
    CHECK_EQ(read(a[0], buf, sizeof(buf)), 10);
    CHECK(memcmp(buf, "0123456789", 10) == 0);

    CHECK_ERR(tee(a[0], b[1], 10, SPLICE_F_NONBLOCK), EAGAIN);
    CHECK_ERR(tee(a[0], a[1], 10, 0), EINVAL);
    CHECK_ERR(tee(b[1], a[1], 10, 0), EBADF);

    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_ERR(tee(fd, b[1], 10, 0), EINVAL);
    CHECK_ERR(tee(a[0], fd, 10, 0), EINVAL);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);

    /* A full destination: non-blocking tee copies what fits, then EAGAIN. */
    CHECK_EQ(fcntl(b[1], F_SETPIPE_SZ, 4096), 4096);
    static char big[8192];
    CHECK_EQ(write(a[1], big, 8192), 8192);
    long n = tee(a[0], b[1], 8192, SPLICE_F_NONBLOCK);
    CHECK(n > 0 && n <= 4096);
    CHECK_ERR(tee(a[0], b[1], 8192, SPLICE_F_NONBLOCK), EAGAIN);

    /* Writers gone and pipe empty: tee returns 0. */
    int c[2], d[2];
    CHECK(pipe(c) == 0 && pipe(d) == 0);
    close(c[1]);
    CHECK_EQ(tee(c[0], d[1], 10, 0), 0);
    TEST_OK();
}
