/* SPDX-License-Identifier: Apache-2.0 */
/* fcntl: F_GETFD/F_SETFD, F_GETFL shows the access mode, F_SETFL only changes O_APPEND,
 * O_NONBLOCK and friends, F_DUPFD(_CLOEXEC) picks the lowest fd >= arg; bad commands fail. */
#include "test.h"

#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);

    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    /* Only FD_CLOEXEC is kept. */
    CHECK(fcntl(fd, F_SETFD, 0xff) == 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK(fcntl(fd, F_SETFD, 0) == 0);

    int fl = fcntl(fd, F_GETFL);
    CHECK_EQ(fl & O_ACCMODE, O_WRONLY);
    CHECK(!(fl & O_APPEND));
    /* Access mode and creation flags cannot be changed. */
    CHECK(fcntl(fd, F_SETFL, O_RDWR | O_APPEND | O_NONBLOCK | O_TRUNC | O_CREAT) == 0);
    fl = fcntl(fd, F_GETFL);
    CHECK_EQ(fl & O_ACCMODE, O_WRONLY);
    CHECK(fl & O_APPEND);
    CHECK(fl & O_NONBLOCK);
    CHECK(!(fl & O_TRUNC));
    CHECK(!(fl & O_CREAT));
    /* The kernel forces O_LARGEFILE (0100000) on 64-bit; glibc defines O_LARGEFILE as 0. */
    CHECK(fl & 0100000);
    CHECK(fcntl(fd, F_SETFL, 0) == 0);
    CHECK(!(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK)));

    int d = fcntl(fd, F_DUPFD, 100);
    CHECK_EQ(d, 100);
    CHECK_EQ(fcntl(fd, F_DUPFD, 100), 101);
    CHECK_EQ(fcntl(d, F_GETFD), 0);
    int dc = fcntl(fd, F_DUPFD_CLOEXEC, 100);
    CHECK_EQ(dc, 102);
    CHECK_EQ(fcntl(dc, F_GETFD), FD_CLOEXEC);
    close(100);
    /* The lowest free slot >= arg is reused. */
    CHECK_EQ(fcntl(fd, F_DUPFD, 100), 100);
    CHECK_EQ(fcntl(fd, F_DUPFD, 50), 50);
    close(50);
    close(100);
    close(101);
    close(102);

    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK_ERR(fcntl(fd, F_DUPFD, (int)rl.rlim_cur), EINVAL);
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
    CHECK_ERR(fcntl(fd, 9999), EINVAL);
    CHECK_ERR(fcntl(12345, F_GETFD), EBADF);
    CHECK_ERR(fcntl(12345, F_GETFL), EBADF);

    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
