/* SPDX-License-Identifier: Apache-2.0 */
/* Autobind: bind() with only sun_family gives an abstract name of five lowercase hex digits
 * (address length 8); autobinding again succeeds and keeps the name, a named bind then is EINVAL;
 * other sockets get other names; SO_PASSCRED senders autobind, listen() does not. */
#include "test.h"

#include <ctype.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static void check_autoname(int s, struct sockaddr_un *out)
{
    socklen_t len = sizeof(*out);
    memset(out, 0x33, sizeof(*out));
    CHECK(getsockname(s, (struct sockaddr *)out, &len) == 0);
    CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
    CHECK_EQ(out->sun_family, AF_UNIX);
    CHECK_EQ(out->sun_path[0], 0);
    for (int i = 1; i <= 5; i++)
        CHECK(isxdigit((unsigned char)out->sun_path[i]) &&
              !isupper((unsigned char)out->sun_path[i]));
}

int main(void)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int s1 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(s1, (struct sockaddr *)&sun, sizeof(sa_family_t)) == 0);
    struct sockaddr_un n1, n2;
    check_autoname(s1, &n1);
    /* Autobinding an already bound socket succeeds and keeps the name. */
    CHECK(bind(s1, (struct sockaddr *)&sun, sizeof(sa_family_t)) == 0);
    check_autoname(s1, &n2);
    CHECK(memcmp(n1.sun_path, n2.sun_path, 6) == 0);
    /* Binding it to a real name now is EINVAL. */
    struct sockaddr_un named = { .sun_family = AF_UNIX };
    snprintf(named.sun_path + 1, sizeof(named.sun_path) - 1, "corpus3-autobind-%d", (int)getpid());
    CHECK_ERR(bind(s1, (struct sockaddr *)&named, sizeof(named)), EINVAL);

    int s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(s2, (struct sockaddr *)&sun, sizeof(sa_family_t)) == 0);
    check_autoname(s2, &n2);
    CHECK(memcmp(n1.sun_path, n2.sun_path, 6) != 0);

    /* The autobound name is a real abstract address. */
    CHECK(listen(s1, 1) == 0);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&n1, offsetof(struct sockaddr_un, sun_path) + 6) == 0);
    int a = accept(s1, NULL, NULL);
    CHECK(a >= 0);

    /* listen() on an unbound stream socket does not autobind: EINVAL. */
    int s3 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(listen(s3, 1), EINVAL);

    /* A dgram socket with SO_PASSCRED autobinds when it sends. */
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int one = 1;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
    struct sockaddr_un n4;
    socklen_t len = sizeof(n4);
    CHECK(getsockname(sv[0], (struct sockaddr *)&n4, &len) == 0);
    CHECK_EQ(len, sizeof(sa_family_t));
    CHECK_EQ(send(sv[0], "x", 1, 0), 1);
    check_autoname(sv[0], &n4);

    close(sv[0]);
    close(sv[1]);
    close(a);
    close(c);
    close(s1);
    close(s2);
    close(s3);
    TEST_OK();
}
