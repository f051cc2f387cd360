/* SPDX-License-Identifier: Apache-2.0 */
/* Extended attributes on a /tmp file: user.* set/get/list/remove round-trip, a zero size asks
 * for the length, a small buffer is ERANGE, a missing name ENODATA, XATTR_CREATE on an existing
 * name EEXIST and XATTR_REPLACE on a missing one ENODATA, unknown namespaces EOPNOTSUPP, and
 * trusted.* works for root (CAP_SYS_ADMIN). */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);

    CHECK_ERR(getxattr(f, "user.a", NULL, 0), ENODATA);
    CHECK(setxattr(f, "user.a", "value-a", 7, 0) == 0);
    CHECK(fsetxattr(fd, "user.bb", "", 0, XATTR_CREATE) == 0); /* empty value */
    CHECK_EQ(getxattr(f, "user.a", NULL, 0), 7);
    char buf[64];
    CHECK_EQ(getxattr(f, "user.a", buf, sizeof(buf)), 7);
    CHECK(memcmp(buf, "value-a", 7) == 0);
    CHECK_EQ(fgetxattr(fd, "user.bb", buf, sizeof(buf)), 0);
    CHECK_ERR(getxattr(f, "user.a", buf, 3), ERANGE);

    CHECK_ERR(setxattr(f, "user.a", "x", 1, XATTR_CREATE), EEXIST);
    CHECK_ERR(setxattr(f, "user.zz", "x", 1, XATTR_REPLACE), ENODATA);
    CHECK(setxattr(f, "user.a", "new", 3, XATTR_REPLACE) == 0);
    CHECK_EQ(getxattr(f, "user.a", buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "new", 3) == 0);
    /* Both flags together are not rejected: each is checked on its own. */
    CHECK_ERR(setxattr(f, "user.a", "x", 1, XATTR_CREATE | XATTR_REPLACE), EEXIST);
    CHECK_ERR(setxattr(f, "user.none", "x", 1, XATTR_CREATE | XATTR_REPLACE), ENODATA);
    CHECK_ERR(setxattr(f, "user.a", "x", 1, 0x10), EINVAL);

    /* listxattr: NUL-separated names (order is filesystem specific). */
    long n = listxattr(f, NULL, 0);
    CHECK(n >= (long)sizeof("user.a") + (long)sizeof("user.bb"));
    char list[256];
    long m = listxattr(f, list, sizeof(list));
    CHECK_EQ(m, n);
    int have_a = 0, have_bb = 0;
    for (long off = 0; off < m; off += (long)strlen(list + off) + 1) {
        if (!strcmp(list + off, "user.a"))
            have_a = 1;
        if (!strcmp(list + off, "user.bb"))
            have_bb = 1;
    }
    CHECK(have_a && have_bb);
    CHECK_ERR(listxattr(f, list, 3), ERANGE);
    CHECK_EQ(flistxattr(fd, list, sizeof(list)), n);

    CHECK(removexattr(f, "user.a") == 0);
    CHECK_ERR(removexattr(f, "user.a"), ENODATA);
    CHECK_ERR(getxattr(f, "user.a", buf, sizeof(buf)), ENODATA);
    CHECK(fremovexattr(fd, "user.bb") == 0);

    CHECK_ERR(setxattr(f, "bogus.a", "x", 1, 0), EOPNOTSUPP);
    CHECK_ERR(getxattr(f, "bogus.a", buf, sizeof(buf)), EOPNOTSUPP);
    CHECK_ERR(setxattr(f, "user.", "x", 1, 0), EINVAL); /* empty name after the prefix */
    CHECK_ERR(setxattr(f, "", "x", 1, 0), ERANGE);      /* empty name */
    char longname[300];
    memset(longname, 'n', sizeof(longname));
    memcpy(longname, "user.", 5);
    longname[299] = 0;
    CHECK_ERR(setxattr(f, longname, "x", 1, 0), ERANGE);
    CHECK_ERR(setxattr("/nonexistent/x", "user.a", "x", 1, 0), ENOENT);

    if (test_has_cap(CAP_SYS_ADMIN)) {
        CHECK(setxattr(f, "trusted.t", "tv", 2, 0) == 0);
        CHECK_EQ(getxattr(f, "trusted.t", buf, sizeof(buf)), 2);
        CHECK(removexattr(f, "trusted.t") == 0);
    }
    /* An unprivileged user cannot see or set trusted.*; user.* needs write permission. */
    CHECK(chmod(dir, 0755) == 0);
    CHECK(chmod(f, 0644) == 0);
    CHECK(setxattr(f, "user.r", "1", 1, 0) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char b[8];
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (getxattr(f, "user.r", b, sizeof(b)) != 1)
            _exit(3);
        if (setxattr(f, "user.r", "2", 1, 0) == 0 || errno != EACCES)
            _exit(4);
        if (setxattr(f, "trusted.x", "2", 1, 0) == 0 || errno != EPERM)
            _exit(5);
        _exit(0);
    }
    test_wait_exit(pid, 0);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
