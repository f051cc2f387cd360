/* SPDX-License-Identifier: Apache-2.0 */
/* TCP socket options: TCP_NODELAY, TCP_CORK, SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT
 * defaults from sysctl, round trips, and range checks (EINVAL for 0 and above the maximum). */
#include "test.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int get(int s, int level, int opt)
{
    int v = -12345;
    socklen_t len = sizeof(v);
    CHECK(getsockopt(s, level, opt, &v, &len) == 0);
    CHECK_EQ(len, sizeof(int));
    return v;
}

static void set(int s, int level, int opt, int v)
{
    CHECK(setsockopt(s, level, opt, &v, sizeof(v)) == 0);
}

static int sysctl_int(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int v = 0;
    CHECK_EQ(fscanf(f, "%d", &v), 1);
    fclose(f);
    return v;
}

int main(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_NODELAY), 0);
    set(s, IPPROTO_TCP, TCP_NODELAY, 1);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_NODELAY), 1);
    /* Any nonzero value reads back as 1. */
    set(s, IPPROTO_TCP, TCP_NODELAY, 42);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_NODELAY), 1);
    set(s, IPPROTO_TCP, TCP_NODELAY, 0);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_NODELAY), 0);

    CHECK_EQ(get(s, IPPROTO_TCP, TCP_CORK), 0);
    set(s, IPPROTO_TCP, TCP_CORK, 1);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_CORK), 1);
    set(s, IPPROTO_TCP, TCP_CORK, 0);

    CHECK_EQ(get(s, SOL_SOCKET, SO_KEEPALIVE), 0);
    set(s, SOL_SOCKET, SO_KEEPALIVE, 1);
    CHECK_EQ(get(s, SOL_SOCKET, SO_KEEPALIVE), 1);

    CHECK_EQ(get(s, IPPROTO_TCP, TCP_KEEPIDLE),
             sysctl_int("/proc/sys/net/ipv4/tcp_keepalive_time"));
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_KEEPINTVL),
             sysctl_int("/proc/sys/net/ipv4/tcp_keepalive_intvl"));
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_KEEPCNT),
             sysctl_int("/proc/sys/net/ipv4/tcp_keepalive_probes"));
    set(s, IPPROTO_TCP, TCP_KEEPIDLE, 30);
    set(s, IPPROTO_TCP, TCP_KEEPINTVL, 5);
    set(s, IPPROTO_TCP, TCP_KEEPCNT, 3);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_KEEPIDLE), 30);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_KEEPINTVL), 5);
    CHECK_EQ(get(s, IPPROTO_TCP, TCP_KEEPCNT), 3);
    int v = 0;
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), EINVAL);
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)), EINVAL);
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)), EINVAL);
    v = 32768; /* MAX_TCP_KEEPIDLE and MAX_TCP_KEEPINTVL are 32767 */
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), EINVAL);
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)), EINVAL);
    v = 128; /* MAX_TCP_KEEPCNT is 127 */
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)), EINVAL);
    v = 32767;
    CHECK(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)) == 0);

    /* Short option buffers: EINVAL. */
    char c = 1;
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &c, 1), EINVAL);
    /* TCP options on a UDP socket. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    v = 1;
    CHECK_ERR(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), ENOPROTOOPT);
    /* Unknown TCP option. */
    socklen_t len = sizeof(v);
    CHECK_ERR(getsockopt(s, IPPROTO_TCP, 9999, &v, &len), ENOPROTOOPT);
    close(u);
    close(s);
    TEST_OK();
}
