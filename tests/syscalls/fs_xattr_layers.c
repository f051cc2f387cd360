/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extended attributes in a directory given as argv[1] (a container's overlay
 * root, a bind mount) or in a new /tmp directory: a file that already has
 * user.host="image" (argv[1]/pre, made by the caller; made here otherwise)
 * shows it, keeps it when another attribute is set (a copy-up under an
 * overlay), and loses it to removexattr; set/get/list/remove round trips,
 * size 0 probes, ERANGE for small buffers, ENODATA, XATTR_CREATE and
 * XATTR_REPLACE, the l* calls on a symlink, and no "trusted.overlay." name
 * in any listing.
 */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

/* Whether `list` (n bytes) holds `name`; fails on a trusted.overlay.* entry. */
static int has_name(const char *list, long n, const char *name)
{
    int found = 0;

    for (long off = 0; off < n; off += (long)strlen(list + off) + 1) {
        CHECK(strncmp(list + off, "trusted.overlay.", 16) != 0);
        if (strcmp(list + off, name) == 0)
            found = 1;
    }
    return found;
}

int main(int argc, char **argv)
{
    char dir[256], pre[300], f[300], l[300], buf[128], list[1024];
    int made_dir = argc < 2;

    if (made_dir) {
        test_mkdtemp(dir);
        snprintf(pre, sizeof(pre), "%s/pre", dir);
        int fd = open(pre, O_RDWR | O_CREAT, 0644);
        CHECK(fd >= 0);
        CHECK(write(fd, "data", 4) == 4);
        close(fd);
        CHECK(setxattr(pre, "user.host", "image", 5, 0) == 0);
    } else {
        snprintf(dir, sizeof(dir), "%s", argv[1]);
        snprintf(pre, sizeof(pre), "%s/pre", dir);
    }
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(l, sizeof(l), "%s/l", dir);

    /* The attribute that came with the file. */
    CHECK_EQ(getxattr(pre, "user.host", NULL, 0), 5);
    CHECK_EQ(getxattr(pre, "user.host", buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "image", 5) == 0);
    CHECK_ERR(getxattr(pre, "user.host", buf, 4), ERANGE);
    long n = listxattr(pre, list, sizeof(list));
    CHECK(n > 0 && has_name(list, n, "user.host"));
    /* A change (a copy-up under an overlay) keeps it, and the file's data. */
    CHECK(setxattr(pre, "user.more", "1", 1, XATTR_CREATE) == 0);
    CHECK_EQ(getxattr(pre, "user.host", buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "image", 5) == 0);
    int fd = open(pre, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "data", 4) == 0);
    CHECK_EQ(fgetxattr(fd, "user.more", buf, sizeof(buf)), 1);
    close(fd);
    CHECK(removexattr(pre, "user.host") == 0);
    CHECK_ERR(getxattr(pre, "user.host", buf, sizeof(buf)), ENODATA);
    CHECK_ERR(removexattr(pre, "user.host"), ENODATA);
    CHECK(removexattr(pre, "user.more") == 0);
    n = listxattr(pre, list, sizeof(list));
    CHECK(n >= 0 && !has_name(list, n, "user.host") && !has_name(list, n, "user.more"));

    /* A new file: the round trip, probes, flags. */
    fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_ERR(fgetxattr(fd, "user.a", buf, sizeof(buf)), ENODATA);
    CHECK_ERR(setxattr(f, "user.a", "x", 1, XATTR_REPLACE), ENODATA);
    CHECK(setxattr(f, "user.a", "alpha", 5, XATTR_CREATE) == 0);
    CHECK_ERR(setxattr(f, "user.a", "x", 1, XATTR_CREATE), EEXIST);
    CHECK(fsetxattr(fd, "user.b", "", 0, 0) == 0);
    static char big[65536];
    memset(big, 'v', sizeof(big));
    CHECK(setxattr(f, "user.big", big, 4000, 0) == 0);
    CHECK_EQ(getxattr(f, "user.big", NULL, 0), 4000);
    static char got[65536];
    CHECK_EQ(getxattr(f, "user.big", got, sizeof(got)), 4000);
    CHECK(memcmp(got, big, 4000) == 0);
    CHECK_EQ(getxattr(f, "user.b", buf, sizeof(buf)), 0);
    CHECK(setxattr(f, "user.a", "beta", 4, XATTR_REPLACE) == 0);
    CHECK_EQ(getxattr(f, "user.a", buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "beta", 4) == 0);
    long want = (long)(sizeof("user.a") + sizeof("user.b") + sizeof("user.big"));
    n = flistxattr(fd, NULL, 0);
    CHECK(n >= want);
    CHECK_ERR(listxattr(f, list, (size_t)n - 1), ERANGE);
    CHECK_EQ(listxattr(f, list, sizeof(list)), n);
    CHECK(has_name(list, n, "user.a") && has_name(list, n, "user.b") &&
          has_name(list, n, "user.big"));
    CHECK(fremovexattr(fd, "user.big") == 0);
    CHECK_EQ(listxattr(f, NULL, 0), n - (long)sizeof("user.big"));
    close(fd);

    /* A symlink: l* act on the link, the others on its target. */
    unlink(l);
    CHECK(symlink("f", l) == 0);
    CHECK_ERR(lsetxattr(l, "user.x", "1", 1, 0), EPERM);
    CHECK_ERR(lgetxattr(l, "user.a", buf, sizeof(buf)), ENODATA);
    CHECK_ERR(lremovexattr(l, "user.a"), EPERM);
    n = llistxattr(l, list, sizeof(list));
    CHECK(n >= 0 && !has_name(list, n, "user.a"));
    CHECK_EQ(getxattr(l, "user.a", buf, sizeof(buf)), 4);
    CHECK(setxattr(l, "user.vialink", "L", 1, 0) == 0);
    CHECK_EQ(getxattr(f, "user.vialink", buf, sizeof(buf)), 1);
    if (test_has_cap(CAP_SYS_ADMIN)) {
        CHECK(lsetxattr(l, "trusted.onlink", "T", 1, 0) == 0);
        CHECK_EQ(lgetxattr(l, "trusted.onlink", buf, sizeof(buf)), 1);
        CHECK_ERR(getxattr(f, "trusted.onlink", buf, sizeof(buf)), ENODATA);
        CHECK(lremovexattr(l, "trusted.onlink") == 0);
    }
    /* The overlay's own names are not the application's. */
    CHECK(getxattr(f, "trusted.overlay.opaque", buf, sizeof(buf)) < 0);

    CHECK(unlink(l) == 0);
    CHECK(unlink(f) == 0);
    if (made_dir) {
        CHECK(unlink(pre) == 0);
        CHECK(rmdir(dir) == 0);
    }
    TEST_OK();
}
