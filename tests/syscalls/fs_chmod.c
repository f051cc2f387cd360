/* SPDX-License-Identifier: Apache-2.0 */
/* chmod/fchmod/fchmodat set the 07777 bits and update ctime; fchmodat rejects unknown flags
 * (EINVAL) and, through fchmodat2, AT_SYMLINK_NOFOLLOW on a symlink is EOPNOTSUPP; chmod
 * follows symlinks; missing files are ENOENT. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static mode_t mode_of(const char *p)
{
    struct stat st;
    CHECK(lstat(p, &st) == 0);
    return st.st_mode;
}

int main(void)
{
    char dir[64], f[96], l[96];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 0755) == 0); /* let the unprivileged child search it */
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(l, sizeof(l), "%s/l", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(symlink("f", l) == 0);

    struct stat before, after;
    CHECK(stat(f, &before) == 0);
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    CHECK(chmod(f, 0751) == 0);
    CHECK_EQ(mode_of(f) & 07777, 0751);
    CHECK(stat(f, &after) == 0);
    CHECK(after.st_ctim.tv_sec > before.st_ctim.tv_sec ||
          (after.st_ctim.tv_sec == before.st_ctim.tv_sec &&
           after.st_ctim.tv_nsec > before.st_ctim.tv_nsec));
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
          after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);

    /* Bits above 07777 are ignored; the file type never changes. */
    CHECK(chmod(f, 0170644) == 0);
    CHECK_EQ(mode_of(f), S_IFREG | 0644);
    CHECK(fchmod(fd, 07777) == 0);
    CHECK_EQ(mode_of(f) & 07777, 07777);
    CHECK(fchmodat(AT_FDCWD, f, 0600, 0) == 0);
    CHECK_EQ(mode_of(f) & 07777, 0600);

    /* chmod on a symlink changes the target; the link stays 0777. */
    CHECK(chmod(l, 0640) == 0);
    CHECK_EQ(mode_of(f) & 07777, 0640);
    CHECK_EQ(mode_of(l) & 07777, 0777);
    CHECK_ERR(syscall(SYS_fchmodat2, AT_FDCWD, l, 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
    CHECK(syscall(SYS_fchmodat2, AT_FDCWD, f, 0604, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK_EQ(mode_of(f) & 07777, 0604);
    CHECK_ERR(syscall(SYS_fchmodat2, AT_FDCWD, f, 0600, 0x4000), EINVAL);
    /* fchmodat2 with AT_EMPTY_PATH works on the fd itself. */
    CHECK(syscall(SYS_fchmodat2, fd, "", 0611, AT_EMPTY_PATH) == 0);
    CHECK_EQ(mode_of(f) & 07777, 0611);
    CHECK_ERR(chmod("/nonexistent/x", 0600), ENOENT);
    CHECK_ERR(fchmod(-1, 0600), EBADF);

    /* A non-owner without CAP_FOWNER gets EPERM. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (chmod(f, 0777) == 0 || errno != EPERM)
            _exit(3);
        if (fchmod(fd, 0777) == 0 || errno != EPERM)
            _exit(4);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK_EQ(mode_of(f) & 07777, 0611);

    close(fd);
    CHECK(unlink(l) == 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
