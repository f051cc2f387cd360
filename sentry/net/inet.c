/* SPDX-License-Identifier: Apache-2.0 */
/* Phase-1 inet sockets: host sockets the sentry opens in the sandbox's netns and runs for the app.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/sockios.h>

#include "common/common.h"
#include "sentry/fs/anon/anon.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/net/net.h"
#include "sentry/net/net_internal.h"
#include "sentry/vfs/vfs.h"

/* How long one slice of a blocking wait polls the host fd before looking for signals. */
#define HSOCK_SLICE_MS 5

/* Flags an app may pass to send/recv; the host call always adds MSG_DONTWAIT | MSG_NOSIGNAL. */
#define SEND_FLAGS                                                                              \
    (MSG_OOB | MSG_DONTROUTE | MSG_DONTWAIT | MSG_EOR | MSG_NOSIGNAL | MSG_MORE | MSG_CONFIRM | \
     MSG_FASTOPEN)
#define RECV_FLAGS \
    (MSG_OOB | MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT | MSG_WAITALL | MSG_ERRQUEUE | MSG_CMSG_CLOEXEC)

static uint64_t g_next_ino = 1u << 30;

static const struct file_ops g_hsock_ops;

static struct task *current_task(void)
{
    return g_kernel_current_task != NULL ? g_kernel_current_task : g_pipe_current_task;
}

static struct hsock *hsock_of(struct file *f)
{
    return f->ops == &g_hsock_ops ? f->priv : NULL;
}

bool inet_is_socket(const struct file *f)
{
    return f->ops == &g_hsock_ops;
}

/*
 * The readiness watcher: one sentry thread waits on a host epoll set holding
 * every host socket (edge-triggered) and wakes poll/select/epoll sleepers
 * (anon_notify) when one of them changes, so that they need not wait for the
 * end of a wait slice. Blocking socket calls poll their own fd instead.
 */
static pthread_once_t g_watch_once = PTHREAD_ONCE_INIT;
static int g_watch_ep = -1;

/*
 * Host fds below WATCH_SEQ_FDS: how many edges the watcher saw on each
 * (inet_event_seq). Indexed by fd rather than kept in the socket, so that an
 * event read just before the socket is freed touches nothing freed.
 */
#define WATCH_SEQ_FDS 65536
static uint32_t g_watch_seq[WATCH_SEQ_FDS];

static void *watch_main(void *arg)
{
    struct epoll_event evs[64];

    (void)arg;
    for (;;) {
        int n = epoll_wait(g_watch_ep, evs, 64, -1);

        for (int i = 0; i < n; i++) {
            if (evs[i].data.fd >= 0 && evs[i].data.fd < WATCH_SEQ_FDS)
                __atomic_add_fetch(&g_watch_seq[evs[i].data.fd], 1, __ATOMIC_RELEASE);
        }
        if (n > 0)
            anon_notify();
        else if (n < 0 && errno != EINTR)
            return NULL;
    }
}

static void watch_init(void)
{
    pthread_attr_t attr;
    pthread_t th;
    sigset_t all, old;

    g_watch_ep = epoll_create1(EPOLL_CLOEXEC);
    if (g_watch_ep < 0) {
        sentry_info("inet: no readiness watcher (epoll_create1: %s)", strerror(errno));
        return;
    }
    /* The watcher takes no host signals: they are for the threads that serve tasks. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&th, &attr, watch_main, NULL) != 0) {
        sentry_info("inet: no readiness watcher thread");
        close(g_watch_ep);
        g_watch_ep = -1;
    }
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Adds host fd `fd` to the watcher's set; it leaves the set when it is closed. */
static void watch_fd(int fd)
{
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP | EPOLLET };

    pthread_once(&g_watch_once, watch_init);
    if (g_watch_ep < 0)
        return;
    ev.data.fd = fd;
    epoll_ctl(g_watch_ep, EPOLL_CTL_ADD, fd, &ev);
}

