/* SPDX-License-Identifier: Apache-2.0 */
/* SO_SNDBUF/SO_RCVBUF: the kernel stores twice the requested value (for bookkeeping overhead),
 * capped at twice net.core.wmem_max/rmem_max (negative values count as huge); tiny values are
 * raised to a minimum; the getter
 * returns an int; short option lengths are EINVAL. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    long v = 0;
    CHECK_EQ(fscanf(f, "%ld", &v), 1);
    fclose(f);
    return v;
}

static int getopt_int(int s, int opt)
{
    int v = 0;
    socklen_t len = sizeof(v);
    CHECK(getsockopt(s, SOL_SOCKET, opt, &v, &len) == 0);
    CHECK_EQ(len, sizeof(int));
    return v;
}

int main(void)
{
    long wmax = read_long("/proc/sys/net/core/wmem_max");
    long rmax = read_long("/proc/sys/net/core/rmem_max");
    long wdef = read_long("/proc/sys/net/core/wmem_default");
    CHECK(wmax >= 16384 && rmax >= 16384);

    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    /* The default send buffer of a fresh unix socket is wmem_default. */
    CHECK_EQ(getopt_int(sv[0], SO_SNDBUF), wdef);

    int v = 16384;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
    CHECK_EQ(getopt_int(sv[0], SO_SNDBUF), 32768);
    v = 12000;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
    CHECK_EQ(getopt_int(sv[0], SO_RCVBUF), 24000);

    /* Above the limit: capped at twice the sysctl. */
    v = (int)(wmax + 100000);
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
    CHECK_EQ(getopt_int(sv[0], SO_SNDBUF), 2 * wmax);
    v = (int)(rmax + 100000);
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
    CHECK_EQ(getopt_int(sv[0], SO_RCVBUF), 2 * rmax);

    /* Tiny values: raised to a minimum, the same for 0 and 1. */
    v = 0;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
    int min0 = getopt_int(sv[0], SO_SNDBUF);
    v = 1;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
    CHECK_EQ(getopt_int(sv[0], SO_SNDBUF), min0);
    CHECK(min0 > 2);
    /* A negative value is compared as unsigned: it is huge and capped at the maximum. */
    v = -5;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
    CHECK_EQ(getopt_int(sv[0], SO_SNDBUF), 2 * wmax);

    /* Root may exceed the limit with the FORCE variants. */
    v = (int)(wmax + 4096);
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) == 0 || errno == EPERM);

    /* Option length shorter than an int: EINVAL. */
    short sh = 4096;
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sh, sizeof(sh)), EINVAL);
    /* A longer buffer is fine (only an int is read). */
    long long ll = 20000;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &ll, sizeof(ll)) == 0);
    CHECK_EQ(getopt_int(sv[0], SO_SNDBUF), 40000);
    /* Getter with a short length: truncated to what fits, no error. */
    char c = 0;
    socklen_t len = 1;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &c, &len) == 0);
    CHECK_EQ(len, 1);
    CHECK_EQ(c, SOCK_STREAM);
    /* Unknown level / option. */
    CHECK_ERR(getsockopt(sv[0], SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
