/* SPDX-License-Identifier: Apache-2.0 */
/* openat2 RESOLVE_BENEATH: paths that stay below dirfd open, while "..", absolute paths and
 * symlinks leaving the tree fail with EXDEV; struct open_how is validated (EINVAL, E2BIG). */
#include "test.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/stat.h>

static long openat2_(int dfd, const char *path, struct open_how *how, size_t size)
{
    return syscall(SYS_openat2, dfd, path, how, size);
}

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(mkdirat(dfd, "sub", 0700) == 0);
    int fd = openat(dfd, "sub/f", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK(symlinkat("../f", dfd, "sub/up") == 0);     /* stays inside dir (dir/f) */
    CHECK(symlinkat("/etc/passwd", dfd, "abs") == 0); /* absolute: escapes */
    CHECK(symlinkat("../..", dfd, "sub/out") == 0);   /* escapes */
    fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);

    struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
    long r = openat2_(dfd, "sub/f", &how, sizeof(how));
    CHECK(r >= 0);
    close((int)r);
    r = openat2_(dfd, "sub/../f", &how, sizeof(how));
    CHECK(r >= 0);
    close((int)r);
    r = openat2_(dfd, "sub/up", &how, sizeof(how));
    CHECK(r >= 0);
    close((int)r);
    CHECK_ERR(openat2_(dfd, "..", &how, sizeof(how)), EXDEV);
    CHECK_ERR(openat2_(dfd, "sub/../../x", &how, sizeof(how)), EXDEV);
    CHECK_ERR(openat2_(dfd, "/etc/passwd", &how, sizeof(how)), EXDEV);
    CHECK_ERR(openat2_(dfd, "abs", &how, sizeof(how)), EXDEV);
    CHECK_ERR(openat2_(dfd, "sub/out", &how, sizeof(how)), EXDEV);
    /* Missing files inside the tree are still ENOENT. */
    CHECK_ERR(openat2_(dfd, "sub/missing", &how, sizeof(how)), ENOENT);

    /* Validation of open_how. */
    struct open_how bad = { .flags = O_RDONLY, .resolve = 1ULL << 40 };
    CHECK_ERR(openat2_(dfd, "f", &bad, sizeof(bad)), EINVAL);
    bad = (struct open_how){ .flags = O_RDONLY, .mode = 0600 }; /* mode without O_CREAT */
    CHECK_ERR(openat2_(dfd, "f", &bad, sizeof(bad)), EINVAL);
    bad = (struct open_how){ .flags = 1ULL << 40 }; /* unknown open flag */
    CHECK_ERR(openat2_(dfd, "f", &bad, sizeof(bad)), EINVAL);
    bad = (struct open_how){ .flags = O_RDONLY, .resolve = RESOLVE_BENEATH | RESOLVE_IN_ROOT };
    CHECK_ERR(openat2_(dfd, "f", &bad, sizeof(bad)), EINVAL);
    CHECK_ERR(openat2_(dfd, "f", &how, 8), EINVAL); /* smaller than OPEN_HOW_SIZE_VER0 */
    struct {
        struct open_how h;
        uint64_t extra;
    } big = { .h = how, .extra = 1 };
    CHECK_ERR(openat2_(dfd, "f", &big.h, sizeof(big)), E2BIG);
    big.extra = 0; /* zero trailing bytes are accepted */
    r = openat2_(dfd, "f", &big.h, sizeof(big));
    CHECK(r >= 0);
    close((int)r);

    unlinkat(dfd, "sub/up", 0);
    unlinkat(dfd, "sub/out", 0);
    unlinkat(dfd, "abs", 0);
    unlinkat(dfd, "sub/f", 0);
    unlinkat(dfd, "f", 0);
    CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
