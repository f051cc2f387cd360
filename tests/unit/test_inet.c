/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the sentry's inet and netlink sockets (sentry/net/inet.c, netlink.c) without a
 * task: TCP and UDP over loopback host sockets, timeouts, options, readiness, netlink route
 * dumps, refused route changes and uevent sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sentry/net/net.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

static struct net_addr loopback4(uint16_t port)
{
    struct net_addr a;
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(&a, 0, sizeof(a));
    memcpy(a.raw, &sin, sizeof(sin));
    a.len = sizeof(sin);
    return a;
}

static long recv_simple(struct file *f, char *buf, size_t len, int flags, struct net_addr *from)
{
    struct net_addr dummy;
    size_t ctllen = 0;
    int mflags = 0;

    return inet_recvmsg(NULL, f, buf, len, flags, from != NULL ? from : &dummy, NULL, &ctllen,
                        &mflags);
}

static void test_tcp(void)
{
    struct file *l = NULL, *c = NULL, *a = NULL;
    struct net_addr addr = loopback4(0), name, peer;
    struct stat st;
    char buf[32];
    int one = 1;
    uint32_t len;

    tap_ok(inet_socket(NULL, AF_INET, SOCK_STREAM, 0, &l) == 0, "tcp socket");
    tap_ok(inet_is_socket(l) && !net_is_socket(l), "an inet socket file, not a unix one");
    tap_ok(l->ops->fstat(l, &st) == 0 && S_ISSOCK(st.st_mode), "fstat: S_IFSOCK");
    tap_ok(inet_bind(NULL, l, &addr) == 0, "bind 127.0.0.1:0");
    tap_ok(inet_listen(NULL, l, 4) == 0, "listen");
    tap_ok(inet_getname(l, false, &name) == 0 && name.len == sizeof(struct sockaddr_in),
           "getsockname");
    tap_ok(((struct sockaddr_in *)name.raw)->sin_port != 0, "a port was chosen");
    tap_ok(!(l->ops->poll(l) & POLLIN), "listener: nothing to accept");
    tap_ok(inet_socket(NULL, AF_INET, SOCK_STREAM, 0, &c) == 0, "client socket");
    tap_ok(inet_connect(NULL, c, &name) == 0, "blocking connect");
    tap_ok(inet_connect(NULL, c, &name) == -EISCONN, "connect again: EISCONN");
    tap_ok(inet_accept(NULL, l, O_NONBLOCK, &a, &peer) == 0, "accept");
    tap_ok(a->flags & O_NONBLOCK, "accept4's SOCK_NONBLOCK");
    tap_ok(peer.len == sizeof(struct sockaddr_in) &&
               ((struct sockaddr_in *)peer.raw)->sin_addr.s_addr == htonl(INADDR_LOOPBACK),
           "the peer's address");
    tap_ok(recv_simple(a, buf, sizeof(buf), 0, NULL) == -EAGAIN, "non-blocking: EAGAIN");
    tap_ok(inet_sendmsg(NULL, c, "hello", 5, 0, NULL, NULL, 0) == 5, "send");
    for (int tries = 0; tries < 100; tries++) {
        struct timespec ts = { 0, 1000000 };

        if (a->ops->poll(a) & POLLIN)
            break;
        nanosleep(&ts, NULL);
    }
    tap_ok(a->ops->poll(a) & POLLIN, "readable through the file's poll");
    tap_ok(recv_simple(a, buf, 2, MSG_PEEK, NULL) == 2 && memcmp(buf, "he", 2) == 0, "peek");
    tap_ok(recv_simple(a, buf, sizeof(buf), 0, NULL) == 5 && memcmp(buf, "hello", 5) == 0, "recv");
    tap_ok(inet_setsockopt(NULL, c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0,
           "TCP_NODELAY set");
    memset(buf, 0, sizeof(buf));
    len = sizeof(int);
    tap_ok(inet_getsockopt(NULL, c, IPPROTO_TCP, TCP_NODELAY, buf, &len) == 0 &&
               len == sizeof(int) && *(int *)buf == 1,
           "TCP_NODELAY reads back");
    tap_ok(inet_setsockopt(NULL, c, SOL_SOCKET, SO_ATTACH_BPF, &one, sizeof(one)) == -ENOPROTOOPT,
           "SO_ATTACH_BPF is refused");
    {
        char cbuf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr *h = (struct cmsghdr *)cbuf;

        memset(cbuf, 0, sizeof(cbuf));
        h->cmsg_len = CMSG_LEN(sizeof(int));
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        tap_ok(inet_sendmsg(NULL, c, "x", 1, 0, NULL, cbuf, sizeof(cbuf)) == -EINVAL,
               "SCM_RIGHTS on inet: EINVAL");
    }
    tap_ok(inet_shutdown(NULL, c, SHUT_WR) == 0, "shutdown SHUT_WR");
    tap_ok(recv_simple(a, buf, sizeof(buf), MSG_WAITALL, NULL) == 0,
           "the peer reads the end of the stream");
    tap_ok(inet_sendmsg(NULL, c, "x", 1, MSG_NOSIGNAL, NULL, NULL, 0) == -EPIPE,
           "send after SHUT_WR: EPIPE");
    put_file(a);
    put_file(c);

    /* Refused: a port nobody listens on (the listener closed). */
    tap_ok(inet_socket(NULL, AF_INET, SOCK_STREAM, 0, &c) == 0, "another client");
    put_file(l);
    tap_ok(inet_connect(NULL, c, &name) == -ECONNREFUSED, "connect to a closed port: refused");
    put_file(c);
}

static void test_udp_and_timeouts(void)
{
    struct file *s = NULL, *r = NULL;
    struct net_addr addr = loopback4(0), name, from;
    struct timeval tv = { .tv_sec = 0, .tv_usec = 50000 };
    struct timespec t0, t1;
    char buf[16];
    uint32_t len;
    long ms;

    tap_ok(inet_socket(NULL, AF_INET, SOCK_DGRAM, 0, &r) == 0, "udp socket");
    tap_ok(inet_bind(NULL, r, &addr) == 0 && inet_getname(r, false, &name) == 0, "udp bind");
    tap_ok(inet_socket(NULL, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0, &s) == 0 &&
               (s->flags & O_NONBLOCK),
           "udp socket, non-blocking");
    tap_ok(inet_sendmsg(NULL, s, "ping", 4, 0, &name, NULL, 0) == 4, "sendto");
    tap_ok(recv_simple(r, buf, 2, MSG_TRUNC, &from) == 4, "MSG_TRUNC: the datagram's length");
    tap_ok(from.len == sizeof(struct sockaddr_in), "the sender's address");
    tap_ok(inet_setsockopt(NULL, r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0,
           "SO_RCVTIMEO 50 ms");
    memset(buf, 0, sizeof(buf));
    len = sizeof(buf);
    tap_ok(inet_getsockopt(NULL, r, SOL_SOCKET, SO_RCVTIMEO, buf, &len) == 0 && len == sizeof(tv) &&
               ((struct timeval *)buf)->tv_usec == 50000,
           "SO_RCVTIMEO reads back");
    tv.tv_usec = 1000000;
    tap_ok(inet_setsockopt(NULL, r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -EDOM,
           "SO_RCVTIMEO: usec out of range is EDOM");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tap_ok(recv_simple(r, buf, sizeof(buf), 0, NULL) == -EAGAIN, "blocking recv times out");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    tap_ok(ms >= 45 && ms < 1000, "after about 50 ms");
    put_file(s);
    put_file(r);
    tap_ok(inet_socket(NULL, AF_UNIX, SOCK_STREAM, 0, &s) == -EAFNOSUPPORT,
           "inet_socket refuses AF_UNIX");
}

static void test_netlink(void)
{
    struct file *n = NULL, *u = NULL, *u2 = NULL;
    struct {
        struct nlmsghdr h;
        struct rtgenmsg g;
    } req = { .h = { .nlmsg_len = sizeof(req),
                     .nlmsg_type = RTM_GETLINK,
                     .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                     .nlmsg_seq = 7 },
              .g = { .rtgen_family = AF_UNSPEC } };
    static char buf[65536];
    struct net_addr from, bind_addr, name;
    struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
    bool saw_link = false, saw_done = false;
    long r;

    tap_ok(inet_socket(NULL, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, &n) == 0, "netlink route");
    tap_ok(inet_sendmsg(NULL, n, &req, sizeof(req), 0, NULL, NULL, 0) == sizeof(req),
           "RTM_GETLINK dump request");
    while (!saw_done) {
        r = recv_simple(n, buf, sizeof(buf), 0, &from);
        if (r <= 0)
            break;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)r);
             h = NLMSG_NEXT(h, r)) {
            if (h->nlmsg_type == RTM_NEWLINK && h->nlmsg_seq == 7)
                saw_link = true;
            if (h->nlmsg_type == NLMSG_DONE)
                saw_done = true;
        }
    }
    tap_ok(saw_link && saw_done, "the dump lists links and ends with NLMSG_DONE");
    /* A change: refused with an EPERM acknowledgement made by the sentry. */
    req.h.nlmsg_type = RTM_NEWLINK;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.h.nlmsg_seq = 8;
    tap_ok(inet_sendmsg(NULL, n, &req, sizeof(req), 0, NULL, NULL, 0) == sizeof(req),
           "RTM_NEWLINK is taken");
    tap_ok(n->ops->poll(n) & POLLIN, "the answer is readable");
    r = recv_simple(n, buf, sizeof(buf), 0, &from);
    tap_ok(r >= (long)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
               ((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR &&
               ((struct nlmsghdr *)buf)->nlmsg_seq == 8 &&
               ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error == -EPERM,
           "NLMSG_ERROR with EPERM");
    put_file(n);

    tap_ok(inet_socket(NULL, AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE, &n) == -ESOCKTNOSUPPORT,
           "no netlink streams");
    tap_ok(inet_socket(NULL, AF_NETLINK, SOCK_RAW, 31, &n) == -EPROTONOSUPPORT, "unknown protocol");

    tap_ok(inet_socket(NULL, AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT, &u) == 0,
           "uevent socket");
    nl.nl_groups = 1;
    memset(&bind_addr, 0, sizeof(bind_addr));
    memcpy(bind_addr.raw, &nl, sizeof(nl));
    bind_addr.len = sizeof(nl) - 1;
    tap_ok(inet_bind(NULL, u, &bind_addr) == -EINVAL, "short address: EINVAL");
    bind_addr.len = sizeof(nl);
    tap_ok(inet_bind(NULL, u, &bind_addr) == 0, "bind to group 1");
    tap_ok(inet_getname(u, false, &name) == 0 && ((struct sockaddr_nl *)name.raw)->nl_pid != 0 &&
               ((struct sockaddr_nl *)name.raw)->nl_groups == 1,
           "an autobound port id and the group");
    tap_ok(inet_socket(NULL, AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT, &u2) == 0,
           "a second uevent socket");
    ((struct sockaddr_nl *)name.raw)->nl_groups = 0;
    tap_ok(inet_bind(NULL, u2, &name) == -EADDRINUSE, "the same port id: EADDRINUSE");
    tap_ok(!(u->ops->poll(u) & POLLIN), "nothing to read");
    tap_ok(recv_simple(u, buf, sizeof(buf), MSG_DONTWAIT, NULL) == -EAGAIN, "recv: EAGAIN");
    put_file(u2);
    put_file(u);
}

int main(void)
{
    test_tcp();
    test_udp_and_timeouts();
    test_netlink();
    return tap_done();
}
