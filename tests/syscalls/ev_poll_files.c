/* SPDX-License-Identifier: Apache-2.0 */
/* poll: regular files and /dev/null are always readable and writable, a closed fd gives
 * POLLNVAL (and counts as ready), a negative fd is skipped with revents 0, events we did not
 * ask for are not reported except POLLHUP/POLLERR/POLLNVAL, and nfds over RLIMIT_NOFILE is
 * EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0);
    int p[2];
    CHECK(pipe(p) == 0);

    struct pollfd pf[5] = {
        { .fd = fd, .events = POLLIN | POLLOUT }, { .fd = null, .events = POLLIN | POLLOUT },
        { .fd = 999, .events = POLLIN },          { .fd = -5, .events = POLLIN, .revents = 0x7 },
        { .fd = p[0], .events = POLLOUT }, /* read end: not writable */
    };
    CHECK_EQ(poll(pf, 5, 0), 3);
    CHECK_EQ(pf[0].revents, POLLIN | POLLOUT); /* only requested bits, no RDNORM/WRNORM */
    CHECK_EQ(pf[1].revents & (POLLIN | POLLOUT), POLLIN | POLLOUT);
    CHECK_EQ(pf[2].revents, POLLNVAL);
    CHECK_EQ(pf[3].revents, 0);
    CHECK_EQ(pf[4].revents, 0);

    /* Only requested bits: a readable pipe polled for POLLOUT only shows nothing. */
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(poll(&pf[4], 1, 0), 0);
    /* ...but POLLHUP comes anyway. */
    close(p[1]);
    CHECK_EQ(poll(&pf[4], 1, 0), 1);
    CHECK_EQ(pf[4].revents, POLLHUP);
    /* events == 0 still reports POLLHUP. */
    pf[4].events = 0;
    CHECK_EQ(poll(&pf[4], 1, 0), 1);
    CHECK_EQ(pf[4].revents, POLLHUP);

    /* A regular file with a 100 ms timeout returns at once. */
    CHECK_EQ(poll(pf, 1, 100), 1);
    /* nfds == 0 is a sleep. */
    CHECK_EQ(poll(NULL, 0, 10), 0);

    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    static struct pollfd many[70000];
    CHECK_ERR(poll(many, rl.rlim_cur + 1, 0), EINVAL);

    close(p[0]);
    close(null);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
