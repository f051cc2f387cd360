/* SPDX-License-Identifier: Apache-2.0 */
/* In a sticky (01777) directory a user may create files and remove or rename its own, but not
 * other users' files (EPERM); without the sticky bit write permission on the directory is
 * enough; without write permission removal is EACCES. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

static int as_user(uid_t uid, int (*fn)(const char *), const char *arg)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(uid) != 0 || setuid(uid) != 0)
            _exit(100);
        if (fn(arg) == 0)
            _exit(0);
        _exit(errno);
    }
    int st = test_wait(pid);
    CHECK(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int create(const char *p)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int main(void)
{
    char dir[64], a[96], b[96];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 01777) == 0);
    snprintf(a, sizeof(a), "%s/of_1001", dir);
    snprintf(b, sizeof(b), "%s/of_1002", dir);
    CHECK_EQ(as_user(1001, create, a), 0);
    CHECK_EQ(as_user(1002, create, b), 0);
    struct stat st;
    CHECK(stat(a, &st) == 0);
    CHECK_EQ(st.st_uid, 1001);

    CHECK_EQ(as_user(1002, unlink, a), EPERM);
    CHECK_EQ(as_user(1001, unlink, a), 0);
    /* Root (CAP_FOWNER) may remove anything. */
    CHECK(unlink(b) == 0);

    /* Not sticky: any user with write permission may remove. */
    CHECK(chmod(dir, 0777) == 0);
    CHECK_EQ(as_user(1001, create, a), 0);
    CHECK_EQ(as_user(1002, unlink, a), 0);
    /* No write permission: EACCES. */
    CHECK_EQ(as_user(1001, create, a), 0);
    CHECK(chmod(dir, 0755) == 0);
    CHECK_EQ(as_user(1001, unlink, a), EACCES);
    CHECK_EQ(as_user(1001, create, b), EACCES);
    CHECK(unlink(a) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
