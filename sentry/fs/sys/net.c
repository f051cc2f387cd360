/* SPDX-License-Identifier: Apache-2.0 */
/* /sys/class/net/<if>/: address, mtu, operstate, ifindex ... of the sandbox's interfaces. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/fs/sys/sys_internal.h"

#define SYS_NET_MAX_LINKS 256

/* What the files of one interface show. */
struct link {
    int index;
    unsigned int flags, type, mtu;
    unsigned char operstate;
    char name[IF_NAMESIZE];
    unsigned char addr[32];
    size_t addr_len;
};

struct links {
    int n;
    struct link l[SYS_NET_MAX_LINKS];
};

static void link_msg(const struct nlmsghdr *h, struct links *ls)
{
    const struct ifinfomsg *ifi = NLMSG_DATA(h);
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
    struct link *l;

    if (len < 0 || ls->n >= SYS_NET_MAX_LINKS)
        return;
    l = &ls->l[ls->n];
    memset(l, 0, sizeof(*l));
    l->index = ifi->ifi_index;
    l->flags = ifi->ifi_flags;
    l->type = ifi->ifi_type;
    for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        size_t plen = RTA_PAYLOAD(a);

        if (a->rta_type == IFLA_IFNAME) {
            memcpy(l->name, RTA_DATA(a), plen < IF_NAMESIZE ? plen : IF_NAMESIZE - 1);
            l->name[IF_NAMESIZE - 1] = '\0';
        } else if (a->rta_type == IFLA_ADDRESS && plen <= sizeof(l->addr)) {
            memcpy(l->addr, RTA_DATA(a), plen);
            l->addr_len = plen;
        } else if (a->rta_type == IFLA_MTU && plen >= sizeof(uint32_t)) {
            memcpy(&l->mtu, RTA_DATA(a), sizeof(uint32_t));
        } else if (a->rta_type == IFLA_OPERSTATE && plen >= 1) {
            l->operstate = *(const unsigned char *)RTA_DATA(a);
        }
    }
    if (l->name[0] != '\0')
        ls->n++;
}

/* The sandbox's interfaces (the sentry runs in its network namespace). Returns 0 or -Exxx. */
static long links_get(struct links **out)
{
    struct {
        struct nlmsghdr h;
        struct rtgenmsg g;
    } req = { 0 };
    const size_t buf_size = 32768;
    cleanup_free char *buf = malloc(buf_size);
    cleanup_free struct links *ls = calloc(1, sizeof(*ls));
    cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

    if (fd < 0)
        return -errno;
    if (buf == NULL || ls == NULL)
        return -ENOMEM;
    req.h.nlmsg_len = sizeof(req);
    req.h.nlmsg_type = RTM_GETLINK;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = 1;
    req.g.rtgen_family = AF_UNSPEC;
    if (send(fd, &req, sizeof(req), 0) < 0)
        return -errno;
    for (;;) {
        ssize_t n = recv(fd, buf, buf_size, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                *out = steal_pointer(&ls);
                return 0;
            }
            if (h->nlmsg_type == NLMSG_ERROR)
                return -EIO;
            if (h->nlmsg_type == RTM_NEWLINK)
                link_msg(h, ls);
        }
    }
}

/* Copies the interface whose index is c->pid into `l`. Returns 0 or -ENOENT. */
static long link_of(const struct kfs_ctx *c, struct link *l)
{
    cleanup_free struct links *ls = NULL;
    long ret = links_get(&ls);

    if (ret < 0)
        return ret;
    for (int i = 0; i < ls->n; i++) {
        if (ls->l[i].index == c->pid) {
            *l = ls->l[i];
            return 0;
        }
    }
    return -ENOENT;
}

static long show_address(const struct kfs_ctx *c, FILE *out)
{
    struct link l;
    long ret = link_of(c, &l);

    if (ret < 0)
        return ret;
    for (size_t i = 0; i < l.addr_len; i++)
        fprintf(out, "%s%02x", i == 0 ? "" : ":", l.addr[i]);
    fprintf(out, "\n");
    return 0;
}

static long show_mtu(const struct kfs_ctx *c, FILE *out)
{
    struct link l;
    long ret = link_of(c, &l);

    if (ret == 0)
        fprintf(out, "%u\n", l.mtu);
    return ret;
}

static long show_ifindex(const struct kfs_ctx *c, FILE *out)
{
    struct link l;
    long ret = link_of(c, &l);

    if (ret == 0)
        fprintf(out, "%d\n", l.index);
    return ret;
}

static long show_flags(const struct kfs_ctx *c, FILE *out)
{
    struct link l;
    long ret = link_of(c, &l);

    if (ret == 0)
        fprintf(out, "0x%x\n", l.flags);
    return ret;
}

static long show_type(const struct kfs_ctx *c, FILE *out)
{
    struct link l;
    long ret = link_of(c, &l);

    if (ret == 0)
        fprintf(out, "%u\n", l.type);
    return ret;
}

static long show_operstate(const struct kfs_ctx *c, FILE *out)
{
    static const char *const names[] = { "unknown", "notpresent", "down", "lowerlayerdown",
                                         "testing", "dormant",    "up" };
    struct link l;
    long ret = link_of(c, &l);

    if (ret == 0)
        fprintf(out, "%s\n", l.operstate < ARRAY_SIZE(names) ? names[l.operstate] : "unknown");
    return ret;
}

static long show_carrier(const struct kfs_ctx *c, FILE *out)
{
    struct link l;
    long ret = link_of(c, &l);

    if (ret == 0)
        fprintf(out, "%d\n", (l.flags & IFF_RUNNING) ? 1 : 0);
    return ret;
}

#define RO(n, fn)                                         \
    {                                                     \
        .name = (n), .mode = S_IFREG | 0444, .show = (fn) \
    }

static const struct kfs_entry g_if_files[] = {
    RO("address", show_address), RO("carrier", show_carrier),
    RO("flags", show_flags),     RO("ifindex", show_ifindex),
    RO("mtu", show_mtu),         RO("operstate", show_operstate),
    RO("type", show_type),       { .name = NULL },
};

static const struct kfs_entry g_if_dir = {
    .name = "if",
    .mode = S_IFDIR | 0755,
    .children = g_if_files,
};

static long net_list(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg)
{
    cleanup_free struct links *ls = NULL;
    long ret = links_get(&ls);

    (void)c;
    if (ret < 0)
        return ret;
    for (int i = 0; i < ls->n; i++) {
        if (!emit(arg, ls->l[i].name, 4 /* DT_DIR */))
            break;
    }
    return 0;
}

static long net_lookup(const struct kfs_ctx *c, const char *name, const struct kfs_entry **entry,
                       struct kfs_ctx *child)
{
    cleanup_free struct links *ls = NULL;
    long ret = links_get(&ls);

    if (ret < 0)
        return ret;
    for (int i = 0; i < ls->n; i++) {
        if (strcmp(ls->l[i].name, name) == 0) {
            *entry = &g_if_dir;
            *child = *c;
            child->pid = ls->l[i].index;
            return 0;
        }
    }
    return -ENOENT;
}

const struct kfs_dyn_dir g_sys_class_net_dyn = { .list = net_list, .lookup = net_lookup };
