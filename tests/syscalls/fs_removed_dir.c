/* SPDX-License-Identifier: Apache-2.0 */
/* A removed directory that is still open or is the cwd: getdents fails with ENOENT (it does not
 * just return zero entries), creating anything inside is ENOENT, "." still stats (nlink 0), and
 * ".." still reaches the old parent. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], sub[96], old[256];
    test_mkdtemp(dir);
    snprintf(sub, sizeof(sub), "%s/gone", dir);
    CHECK(mkdir(sub, 0700) == 0);
    CHECK(getcwd(old, sizeof(old)) != NULL);
    int dfd = open(sub, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(chdir(sub) == 0);
    CHECK(rmdir(sub) == 0);

    char buf[1024] __attribute__((aligned(8)));
    CHECK_ERR(syscall(SYS_getdents64, dfd, buf, sizeof(buf)), ENOENT);
    CHECK_ERR(open("new", O_WRONLY | O_CREAT, 0600), ENOENT);
    CHECK_ERR(mkdir("newdir", 0700), ENOENT);
    CHECK_ERR(symlink("x", "newlink"), ENOENT);
    CHECK_ERR(mknod("fifo", S_IFIFO | 0600, 0), ENOENT);
    struct stat st;
    CHECK(stat(".", &st) == 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK(S_ISDIR(st.st_mode));
    struct stat parent;
    CHECK(stat("..", &st) == 0);
    CHECK(stat(dir, &parent) == 0);
    CHECK_EQ(st.st_ino, parent.st_ino);
    /* "." needs no lookup, so it still opens. */
    int again = openat(dfd, ".", O_RDONLY | O_DIRECTORY);
    CHECK(again >= 0);
    CHECK_ERR(syscall(SYS_getdents64, again, buf, sizeof(buf)), ENOENT);
    close(again);
    CHECK_ERR(openat(dfd, "x", O_RDONLY), ENOENT);
    /* getcwd fails once the cwd is unlinked. */
    char cwd[256];
    CHECK(getcwd(cwd, sizeof(cwd)) == NULL);
    CHECK_EQ(errno, ENOENT);

    CHECK(chdir(old) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
