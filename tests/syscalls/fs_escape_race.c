/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A racing renamer cannot get an open out of a root (see fs_escape.h for the
 * two ways to run): one thread keeps swapping (RENAME_EXCHANGE) a directory
 * with a symlink that climbs far above the root and then names the marker's
 * directory, while another opens paths through that name. Each open fails or
 * reads the file inside, never the marker outside.
 */
#include "fs_escape.h"

#include <pthread.h>
#include <stdatomic.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif

static atomic_int g_stop;
static char g_a[512], g_b[512]; /* the two names swapped (the process's own paths) */

static void *renamer(void *arg)
{
    long *swaps = arg;

    while (!atomic_load(&g_stop)) {
        if (syscall(SYS_renameat2, AT_FDCWD, g_a, AT_FDCWD, g_b, RENAME_EXCHANGE) == 0)
            (*swaps)++;
    }
    return NULL;
}

static void write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
    close(fd);
}

int main(int argc, char **argv)
{
    struct escape_env env, *e = &env;
    char p[1024], t[1024];

    escape_setup(argc, argv, e);
    /* DIR/x: a directory holding "marker" (inside); DIR/y: a symlink climbing out. */
    char *slash = strrchr(e->marker, '/');
    CHECK(slash != NULL);
    snprintf(g_a, sizeof(g_a), "%s/x", e->real);
    snprintf(g_b, sizeof(g_b), "%s/y", e->real);
    CHECK(mkdir(g_a, 0755) == 0);
    snprintf(p, sizeof(p), "%s/marker", g_a);
    write_file(p, "inside\n");
    snprintf(t, sizeof(t), "../../../../../../../../../../../..%.*s", (int)(slash - e->marker),
             e->marker);
    CHECK(symlink(t, g_b) == 0);

    pthread_t th;
    long swaps = 0, inside = 0, failed = 0;
    CHECK(pthread_create(&th, NULL, renamer, &swaps) == 0);
    snprintf(p, sizeof(p), "%s/x/marker", e->dir);
    snprintf(t, sizeof(t), "%s/y/marker", e->dir);
    for (int i = 0; i < 4000; i++) {
        int fd = escape_open(e, i % 2 ? p : t, O_RDONLY);

        if (fd < 0) {
            failed++;
            continue;
        }
        if (escape_read_is_marker(fd)) {
            atomic_store(&g_stop, 1);
            fprintf(stderr, "FAIL: open %d read the file outside the root\n", i);
            exit(1);
        }
        inside++;
    }
    atomic_store(&g_stop, 1);
    CHECK(pthread_join(th, NULL) == 0);
    /* The race ran: both names were swapped and opens went both ways. */
    CHECK(swaps > 0);
    CHECK(inside > 0);
    CHECK(failed > 0);

    /* Whichever name the directory has now. */
    struct stat st;
    CHECK(lstat(g_a, &st) == 0);
    const char *d = S_ISDIR(st.st_mode) ? g_a : g_b;
    const char *s = S_ISDIR(st.st_mode) ? g_b : g_a;
    snprintf(p, sizeof(p), "%s/marker", d);
    CHECK(unlink(p) == 0);
    CHECK(rmdir(d) == 0);
    CHECK(unlink(s) == 0);
    escape_teardown(e);
    TEST_OK();
}
