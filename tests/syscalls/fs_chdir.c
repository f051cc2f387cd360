/* SPDX-License-Identifier: Apache-2.0 */
/* chdir into a file is ENOTDIR, into a missing path ENOENT, fchdir on a file fd ENOTDIR and on
 * a bad fd EBADF; a directory without search permission is EACCES for an unprivileged user;
 * chdir through a symlink lands in the target and getcwd shows the resolved path. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96], sub[96], l[96], old[256];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 0755) == 0);
    CHECK(getcwd(old, sizeof(old)) != NULL);
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    snprintf(l, sizeof(l), "%s/l", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(mkdir(sub, 0700) == 0);
    CHECK(symlink("sub", l) == 0);

    CHECK_ERR(chdir(f), ENOTDIR);
    CHECK_ERR(fchdir(fd), ENOTDIR);
    CHECK_ERR(fchdir(-1), EBADF);
    CHECK_ERR(chdir("/nonexistent/x"), ENOENT);
    CHECK_ERR(chdir(""), ENOENT);

    CHECK(chdir(l) == 0);
    char cwd[256];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    CHECK(strcmp(cwd, sub) == 0);
    CHECK(chdir("..") == 0);
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    CHECK(strcmp(cwd, dir) == 0);

    /* Search permission (0700 root-owned sub) for an unprivileged user. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (chdir(sub) == 0 || errno != EACCES)
            _exit(3);
        if (chdir(dir) != 0)
            _exit(4);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    /* A directory fd opened before losing permission still works for fchdir: fchdir checks
     * search permission too (EACCES). */
    int sfd = open(sub, O_RDONLY | O_DIRECTORY);
    CHECK(sfd >= 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (fchdir(sfd) == 0 || errno != EACCES)
            _exit(3);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    close(sfd);

    CHECK(chdir(old) == 0);
    close(fd);
    CHECK(unlink(l) == 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(sub) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
