/* SPDX-License-Identifier: Apache-2.0 */
/* Names around accept(): the accepted socket's getsockname is the listener's path, its peer (an
 * unbound client) is unnamed (length 2), the client's peer is the listener's path; accept's
 * address argument gets the client's name, and a bound client shows its own path. */
#include "test.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static char g_dir[64];
static char g_srv[128], g_cli[128];

static void cleanup(void)
{
    unlink(g_srv);
    unlink(g_cli);
    rmdir(g_dir);
}

int main(void)
{
    test_mkdtemp(g_dir);
    atexit(cleanup);
    snprintf(g_srv, sizeof(g_srv), "%s/srv", g_dir);
    snprintf(g_cli, sizeof(g_cli), "%s/cli", g_dir);
    struct sockaddr_un srv = { .sun_family = AF_UNIX }, cli = { .sun_family = AF_UNIX };
    strcpy(srv.sun_path, g_srv);
    strcpy(cli.sun_path, g_cli);
    socklen_t srvlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(g_srv) + 1);
    socklen_t clilen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(g_cli) + 1);

    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&srv, sizeof(srv)) == 0);
    CHECK(listen(ls, 1) == 0);

    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    /* Not connected yet: ENOTCONN. */
    struct sockaddr_un got;
    socklen_t len = sizeof(got);
    CHECK_ERR(getpeername(c, (struct sockaddr *)&got, &len), ENOTCONN);
    CHECK(connect(c, (struct sockaddr *)&srv, sizeof(srv)) == 0);

    memset(&got, 0x7f, sizeof(got));
    len = sizeof(got);
    int a = accept(ls, (struct sockaddr *)&got, &len);
    CHECK(a >= 0);
    CHECK_EQ(len, sizeof(sa_family_t));
    CHECK_EQ(got.sun_family, AF_UNIX);

    len = sizeof(got);
    CHECK(getsockname(a, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, srvlen);
    CHECK(strcmp(got.sun_path, g_srv) == 0);
    len = sizeof(got);
    CHECK(getpeername(a, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, sizeof(sa_family_t));
    len = sizeof(got);
    CHECK(getpeername(c, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, srvlen);
    CHECK(strcmp(got.sun_path, g_srv) == 0);
    len = sizeof(got);
    CHECK(getsockname(c, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, sizeof(sa_family_t));
    /* The listener has no peer. */
    len = sizeof(got);
    CHECK_ERR(getpeername(ls, (struct sockaddr *)&got, &len), ENOTCONN);
    close(a);
    close(c);

    /* A client bound to its own path. */
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(c, (struct sockaddr *)&cli, clilen) == 0);
    CHECK(connect(c, (struct sockaddr *)&srv, srvlen) == 0);
    memset(&got, 0, sizeof(got));
    len = sizeof(got);
    a = accept(ls, (struct sockaddr *)&got, &len);
    CHECK(a >= 0);
    CHECK_EQ(len, clilen);
    CHECK(strcmp(got.sun_path, g_cli) == 0);
    len = sizeof(got);
    CHECK(getpeername(a, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, clilen);

    /* Nothing pending on a non-blocking listener: EAGAIN. */
    CHECK(fcntl(ls, F_SETFL, O_NONBLOCK) == 0);
    CHECK_ERR(accept(ls, NULL, NULL), EAGAIN);
    /* accept on a connected (non-listening) socket: EINVAL. */
    CHECK_ERR(accept(c, NULL, NULL), EINVAL);
    close(a);
    close(c);
    close(ls);
    TEST_OK();
}
