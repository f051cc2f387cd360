/* SPDX-License-Identifier: Apache-2.0 */
/* connect() to unix paths: a missing path is ENOENT, a bound but not listening socket or a
 * regular file ECONNREFUSED, a socket of another type EPROTOTYPE; a listening socket accepts and
 * a second connect on the connected socket is EISCONN. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

static char g_dir[64];

static void cleanup(void)
{
    char cmd[128];
    const char *names[] = { "listen", "bound", "dgram", "file" };
    for (size_t i = 0; i < 4; i++) {
        snprintf(cmd, sizeof(cmd), "%s/%s", g_dir, names[i]);
        unlink(cmd);
    }
    rmdir(g_dir);
}

static struct sockaddr_un addr_of(const char *name)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", g_dir, name);
    return sun;
}

int main(void)
{
    test_mkdtemp(g_dir);
    atexit(cleanup);
    struct sockaddr_un l = addr_of("listen"), b = addr_of("bound"), d = addr_of("dgram"),
                       f = addr_of("file"), m = addr_of("missing");

    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(ls >= 0);
    CHECK(bind(ls, (struct sockaddr *)&l, sizeof(l)) == 0);
    CHECK(listen(ls, 5) == 0);
    int bs = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(bs, (struct sockaddr *)&b, sizeof(b)) == 0);
    int ds = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(ds, (struct sockaddr *)&d, sizeof(d)) == 0);
    int ff = open(f.sun_path, O_CREAT | O_WRONLY, 0666);
    CHECK(ff >= 0);
    close(ff);

    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&m, sizeof(m)), ENOENT);
    CHECK_ERR(connect(c, (struct sockaddr *)&b, sizeof(b)), ECONNREFUSED);
    CHECK_ERR(connect(c, (struct sockaddr *)&f, sizeof(f)), ECONNREFUSED);
    CHECK_ERR(connect(c, (struct sockaddr *)&d, sizeof(d)), EPROTOTYPE);

    /* A dgram socket connecting to a stream listener: EPROTOTYPE too. */
    int dc = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(connect(dc, (struct sockaddr *)&l, sizeof(l)), EPROTOTYPE);
    CHECK_ERR(connect(dc, (struct sockaddr *)&m, sizeof(m)), ENOENT);
    CHECK(connect(dc, (struct sockaddr *)&d, sizeof(d)) == 0);
    /* A seqpacket socket to a stream listener. */
    int sc = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERR(connect(sc, (struct sockaddr *)&l, sizeof(l)), EPROTOTYPE);

    /* Failed connects leave the socket usable. */
    CHECK(connect(c, (struct sockaddr *)&l, sizeof(l)) == 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&l, sizeof(l)), EISCONN);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);
    CHECK_EQ(write(c, "q", 1), 1);
    char ch = 0;
    CHECK_EQ(read(a, &ch, 1), 1);
    CHECK_EQ(ch, 'q');

    /* connect on a listening socket: EINVAL. */
    CHECK_ERR(connect(ls, (struct sockaddr *)&l, sizeof(l)), EINVAL);
    close(a);
    close(c);
    close(dc);
    close(sc);
    close(ls);
    close(bs);
    close(ds);
    TEST_OK();
}
