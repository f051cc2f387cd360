/* SPDX-License-Identifier: Apache-2.0 */
/* ioctl: TCGETS on a regular file or pipe is ENOTTY, FIONREAD reports unread pipe and file
 * bytes, FIONBIO toggles O_NONBLOCK, FIOCLEX/FIONCLEX toggle FD_CLOEXEC. */
#include "test.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);

    struct termios t;
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
    CHECK_EQ(isatty(fd), 0);
    CHECK_EQ(errno, ENOTTY);

    /* FIONREAD on a regular file: bytes from the offset to EOF. */
    int n = -1;
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
    CHECK(ioctl(fd, FIONREAD, &n) == 0);
    CHECK_EQ(n, 7);

    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
    CHECK(ioctl(p[0], FIONREAD, &n) == 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(write(p[1], "hello", 5), 5);
    CHECK(ioctl(p[0], FIONREAD, &n) == 0);
    CHECK_EQ(n, 5);
    char buf[2];
    CHECK_EQ(read(p[0], buf, 2), 2);
    CHECK(ioctl(p[0], FIONREAD, &n) == 0);
    CHECK_EQ(n, 3);

    int on = 1;
    CHECK(ioctl(p[0], FIONBIO, &on) == 0);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    on = 0;
    CHECK(ioctl(p[0], FIONBIO, &on) == 0);
    CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));

    CHECK(ioctl(fd, FIOCLEX) == 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK(ioctl(fd, FIONCLEX) == 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);

    CHECK_ERR(ioctl(12345, FIONREAD, &n), EBADF);
    CHECK_ERR(ioctl(p[0], FIONREAD, (int *)8), EFAULT);
    /* /dev/null is not a tty either. */
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0);
    CHECK_ERR(ioctl(null, TCGETS, &t), ENOTTY);

    close(null);
    close(p[0]);
    close(p[1]);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
