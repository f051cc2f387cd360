/* SPDX-License-Identifier: Apache-2.0 */
/* pidfd_getfd duplicates a descriptor out of another process (same open file description:
 * shared offset), sets FD_CLOEXEC on the copy, fails with EBADF for a closed target fd and
 * EINVAL for flags; it needs ptrace access (we are the parent and root). */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int ready[2], done[2];
    CHECK(pipe(ready) == 0 && pipe(done) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int fd = open(f, O_RDWR | O_CREAT, 0600);
        if (fd < 0 || write(fd, "0123456789", 10) != 10 || lseek(fd, 3, SEEK_SET) != 3)
            _exit(2);
        if (write(ready[1], &fd, sizeof(fd)) != sizeof(fd))
            _exit(3);
        char c;
        if (read(done[0], &c, 1) != 1)
            _exit(4);
        /* The parent moved our offset through its copy. */
        _exit(lseek(fd, 0, SEEK_CUR) == 7 ? 0 : 5);
    }
    int child_fd;
    CHECK_EQ(read(ready[0], &child_fd, sizeof(child_fd)), (long)sizeof(child_fd));
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    CHECK(pfd >= 0);
    int mine = (int)syscall(SYS_pidfd_getfd, pfd, child_fd, 0);
    CHECK(mine >= 0);
    CHECK_EQ(fcntl(mine, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(lseek(mine, 0, SEEK_CUR), 3);
    char buf[4];
    CHECK_EQ(read(mine, buf, 4), 4);
    CHECK(memcmp(buf, "3456", 4) == 0);
    struct stat a, b;
    CHECK(fstat(mine, &a) == 0);
    CHECK(stat(f, &b) == 0);
    CHECK_EQ(a.st_ino, b.st_ino);

    CHECK_ERR(syscall(SYS_pidfd_getfd, pfd, 999, 0), EBADF);
    CHECK_ERR(syscall(SYS_pidfd_getfd, pfd, child_fd, 1), EINVAL);
    CHECK_ERR(syscall(SYS_pidfd_getfd, mine, child_fd, 0), EBADF); /* not a pidfd */
    CHECK_EQ(write(done[1], "g", 1), 1);
    test_wait_exit(pid, 0);
    /* The process is gone: ESRCH. */
    CHECK_ERR(syscall(SYS_pidfd_getfd, pfd, child_fd, 0), ESRCH);
    close(mine);
    close(pfd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
