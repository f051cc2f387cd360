/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the sentry's unix sockets (sentry/net) without a task: pairs, names, records,
 * resets, SCM_RIGHTS, shutdown, readiness and options. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sentry/net/net.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

static struct net_addr abstract_name(const char *s)
{
    struct net_addr a;

    memset(&a, 0, sizeof(a));
    a.sun.sun_family = AF_UNIX;
    memcpy(a.sun.sun_path + 1, s, strlen(s));
    a.len = (uint32_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(s));
    return a;
}

static long recv_str(struct file *f, char *buf, size_t len, int flags, struct net_recv_ctl *ctl)
{
    long n = net_recvmsg(NULL, f, buf, len, flags, ctl);

    if (n >= 0 && (size_t)n < len)
        buf[n] = '\0';
    return n;
}

static void test_stream_pair(void)
{
    struct file *a = NULL, *b = NULL;
    struct net_recv_ctl ctl;
    char buf[32];

    tap_ok(net_socketpair(NULL, AF_UNIX, SOCK_STREAM, 0, &a, &b) == 0, "stream socketpair");
    tap_ok(net_sendmsg(NULL, a, "abc", 3, 0, NULL, NULL) == 3, "send 3");
    tap_ok(net_sendmsg(NULL, a, "defg", 4, 0, NULL, NULL) == 4, "send 4");
    tap_ok(recv_str(b, buf, 2, MSG_PEEK, &ctl) == 2 && strncmp(buf, "ab", 2) == 0, "peek 2");
    tap_ok(recv_str(b, buf, sizeof(buf), 0, &ctl) == 7 && strcmp(buf, "abcdefg") == 0,
           "a read spans writes");
    tap_ok(recv_str(b, buf, sizeof(buf), MSG_DONTWAIT, &ctl) == -EAGAIN, "empty: EAGAIN");
    tap_ok((net_is_socket(a) && !(a->flags & O_NONBLOCK)), "a blocking socket file");
    put_file(b); /* nothing unread: a clean EOF */
    tap_ok(recv_str(a, buf, sizeof(buf), 0, &ctl) == 0, "peer closed: EOF");
    tap_ok(net_sendmsg(NULL, a, "x", 1, MSG_NOSIGNAL, NULL, NULL) == -EPIPE, "peer closed: EPIPE");
    put_file(a);

    tap_ok(net_socketpair(NULL, AF_UNIX, SOCK_STREAM, 0, &a, &b) == 0, "another pair");
    tap_ok(net_sendmsg(NULL, a, "zz", 2, 0, NULL, NULL) == 2, "a sends");
    put_file(b); /* with unread data in its queue: a reset for the peer */
    tap_ok(recv_str(a, buf, sizeof(buf), 0, &ctl) == -ECONNRESET, "close with unread: ECONNRESET");
    tap_ok(recv_str(a, buf, sizeof(buf), 0, &ctl) == 0, "then EOF");
    put_file(a);
}

static void test_dgram(void)
{
    struct file *a = NULL, *b = NULL;
    struct net_recv_ctl ctl;
    char buf[32];

    tap_ok(net_socketpair(NULL, AF_UNIX, SOCK_DGRAM, 0, &a, &b) == 0, "dgram socketpair");
    net_sendmsg(NULL, a, "first", 5, 0, NULL, NULL);
    net_sendmsg(NULL, a, "second!", 7, 0, NULL, NULL);
    net_sendmsg(NULL, a, "", 0, 0, NULL, NULL);
    tap_ok(recv_str(b, buf, sizeof(buf), 0, &ctl) == 5, "one datagram per recv");
    tap_ok(recv_str(b, buf, 3, MSG_TRUNC, &ctl) == 7 && (ctl.msg_flags & MSG_TRUNC),
           "MSG_TRUNC returns the full length");
    tap_ok(recv_str(b, buf, sizeof(buf), 0, &ctl) == 0, "an empty datagram");
    put_file(b);
    tap_ok(net_sendmsg(NULL, a, "x", 1, 0, NULL, NULL) == -ECONNREFUSED, "peer gone: ECONNREFUSED");
    tap_ok(net_sendmsg(NULL, a, "x", 1, 0, NULL, NULL) == -ENOTCONN, "then ENOTCONN");
    put_file(a);
}

