/* SPDX-License-Identifier: Apache-2.0 */
/* Netlink sockets: NETLINK_ROUTE over a host socket (changes refused without CAP_NET_ADMIN),
 * NETLINK_KOBJECT_UEVENT as the sentry's own socket that binds and never delivers. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "common/common.h"
#include "sentry/kernel/kernel.h"
#include "sentry/net/net.h"
#include "sentry/net/net_internal.h"

#define NETLINK_MAX_PROTO 32 /* Linux's MAX_LINKS */

static bool g_net_admin;

/* The port ids of bound uevent sockets (the sentry's own namespace of them). */
static pthread_mutex_t g_uevent_mu = PTHREAD_MUTEX_INITIALIZER;
static struct hsock **g_uevent;
static size_t g_nuevent, g_uevent_cap;
static int32_t g_uevent_rover = -4096;

void netlink_set_net_admin(bool allowed)
{
    __atomic_store_n(&g_net_admin, allowed, __ATOMIC_RELAXED);
}

bool net_admin_allowed(void)
{
    return __atomic_load_n(&g_net_admin, __ATOMIC_RELAXED);
}

long netlink_socket(struct task *t, int type, int protocol, struct file **out)
{
    int base = type & 0xf;
    unsigned int fflags = (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0;
    int fd;

    (void)t;
    if (base != SOCK_RAW && base != SOCK_DGRAM)
        return -ESOCKTNOSUPPORT;
    if (protocol < 0 || protocol >= NETLINK_MAX_PROTO)
        return -EPROTONOSUPPORT;
    switch (protocol) {
    case NETLINK_ROUTE:
        fd = socket(AF_NETLINK, base | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
            return -errno;
        return hsock_file_new(hsock_new(fd, AF_NETLINK, base, protocol), fflags, out);
    case NETLINK_KOBJECT_UEVENT:
        return hsock_file_new(hsock_new(-1, AF_NETLINK, base, protocol), fflags, out);
    default:
        sentry_info("socket: netlink protocol %d is not supported", protocol);
        return -EPROTONOSUPPORT;
    }
}

/* ---- NETLINK_ROUTE ---- */

/* Whether a route message asks for a change (RTM_NEW*, RTM_DEL*, RTM_SET*) rather than a GET. */
static bool is_change(uint16_t type)
{
    return type >= RTM_BASE && (type & 3) != 2;
}

/* Queues an NLMSG_ERROR answer with `error` to request `req` (its whole length). */
static long queue_error(struct hsock *s, const struct nlmsghdr *req, int error, uint32_t portid)
{
    size_t plen = NLMSG_LENGTH(sizeof(struct nlmsgerr)) - NLMSG_HDRLEN + req->nlmsg_len -
                  sizeof(struct nlmsghdr);
    size_t mlen = NLMSG_LENGTH(plen);
    struct nl_pending *p = calloc(1, sizeof(*p) + mlen);
    struct nlmsghdr *h;
    struct nlmsgerr *e;

    if (p == NULL)
        return -ENOMEM;
    p->len = mlen;
    h = (struct nlmsghdr *)p->data;
    h->nlmsg_len = (uint32_t)mlen;
    h->nlmsg_type = NLMSG_ERROR;
    h->nlmsg_flags = 0;
    h->nlmsg_seq = req->nlmsg_seq;
    h->nlmsg_pid = portid;
    e = NLMSG_DATA(h);
    e->error = error;
    memcpy(&e->msg, req, req->nlmsg_len);
    pthread_mutex_lock(&s->mu);
    if (s->pending_tail != NULL)
        s->pending_tail->next = p;
    else
        s->pending_head = p;
    s->pending_tail = p;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

long netlink_filter_send(struct task *t, struct hsock *s, const void *buf, size_t len)
{
    const char *p = buf;
    size_t off = 0;
    bool change = false;
    struct sockaddr_nl me;
    socklen_t ml = sizeof(me);

    (void)t;
    if (s->protocol != NETLINK_ROUTE || net_admin_allowed())
        return 0;
    while (off + sizeof(struct nlmsghdr) <= len) {
        struct nlmsghdr h;

        memcpy(&h, p + off, sizeof(h));
        if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
            break;
        if (is_change(h.nlmsg_type))
            change = true;
        off += NLMSG_ALIGN(h.nlmsg_len);
    }
    if (!change)
        return 0;
    /* Refused as the host kernel refuses them: an EPERM acknowledgement for each change. */
    memset(&me, 0, sizeof(me));
    if (getsockname(s->fd, (struct sockaddr *)&me, &ml) < 0 || me.nl_pid == 0) {
        /* Not bound yet: bind as a send would (autobind). */
        struct sockaddr_nl any = { .nl_family = AF_NETLINK };

        bind(s->fd, (struct sockaddr *)&any, sizeof(any));
        ml = sizeof(me);
        getsockname(s->fd, (struct sockaddr *)&me, &ml);
    }
    sentry_info("netlink: refused a route change (no CAP_NET_ADMIN)");
    for (off = 0; off + sizeof(struct nlmsghdr) <= len;) {
        struct nlmsghdr hh;
        long ret;

        memcpy(&hh, p + off, sizeof(hh));
        if (hh.nlmsg_len < sizeof(hh) || hh.nlmsg_len > len - off)
            break;
        if (is_change(hh.nlmsg_type)) {
            cleanup_free struct nlmsghdr *req = malloc(hh.nlmsg_len);

            if (req == NULL)
                return -ENOMEM;
            memcpy(req, p + off, hh.nlmsg_len);
            ret = queue_error(s, req, -EPERM, me.nl_pid);
            if (ret < 0)
                return ret;
        }
        off += NLMSG_ALIGN(hh.nlmsg_len);
    }
    return (long)len;
}

long netlink_take_pending(struct hsock *s, void *buf, size_t len, int flags, struct net_addr *from,
                          int *msg_flags)
{
    struct nl_pending *p;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    size_t full, n;

    pthread_mutex_lock(&s->mu);
    p = s->pending_head;
    if (p == NULL) {
        pthread_mutex_unlock(&s->mu);
        return -EAGAIN;
    }
    full = p->len;
    n = full < len ? full : len;
    memcpy(buf, p->data, n);
    if (!(flags & MSG_PEEK)) {
        s->pending_head = p->next;
        if (s->pending_head == NULL)
            s->pending_tail = NULL;
        free(p);
    }
    pthread_mutex_unlock(&s->mu);
    memset(from, 0, sizeof(*from));
    memcpy(from->raw, &kernel, sizeof(kernel));
    from->len = sizeof(kernel);
    *msg_flags = full > len ? MSG_TRUNC : 0;
    return (long)((flags & MSG_TRUNC) ? full : n);
}

/* ---- NETLINK_KOBJECT_UEVENT ---- */

static bool portid_used_locked(uint32_t id)
{
    for (size_t i = 0; i < g_nuevent; i++) {
        if (g_uevent[i]->nl_portid == id)
            return true;
    }
    return false;
}

long uevent_bind(struct task *t, struct hsock *s, const struct net_addr *addr)
{
    struct sockaddr_nl nl;
    uint32_t id;
    long ret = 0;

    if (addr->len < sizeof(nl))
        return -EINVAL;
    memcpy(&nl, addr->raw, sizeof(nl));
    if (nl.nl_family != AF_NETLINK)
        return -EINVAL;
    pthread_mutex_lock(&g_uevent_mu);
    pthread_mutex_lock(&s->mu);
    if (s->nl_bound) {
        if (nl.nl_pid != 0 && nl.nl_pid != s->nl_portid)
            ret = -EINVAL;
        else
            s->nl_groups = nl.nl_groups;
        goto out;
    }
    id = nl.nl_pid;
    if (id == 0) {
        /* Autobind: the process id first, then negative ids, as netlink_autobind. */
        id = t != NULL ? (uint32_t)t->tg->pid : (uint32_t)g_uevent_rover;
        while (id == 0 || portid_used_locked(id)) {
            id = (uint32_t)g_uevent_rover--;
            if (g_uevent_rover > -4096)
                g_uevent_rover = -4096;
        }
    } else if (portid_used_locked(id)) {
        ret = -EADDRINUSE;
        goto out;
    }
    if (g_nuevent == g_uevent_cap) {
        size_t cap = g_uevent_cap ? g_uevent_cap * 2 : 8;
        struct hsock **n = realloc(g_uevent, cap * sizeof(*n));

        if (n == NULL) {
            ret = -ENOMEM;
            goto out;
        }
        g_uevent = n;
        g_uevent_cap = cap;
    }
    g_uevent[g_nuevent++] = s;
    s->nl_bound = true;
    s->nl_portid = id;
    s->nl_groups = nl.nl_groups;
out:
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_unlock(&g_uevent_mu);
    return ret;
}

void uevent_getname(struct hsock *s, struct net_addr *out)
{
    struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

    pthread_mutex_lock(&s->mu);
    nl.nl_pid = s->nl_portid;
    nl.nl_groups = s->nl_groups;
    pthread_mutex_unlock(&s->mu);
    memset(out, 0, sizeof(*out));
    memcpy(out->raw, &nl, sizeof(nl));
    out->len = sizeof(nl);
}

void netlink_release(struct hsock *s)
{
    struct nl_pending *p = s->pending_head;

    while (p != NULL) {
        struct nl_pending *next = p->next;

        free(p);
        p = next;
    }
    s->pending_head = s->pending_tail = NULL;
    if (!s->nl_bound)
        return;
    pthread_mutex_lock(&g_uevent_mu);
    for (size_t i = 0; i < g_nuevent; i++) {
        if (g_uevent[i] == s) {
            g_uevent[i] = g_uevent[--g_nuevent];
            break;
        }
    }
    pthread_mutex_unlock(&g_uevent_mu);
}