uint64_t inet_event_seq(const struct file *f)
{
    const struct hsock *s = f->ops == &g_hsock_ops ? f->priv : NULL;

    if (s == NULL || s->fd < 0)
        return 0;
    /* Past the table (or with no watcher): any wake-up may be this socket's edge. */
    if (s->fd >= WATCH_SEQ_FDS || g_watch_ep < 0)
        return anon_wait_gen();
    return __atomic_load_n(&g_watch_seq[s->fd], __ATOMIC_ACQUIRE);
}

struct hsock *hsock_new(int fd, int domain, int type, int protocol)
{
    struct hsock *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    s->fd = fd;
    s->domain = domain;
    s->type = type;
    s->protocol = protocol;
    s->ino_nr = __atomic_fetch_add(&g_next_ino, 1, __ATOMIC_RELAXED);
    s->sndbuf = NET_WMEM_DEFAULT;
    s->rcvbuf = NET_WMEM_DEFAULT;
    pthread_mutex_init(&s->mu, NULL);
    if (fd >= 0)
        watch_fd(fd);
    return s;
}

static void hsock_free(struct hsock *s)
{
    if (s->domain == AF_NETLINK)
        netlink_release(s);
    if (s->fd >= 0)
        close(s->fd);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static bool past(const struct timespec *deadline, const struct timespec *now)
{
    return now->tv_sec > deadline->tv_sec ||
           (now->tv_sec == deadline->tv_sec && now->tv_nsec >= deadline->tv_nsec);
}

long hsock_wait(struct task *t, struct hsock *s, short events, const struct timespec *deadline)
{
    for (;;) {
        struct pollfd p = { .fd = s->fd, .events = events };
        struct timespec now;
        int ms = HSOCK_SLICE_MS;

        if (t != NULL && task_should_interrupt(t))
            return deadline != NULL ? -EINTR : -ERESTARTSYS;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (deadline != NULL) {
            int64_t left;

            if (past(deadline, &now))
                return -EAGAIN;
            left = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
                   (deadline->tv_nsec - now.tv_nsec) / 1000000;
            if (left < ms)
                ms = left > 0 ? (int)left : 1;
        }
        /* A negative fd is ignored by poll: a uevent socket only sleeps. */
        if (poll(&p, 1, ms) > 0 && (p.revents & (events | POLLERR | POLLHUP | POLLNVAL)))
            return 0;
    }
}

/* The deadline of a socket timeout: NULL without one; already past when negative. */
static const struct timespec *deadline_of(int64_t ns, struct timespec *buf)
{
    struct timespec rel = { 0, 0 };

    if (ns == 0)
        return NULL;
    if (ns > 0) {
        rel.tv_sec = ns / 1000000000LL;
        rel.tv_nsec = ns % 1000000000LL;
    }
    kernel_deadline_from_now(&rel, buf);
    return buf;
}

static int64_t timeo_of(struct hsock *s, bool rcv)
{
    int64_t v;

    pthread_mutex_lock(&s->mu);
    v = rcv ? s->rcvtimeo_ns : s->sndtimeo_ns;
    pthread_mutex_unlock(&s->mu);
    return v;
}

static void send_sigpipe(struct task *t)
{
    siginfo_t info;

    if (t == NULL)
        return;
    memset(&info, 0, sizeof(info));
    info.si_signo = SIGPIPE;
    info.si_code = SI_USER;
    info.si_pid = t->tg->pid;
    task_send_signal(t, &info);
}

/* ---- the file ---- */

static long hsock_read(struct file *f, void *buf, size_t len)
{
    struct net_addr from;
    size_t ctllen = 0;
    int mflags = 0;

    return inet_recvmsg(current_task(), f, buf, len, 0, &from, NULL, &ctllen, &mflags);
}

static long hsock_write(struct file *f, const void *buf, size_t len)
{
    return inet_sendmsg(current_task(), f, buf, len, 0, NULL, NULL, 0);
}

static unsigned int hsock_poll(struct file *f)
{
    struct hsock *s = f->priv;
    struct pollfd p = { .fd = s->fd,
                        .events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP | POLLRDNORM | POLLWRNORM |
                                  POLLRDBAND | POLLWRBAND };
    unsigned int ev = 0;

    if (s->fd < 0)
        return POLLOUT | POLLWRNORM;
    if (poll(&p, 1, 0) > 0)
        ev = (unsigned int)p.revents;
    pthread_mutex_lock(&s->mu);
    if (s->pending_head != NULL)
        ev |= POLLIN | POLLRDNORM;
    pthread_mutex_unlock(&s->mu);
    return ev;
}

/* The host socket interface ioctls of sockets without one (unix, uevent) run on. */
static pthread_once_t g_dev_once = PTHREAD_ONCE_INIT;
static int g_dev_fd = -1;

static void dev_fd_init(void)
{
    g_dev_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (g_dev_fd < 0)
        g_dev_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/* SIOCGIFCONF: the app's struct ifconf holds a pointer; the list is built in sentry memory. */
static long ioctl_ifconf(struct task *t, int fd, uint64_t arg)
{
    struct ifconf uc, hc;
    cleanup_free struct ifreq *reqs = NULL;
    size_t cap;
    long ret;

    ret = task_copy_in(t, &uc, arg, sizeof(uc));
    if (ret < 0)
        return ret;
    if (uc.ifc_len < 0)
        return -EINVAL;
    if (uc.ifc_buf == NULL) {
        hc.ifc_len = 0;
        hc.ifc_buf = NULL;
        if (ioctl(fd, SIOCGIFCONF, &hc) < 0)
            return -errno;
        uc.ifc_len = hc.ifc_len;
        return task_copy_out(t, arg, &uc, sizeof(uc));
    }
    cap = (size_t)uc.ifc_len / sizeof(struct ifreq);
    if (cap > 1024)
        cap = 1024;
    reqs = calloc(cap > 0 ? cap : 1, sizeof(*reqs));
    if (reqs == NULL)
        return -ENOMEM;
    hc.ifc_len = (int)(cap * sizeof(struct ifreq));
    hc.ifc_req = reqs;
    if (ioctl(fd, SIOCGIFCONF, &hc) < 0)
        return -errno;
    if (hc.ifc_len > 0) {
        ret = task_copy_out(t, (uintptr_t)uc.ifc_buf, reqs, (size_t)hc.ifc_len);
        if (ret < 0)
            return ret;
    }
    uc.ifc_len = hc.ifc_len;
    return task_copy_out(t, arg, &uc, sizeof(uc));
}

/* An ioctl whose argument is an int the host writes. */
static long ioctl_int_out(struct task *t, struct hsock *s, unsigned int cmd, uint64_t arg)
{
    int v = 0;

    if (ioctl(s->fd, cmd, &v) < 0)
        return -errno;
    return task_copy_out(t, arg, &v, sizeof(v));
}

long net_dev_ioctl(struct task *t, int host_fd, unsigned int cmd, uint64_t arg)
{
    struct ifreq ifr;
    long ret;

    if (host_fd < 0) {
        pthread_once(&g_dev_once, dev_fd_init);
        host_fd = g_dev_fd;
    }
    switch (cmd) {
    case SIOCGIFCONF:
        if (host_fd < 0)
            return -ENODEV;
        return ioctl_ifconf(t, host_fd, arg);
    case SIOCGIFNAME:
    case SIOCGIFINDEX:
    case SIOCGIFFLAGS:
    case SIOCGIFADDR:
    case SIOCGIFDSTADDR:
    case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFMTU:
    case SIOCGIFHWADDR:
    case SIOCGIFMETRIC:
    case SIOCGIFTXQLEN:
    case SIOCGIFMAP:
        if (host_fd < 0)
            return -ENODEV;
        ret = task_copy_in(t, &ifr, arg, sizeof(ifr));
        if (ret < 0)
            return ret;
        ifr.ifr_name[IFNAMSIZ - 1] = '\0';
        if (ioctl(host_fd, cmd, &ifr) < 0)
            return -errno;
        return task_copy_out(t, arg, &ifr, sizeof(ifr));
    case SIOCSIFFLAGS:
    case SIOCSIFADDR:
    case SIOCSIFDSTADDR:
    case SIOCSIFBRDADDR:
    case SIOCSIFNETMASK:
    case SIOCSIFMTU:
    case SIOCSIFHWADDR:
    case SIOCSIFMETRIC:
    case SIOCSIFTXQLEN:
    case SIOCSIFNAME:
        /* Changes: refused as the host refuses them without CAP_NET_ADMIN. */
        if (!net_admin_allowed())
            return -EPERM;
        if (host_fd < 0)
            return -ENODEV;
        ret = task_copy_in(t, &ifr, arg, sizeof(ifr));
        if (ret < 0)
            return ret;
        ifr.ifr_name[IFNAMSIZ - 1] = '\0';
        if (ioctl(host_fd, cmd, &ifr) < 0)
            return -errno;
        return 0;
    case SIOCADDRT:
    case SIOCDELRT:
        /* struct rtentry holds a pointer (rt_dev); routes change through netlink. */
        return net_admin_allowed() ? -EOPNOTSUPP : -EPERM;
    default:
        return -ENOTTY;
    }
}

static long hsock_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg)
{
    struct hsock *s = f->priv;
    long ret;
    int v;

    switch (cmd) {
    case FIONBIO:
        ret = task_copy_in(t, &v, arg, sizeof(v));
        if (ret < 0)
            return ret;
        if (v)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~(unsigned int)O_NONBLOCK;
        return 0;
    case FIONREAD: /* SIOCINQ */
    case SIOCOUTQ:
    case SIOCOUTQNSD:
    case SIOCATMARK:
        if (s->fd < 0)
            return -ENOTTY;
        return ioctl_int_out(t, s, cmd, arg);
    default:
        /* Netlink sockets' host fd answers interface ioctls too, as any socket does. */
        return net_dev_ioctl(t, s->fd, cmd, arg);
    }
}

static long hsock_fstat(struct file *f, struct stat *st)
{
    struct hsock *s = f->priv;

    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFSOCK | 0777;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    st->st_ino = s->ino_nr;
    st->st_dev = 0x8;
    return 0;
}

static void hsock_release(struct file *f)
{
    hsock_free(f->priv);
}

static const struct file_ops g_hsock_ops = {
    .name = "socket",
    .read = hsock_read,
    .write = hsock_write,
    .ioctl = hsock_ioctl,
    .fstat = hsock_fstat,
    .poll = hsock_poll,
    .release = hsock_release,
};

long hsock_file_new(struct hsock *s, unsigned int fflags, struct file **out)
{
    struct file *f;

    if (s == NULL)
        return -ENOMEM;
    f = file_new(&g_hsock_ops, O_RDWR | (fflags & O_NONBLOCK), s);
    if (f == NULL) {
        hsock_free(s);
        return -ENOMEM;
    }
    *out = f;
    return 0;
}

/* ---- socket(2) and the connection calls ---- */

long inet_socket(struct task *t, int domain, int type, int protocol, struct file **out)
{
    int base = type & 0xf;
    int fd;

    if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (domain == AF_NETLINK)
        return netlink_socket(t, type, protocol, out);
    if (domain != AF_INET && domain != AF_INET6)
        return -EAFNOSUPPORT;
    /* SOCK_PACKET and the like are not inet types; the host refuses the rest precisely. */
    fd = socket(domain, base | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0)
        return -errno;
    if (protocol == 0) {
        socklen_t pl = sizeof(protocol);

        getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &pl);
    }
    return hsock_file_new(hsock_new(fd, domain, base, protocol),
                          (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0, out);
}

static size_t addr_len(const struct net_addr *a)
{
    return a->len < sizeof(a->raw) ? a->len : sizeof(a->raw);
}

long inet_bind(struct task *t, struct file *f, const struct net_addr *addr)
{
    struct hsock *s = hsock_of(f);

    if (s == NULL)
        return -ENOTSOCK;
    if (s->fd < 0)
        return uevent_bind(t, s, addr);
    if (bind(s->fd, (const struct sockaddr *)addr->raw, (socklen_t)addr_len(addr)) < 0)
        return -errno;
    return 0;
}

long inet_listen(struct task *t, struct file *f, int backlog)
{
    struct hsock *s = hsock_of(f);

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if (s->fd < 0)
        return -EOPNOTSUPP;
    if (listen(s->fd, backlog) < 0)
        return -errno;
    return 0;
}

long inet_shutdown(struct task *t, struct file *f, int how)
{
    struct hsock *s = hsock_of(f);

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if (s->fd < 0)
        return how < SHUT_RD || how > SHUT_RDWR ? -EINVAL : -EOPNOTSUPP;
    if (shutdown(s->fd, how) < 0)
        return -errno;
    return 0;
}

long inet_connect(struct task *t, struct file *f, const struct net_addr *addr)
{
    struct hsock *s = hsock_of(f);
    struct timespec dbuf;
    const struct timespec *deadline;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    if (s->fd < 0)
        return -ECONNREFUSED;
    if (connect(s->fd, (const struct sockaddr *)addr->raw, (socklen_t)addr_len(addr)) == 0)
        return 0;
    ret = -errno;
    if ((ret != -EINPROGRESS && ret != -EALREADY) || (f->flags & O_NONBLOCK))
        return ret;
    /*
     * A blocking connect waits for the handshake like inet_wait_for_connect.
     * Asking the host again then reports the outcome the way a blocking
     * connect does (0, or the error with the socket unconnected again).
     */
    deadline = deadline_of(timeo_of(s, /*rcv=*/false), &dbuf);
    for (;;) {
        ret = hsock_wait(t, s, POLLOUT, deadline);
        if (ret == -EAGAIN)
            return -EINPROGRESS;
        if (ret < 0)
            return ret;
        if (connect(s->fd, (const struct sockaddr *)addr->raw, (socklen_t)addr_len(addr)) == 0)
            return 0;
        ret = -errno;
        if (ret == -EISCONN)
            return 0;
        if (ret != -EALREADY && ret != -EINPROGRESS)
            return ret;
    }
}

/* Copies a host sockaddr into a net_addr, truncating what does not fit. */
static void addr_from_host(struct net_addr *out, const struct sockaddr_storage *ss, socklen_t len)
{
    memset(out, 0, sizeof(*out));
    if (len > sizeof(out->raw))
        len = sizeof(out->raw);
    memcpy(out->raw, ss, len);
    out->len = len;
}

long inet_accept(struct task *t, struct file *f, unsigned int fflags, struct file **out,
                 struct net_addr *peer)
{
    struct hsock *s = hsock_of(f);
    struct timespec dbuf;
    const struct timespec *deadline = NULL;
    bool have_deadline = false;

    if (s == NULL)
        return -ENOTSOCK;
    if (s->fd < 0)
        return -EOPNOTSUPP;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int nfd = accept4(s->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        long ret;

        if (nfd >= 0) {
            addr_from_host(peer, &ss, sl);
            return hsock_file_new(hsock_new(nfd, s->domain, s->type, s->protocol), fflags, out);
        }
        ret = -errno;
        if (ret != -EAGAIN || (f->flags & O_NONBLOCK))
            return ret;
        if (!have_deadline) {
            deadline = deadline_of(timeo_of(s, /*rcv=*/true), &dbuf);
            have_deadline = true;
        }
        ret = hsock_wait(t, s, POLLIN, deadline);
        if (ret < 0)
            return ret;
    }
}

long inet_getname(struct file *f, bool peer, struct net_addr *out)
{
    struct hsock *s = hsock_of(f);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int r;

    if (s == NULL)
        return -ENOTSOCK;
    if (s->fd < 0) {
        if (peer) {
            /* A uevent socket's peer is the kernel. */
            struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

            memset(out, 0, sizeof(*out));
            memcpy(out->raw, &nl, sizeof(nl));
            out->len = sizeof(nl);
            return 0;
        }
        uevent_getname(s, out);
        return 0;
    }
    memset(&ss, 0, sizeof(ss));
    r = peer ? getpeername(s->fd, (struct sockaddr *)&ss, &sl)
             : getsockname(s->fd, (struct sockaddr *)&ss, &sl);
    if (r < 0)
        return -errno;
    addr_from_host(out, &ss, sl);
    return 0;
}

/* ---- data ---- */

/* Refuses SOL_SOCKET SCM_RIGHTS / SCM_CREDENTIALS: they name sentry fds and pids on the host. */
static long check_send_control(const void *ctl, size_t ctllen)
{
    size_t off = 0;

    while (off + sizeof(struct cmsghdr) <= ctllen) {
        struct cmsghdr h;

        memcpy(&h, (const char *)ctl + off, sizeof(h));
        if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > ctllen - off)
            return -EINVAL;
        if (h.cmsg_level == SOL_SOCKET &&
            (h.cmsg_type == SCM_RIGHTS || h.cmsg_type == SCM_CREDENTIALS))
            return -EINVAL;
        off += CMSG_ALIGN(h.cmsg_len);
    }
    return 0;
}

