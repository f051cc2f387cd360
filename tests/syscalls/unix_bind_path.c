/* SPDX-License-Identifier: Apache-2.0 */
/* Binding a unix socket to a path creates a socket inode there; binding to an existing path is
 * EADDRINUSE, binding an already bound socket elsewhere EINVAL, and getsockname returns the path
 * with length offsetof(sun_path) + strlen + 1. After unlink the path can be bound again. */
#include "test.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static char g_dir[64];
static char g_path[128];

static void cleanup(void)
{
    unlink(g_path);
    rmdir(g_dir);
}

int main(void)
{
    test_mkdtemp(g_dir);
    atexit(cleanup);
    snprintf(g_path, sizeof(g_path), "%s/sock", g_dir);

    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    strcpy(sun.sun_path, g_path);
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(g_path) + 1);

    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(s >= 0);
    CHECK(bind(s, (struct sockaddr *)&sun, alen) == 0);

    struct stat st;
    CHECK(stat(g_path, &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));

    struct sockaddr_un got;
    memset(&got, 0, sizeof(got));
    socklen_t len = sizeof(got);
    CHECK(getsockname(s, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, alen);
    CHECK(strcmp(got.sun_path, g_path) == 0);

    /* A short buffer gets a truncated copy and the full length. */
    len = 4;
    memset(&got, 0, sizeof(got));
    CHECK(getsockname(s, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, alen);
    CHECK_EQ(got.sun_family, AF_UNIX);
    CHECK_EQ(got.sun_path[0], g_path[0]);
    CHECK_EQ(got.sun_path[2], 0);

    /* Binding a bound socket again: to its own (existing) path EADDRINUSE, since the inode is
     * created first; to a fresh path EINVAL, and no file is left behind. */
    CHECK_ERR(bind(s, (struct sockaddr *)&sun, alen), EADDRINUSE);
    struct sockaddr_un fresh = { .sun_family = AF_UNIX };
    snprintf(fresh.sun_path, sizeof(fresh.sun_path), "%s/fresh", g_dir);
    CHECK_ERR(bind(s, (struct sockaddr *)&fresh, sizeof(fresh)), EINVAL);
    CHECK_ERR(stat(fresh.sun_path, &st), ENOENT);

    /* Another socket on the same path: EADDRINUSE (also for a dgram socket). */
    int s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(s2 >= 0);
    CHECK_ERR(bind(s2, (struct sockaddr *)&sun, alen), EADDRINUSE);

    /* A length without the terminating NUL names the same path. */
    CHECK_ERR(bind(s2, (struct sockaddr *)&sun, alen - 1), EADDRINUSE);

    /* Binding inside a missing directory: ENOENT. */
    struct sockaddr_un bad = { .sun_family = AF_UNIX };
    snprintf(bad.sun_path, sizeof(bad.sun_path), "%s/nodir/s", g_dir);
    CHECK_ERR(bind(s2, (struct sockaddr *)&bad, sizeof(bad)), ENOENT);

    /* Closing does not remove the inode; after unlink the name is free again. */
    close(s);
    CHECK(stat(g_path, &st) == 0);
    CHECK_ERR(bind(s2, (struct sockaddr *)&sun, alen), EADDRINUSE);
    CHECK(unlink(g_path) == 0);
    CHECK(bind(s2, (struct sockaddr *)&sun, alen) == 0);
    CHECK(stat(g_path, &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    close(s2);
    TEST_OK();
}
