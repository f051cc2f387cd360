/* SPDX-License-Identifier: Apache-2.0 */
/* isatty/ttyname: true with the /dev/pts/N name for a slave, /dev/ptmx for the master; false
 * with ENOTTY for pipes, files and /dev/null; ttyname_r with a short buffer is ERANGE;
 * /proc/self/fd links name the pts. */
#include "test.h"

#include <fcntl.h>
#include <termios.h>

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    char name[64];
    CHECK(ptsname_r(m, name, sizeof(name)) == 0);
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);

    CHECK(isatty(s));
    CHECK(isatty(m));
    char *tn = ttyname(s);
    CHECK(tn != NULL);
    CHECK(strcmp(tn, name) == 0);
    char buf[64];
    CHECK(ttyname_r(m, buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, "/dev/ptmx") == 0 || strcmp(buf, "/dev/pts/ptmx") == 0);
    CHECK_EQ(ttyname_r(s, buf, 5), ERANGE);

    char link[64], target[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", s);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = 0;
    CHECK(strcmp(target, name) == 0);

    int p[2];
    CHECK(pipe(p) == 0);
    errno = 0;
    CHECK(!isatty(p[0]));
    CHECK_EQ(errno, ENOTTY);
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0);
    errno = 0;
    CHECK(!isatty(null));
    CHECK_EQ(errno, ENOTTY);
    errno = 0;
    CHECK(!isatty(999));
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(ttyname_r(p[0], buf, sizeof(buf)), ENOTTY);
    struct termios t;
    CHECK_ERR(tcgetattr(null, &t), ENOTTY);
    close(null);
    close(p[0]);
    close(p[1]);
    close(s);
    close(m);
    TEST_OK();
}
