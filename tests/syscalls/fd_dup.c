/* SPDX-License-Identifier: Apache-2.0 */
/* dup/dup2/dup3 share the open file (offset, status flags) but not FD_CLOEXEC; dup2 onto
 * itself is a no-op, dup3 onto itself is EINVAL, and bad descriptors give EBADF. */
#include "test.h"

#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    int d = dup(fd);
    CHECK(d >= 0 && d != fd);
    CHECK_EQ(fcntl(d, F_GETFD), 0);
    CHECK_EQ(lseek(fd, 10, SEEK_SET), 10);
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 10);
    CHECK(fcntl(d, F_SETFL, O_NONBLOCK) == 0);
    CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);

    /* dup2 closes the target first. */
    int other = open("/proc/self/exe", O_RDONLY);
    CHECK(other >= 0);
    CHECK_EQ(dup2(fd, other), other);
    CHECK_EQ(lseek(other, 0, SEEK_CUR), 10);
    CHECK_EQ(dup2(fd, fd), fd);
    CHECK_EQ(dup2(fd, 200), 200);
    CHECK_EQ(fcntl(200, F_GETFD), 0);

    CHECK_EQ(dup3(fd, 201, O_CLOEXEC), 201);
    CHECK_EQ(fcntl(201, F_GETFD), FD_CLOEXEC);
    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    CHECK_ERR(dup3(fd, 202, O_NONBLOCK), EINVAL);

    CHECK_ERR(dup(12345), EBADF);
    CHECK_ERR(dup2(12345, 203), EBADF);
    /* dup2 onto itself with a bad fd is EBADF too. */
    CHECK_ERR(dup2(12345, 12345), EBADF);
    CHECK_ERR(dup2(fd, -1), EBADF);
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK_ERR(dup2(fd, (int)rl.rlim_cur), EBADF);
    CHECK_ERR(dup3(fd, (int)rl.rlim_cur, 0), EBADF);

    close(fd);
    /* The duplicates keep the file open. */
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 10);
    close(d);
    close(other);
    close(200);
    close(201);
    TEST_OK();
}
