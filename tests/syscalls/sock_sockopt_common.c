/* SPDX-License-Identifier: Apache-2.0 */
/* Generic SOL_SOCKET options behave the same across families: SO_REUSEADDR, SO_KEEPALIVE and
 * SO_PASSCRED read back as 0/1, SO_RCVLOWAT defaults to 1 and round trips (0 becomes 1),
 * SO_PRIORITY round trips, SO_ERROR starts at 0, read-only options (SO_TYPE, SO_PROTOCOL,
 * SO_DOMAIN, SO_ACCEPTCONN, SO_PEERCRED) cannot be set. */
#include "test.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

static int get(int s, int opt)
{
    int v = -12345;
    socklen_t len = sizeof(v);
    CHECK(getsockopt(s, SOL_SOCKET, opt, &v, &len) == 0);
    return v;
}

int main(void)
{
    int fams[3][2] = { { AF_UNIX, SOCK_STREAM },
                       { AF_INET, SOCK_STREAM },
                       { AF_INET6, SOCK_DGRAM } };
    for (int i = 0; i < 3; i++) {
        int s = socket(fams[i][0], fams[i][1], 0);
        CHECK(s >= 0);
        int seven = 7, zero = 0;
        CHECK_EQ(get(s, SO_REUSEADDR), 0);
        CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &seven, sizeof(seven)) == 0);
        CHECK_EQ(get(s, SO_REUSEADDR), 1);
        CHECK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &seven, sizeof(seven)) == 0);
        CHECK_EQ(get(s, SO_KEEPALIVE), 1);
        CHECK_EQ(get(s, SO_RCVLOWAT), 1);
        CHECK(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &seven, sizeof(seven)) == 0);
        CHECK_EQ(get(s, SO_RCVLOWAT), 7);
        CHECK(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &zero, sizeof(zero)) == 0);
        CHECK_EQ(get(s, SO_RCVLOWAT), 1);
        int prio = 3;
        CHECK(setsockopt(s, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)) == 0);
        CHECK_EQ(get(s, SO_PRIORITY), 3);
        CHECK_EQ(get(s, SO_ERROR), 0);
        CHECK_EQ(get(s, SO_DOMAIN), fams[i][0]);
        int one = 1;
        CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_TYPE, &one, sizeof(one)), ENOPROTOOPT);
        CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_PROTOCOL, &one, sizeof(one)), ENOPROTOOPT);
        CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_DOMAIN, &one, sizeof(one)), ENOPROTOOPT);
        CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &one, sizeof(one)), ENOPROTOOPT);
        CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_PEERCRED, &one, sizeof(one)), ENOPROTOOPT);
        /* Negative option length: EINVAL. */
        socklen_t neg = (socklen_t)-1;
        int v;
        CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &neg), EINVAL);
        close(s);
    }
    TEST_OK();
}
