/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /proc/net/{tcp,tcp6,udp,udp6,unix}: the sandbox's sockets in Linux's
 * formats, built from the sentry's own socket table: every socket some
 * process of the sandbox holds open. Inet sockets are host sockets in the
 * sandbox's network namespace, so their state, timers and windows come from
 * the host's TCP_INFO and SO_MEMINFO; unix sockets are the sentry's. Sockets
 * no process holds (TIME_WAIT, in flight in SCM_RIGHTS) are not listed.
 * snmp and netstat are the host's counters of that namespace, read through
 * files boot opened before the seccomp filter.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/fs/proc/proc_internal.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/net/net.h"
#include "sentry/vfs/vfs.h"

/* Linux's __SO_ACCEPTCON (the listening flag of /proc/net/unix) and socket states. */
#define NET_SO_ACCEPTCON   0x10000
#define NET_SS_UNCONNECTED 1
#define NET_SS_CONNECTED   3
/* TCP_CLOSE and TCP_ESTABLISHED as /proc/net/udp prints them. */
#define NET_TCP_ESTABLISHED 1
#define NET_TCP_CLOSE       7
/* A TCP socket still in its first slow start reports ssthresh -1 (TCP_INFINITE_SSTHRESH). */
#define NET_TCP_INFINITE_SSTHRESH 0x7fffffffu
/*
 * TCP_INFO stops early for a listener; Linux prints its untouched rto
 * (TCP_TIMEOUT_INIT, 1 s) and cwnd (TCP_INIT_CWND).
 */
#define NET_TCP_LISTEN_RTO 100UL
#define NET_TCP_INIT_CWND  10u
/* Linux's USER_HZ: rto and ato are printed in clock ticks. */
#define NET_USER_HZ 100

/* The open socket files of the sandbox, each once, with a reference each. */
struct sock_list {
    struct file **files;
    size_t n, cap;
};

static void sock_list_free(struct sock_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        put_file(l->files[i]);
    free(l->files);
}

static bool sock_list_has(const struct sock_list *l, const struct file *f)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->files[i] == f)
            return true;
    }
    return false;
}

/* Collects the sockets of every fd table of `k`'s tasks. Returns 0 or -ENOMEM. */
static long collect_sockets(struct kernel *k, struct sock_list *l)
{
    struct fd_table **tables = NULL;
    size_t nt = 0, cap = 0;
    struct klist *pos;
    long ret = 0;

    pthread_mutex_lock(&k->mu);
    klist_for_each(pos, &k->tasks)
    {
        struct task *t = klist_entry(pos, struct task, k_node);
        bool seen = false;

        if (t->fdt == NULL)
            continue;
        for (size_t i = 0; i < nt && !seen; i++)
            seen = tables[i] == t->fdt;
        if (seen)
            continue;
        if (nt == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct fd_table **nt_ = realloc(tables, ncap * sizeof(*tables));

            if (nt_ == NULL) {
                ret = -ENOMEM;
                break;
            }
            tables = nt_;
            cap = ncap;
        }
        tables[nt++] = get_fd_table(t->fdt);
    }
    pthread_mutex_unlock(&k->mu);
    for (size_t i = 0; i < nt; i++) {
        int max = fd_table_max_fd(tables[i]);

        for (int fd = 0; ret == 0 && fd < max; fd++) {
            struct file *f = fd_table_get(tables[i], fd);

            if (f == NULL)
                continue;
            if (!(net_is_socket(f) || inet_is_socket(f)) || sock_list_has(l, f)) {
                put_file(f);
                continue;
            }
            if (l->n == l->cap) {
                size_t ncap = l->cap ? l->cap * 2 : 16;
                struct file **nf = realloc(l->files, ncap * sizeof(*nf));

                if (nf == NULL) {
                    put_file(f);
                    ret = -ENOMEM;
                    break;
                }
                l->files = nf;
                l->cap = ncap;
            }
            l->files[l->n++] = f;
        }
        put_fd_table(tables[i]);
    }
    free(tables);
    return ret;
}

/* getsockopt / getsockname of either family's socket (sentry memory). */
static long sock_getopt(struct file *f, int level, int name, void *val, uint32_t *len)
{
    if (inet_is_socket(f))
        return inet_getsockopt(g_kernel_current_task, f, level, name, val, len);
    return net_getsockopt(g_kernel_current_task, f, level, name, val, len);
}

static long sock_getname(struct file *f, bool peer, struct net_addr *out)
{
    if (inet_is_socket(f))
        return inet_getname(f, peer, out);
    return net_getname(f, peer, out);
}

static int sock_int_opt(struct file *f, int level, int name, int dflt)
{
    int v = dflt;
    uint32_t len = sizeof(v);
    char buf[INET_OPT_MAX];

    if (sock_getopt(f, level, name, buf, &len) < 0 || len < sizeof(v))
        return dflt;
    memcpy(&v, buf, sizeof(v));
    return v;
}

