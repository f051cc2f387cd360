/* SPDX-License-Identifier: Apache-2.0 */
/* *at() calls resolve relative paths against dirfd (which keeps working after the directory is
 * renamed), ignore dirfd for absolute paths (even a bad one), fail with EBADF for a bad dirfd
 * and ENOTDIR for a non-directory dirfd, and AT_FDCWD means the cwd. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], d1[96], d2[96], f[128];
    test_mkdtemp(dir);
    snprintf(d1, sizeof(d1), "%s/one", dir);
    snprintf(d2, sizeof(d2), "%s/two", dir);
    CHECK(mkdir(d1, 0700) == 0);
    int dfd = open(d1, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    /* Rename the directory: the dirfd follows it. */
    CHECK(rename(d1, d2) == 0);
    struct stat st;
    CHECK(fstatat(dfd, "f", &st, 0) == 0);
    CHECK(mkdirat(dfd, "sub", 0700) == 0);
    snprintf(f, sizeof(f), "%s/sub", d2);
    CHECK(stat(f, &st) == 0);
    CHECK(S_ISDIR(st.st_mode));

    /* Absolute paths ignore dirfd, even an invalid one. */
    CHECK(fstatat(-1, "/", &st, 0) == 0);
    CHECK(fstatat(12345, f, &st, 0) == 0);
    CHECK_ERR(fstatat(-1, "f", &st, 0), EBADF);
    CHECK_ERR(openat(12345, "f", O_RDONLY), EBADF);
    snprintf(f, sizeof(f), "%s/f", d2);
    fd = open(f, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
    CHECK_ERR(mkdirat(fd, "x", 0700), ENOTDIR);
    /* An empty path with AT_EMPTY_PATH on a file fd works for fstatat. */
    CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_ERR(fstatat(fd, "", &st, 0), ENOENT);
    close(fd);

    /* AT_FDCWD follows chdir. */
    char old[256];
    CHECK(getcwd(old, sizeof(old)) != NULL);
    CHECK(chdir(d2) == 0);
    CHECK(fstatat(AT_FDCWD, "f", &st, 0) == 0);
    CHECK(chdir(old) == 0);

    CHECK(unlinkat(dfd, "f", 0) == 0);
    CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(d2) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
