/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Symlinks and ".." never lead out of a root (see fs_escape.h for the two
 * ways to run): "..", "/..", absolute and relative symlinks, a symlink to a
 * directory followed by "..", symlink chains each fail or read something
 * other than the marker outside.
 */
#include "fs_escape.h"

static struct escape_env g_env;

/* Fails when `path` opens and reads the marker's bytes. */
static void check_no_escape(const char *path)
{
    int fd = escape_open(&g_env, path, O_RDONLY);

    if (fd >= 0 && escape_read_is_marker(fd)) {
        fprintf(stderr, "FAIL: %s read the file outside the root\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct escape_env *e = &g_env;
    char p[2048], l[2048];

    escape_setup(argc, argv, e);
    struct {
        const char *name;
        char target[1024];
    } links[] = {
        { "abs", "" },   { "up", "" },       { "top", "../../../../../../../../../../.." },
        { "root", "/" }, { "chain", "top" }, { "etc", "/etc" },
    };
    snprintf(links[0].target, sizeof(links[0].target), "%s", e->marker);
    snprintf(links[1].target, sizeof(links[1].target), "../../../../../../../../..%s", e->marker);
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        snprintf(l, sizeof(l), "%s/%s", e->real, links[i].name);
        unlink(l);
        CHECK(symlink(links[i].target, l) == 0);
    }
    const char *tries[] = {
        "%s/abs",           "%s/up",          "%s/top%s", "%s/root/..%s",      "%s/chain%s",
        "%s/../../../..%s", "/../../../..%s", "..%s",     "%s/etc/../../..%s", "%s/top/..%s",
    };
    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        if (strncmp(tries[i], "%s", 2) == 0)
            snprintf(p, sizeof(p), tries[i], e->dir, e->marker);
        else
            snprintf(p, sizeof(p), tries[i], e->marker);
        check_no_escape(p);
    }
    /* The links still work inside: "root" is the root, "top" clamps there. */
    snprintf(p, sizeof(p), "%s/root%s", e->dir, e->dir);
    int fd = escape_open(e, p, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        snprintf(l, sizeof(l), "%s/%s", e->real, links[i].name);
        CHECK(unlink(l) == 0);
    }
    escape_teardown(e);
    TEST_OK();
}
