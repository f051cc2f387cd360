/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A racing renamer cannot get an open out of a root: one thread keeps
 * swapping (RENAME_EXCHANGE) a directory with a symlink that climbs far
 * above the root and then names the marker, while another opens paths
 * through that name. Each open fails or reads the file inside, never the
 * marker outside. Run as `fs_escape_race MARKER DIR` in a container (the
 * container's root; MARKER a host path outside it, DIR writable inside), or
 * without arguments with a new directory as the root through
 * openat2(RESOLVE_IN_ROOT), the marker next to it.
 */
#include "test.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif

static int g_root = -1; /* RESOLVE_IN_ROOT's root, or -1: the process's own */
static atomic_int g_stop;
static char g_a[512], g_b[512]; /* the two names swapped (host-side paths) */

static int open_in(const char *path)
{
    if (g_root < 0)
        return open(path, O_RDONLY);
    struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT };
    return (int)syscall(SYS_openat2, g_root, path, &how, sizeof(how));
}

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
    char base[64] = "", marker[300], dir[300], real[300], p[1024], t[1024];

    if (argc == 3) {
        snprintf(marker, sizeof(marker), "%s", argv[1]);
        snprintf(dir, sizeof(dir), "%s", argv[2]);
        snprintf(real, sizeof(real), "%s", argv[2]);
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
        write_file(marker, "outside-the-root\n");
        snprintf(real, sizeof(real), "%s/root", base);
        CHECK(mkdir(real, 0755) == 0);
        g_root = open(real, O_PATH | O_DIRECTORY);
        CHECK(g_root >= 0);
        snprintf(dir, sizeof(dir), "/");
    }
    /* real/x: a directory holding "marker" (inside); real/y: a symlink climbing out. */
    char *slash = strrchr(marker, '/');
    CHECK(slash != NULL);
    snprintf(g_a, sizeof(g_a), "%s/x", real);
    snprintf(g_b, sizeof(g_b), "%s/y", real);
    CHECK(mkdir(g_a, 0755) == 0);
    snprintf(p, sizeof(p), "%s/marker", g_a);
    write_file(p, "inside\n");
    snprintf(t, sizeof(t), "../../../../../../../../../../../..%.*s", (int)(slash - marker),
             marker);
    CHECK(symlink(t, g_b) == 0);

    pthread_t th;
    long swaps = 0, inside = 0, failed = 0;
    CHECK(pthread_create(&th, NULL, renamer, &swaps) == 0);
    snprintf(p, sizeof(p), "%s/x/marker", strcmp(dir, "/") == 0 ? "" : dir);
    snprintf(t, sizeof(t), "%s/y/marker", strcmp(dir, "/") == 0 ? "" : dir);
    for (int i = 0; i < 4000; i++) {
        char buf[64] = "";
        int fd = open_in(i % 2 ? p : t);

        if (fd < 0) {
            failed++;
            continue;
        }
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0 && strstr(buf, "outside-the-root") != NULL) {
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
    if (argc != 3) {
        close(g_root);
        CHECK(rmdir(real) == 0);
        CHECK(unlink(marker) == 0);
        CHECK(rmdir(base) == 0);
    }
    TEST_OK();
}
