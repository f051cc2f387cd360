/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX locks belong to the process: closing ANY descriptor of the file drops all of the
 * process's locks on it (even one opened separately), and a forked child does not inherit
 * them; a child's F_SETLK sees the parent's lock until that close. */
#include "test.h"

#include <fcntl.h>

static int try_in_child(const char *path)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int fd = open(path, O_RDWR);
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        if (fd < 0)
            _exit(2);
        if (fcntl(fd, F_SETLK, &fl) == 0)
            _exit(0);
        _exit(errno == EAGAIN ? 1 : 3);
    }
    int st = test_wait(pid);
    CHECK(WIFEXITED(st));
    return WEXITSTATUS(st);
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    CHECK(fcntl(fd, F_SETLK, &fl) == 0);
    CHECK_EQ(try_in_child(f), 1);

    /* Close an unrelated second descriptor of the same file: the lock is gone. */
    int other = open(f, O_RDONLY);
    CHECK(other >= 0);
    CHECK_EQ(try_in_child(f), 1);
    close(other);
    CHECK_EQ(try_in_child(f), 0);

    /* dup'd fds: closing the dup drops the lock too. */
    CHECK(fcntl(fd, F_SETLK, &fl) == 0);
    int d = dup(fd);
    CHECK(d >= 0);
    close(d);
    CHECK_EQ(try_in_child(f), 0);

    /* A child does not inherit the lock: its F_GETLK sees the parent as owner, and the
     * child's own F_SETLK fails. */
    CHECK(fcntl(fd, F_SETLK, &fl) == 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct flock g = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        if (fcntl(fd, F_GETLK, &g) != 0 || g.l_type != F_WRLCK || g.l_pid != parent)
            _exit(2);
        if (fcntl(fd, F_SETLK, &fl) == 0 || errno != EAGAIN)
            _exit(3);
        /* Closing the inherited fd in the child does not release the parent's lock. */
        close(fd);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK_EQ(try_in_child(f), 1);
    close(fd);
    CHECK_EQ(try_in_child(f), 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
