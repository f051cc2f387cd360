/* SPDX-License-Identifier: Apache-2.0 */
/* Symlink resolution: a loop gives ELOOP, a chain of 40 links resolves while 41 is ELOOP
 * (MAXSYMLINKS), a self-link is ELOOP, and lstat/readlink/unlink work on looping links. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], name[32], target[32];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);

    CHECK(symlinkat("b", dfd, "a") == 0);
    CHECK(symlinkat("a", dfd, "b") == 0);
    CHECK(symlinkat("self", dfd, "self") == 0);
    CHECK_ERR(openat(dfd, "a", O_RDONLY), ELOOP);
    CHECK_ERR(openat(dfd, "a/x", O_RDONLY), ELOOP);
    CHECK_ERR(openat(dfd, "self", O_RDONLY | O_CREAT, 0600), ELOOP);
    struct stat st;
    CHECK_ERR(fstatat(dfd, "b", &st, 0), ELOOP);
    CHECK(fstatat(dfd, "b", &st, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(S_ISLNK(st.st_mode));
    char buf[8];
    CHECK_EQ(readlinkat(dfd, "a", buf, sizeof(buf)), 1);
    CHECK_ERR(mkdirat(dfd, "a/sub", 0700), ELOOP);

    /* A chain l0 -> l1 -> ... -> l40 -> file: 40 traversals from l0 are allowed. */
    int fd = openat(dfd, "file", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    for (int i = 0; i <= 40; i++) {
        snprintf(name, sizeof(name), "l%d", i);
        if (i == 40)
            snprintf(target, sizeof(target), "file");
        else
            snprintf(target, sizeof(target), "l%d", i + 1);
        CHECK(symlinkat(target, dfd, name) == 0);
    }
    fd = openat(dfd, "l1", O_RDONLY); /* 40 links */
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(openat(dfd, "l0", O_RDONLY), ELOOP); /* 41 links */
    CHECK_ERR(fstatat(dfd, "l0", &st, 0), ELOOP);

    for (int i = 0; i <= 40; i++) {
        snprintf(name, sizeof(name), "l%d", i);
        CHECK(unlinkat(dfd, name, 0) == 0);
    }
    CHECK(unlinkat(dfd, "file", 0) == 0);
    CHECK(unlinkat(dfd, "a", 0) == 0);
    CHECK(unlinkat(dfd, "b", 0) == 0);
    CHECK(unlinkat(dfd, "self", 0) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
