/* SPDX-License-Identifier: Apache-2.0 */
/* ".." at the root is the root itself; "/..", "/../..", "//" and "/./" all name "/"; a
 * directory's ".." is its parent; the root cannot be removed or renamed. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

static void same(const char *a, const char *b)
{
    struct stat sa, sb;
    CHECK(stat(a, &sa) == 0);
    CHECK(stat(b, &sb) == 0);
    if (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev) {
        fprintf(stderr, "FAIL: %s and %s differ\n", a, b);
        exit(1);
    }
}

int main(void)
{
    same("/", "/..");
    same("/", "/../../..");
    same("/", "//");
    same("/", "/./.");
    same("/tmp", "/tmp/../tmp");
    same("/", "/tmp/..");

    char dir[64], sub[96], dd[128];
    test_mkdtemp(dir);
    snprintf(sub, sizeof(sub), "%s/s", dir);
    CHECK(mkdir(sub, 0700) == 0);
    snprintf(dd, sizeof(dd), "%s/s/..", dir);
    same(dir, dd);

    char old[256];
    CHECK(getcwd(old, sizeof(old)) != NULL);
    CHECK(chdir("/") == 0);
    CHECK(chdir("..") == 0);
    char cwd[16];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    CHECK(strcmp(cwd, "/") == 0);
    int fd = open("..", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    struct stat st, root;
    CHECK(fstat(fd, &st) == 0);
    CHECK(stat("/", &root) == 0);
    CHECK(st.st_ino == root.st_ino);
    close(fd);
    CHECK(chdir(old) == 0);

    CHECK_ERR(rmdir("/"), EBUSY);
    /* The target must be on the same mount as "/", or the mount check (EXDEV) comes first. */
    CHECK_ERR(rename("/", "/systest-no-such-name"), EBUSY);
    CHECK_ERR(rmdir("/.."), ENOTEMPTY);

    CHECK(rmdir(sub) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
