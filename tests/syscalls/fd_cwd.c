/* SPDX-License-Identifier: Apache-2.0 */
/* getcwd/chdir/fchdir: relative paths resolve against the cwd, a short buffer gives ERANGE,
 * bad targets ENOENT/ENOTDIR, and a removed cwd makes getcwd fail with ENOENT. */
#include "test.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(void)
{
    char dir[64], sub[96], buf[PATH_MAX];
    test_mkdtemp(dir);
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    CHECK(mkdir(sub, 0755) == 0);

    CHECK(chdir(dir) == 0);
    CHECK(getcwd(buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, dir) == 0);
    /* The raw syscall returns the length including the NUL. */
    CHECK_EQ(syscall(SYS_getcwd, buf, sizeof(buf)), (long)strlen(dir) + 1);

    CHECK(chdir("sub") == 0);
    CHECK(getcwd(buf, sizeof(buf)) != NULL);
    CHECK(strcmp(buf, sub) == 0);
    int fd = open("file", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    char abs_file[128];
    snprintf(abs_file, sizeof(abs_file), "%s/file", sub);
    CHECK(access(abs_file, F_OK) == 0);
    CHECK(chdir("..") == 0);
    CHECK(getcwd(buf, sizeof(buf)) != NULL);
    CHECK(strcmp(buf, dir) == 0);

    int dfd = open(sub, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(fchdir(dfd) == 0);
    CHECK(getcwd(buf, sizeof(buf)) != NULL);
    CHECK(strcmp(buf, sub) == 0);

    CHECK_ERR(syscall(SYS_getcwd, buf, strlen(sub)), ERANGE);
    CHECK_ERR(syscall(SYS_getcwd, buf, 0), ERANGE);
    CHECK_ERR(syscall(SYS_getcwd, (void *)8, sizeof(buf)), EFAULT);
    CHECK_ERR(chdir("does-not-exist"), ENOENT);
    CHECK_ERR(chdir("file"), ENOTDIR);
    int ffd = open("file", O_RDONLY);
    CHECK(ffd >= 0);
    CHECK_ERR(fchdir(ffd), ENOTDIR);
    CHECK_ERR(fchdir(12345), EBADF);
    CHECK_ERR(chdir(""), ENOENT);
    close(ffd);
    CHECK(unlink("file") == 0);

    /* Remove the cwd from under us. */
    CHECK(rmdir(sub) == 0);
    CHECK_ERR(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
    /* "." still refers to the dead directory; creating in it fails. */
    CHECK_ERR(open("new", O_WRONLY | O_CREAT, 0600), ENOENT);
    CHECK(chdir("/") == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
