/* SPDX-License-Identifier: Apache-2.0 */
/* truncate/ftruncate: growing fills with zeros, shrinking drops data, the offset is not moved,
 * negative lengths are EINVAL, directories EISDIR, read-only fds EINVAL, pipes EINVAL, and
 * O_APPEND does not matter. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 0755) == 0); /* let the unprivileged child search it */
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);

    CHECK(ftruncate(fd, 4) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 4);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10); /* offset untouched */
    CHECK(truncate(f, 8192) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 8192);
    static char buf[8192];
    CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 8192);
    CHECK(memcmp(buf, "0123", 4) == 0);
    for (int i = 4; i < 8192; i++)
        CHECK(buf[i] == 0);
    /* Data beyond a shrink point is gone even after growing back. */
    CHECK(ftruncate(fd, 2) == 0);
    CHECK(ftruncate(fd, 4) == 0);
    CHECK_EQ(pread(fd, buf, 4, 0), 4);
    CHECK(buf[0] == '0' && buf[1] == '1' && buf[2] == 0 && buf[3] == 0);
    /* Writing at the old offset (10) extends with a hole. */
    CHECK_EQ(write(fd, "x", 1), 1);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 11);

    CHECK_ERR(ftruncate(fd, -1), EINVAL);
    CHECK_ERR(truncate(f, -1), EINVAL);
    CHECK_ERR(truncate(dir, 0), EISDIR);
    CHECK_ERR(truncate("/nonexistent/x", 0), ENOENT);
    int rfd = open(f, O_RDONLY);
    CHECK(rfd >= 0);
    CHECK_ERR(ftruncate(rfd, 0), EINVAL);
    close(rfd);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK_ERR(ftruncate(dfd, 0), EINVAL);
    close(dfd);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(ftruncate(p[1], 0), EINVAL);
    close(p[0]);
    close(p[1]);
    CHECK_ERR(ftruncate(-1, 0), EBADF);

    int afd = open(f, O_WRONLY | O_APPEND);
    CHECK(afd >= 0);
    CHECK(ftruncate(afd, 3) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 3);
    close(afd);
    /* truncate needs write permission (root bypasses DAC; check as nobody). */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (truncate(f, 0) == 0 || errno != EACCES)
            _exit(3);
        _exit(0);
    }
    test_wait_exit(pid, 0);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