static uint64_t sock_ino(struct file *f)
{
    struct stat st;

    if (f->ops->fstat == NULL || f->ops->fstat(f, &st) < 0)
        return 0;
    return st.st_ino;
}

/* What an inet line needs. */
struct inet_info {
    struct sockaddr_storage local, peer;
    bool has_peer;
    struct tcp_info ti;
    bool has_ti;
    uint32_t meminfo[SK_MEMINFO_VARS];
    bool has_mem;
    uint64_t ino;
};

static void inet_info_get(struct file *f, int proto, struct inet_info *in)
{
    struct net_addr a;
    char buf[INET_OPT_MAX];
    uint32_t len;

    memset(in, 0, sizeof(*in));
    if (sock_getname(f, /*peer=*/false, &a) == 0 && a.len <= sizeof(in->local))
        memcpy(&in->local, a.raw, a.len);
    if (sock_getname(f, /*peer=*/true, &a) == 0 && a.len <= sizeof(in->peer)) {
        memcpy(&in->peer, a.raw, a.len);
        in->has_peer = true;
    }
    if (proto == IPPROTO_TCP) {
        len = sizeof(in->ti);
        if (sock_getopt(f, IPPROTO_TCP, TCP_INFO, buf, &len) == 0) {
            memcpy(&in->ti, buf, len < sizeof(in->ti) ? len : sizeof(in->ti));
            in->has_ti = true;
        }
    }
    len = sizeof(in->meminfo);
    if (sock_getopt(f, SOL_SOCKET, SO_MEMINFO, buf, &len) == 0) {
        memcpy(in->meminfo, buf, len < sizeof(in->meminfo) ? len : sizeof(in->meminfo));
        in->has_mem = true;
    }
    in->ino = sock_ino(f);
}

/* The address and port columns: IPv4 as Linux's %08X of the network-order word. */
static void put_addr(FILE *out, const struct sockaddr_storage *ss, int family)
{
    if (family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;

        fprintf(out, "%08X:%04X", s->sin_addr.s_addr, ntohs(s->sin_port));
    } else {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        uint32_t w[4];

        memcpy(w, &s->sin6_addr, sizeof(w));
        fprintf(out, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3], ntohs(s->sin6_port));
    }
}

static long show_inet(FILE *out, int family, int proto)
{
    struct kernel *k = proc_kernel();
    struct sock_list l = { 0 };
    int slot = 0;
    long ret;

    if (k == NULL)
        return -ENOENT;
    if (proto == IPPROTO_TCP && family == AF_INET)
        fprintf(out, "%-149s\n",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
                "  timeout inode");
    else if (proto == IPPROTO_TCP)
        fputs("  sl  local_address                         remote_address                        st"
              " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n",
              out);
    else if (family == AF_INET)
        fprintf(out, "%-127s\n",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
                "  timeout inode ref pointer drops");
    else
        fputs("  sl  local_address                         remote_address                        st"
              " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n",
              out);
    ret = collect_sockets(k, &l);
    if (ret < 0)
        goto out;
    for (size_t i = 0; i < l.n; i++) {
        struct file *f = l.files[i];
        struct inet_info in;
        char *line = NULL;
        size_t line_len = 0;
        FILE *lf;

        if (sock_int_opt(f, SOL_SOCKET, SO_DOMAIN, -1) != family ||
            sock_int_opt(f, SOL_SOCKET, SO_PROTOCOL, -1) != proto)
            continue;
        inet_info_get(f, proto, &in);
        in.local.ss_family = (sa_family_t)family;
        in.peer.ss_family = (sa_family_t)family;
        lf = open_memstream(&line, &line_len);
        if (lf == NULL) {
            ret = -ENOMEM;
            goto out;
        }
        fprintf(lf, proto == IPPROTO_TCP ? "%4d: " : "%5d: ", slot++);
        put_addr(lf, &in.local, family);
        fputc(' ', lf);
        put_addr(lf, &in.peer, family);
        if (proto == IPPROTO_TCP) {
            bool listen = in.has_ti && in.ti.tcpi_state == TCP_LISTEN;
            unsigned int rx = listen ? in.ti.tcpi_unacked : 0;
            int ssthresh = listen ? 0
                           : in.ti.tcpi_snd_ssthresh >= NET_TCP_INFINITE_SSTHRESH
                               ? -1
                               : (int)in.ti.tcpi_snd_ssthresh;

            fprintf(lf, " %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %016x %lu %lu %u %u %d",
                    in.has_ti ? in.ti.tcpi_state : TCP_CLOSE, 0u, rx, 0, 0UL, 0u, (unsigned int)0,
                    0, (unsigned long)in.ino, 1, 0,
                    listen ? NET_TCP_LISTEN_RTO
                           : (unsigned long)in.ti.tcpi_rto / (1000000 / NET_USER_HZ),
                    (unsigned long)in.ti.tcpi_ato / (1000000 / NET_USER_HZ), 0u,
                    listen ? NET_TCP_INIT_CWND : in.ti.tcpi_snd_cwnd, ssthresh);
        } else {
            fprintf(lf, " %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %016x %u",
                    in.has_peer ? NET_TCP_ESTABLISHED : NET_TCP_CLOSE,
                    in.has_mem ? in.meminfo[SK_MEMINFO_WMEM_ALLOC] : 0u,
                    in.has_mem ? in.meminfo[SK_MEMINFO_RMEM_ALLOC] : 0u, 0, 0UL, 0u,
                    (unsigned int)0, 0, (unsigned long)in.ino, 2, 0,
                    in.has_mem ? in.meminfo[SK_MEMINFO_DROPS] : 0u);
        }
        fclose(lf);
        if (line == NULL) {
            ret = -ENOMEM;
            goto out;
        }
        /* The IPv4 tables pad every line (Linux's seq_setwidth + seq_pad). */
        if (family == AF_INET)
            fprintf(out, "%-*s\n", proto == IPPROTO_TCP ? 149 : 127, line);
        else
            fprintf(out, "%s\n", line);
        free(line);
    }
out:
    sock_list_free(&l);
    return ret;
}

