/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX record locks between processes: a write lock makes another process's F_SETLK fail
 * with EAGAIN, F_GETLK reports the holder's pid, type and range; read locks are shared; a
 * process's own locks never conflict with themselves; bad types/fds give EINVAL/EBADF. */
#include "test.h"

#include <fcntl.h>

static int setlk(int fd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    return fcntl(fd, F_SETLK, &fl);
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(setlk(fd, F_WRLCK, 10, 20) == 0); /* [10, 30) */
    CHECK(setlk(fd, F_RDLCK, 100, 0) == 0); /* [100, EOF...) */
    /* Our own locks never conflict: F_GETLK says unlocked. */
    struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    CHECK(fcntl(fd, F_GETLK, &q) == 0);
    CHECK_EQ(q.l_type, F_UNLCK);

    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int cfd = open(f, O_RDWR);
        CHECK(cfd >= 0);
        CHECK_ERR(setlk(cfd, F_WRLCK, 0, 11), EAGAIN); /* overlaps at 10 */
        CHECK_ERR(setlk(cfd, F_RDLCK, 29, 1), EAGAIN);
        CHECK(setlk(cfd, F_WRLCK, 0, 10) == 0);  /* [0, 10) is free */
        CHECK(setlk(cfd, F_WRLCK, 30, 70) == 0); /* [30, 100) is free */
        CHECK(setlk(cfd, F_RDLCK, 100, 5) == 0); /* read locks share */
        CHECK_ERR(setlk(cfd, F_WRLCK, 200, 1), EAGAIN);
        struct flock g = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 15, .l_len = 1 };
        CHECK(fcntl(cfd, F_GETLK, &g) == 0);
        CHECK_EQ(g.l_type, F_WRLCK);
        CHECK_EQ(g.l_pid, parent);
        CHECK_EQ(g.l_start, 10);
        CHECK_EQ(g.l_len, 20);
        g = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5000, .l_len = 1 };
        CHECK(fcntl(cfd, F_GETLK, &g) == 0);
        CHECK_EQ(g.l_type, F_RDLCK);
        CHECK_EQ(g.l_pid, parent);
        CHECK_EQ(g.l_start, 100);
        CHECK_EQ(g.l_len, 0);
        /* A read query against a read lock: unlocked. */
        g = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5000, .l_len = 1 };
        CHECK(fcntl(cfd, F_GETLK, &g) == 0);
        CHECK_EQ(g.l_type, F_UNLCK);
        CHECK(write(to_parent[1], "1", 1) == 1);
        char c;
        CHECK(read(to_child[0], &c, 1) == 1);
        /* The parent released [10, 30). */
        CHECK(setlk(cfd, F_WRLCK, 0, 100) == 0);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(to_parent[0], &c, 1), 1);
    /* Now the child holds [0,10) and [30,100) for writing. */
    CHECK_ERR(setlk(fd, F_RDLCK, 5, 1), EAGAIN);
    struct flock g = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 50, .l_len = 1 };
    CHECK(fcntl(fd, F_GETLK, &g) == 0);
    CHECK_EQ(g.l_type, F_WRLCK);
    CHECK_EQ(g.l_pid, pid);
    CHECK_EQ(g.l_start, 30);
    CHECK_EQ(g.l_len, 70);
    CHECK(setlk(fd, F_UNLCK, 10, 20) == 0);
    CHECK_EQ(write(to_child[1], "2", 1), 1);
    test_wait_exit(pid, 0);
    /* The child's locks went away with it. */
    CHECK(setlk(fd, F_WRLCK, 0, 100) == 0);

    struct flock bad = { .l_type = 42, .l_whence = SEEK_SET };
    CHECK_ERR(fcntl(fd, F_SETLK, &bad), EINVAL);
    bad = (struct flock){ .l_type = F_RDLCK, .l_whence = 7 };
    CHECK_ERR(fcntl(fd, F_SETLK, &bad), EINVAL);
    bad = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = -1 };
    CHECK_ERR(fcntl(fd, F_SETLK, &bad), EINVAL);
    /* A write lock needs a writable fd, a read lock a readable one. */
    int ro = open(f, O_RDONLY), wo = open(f, O_WRONLY);
    CHECK(ro >= 0 && wo >= 0);
    CHECK_ERR(setlk(ro, F_WRLCK, 0, 1), EBADF);
    CHECK_ERR(setlk(wo, F_RDLCK, 0, 1), EBADF);
    close(ro);
    close(wo);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