long inet_sendmsg(struct task *t, struct file *f, const void *buf, size_t len, int flags,
                  const struct net_addr *to, const void *ctl, size_t ctllen)
{
    struct hsock *s = hsock_of(f);
    bool blocking;
    struct timespec dbuf;
    const struct timespec *deadline = NULL;
    bool have_deadline = false;
    size_t done = 0;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    if (flags & ~SEND_FLAGS)
        return -EOPNOTSUPP;
    ret = check_send_control(ctl, ctllen);
    if (ret < 0)
        return ret;
    if (s->fd < 0)
        return (long)len; /* uevent: nobody listens to what the app multicasts */
    if (s->domain == AF_NETLINK) {
        ret = netlink_filter_send(t, s, buf, len);
        if (ret != 0)
            return ret;
    }
    blocking = !(flags & MSG_DONTWAIT) && !(f->flags & O_NONBLOCK);
    for (;;) {
        struct iovec iov = { .iov_base = (char *)buf + done, .iov_len = len - done };
        struct msghdr mh = {
            .msg_name = to != NULL ? (void *)to->raw : NULL,
            .msg_namelen = to != NULL ? (socklen_t)addr_len(to) : 0,
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = done == 0 && ctllen > 0 ? (void *)ctl : NULL,
            .msg_controllen = done == 0 ? ctllen : 0,
        };
        ssize_t n = sendmsg(s->fd, &mh, flags | MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n >= 0) {
            done += (size_t)n;
            /* A blocking stream send returns once everything went (or a wait failed). */
            if (!blocking || s->type != SOCK_STREAM || done >= len)
                return (long)done;
            continue;
        }
        ret = -errno;
        if (ret == -EPIPE && !(flags & MSG_NOSIGNAL))
            send_sigpipe(t);
        if (ret != -EAGAIN || !blocking)
            return done > 0 ? (long)done : ret;
        if (!have_deadline) {
            deadline = deadline_of(timeo_of(s, /*rcv=*/false), &dbuf);
            have_deadline = true;
        }
        ret = hsock_wait(t, s, POLLOUT, deadline);
        if (ret < 0)
            return done > 0 ? (long)done : ret;
    }
}

