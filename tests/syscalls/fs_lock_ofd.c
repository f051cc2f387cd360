/* SPDX-License-Identifier: Apache-2.0 */
/* Open file description locks: two open()s in one process conflict with F_OFD_SETLK (EAGAIN),
 * F_OFD_GETLK reports l_pid -1, l_pid must be 0 (EINVAL), dups share the lock and closing one
 * dup keeps it, a forked child shares it, and OFD and POSIX locks conflict with each other. */
#include "test.h"

#include <fcntl.h>

static int ofd(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int a = open(f, O_RDWR | O_CREAT, 0600);
    int b = open(f, O_RDWR);
    CHECK(a >= 0 && b >= 0);

    CHECK(ofd(a, F_OFD_SETLK, F_WRLCK, 0, 10) == 0);
    CHECK_ERR(ofd(b, F_OFD_SETLK, F_WRLCK, 5, 1), EAGAIN);
    CHECK_ERR(ofd(b, F_OFD_SETLK, F_RDLCK, 0, 1), EAGAIN);
    CHECK(ofd(b, F_OFD_SETLK, F_RDLCK, 10, 10) == 0);
    struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 3, .l_len = 1 };
    CHECK(fcntl(b, F_OFD_GETLK, &q) == 0);
    CHECK_EQ(q.l_type, F_WRLCK);
    CHECK_EQ(q.l_pid, -1);
    CHECK_EQ(q.l_start, 0);
    CHECK_EQ(q.l_len, 10);

    struct flock bad = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 1 };
    CHECK_ERR(fcntl(a, F_OFD_SETLK, &bad), EINVAL);
    CHECK_ERR(fcntl(a, F_OFD_GETLK, &bad), EINVAL);

    /* POSIX lock on the same process conflicts with the OFD lock of another description. */
    CHECK_ERR(ofd(b, F_SETLK, F_WRLCK, 0, 1), EAGAIN);

    /* Closing a dup does not release; closing the last reference does. */
    int d = dup(a);
    CHECK(d >= 0);
    close(d);
    CHECK_ERR(ofd(b, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN);

    /* A child shares the description, so it holds the lock too: it can upgrade it. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (ofd(a, F_OFD_SETLK, F_WRLCK, 0, 5) != 0)
            _exit(2);
        if (ofd(b, F_OFD_SETLK, F_WRLCK, 0, 1) == 0 || errno != EAGAIN)
            _exit(3);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    /* The lock survives the child's exit (the description is still open here). */
    CHECK_ERR(ofd(b, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN);
    close(a);
    CHECK(ofd(b, F_OFD_SETLK, F_WRLCK, 0, 10) == 0);
    CHECK(ofd(b, F_OFD_SETLK, F_UNLCK, 0, 0) == 0);
    close(b);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
