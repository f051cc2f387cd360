/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /proc/net: what the sentry can learn about the sandbox's network namespace
 * through its NETLINK_ROUTE socket (the sentry runs in that namespace): dev
 * (interface counters), if_inet6 (IPv6 addresses) and route (the IPv4 main
 * table). The socket tables (tcp, tcp6, udp, udp6, unix) are net_sock.c's,
 * built from the sockets the sandbox's processes hold (the sentry's filter
 * allows no sock_diag socket).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/route.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/fs/proc/proc_internal.h"

/* Called for each message of a dump. */
typedef void (*nl_msg_fn)(const struct nlmsghdr *h, void *arg);

/* Dumps `type` for `family` over a fresh NETLINK_ROUTE socket. Returns 0 or -Exxx. */
static long nl_dump(uint16_t type, uint8_t family, nl_msg_fn fn, void *arg)
{
    struct {
        struct nlmsghdr h;
        struct rtgenmsg g;
    } req = { 0 };
    cleanup_free char *buf = NULL;
    const size_t buf_size = 32768;
    cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

    if (fd < 0)
        return -errno;
    buf = malloc(buf_size);
    if (buf == NULL)
        return -ENOMEM;
    req.h.nlmsg_len = sizeof(req);
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = 1;
    req.g.rtgen_family = family;
    if (send(fd, &req, sizeof(req), 0) < 0)
        return -errno;
    for (;;) {
        ssize_t n = recv(fd, buf, buf_size, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);

                return h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error < 0 ? e->error : -EIO;
            }
            if (h->nlmsg_type == type - 2)
                fn(h, arg); /* RTM_NEWxxx answers RTM_GETxxx (GET = NEW + 2) */
        }
    }
}

/* ---- interfaces ---- */

#define PROC_NET_MAX_LINKS 256

struct link {
    int index;
    char name[IF_NAMESIZE];
    bool has_stats;
    struct rtnl_link_stats64 st;
};

struct links {
    int n;
    struct link l[PROC_NET_MAX_LINKS];
};

static void link_msg(const struct nlmsghdr *h, void *arg)
{
    struct links *ls = arg;
    const struct ifinfomsg *ifi = NLMSG_DATA(h);
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
    struct link *l;

    if (len < 0 || ls->n >= PROC_NET_MAX_LINKS)
        return;
    l = &ls->l[ls->n];
    memset(l, 0, sizeof(*l));
    l->index = ifi->ifi_index;
    for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == IFLA_IFNAME) {
            size_t k = RTA_PAYLOAD(a) < IF_NAMESIZE ? RTA_PAYLOAD(a) : IF_NAMESIZE - 1;

            memcpy(l->name, RTA_DATA(a), k);
            l->name[IF_NAMESIZE - 1] = '\0';
        } else if (a->rta_type == IFLA_STATS64 && RTA_PAYLOAD(a) >= sizeof(l->st)) {
            memcpy(&l->st, RTA_DATA(a), sizeof(l->st));
            l->has_stats = true;
        }
    }
    if (l->name[0] != '\0')
        ls->n++;
}

static const char *link_name(const struct links *ls, int index)
{
    for (int i = 0; i < ls->n; i++) {
        if (ls->l[i].index == index)
            return ls->l[i].name;
    }
    return NULL;
}

static long links_get(struct links **out)
{
    struct links *ls = calloc(1, sizeof(*ls));
    long ret;

    if (ls == NULL)
        return -ENOMEM;
    ret = nl_dump(RTM_GETLINK, AF_UNSPEC, link_msg, ls);
    if (ret < 0) {
        free(ls);
        return ret;
    }
    *out = ls;
    return 0;
}

static long show_net_dev(const struct kfs_ctx *c, FILE *out)
{
    cleanup_free struct links *ls = NULL;
    long ret = links_get(&ls);

    (void)c;
    if (ret < 0)
        return ret;
    fprintf(out, "Inter-|   Receive                                                |  Transmit\n"
                 " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
                 "packets errs drop fifo colls carrier compressed\n");
    for (int i = 0; i < ls->n; i++) {
        const struct rtnl_link_stats64 *s = &ls->l[i].st;

        fprintf(out,
                "%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu %4llu %4llu "
                "%4llu %5llu %7llu %10llu\n",
                ls->l[i].name, (unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets,
                (unsigned long long)s->rx_errors,
                (unsigned long long)(s->rx_dropped + s->rx_missed_errors),
                (unsigned long long)s->rx_fifo_errors,
                (unsigned long long)(s->rx_length_errors + s->rx_over_errors + s->rx_crc_errors +
                                     s->rx_frame_errors),
                (unsigned long long)s->rx_compressed, (unsigned long long)s->multicast,
                (unsigned long long)s->tx_bytes, (unsigned long long)s->tx_packets,
                (unsigned long long)s->tx_errors, (unsigned long long)s->tx_dropped,
                (unsigned long long)s->tx_fifo_errors, (unsigned long long)s->collisions,
                (unsigned long long)(s->tx_carrier_errors + s->tx_aborted_errors +
                                     s->tx_window_errors + s->tx_heartbeat_errors),
                (unsigned long long)s->tx_compressed);
    }
    return 0;
}

/* ---- IPv6 addresses ---- */

struct addr_ctx {
    const struct links *ls;
    FILE *out;
};

/* Linux prints the IPV6_ADDR_* scope bits there, not the rtnetlink scope. */
static unsigned int scope6(uint8_t rt_scope)
{
    switch (rt_scope) {
    case RT_SCOPE_HOST:
        return 0x10; /* IPV6_ADDR_LOOPBACK */
    case RT_SCOPE_LINK:
        return 0x20; /* IPV6_ADDR_LINKLOCAL */
    case RT_SCOPE_SITE:
        return 0x40; /* IPV6_ADDR_SITELOCAL */
    default:
        return 0;
    }
}

static void addr6_msg(const struct nlmsghdr *h, void *arg)
{
    struct addr_ctx *ac = arg;
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifa));
    const uint8_t *addr = NULL;
    uint32_t flags = ifa->ifa_flags;
    const char *name;

    if (len < 0 || ifa->ifa_family != AF_INET6)
        return;
    for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if ((a->rta_type == IFA_ADDRESS || a->rta_type == IFA_LOCAL) && RTA_PAYLOAD(a) >= 16 &&
            addr == NULL)
            addr = RTA_DATA(a);
        else if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) >= 4)
            memcpy(&flags, RTA_DATA(a), 4);
    }
    name = link_name(ac->ls, (int)ifa->ifa_index);
    if (addr == NULL || name == NULL)
        return;
    for (int i = 0; i < 16; i++)
        fprintf(ac->out, "%02x", addr[i]);
    fprintf(ac->out, " %02x %02x %02x %02x %8s\n", ifa->ifa_index, ifa->ifa_prefixlen,
            scope6(ifa->ifa_scope), flags & 0xff, name);
}