/* Drops SCM_RIGHTS from what the host returned (none should come; they would be host fds). */
static size_t filter_recv_control(char *ctl, size_t len)
{
    size_t off = 0;

    while (off + sizeof(struct cmsghdr) <= len) {
        struct cmsghdr h;

        memcpy(&h, ctl + off, sizeof(h));
        if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > len - off)
            return off;
        if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS) {
            int n = (int)((h.cmsg_len - CMSG_LEN(0)) / sizeof(int));

            for (int i = 0; i < n; i++) {
                int fd;

                memcpy(&fd, ctl + off + CMSG_LEN(0) + (size_t)i * sizeof(int), sizeof(fd));
                close(fd);
            }
            return off;
        }
        off += CMSG_ALIGN(h.cmsg_len);
    }
    return len;
}

long inet_recvmsg(struct task *t, struct file *f, void *buf, size_t len, int flags,
                  struct net_addr *from, void *ctl, size_t *ctllen, int *msg_flags)
{
    struct hsock *s = hsock_of(f);
    bool blocking;
    struct timespec dbuf;
    const struct timespec *deadline = NULL;
    bool have_deadline = false;
    size_t done = 0;
    size_t room = *ctllen;
    int atmark = 0;
    long ret;

    memset(from, 0, sizeof(*from));
    *ctllen = 0;
    *msg_flags = 0;
    if (s == NULL)
        return -ENOTSOCK;
    if (flags & ~RECV_FLAGS)
        return -EOPNOTSUPP;
    blocking = !(flags & MSG_DONTWAIT) && !(f->flags & O_NONBLOCK);
    for (;;) {
        struct sockaddr_storage ss;
        struct iovec iov = { .iov_base = (char *)buf + done, .iov_len = len - done };
        struct msghdr mh = {
            .msg_name = &ss,
            .msg_namelen = sizeof(ss),
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = done == 0 && room > 0 ? ctl : NULL,
            .msg_controllen = done == 0 ? room : 0,
        };
        ssize_t n;

        if (s->domain == AF_NETLINK) {
            ret = netlink_take_pending(s, buf, len, flags, from, msg_flags);
            if (ret != -EAGAIN)
                return ret;
        }
        if (s->fd >= 0) {
            n = recvmsg(s->fd, &mh, (flags & ~MSG_CMSG_CLOEXEC) | MSG_DONTWAIT);
            ret = n < 0 ? -errno : 0;
        } else {
            n = -1;
            ret = -EAGAIN;
        }
        if (n >= 0) {
            if (done == 0) {
                addr_from_host(from, &ss, mh.msg_namelen);
                *ctllen = mh.msg_control != NULL ? filter_recv_control(ctl, mh.msg_controllen) : 0;
                *msg_flags = mh.msg_flags;
            }
            done += (size_t)n;
            /*
             * MSG_WAITALL on a stream: keep reading until full, end of stream,
             * an error, or the urgent mark (tcp_recvmsg stops in front of it).
             */
            if (!(flags & MSG_WAITALL) || !blocking || s->type != SOCK_STREAM || n == 0 ||
                (flags & (MSG_PEEK | MSG_TRUNC | MSG_OOB)) || done >= len)
                return (long)done;
            if (ioctl(s->fd, SIOCATMARK, &atmark) == 0 && atmark)
                return (long)done;
            continue;
        }
        if (ret != -EAGAIN || !blocking)
            return done > 0 ? (long)done : ret;
        if (!have_deadline) {
            deadline = deadline_of(timeo_of(s, /*rcv=*/true), &dbuf);
            have_deadline = true;
        }
        ret = hsock_wait(t, s, (flags & MSG_ERRQUEUE) ? POLLERR : POLLIN, deadline);
        if (ret < 0)
            return done > 0 ? (long)done : ret;
    }
}

