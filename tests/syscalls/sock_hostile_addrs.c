/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Garbage socket addresses and lengths get Linux's errors: socket() with
 * unknown families, types and protocols; bind/connect/sendto with negative,
 * huge, zero and too-small lengths and with families that are not the
 * socket's (EAFNOSUPPORT for inet, EINVAL for unix); an unterminated
 * 108-byte sun_path binds (Linux terminates it); getsockname/getsockopt/
 * setsockopt with negative or short lengths. Then the sockets still work.
 */
#include "test.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static struct sockaddr_in loop4(uint16_t port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void socket_calls(void)
{
    CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_MAX, SOCK_DGRAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_INET, 99, 0), EINVAL);
    CHECK_ERR(socket(AF_INET, SOCK_STREAM | 0x40000000, 0), EINVAL);
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET6, SOCK_STREAM, 200), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, 7, 0), ESOCKTNOSUPPORT);
}

static void inet_addrs(void)
{
    struct sockaddr_storage big;
    struct sockaddr_in a = loop4(0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    int s6 = socket(AF_INET6, SOCK_STREAM, 0);
    socklen_t len;
    char junk[256];

    CHECK(s >= 0 && u >= 0 && s6 >= 0);
    memset(&big, 0, sizeof(big));
    memcpy(&big, &a, sizeof(a));
    /* Lengths: negative (as socklen_t), past sockaddr_storage, zero, too small. */
    CHECK_ERR(bind(s, (struct sockaddr *)&big, (socklen_t)-1), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)&big, sizeof(big) + 1), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)&big, 1u << 30), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)&a, 0), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr *)&a, 1), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
    CHECK_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)&a, 8), EINVAL);
    CHECK_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)&big, (socklen_t)-5), EINVAL);
    CHECK_ERR(bind(s6, (struct sockaddr *)&a6, 23), EINVAL);
    CHECK_ERR(bind(s6, (struct sockaddr *)&a, sizeof(a)), EINVAL); /* shorter than sin6 */
    /* A family that is not the socket's. */
    a.sin_family = AF_INET6;
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
    a.sin_family = 0xabcd;
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
    CHECK_ERR(connect(s, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
    CHECK_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
    a6.sin6_family = AF_INET;
    CHECK_ERR(bind(s6, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
    /* AF_UNSPEC with INADDR_ANY is bind's legacy spelling of AF_INET; with another address, no. */
    a = loop4(0);
    a.sin_family = AF_UNSPEC;
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
    /* The failed sendtos autobound u (udp binds before it looks at the address): bound twice. */
    a = loop4(0);
    CHECK_ERR(bind(u, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    close(u);
    u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(u >= 0);
    /* Garbage bytes after a valid sockaddr_in are ignored. */
    memset(junk, 0xa5, sizeof(junk));
    memcpy(junk, &a, sizeof(a));
    CHECK(bind(u, (struct sockaddr *)junk, 128) == 0);

    /* getsockname and friends: a negative length, a short buffer (truncated, full length). */
    len = (socklen_t)-1;
    CHECK_ERR(getsockname(s, (struct sockaddr *)&big, &len), EINVAL);
    len = 4;
    memset(&big, 0x5a, sizeof(big));
    CHECK(getsockname(u, (struct sockaddr *)&big, &len) == 0);
    CHECK_EQ(len, sizeof(struct sockaddr_in));
    CHECK_EQ(((unsigned char *)&big)[4], 0x5a); /* nothing past the 4 bytes asked */
    CHECK_EQ(((struct sockaddr_in *)&big)->sin_family, AF_INET);
    len = 0;
    CHECK(getsockname(u, (struct sockaddr *)&big, &len) == 0);
    CHECK_EQ(len, sizeof(struct sockaddr_in));
    CHECK_ERR(getsockname(u, (struct sockaddr *)&big, NULL), EFAULT);
    len = sizeof(big);
    CHECK_ERR(getpeername(u, (struct sockaddr *)&big, &len), ENOTCONN);

    /* Option lengths. */
    int v = 1 << 16;
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, 2), EINVAL);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, (socklen_t)-1), EINVAL);
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, 0), EINVAL);
    CHECK_ERR(setsockopt(s, 12345, 1, &v, sizeof(v)), ENOPROTOOPT);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, 99999, &v, sizeof(v)), ENOPROTOOPT);
    len = (socklen_t)-1;
    CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
    len = 0;
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0);
    CHECK_EQ(len, 0);
    CHECK_ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL), EFAULT);

    /* Everything still works: a real connection over the bound udp socket. */
    struct sockaddr_in me;
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    char buf[8];

    len = sizeof(me);
    CHECK(getsockname(u, (struct sockaddr *)&me, &len) == 0);
    CHECK(c >= 0);
    CHECK_EQ(sendto(c, "ping", 4, 0, (struct sockaddr *)&me, sizeof(me)), 4);
    CHECK_EQ(recv(u, buf, sizeof(buf), 0), 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    close(c);
    close(s);
    close(u);
    close(s6);
}

static void unix_addrs(void)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    char raw[sizeof(struct sockaddr_un) + 16];
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    socklen_t len;
    struct stat st;

    CHECK(s >= 0 && d >= 0);
    strcpy(a.sun_path, "sock_hostile_addrs.sock");
    CHECK_ERR(bind(s, (struct sockaddr *)&a, 1), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof(a) + 1), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr *)&a, (socklen_t)-1), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path)), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr *)&a, 0), EINVAL);
    CHECK_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&a, 1), EINVAL);
    /* Another family on a unix socket is EINVAL, not EAFNOSUPPORT. */
    a.sun_family = AF_INET;
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    a.sun_family = 0xffff;
    CHECK_ERR(sendto(d, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    /* A sun_path of 108 bytes with no NUL: Linux ends it itself and binds. */
    CHECK(chdir("/tmp") == 0);
    memset(raw, 0, sizeof(raw));
    a.sun_family = AF_UNIX;
    memset(a.sun_path, 'q', sizeof(a.sun_path));
    memcpy(raw, &a, sizeof(a));
    memset(raw + sizeof(a), 'Z', 16); /* what follows is not read */
    char name[sizeof(a.sun_path) + 1];
    memset(name, 'q', sizeof(a.sun_path));
    name[sizeof(a.sun_path)] = '\0';
    unlink(name);
    CHECK(bind(d, (struct sockaddr *)raw, sizeof(a)) == 0);
    CHECK(stat(name, &st) == 0 && S_ISSOCK(st.st_mode));
    char got[sizeof(struct sockaddr_un) + 8];
    len = sizeof(got);
    memset(got, 0, sizeof(got));
    CHECK(getsockname(d, (struct sockaddr *)got, &len) == 0);
    CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + sizeof(a.sun_path) + 1);
    CHECK(memcmp(got + offsetof(struct sockaddr_un, sun_path), name, sizeof(a.sun_path)) == 0);
    /* And it can be reached under that name. */
    int c = socket(AF_UNIX, SOCK_DGRAM, 0);
    char buf[4];
    CHECK(c >= 0);
    CHECK_EQ(sendto(c, "hi", 2, 0, (struct sockaddr *)raw, sizeof(a)), 2);
    CHECK_EQ(recv(d, buf, sizeof(buf), 0), 2);
    CHECK(unlink(name) == 0);
    close(c);
    close(s);
    close(d);
}

int main(void)
{
    socket_calls();
    inet_addrs();
    unix_addrs();
    TEST_OK();
}
