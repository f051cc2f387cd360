/* SPDX-License-Identifier: Apache-2.0 */
/* Garbage unix addresses: a wrong family is EINVAL for bind and connect, a length below
 * sizeof(sa_family_t) EINVAL, a length above sizeof(struct sockaddr_un) EINVAL, a bad pointer
 * EFAULT; a sun_path filling all 108 bytes without a NUL is accepted and used as is. */
#include "test.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static char g_path[200];
static char g_dir[64];

static void cleanup(void)
{
    if (g_path[0])
        unlink(g_path);
    rmdir(g_dir);
}

int main(void)
{
    test_mkdtemp(g_dir);
    atexit(cleanup);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = { .sun_family = AF_INET };
    strcpy(sun.sun_path, "x");
    CHECK_ERR(bind(s, (struct sockaddr *)&sun, sizeof(sun)), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr *)&sun, sizeof(sun)), EINVAL);
    sun.sun_family = AF_UNIX;
    CHECK_ERR(bind(s, (struct sockaddr *)&sun, 1), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)&sun, 0), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr *)&sun, 1), EINVAL);
    /* Exactly the family: connect has no name to look up. */
    CHECK_ERR(connect(s, (struct sockaddr *)&sun, sizeof(sa_family_t)), EINVAL);
    char big[sizeof(struct sockaddr_un) + 8];
    memset(big, 0, sizeof(big));
    ((struct sockaddr_un *)big)->sun_family = AF_UNIX;
    CHECK_ERR(bind(s, (struct sockaddr *)big, sizeof(struct sockaddr_un) + 1), EINVAL);
    /* Beyond sockaddr_storage the generic layer refuses too. */
    CHECK_ERR(bind(s, (struct sockaddr *)big, 4096), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)8, sizeof(sun)), EFAULT);
    CHECK_ERR(bind(s, (struct sockaddr *)&sun, (socklen_t)-1), EINVAL);

    /* A 108-byte unterminated path: the kernel terminates its own copy. Build a path of
     * exactly 108 characters inside our directory. */
    size_t dl = strlen(g_dir);
    memset(g_path, 0, sizeof(g_path));
    memcpy(g_path, g_dir, dl);
    g_path[dl] = '/';
    memset(g_path + dl + 1, 'p', sizeof(sun.sun_path) - dl - 1);
    CHECK_EQ(strlen(g_path), sizeof(sun.sun_path));
    memcpy(sun.sun_path, g_path, sizeof(sun.sun_path));
    CHECK(bind(s, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    struct stat st;
    CHECK(stat(g_path, &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));

    /* getsockname reports the full struct plus the terminator it would need. */
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len = sizeof(ss);
    CHECK(getsockname(s, (struct sockaddr *)&ss, &len) == 0);
    CHECK_EQ(len, sizeof(struct sockaddr_un) + 1);
    CHECK(memcmp(((struct sockaddr_un *)&ss)->sun_path, g_path, sizeof(sun.sun_path)) == 0);

    /* Connecting with the same unterminated name works. */
    CHECK(listen(s, 1) == 0);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    close(c);
    close(s);
    TEST_OK();
}