/* ---- options ---- */

/* Whether an option may go to the host: none that carries pointers, fds or host state. */
static bool opt_allowed(const struct hsock *s, int level, int name)
{
    switch (level) {
    case SOL_SOCKET:
        switch (name) {
        case SO_ATTACH_FILTER: /* also SO_GET_FILTER: a sock_fprog holds a pointer */
        case SO_ATTACH_BPF:
        case SO_ATTACH_REUSEPORT_CBPF:
        case SO_ATTACH_REUSEPORT_EBPF:
        case SO_DETACH_REUSEPORT_BPF:
        case SO_LOCK_FILTER:
        case SO_PEERSEC:
        case 77: /* SO_PEERPIDFD: a host pidfd */
            return false;
        default:
            return true;
        }
    case IPPROTO_IP:
        return s->domain != AF_NETLINK && name < 64; /* 64 and up: iptables, ip_vs */
    case IPPROTO_IPV6:
        return s->domain == AF_INET6 && (name < 64 || (name >= 72 && name < 96));
    case IPPROTO_TCP:
        return s->type == SOCK_STREAM && s->domain != AF_NETLINK &&
               name != 35; /* TCP_ZEROCOPY_RECEIVE: app addresses */
    case IPPROTO_UDP:
    case IPPROTO_ICMPV6:
    case 255: /* SOL_RAW: ICMP_FILTER */
        return s->domain != AF_NETLINK;
    case SOL_NETLINK:
        return s->domain == AF_NETLINK;
    default:
        return false;
    }
}

