/* SPDX-License-Identifier: Apache-2.0 */
/* /dev/tty is character device 5:0; without a controlling terminal opening it is ENXIO
 * (checked in a new session); with one it is an alias of it. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    struct stat st;
    CHECK(stat("/dev/tty", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(st.st_rdev, makedev(5, 0));
    CHECK_EQ(st.st_mode & 0777, 0666);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setsid() == getpid());
        CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
        CHECK_ERR(open("/dev/tty", O_RDONLY | O_NONBLOCK), ENXIO);
        int m = posix_openpt(O_RDWR | O_NOCTTY);
        CHECK(m >= 0);
        CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
        int s = open(ptsname(m), O_RDWR); /* becomes our controlling tty */
        CHECK(s >= 0);
        int t = open("/dev/tty", O_WRONLY);
        CHECK(t >= 0);
        CHECK_EQ(write(t, "x", 1), 1);
        char c;
        CHECK_EQ(read(m, &c, 1), 1);
        CHECK_EQ(c, 'x');
        _exit(0);
    }
    test_wait_exit(pid, 0);
    TEST_OK();
}