long proc_show_net_tcp(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    return show_inet(out, AF_INET, IPPROTO_TCP);
}

long proc_show_net_tcp6(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    return show_inet(out, AF_INET6, IPPROTO_TCP);
}

long proc_show_net_udp(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    return show_inet(out, AF_INET, IPPROTO_UDP);
}

long proc_show_net_udp6(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    return show_inet(out, AF_INET6, IPPROTO_UDP);
}

long proc_show_net_unix(const struct kfs_ctx *c, FILE *out)
{
    struct kernel *k = proc_kernel();
    struct sock_list l = { 0 };
    long ret;

    (void)c;
    if (k == NULL)
        return -ENOENT;
    fputs("Num       RefCount Protocol Flags    Type St Inode Path\n", out);
    ret = collect_sockets(k, &l);
    for (size_t i = 0; ret == 0 && i < l.n; i++) {
        struct file *f = l.files[i];
        struct net_addr a, peer;
        bool listening;
        int type;

        if (sock_int_opt(f, SOL_SOCKET, SO_DOMAIN, -1) != AF_UNIX)
            continue;
        type = sock_int_opt(f, SOL_SOCKET, SO_TYPE, SOCK_STREAM);
        listening = sock_int_opt(f, SOL_SOCKET, SO_ACCEPTCONN, 0) != 0;
        fprintf(out, "%016x: %08X %08X %08X %04X %02X %5lu", 0, 2u, 0u,
                listening ? NET_SO_ACCEPTCON : 0u, (unsigned int)type,
                sock_getname(f, /*peer=*/true, &peer) == 0 && peer.len > 0 ? NET_SS_CONNECTED
                                                                           : NET_SS_UNCONNECTED,
                (unsigned long)sock_ino(f));
        if (sock_getname(f, /*peer=*/false, &a) == 0 && a.len > sizeof(sa_family_t)) {
            size_t n = a.len - sizeof(sa_family_t);
            const char *p = a.sun.sun_path;

            fputc(' ', out);
            if (p[0] == '\0') {
                /* Abstract: '@' for the leading NUL and for NULs inside (Linux's unix_seq_show). */
                fputc('@', out);
                for (size_t j = 1; j < n; j++)
                    fputc(p[j] != '\0' ? p[j] : '@', out);
            } else {
                fprintf(out, "%.*s", (int)strnlen(p, n), p);
            }
        }
        fputc('\n', out);
    }
    sock_list_free(&l);
    return ret;
}

/* ---- /proc/net/snmp and /proc/net/netstat: the host's counters of the sandbox's netns ---- */

static int g_snmp_fd = -1, g_netstat_fd = -1;

void procfs_set_net_counters(int snmp_fd, int netstat_fd)
{
    g_snmp_fd = snmp_fd;
    g_netstat_fd = netstat_fd;
}

/* Copies host procfs file `fd` from its start (pread: a fresh snapshot each time). */
static long copy_host_file(int fd, FILE *out)
{
    char buf[4096];
    off_t off = 0;
    ssize_t n;

    if (fd < 0)
        return -ENOENT;
    while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
        fwrite(buf, 1, (size_t)n, out);
        off += n;
    }
    return n < 0 ? -EIO : 0;
}

long proc_show_net_snmp(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    return copy_host_file(g_snmp_fd, out);
}

long proc_show_net_netstat(const struct kfs_ctx *c, FILE *out)
{
    (void)c;
    return copy_host_file(g_netstat_fd, out);
}