static bool is_timeo(int level, int name)
{
    return level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
}

long inet_getsockopt(struct task *t, struct file *f, int level, int name, void *val, uint32_t *len)
{
    struct hsock *s = hsock_of(f);
    socklen_t sl;

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if ((int32_t)*len < 0)
        return -EINVAL;
    if (*len > INET_OPT_MAX)
        *len = INET_OPT_MAX;
    if (is_timeo(level, name)) {
        int64_t ns = timeo_of(s, name == SO_RCVTIMEO);
        struct timeval tv = { .tv_sec = ns > 0 ? ns / 1000000000LL : 0,
                              .tv_usec = ns > 0 ? (ns % 1000000000LL) / 1000 : 0 };

        /* Linux copies what fits of the timeval. */
        if (*len > sizeof(tv))
            *len = sizeof(tv);
        memcpy(val, &tv, *len);
        return 0;
    }
    if (s->fd < 0) {
        int v;

        if (level != SOL_SOCKET)
            return -ENOPROTOOPT;
        switch (name) {
        case SO_TYPE:
            v = s->type;
            break;
        case SO_PROTOCOL:
            v = s->protocol;
            break;
        case SO_DOMAIN:
            v = AF_NETLINK;
            break;
        case SO_SNDBUF:
            v = s->sndbuf;
            break;
        case SO_RCVBUF:
            v = s->rcvbuf;
            break;
        case SO_PASSCRED:
            v = s->passcred;
            break;
        case SO_ERROR:
        case SO_ACCEPTCONN:
            v = 0;
            break;
        default:
            return -ENOPROTOOPT;
        }
        if (*len > sizeof(v))
            *len = sizeof(v);
        memcpy(val, &v, *len);
        return 0;
    }
    if (!opt_allowed(s, level, name))
        return -ENOPROTOOPT;
    sl = *len;
    if (getsockopt(s->fd, level, name, val, &sl) < 0)
        return -errno;
    *len = sl > INET_OPT_MAX ? INET_OPT_MAX : sl;
    return 0;
}