static void test_listen_connect(void)
{
    struct net_addr name = abstract_name("unit-unix-listen"), got;
    struct file *l = NULL, *c = NULL, *c2 = NULL, *s = NULL, *other = NULL;
    struct net_recv_ctl ctl;
    char buf[8];

    tap_ok(net_socket(NULL, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, &l) == 0, "socket");
    tap_ok(net_listen(NULL, l, 1) == -EINVAL, "listen unbound: EINVAL");
    tap_ok(net_bind(NULL, l, &name) == 0, "bind abstract");
    tap_ok(net_socket(NULL, AF_UNIX, SOCK_STREAM, 0, &other) == 0 &&
               net_bind(NULL, other, &name) == -EADDRINUSE,
           "same name and type: EADDRINUSE");
    put_file(other);
    tap_ok(net_listen(NULL, l, 0) == 0, "listen backlog 0");
    tap_ok(net_accept(NULL, l, 0, &s, &got) == -EAGAIN, "nothing pending: EAGAIN");
    net_socket(NULL, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, &c);
    net_socket(NULL, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, &c2);
    tap_ok(net_connect(NULL, c, &name) == 0, "connect");
    tap_ok(net_connect(NULL, c2, &name) == -EAGAIN, "backlog 0 admits one");
    tap_ok((l->ops->poll(l) & POLLIN) != 0, "listener readable with a pending connection");
    tap_ok(net_accept(NULL, l, O_NONBLOCK, &s, &got) == 0 && (s->flags & O_NONBLOCK),
           "accept with SOCK_NONBLOCK");
    tap_ok(got.len == sizeof(sa_family_t), "an unbound peer has just the family");
    tap_ok(net_connect(NULL, c, &name) == -EISCONN, "connect again: EISCONN");
    tap_ok(net_getname(s, false, &got) == 0 && got.len == name.len &&
               memcmp(got.raw, name.raw, name.len) == 0,
           "the accepted socket is named like the listener");
    tap_ok(net_sendmsg(NULL, c, "hi", 2, 0, NULL, NULL) == 2 &&
               recv_str(s, buf, sizeof(buf), 0, &ctl) == 2,
           "data flows");
    tap_ok(net_shutdown(NULL, c, SHUT_WR) == 0 && recv_str(s, buf, sizeof(buf), 0, &ctl) == 0,
           "SHUT_WR: EOF for the peer");
    tap_ok((s->ops->poll(s) & (POLLRDHUP | POLLIN)) == (POLLRDHUP | POLLIN), "POLLRDHUP");
    tap_ok(net_sendmsg(NULL, c, "x", 1, MSG_NOSIGNAL, NULL, NULL) == -EPIPE, "SHUT_WR: EPIPE");
    put_file(s);
    put_file(c);
    put_file(c2);
    put_file(l);
    net_socket(NULL, AF_UNIX, SOCK_STREAM, 0, &c);
    tap_ok(net_connect(NULL, c, &name) == -ECONNREFUSED, "name freed by close");
    put_file(c);
}

static void test_scm_rights(void)
{
    struct file *a = NULL, *b = NULL, *x = NULL;
    struct file *files[1];
    struct net_send_ctl sc = { .files = files, .nfiles = 1 };
    struct net_recv_ctl ctl;
    char buf[4];

    net_socketpair(NULL, AF_UNIX, SOCK_DGRAM, 0, &a, &b);
    net_socket(NULL, AF_UNIX, SOCK_SEQPACKET, 0, &x);
    files[0] = x;
    tap_ok(net_sendmsg(NULL, a, "F", 1, 0, NULL, &sc) == 1, "send a file");
    put_file(x); /* in flight: the message holds its own reference */
    tap_ok(net_recvmsg(NULL, b, buf, sizeof(buf), 0, &ctl) == 1 && ctl.nfiles == 1 &&
               net_is_socket(ctl.files[0]),
           "the file arrives");
    for (int i = 0; i < ctl.nfiles; i++)
        put_file(ctl.files[i]);
    put_file(a);
    put_file(b);
}

static void test_options(void)
{
    struct file *s = NULL;
    char val[64];
    uint32_t len = sizeof(int);
    int v = 16384;

    tap_ok(net_socket(NULL, AF_INET, SOCK_STREAM, 0, &s) == -EAFNOSUPPORT,
           "AF_INET: EAFNOSUPPORT until inet sockets exist");
    tap_ok(net_socket(NULL, AF_UNIX, SOCK_STREAM, 2, &s) == -EPROTONOSUPPORT, "bad protocol");
    tap_ok(net_socket(NULL, AF_UNIX, SOCK_SEQPACKET, 0, &s) == 0, "seqpacket socket");
    tap_ok(net_getsockopt(NULL, s, SOL_SOCKET, SO_TYPE, val, &len) == 0 &&
               *(int *)val == SOCK_SEQPACKET,
           "SO_TYPE");
    tap_ok(net_setsockopt(NULL, s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0, "set SO_SNDBUF");
    len = sizeof(int);
    tap_ok(net_getsockopt(NULL, s, SOL_SOCKET, SO_SNDBUF, val, &len) == 0 && *(int *)val == 32768,
           "SO_SNDBUF is doubled");
    tap_ok(net_setsockopt(NULL, s, SOL_SOCKET, SO_TYPE, &v, sizeof(v)) == -ENOPROTOOPT,
           "SO_TYPE is read-only");
    put_file(s);
}

int main(void)
{
    test_stream_pair();
    test_dgram();
    test_listen_connect();
    test_scm_rights();
    test_options();
    return tap_done();
}
