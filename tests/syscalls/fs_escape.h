/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The setting of the fs_escape_* tests: a root, a marker file outside it and
 * a writable directory inside it.
 * - `PROG MARKER DIR` in a container: the container's root; MARKER is a host
 *   path outside it, DIR a writable directory inside.
 * - `PROG` natively and under `runsc-c do`: BASE/root is the root, entered
 *   through openat2(RESOLVE_IN_ROOT), which clamps ".." and absolute
 *   symlinks there as a chroot would; BASE/marker is outside, DIR is
 *   /dir (BASE/root/dir). Where RESOLVE_IN_ROOT is missing (the sentry has
 *   no RESOLVE_* yet) there is no second root to escape from: the test
 *   says SKIP and passes, and the container run is the test.
 */
#pragma once

#include "test.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

struct escape_env {
    char base[64]; /* "" in a container */
    char marker[300];
    char dir[300];  /* DIR as opened through escape_open */
    char real[300]; /* DIR as the process's own calls name it */
    int root;       /* RESOLVE_IN_ROOT's root, or -1: the process's own */
};

/* Opens `path` in the root. Returns the fd or -1. */
static inline int escape_open(const struct escape_env *e, const char *path, int flags)
{
    if (e->root < 0)
        return open(path, flags);
    struct open_how how = { .flags = (unsigned long long)flags, .resolve = RESOLVE_IN_ROOT };
    return (int)syscall(SYS_openat2, e->root, path, &how, sizeof(how));
}

/* Whether `fd` (closed here) reads the marker's bytes. */
static inline int escape_read_is_marker(int fd)
{
    char buf[64] = "";
    ssize_t n = read(fd, buf, sizeof(buf) - 1);

    close(fd);
    return n > 0 && strstr(buf, "outside-the-root") != NULL;
}

static inline void escape_setup(int argc, char **argv, struct escape_env *e)
{
    char p[400];

    memset(e, 0, sizeof(*e));
    e->root = -1;
    if (argc == 3) {
        snprintf(e->marker, sizeof(e->marker), "%s", argv[1]);
        snprintf(e->dir, sizeof(e->dir), "%s", argv[2]);
        snprintf(e->real, sizeof(e->real), "%s", argv[2]);
        return;
    }
    test_mkdtemp(e->base);
    e->root = open(e->base, O_PATH | O_DIRECTORY);
    CHECK(e->root >= 0);
    int probe = escape_open(e, ".", O_RDONLY | O_DIRECTORY);
    close(e->root);
    if (probe < 0) {
        fprintf(stderr, "SKIP: openat2 RESOLVE_IN_ROOT is not supported here\n");
        CHECK(rmdir(e->base) == 0);
        TEST_OK();
    }
    close(probe);
    snprintf(e->marker, sizeof(e->marker), "%s/marker", e->base);
    int fd = open(e->marker, O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "outside-the-root\n", 17) == 17);
    close(fd);
    snprintf(p, sizeof(p), "%s/root", e->base);
    CHECK(mkdir(p, 0755) == 0);
    snprintf(e->real, sizeof(e->real), "%s/root/dir", e->base);
    CHECK(mkdir(e->real, 0755) == 0);
    snprintf(e->dir, sizeof(e->dir), "/dir");
    /* Without RESOLVE_IN_ROOT ".." does lead to the marker: what the tests refuse. */
    fd = open(e->real, O_PATH | O_DIRECTORY);
    CHECK(fd >= 0);
    int m = openat(fd, "../../marker", O_RDONLY);
    CHECK(m >= 0 && escape_read_is_marker(m));
    close(fd);
    e->root = open(p, O_PATH | O_DIRECTORY);
    CHECK(e->root >= 0);
}

static inline void escape_teardown(struct escape_env *e)
{
    char p[400];

    if (e->base[0] == '\0')
        return;
    close(e->root);
    CHECK(rmdir(e->real) == 0);
    snprintf(p, sizeof(p), "%s/root", e->base);
    CHECK(rmdir(p) == 0);
    CHECK(unlink(e->marker) == 0);
    CHECK(rmdir(e->base) == 0);
}
