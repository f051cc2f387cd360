/* SPDX-License-Identifier: Apache-2.0 */
/* select: a closed fd in a set is EBADF (but one past the fd table size is ignored), negative nfds
 * EINVAL, a bad timeout EINVAL; the timeout is updated with the time left (Linux behaviour); fds at
 * or above nfds are ignored; regular files are always ready; exceptfds on a pipe is never set. */
#include "test.h"

#include <fcntl.h>
#include <sys/select.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fd_set rd, wr, ex;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = { 0, 20000 };
    CHECK_EQ(select(p[0] + 1, &rd, NULL, NULL, &tv), 0);
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0); /* consumed */
    CHECK(!FD_ISSET(p[0], &rd));

    CHECK_EQ(write(p[1], "x", 1), 1);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    CHECK_EQ(select(p[0] + 1, &rd, NULL, NULL, &tv), 1);
    CHECK(tv.tv_sec >= 4); /* time left */
    /* nfds excludes the fd: ignored. */
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    CHECK_EQ(select(p[0], &rd, NULL, NULL, &tv), 0);

    /* A closed fd inside the fd table is EBADF... */
    int closed = dup(p[0]);
    CHECK(closed >= 0);
    close(closed);
    FD_ZERO(&rd);
    FD_SET(closed, &rd);
    CHECK_ERR(select(closed + 1, &rd, NULL, NULL, &tv), EBADF);
    /* ...but one beyond the table's current size (64 slots here) is silently ignored. */
    FD_ZERO(&rd);
    FD_SET(900, &rd);
    CHECK_EQ(select(901, &rd, NULL, NULL, &tv), 0);
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    tv.tv_usec = -1;
    CHECK_ERR(select(1, NULL, NULL, NULL, &tv), EINVAL);
    tv.tv_usec = 0;
    tv.tv_sec = -1;
    CHECK_ERR(select(1, NULL, NULL, NULL, &tv), EINVAL);

    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_ZERO(&ex);
    FD_SET(fd, &rd);
    FD_SET(fd, &wr);
    FD_SET(p[0], &ex);
    int nfds = (fd > p[0] ? fd : p[0]) + 1;
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    CHECK_EQ(select(nfds, &rd, &wr, &ex, &tv), 2);
    CHECK(FD_ISSET(fd, &rd) && FD_ISSET(fd, &wr));
    CHECK(!FD_ISSET(p[0], &ex));
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);

    /* Huge nfds is clamped to the fd table size rather than rejected. */
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    CHECK_EQ(select(FD_SETSIZE, &rd, NULL, NULL, &tv), 1);
    static unsigned long bigset[65536 / (8 * sizeof(unsigned long))];
    bigset[p[0] / (8 * sizeof(unsigned long))] |= 1UL << (p[0] % (8 * sizeof(unsigned long)));
    CHECK_EQ(syscall(SYS_select, 65536, bigset, NULL, NULL, &tv), 1);
    close(p[0]);
    close(p[1]);
    TEST_OK();
}
