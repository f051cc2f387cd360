/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Symlinks and ".." never lead out of a root. Two ways to run:
 * - `fs_escape_paths MARKER DIR` in a container: MARKER is a host path
 *   outside the container's root, DIR a writable directory inside; the root
 *   is the container's own.
 * - without arguments (natively and under `runsc-c do`): a new directory
 *   is the root, entered with openat2(RESOLVE_IN_ROOT), which clamps ".."
 *   and absolute symlinks there as a chroot would; the marker sits next to it.
 * Every attempt must fail or read something other than the marker's bytes:
 * "..", "/..", absolute and relative symlinks, a symlink to a directory
 * followed by "..", symlink chains.
 */
#include "test.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

static const char g_secret[] = "outside-the-root\n";
static int g_root = -1; /* the root for RESOLVE_IN_ROOT, or -1: the process's own */

/* Opens `path` in the root; returns the fd or -1. */
static int open_in(const char *path, int flags)
{
    if (g_root < 0)
        return open(path, flags);
    struct open_how how = { .flags = (unsigned long long)flags, .resolve = RESOLVE_IN_ROOT };
    return (int)syscall(SYS_openat2, g_root, path, &how, sizeof(how));
}

/* Fails when `path` opens and reads the marker's bytes. */
static void check_no_escape(const char *path)
{
    char buf[64] = "";
    int fd = open_in(path, O_RDONLY);

    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n > 0 && strstr(buf, "outside-the-root") != NULL) {
        fprintf(stderr, "FAIL: %s read the file outside the root\n", path);
        exit(1);
    }
}

/* Whether openat2(RESOLVE_IN_ROOT) works (the sentry does not have RESOLVE_* yet). */
static int has_resolve_in_root(void)
{
    struct open_how how = { .flags = O_RDONLY | O_DIRECTORY, .resolve = RESOLVE_IN_ROOT };
    int fd = (int)syscall(SYS_openat2, g_root, ".", &how, sizeof(how));

    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

int main(int argc, char **argv)
{
    char base[64], marker[300], dir[300], p[1024], l[1024];

    if (argc == 3) {
        snprintf(marker, sizeof(marker), "%s", argv[1]);
        snprintf(dir, sizeof(dir), "%s", argv[2]);
    } else {
        test_mkdtemp(base);
        g_root = open(base, O_PATH | O_DIRECTORY);
        CHECK(g_root >= 0);
        if (!has_resolve_in_root()) {
            /* No other root to escape from here: the container run (MARKER DIR) is the test. */
            fprintf(stderr, "SKIP: openat2 RESOLVE_IN_ROOT is not supported here\n");
            CHECK(rmdir(base) == 0);
            TEST_OK();
        }
        close(g_root);
        snprintf(marker, sizeof(marker), "%s/marker", base);
        int fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0644);
        CHECK(fd >= 0);
        CHECK(write(fd, g_secret, strlen(g_secret)) == (ssize_t)strlen(g_secret));
        close(fd);
        snprintf(p, sizeof(p), "%s/root", base);
        CHECK(mkdir(p, 0755) == 0);
        snprintf(p, sizeof(p), "%s/root/dir", base);
        CHECK(mkdir(p, 0755) == 0);
        g_root = open(base, O_PATH | O_DIRECTORY);
        CHECK(g_root >= 0);
        /* Without RESOLVE_IN_ROOT ".." does lead to the marker: what the checks below refuse. */
        int m = openat(g_root, "root/dir/../../marker", O_RDONLY);
        CHECK(m >= 0);
        close(m);
        close(g_root);
        snprintf(p, sizeof(p), "%s/root", base);
        g_root = open(p, O_PATH | O_DIRECTORY);
        CHECK(g_root >= 0);
        snprintf(dir, sizeof(dir), "/dir");
    }
    /* Symlinks made in DIR (inside the root; the real path is under base/root in the native case).
     */
    char real_dir[400];
    if (argc == 3)
        snprintf(real_dir, sizeof(real_dir), "%s", dir);
    else
        snprintf(real_dir, sizeof(real_dir), "%s/root/dir", base);
    struct {
        const char *name;
        char target[400];
    } links[] = {
        { "abs", "" },   { "up", "" },       { "top", "../../../../../../../../../../.." },
        { "root", "/" }, { "chain", "top" }, { "etc", "/etc" },
    };
    snprintf(links[0].target, sizeof(links[0].target), "%s", marker);
    snprintf(links[1].target, sizeof(links[1].target), "../../../../../../../../..%s", marker);
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        snprintf(l, sizeof(l), "%s/%s", real_dir, links[i].name);
        unlink(l);
        CHECK(symlink(links[i].target, l) == 0);
    }
    const char *tries[] = {
        "%s/abs",           "%s/up",          "%s/top%s", "%s/root/..%s",      "%s/chain%s",
        "%s/../../../..%s", "/../../../..%s", "..%s",     "%s/etc/../../..%s", "%s/top/..%s",
    };
    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        if (strncmp(tries[i], "%s", 2) == 0)
            snprintf(p, sizeof(p), tries[i], dir, marker);
        else
            snprintf(p, sizeof(p), tries[i], marker);
        check_no_escape(p);
    }
    /* The links still work inside: "root" is the root, "top" clamps there. */
    snprintf(p, sizeof(p), "%s/root%s", dir, dir);
    int fd = open_in(p, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        snprintf(l, sizeof(l), "%s/%s", real_dir, links[i].name);
        CHECK(unlink(l) == 0);
    }
    if (argc != 3) {
        close(g_root);
        snprintf(p, sizeof(p), "%s/root/dir", base);
        CHECK(rmdir(p) == 0);
        snprintf(p, sizeof(p), "%s/root", base);
        CHECK(rmdir(p) == 0);
        CHECK(unlink(marker) == 0);
        CHECK(rmdir(base) == 0);
    }
    TEST_OK();
}