static long set_timeo(struct hsock *s, int name, const void *val, uint32_t len)
{
    struct timeval tv;
    int64_t ns;

    if (len < sizeof(tv))
        return -EINVAL;
    memcpy(&tv, val, sizeof(tv));
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return -EDOM;
    if (tv.tv_sec < 0)
        ns = -1; /* Linux: a negative timeout expires at once */
    else
        ns = (int64_t)tv.tv_sec * 1000000000LL + (int64_t)tv.tv_usec * 1000;
    pthread_mutex_lock(&s->mu);
    if (name == SO_RCVTIMEO)
        s->rcvtimeo_ns = ns;
    else
        s->sndtimeo_ns = ns;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

long inet_setsockopt(struct task *t, struct file *f, int level, int name, const void *val,
                     uint32_t len)
{
    struct hsock *s = hsock_of(f);

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if ((int32_t)len < 0)
        return -EINVAL;
    if (is_timeo(level, name))
        return set_timeo(s, name, val, len);
    if (s->fd < 0) {
        int v = 0;

        if (level != SOL_SOCKET)
            return -ENOPROTOOPT;
        if (len < sizeof(int))
            return -EINVAL;
        memcpy(&v, val, sizeof(v));
        pthread_mutex_lock(&s->mu);
        switch (name) {
        case SO_SNDBUF:
        case SO_SNDBUFFORCE:
            s->sndbuf = v < 2304 ? 4608 : (v > NET_WMEM_MAX ? NET_WMEM_MAX : v) * 2;
            break;
        case SO_RCVBUF:
        case SO_RCVBUFFORCE:
            s->rcvbuf = v < 1152 ? 2304 : (v > NET_WMEM_MAX ? NET_WMEM_MAX : v) * 2;
            break;
        case SO_PASSCRED:
            s->passcred = v != 0;
            break;
        case SO_ATTACH_FILTER:
        case SO_DETACH_FILTER:
            break; /* nothing is ever delivered, so nothing needs filtering */
        default:
            pthread_mutex_unlock(&s->mu);
            return -ENOPROTOOPT;
        }
        pthread_mutex_unlock(&s->mu);
        return 0;
    }
    if (!opt_allowed(s, level, name))
        return -ENOPROTOOPT;
    if (len > INET_OPT_MAX)
        len = INET_OPT_MAX;
    if (setsockopt(s->fd, level, name, val, len) < 0)
        return -errno;
    return 0;
}