static long show_net_if_inet6(const struct kfs_ctx *c, FILE *out)
{
    cleanup_free struct links *ls = NULL;
    struct addr_ctx ac;
    long ret = links_get(&ls);

    (void)c;
    if (ret < 0)
        return ret;
    ac.ls = ls;
    ac.out = out;
    return nl_dump(RTM_GETADDR, AF_INET6, addr6_msg, &ac);
}

/* ---- the IPv4 main routing table ---- */

static void route4_msg(const struct nlmsghdr *h, void *arg)
{
    struct addr_ctx *ac = arg;
    const struct rtmsg *rt = NLMSG_DATA(h);
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*rt));
    uint32_t dst = 0, gw = 0, metric = 0, table = rt->rtm_table, mask;
    int oif = 0;
    unsigned int flags = RTF_UP;
    const char *name;
    char line[160];

    if (len < 0 || rt->rtm_family != AF_INET || rt->rtm_type != RTN_UNICAST)
        return;
    for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (RTA_PAYLOAD(a) < 4)
            continue;
        if (a->rta_type == RTA_DST)
            memcpy(&dst, RTA_DATA(a), 4);
        else if (a->rta_type == RTA_GATEWAY)
            memcpy(&gw, RTA_DATA(a), 4);
        else if (a->rta_type == RTA_OIF)
            memcpy(&oif, RTA_DATA(a), 4);
        else if (a->rta_type == RTA_PRIORITY)
            memcpy(&metric, RTA_DATA(a), 4);
        else if (a->rta_type == RTA_TABLE)
            memcpy(&table, RTA_DATA(a), 4);
    }
    if (table != RT_TABLE_MAIN)
        return;
    name = link_name(ac->ls, oif);
    if (name == NULL)
        return;
    mask = rt->rtm_dst_len == 0 ? 0 : htonl(~0u << (32 - rt->rtm_dst_len));
    if (gw != 0)
        flags |= RTF_GATEWAY;
    if (rt->rtm_dst_len == 32)
        flags |= RTF_HOST;
    /* Linux's fib_route_seq_show: the fields, then spaces up to 127 columns. */
    snprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u", name, dst,
             gw, flags, 0, 0u, (int)metric, mask, 0, 0u, 0u);
    fprintf(ac->out, "%-127s\n", line);
}

static long show_net_route(const struct kfs_ctx *c, FILE *out)
{
    cleanup_free struct links *ls = NULL;
    struct addr_ctx ac;
    long ret = links_get(&ls);

    (void)c;
    if (ret < 0)
        return ret;
    fprintf(out, "%-127s\n",
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    ac.ls = ls;
    ac.out = out;
    return nl_dump(RTM_GETROUTE, AF_INET, route4_msg, &ac);
}

const struct kfs_entry g_proc_net_entries[] = {
    { .name = "dev", .mode = S_IFREG | 0444, .show = show_net_dev },
    { .name = "if_inet6", .mode = S_IFREG | 0444, .show = show_net_if_inet6 },
    { .name = "route", .mode = S_IFREG | 0444, .show = show_net_route },
    { .name = "tcp", .mode = S_IFREG | 0444, .show = proc_show_net_tcp },
    { .name = "tcp6", .mode = S_IFREG | 0444, .show = proc_show_net_tcp6 },
    { .name = "udp", .mode = S_IFREG | 0444, .show = proc_show_net_udp },
    { .name = "udp6", .mode = S_IFREG | 0444, .show = proc_show_net_udp6 },
    { .name = "unix", .mode = S_IFREG | 0444, .show = proc_show_net_unix },
    { .name = "snmp", .mode = S_IFREG | 0444, .show = proc_show_net_snmp },
    { .name = "netstat", .mode = S_IFREG | 0444, .show = proc_show_net_netstat },
    { .name = NULL },
};
