/* SPDX-License-Identifier: Apache-2.0 */
/* AF_UNIX sockets of the sentry: stream, datagram and seqpacket, names, queues and SCM data. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <linux/sockios.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/net/net.h"
#include "sentry/vfs/vfs.h"

#define UNIX_WMEM_DEFAULT NET_WMEM_DEFAULT
#define UNIX_WMEM_MAX     NET_WMEM_MAX
#define UNIX_MIN_SNDBUF   4608
#define UNIX_MIN_RCVBUF   2304
#define UNIX_SOMAXCONN    NET_SOMAXCONN
/* What a datagram costs its sender beyond its bytes (Linux charges the skb's truesize). */
#define UNIX_DGRAM_OVERHEAD 512

#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

enum unix_state { US_UNCONNECTED, US_LISTEN, US_CONNECTED };

struct unix_msg {
    struct unix_msg *next;
    char *data;
    size_t len, off; /* `off`: bytes of a stream segment already read */
    struct file **files;
    int nfiles;
    struct net_cred cred;
    struct net_addr from;
    struct unix_sock *sender; /* a reference while `charge` is counted in its wmem */
    size_t charge;
};

/* One socket. Everything is protected by g_mu. */
struct unix_sock {
    int refs;
    int type;
    struct kernel *k; /* Not owned; names are per kernel */
    enum unix_state state;
    bool dead;              /* its file was closed */
    bool embryo;            /* an unaccepted connection in a listener's queue */
    struct unix_sock *peer; /* a reference */
    struct unix_msg *rq_head, *rq_tail;
    int rq_len;   /* messages queued */
    int shutdown; /* RCV_SHUTDOWN | SEND_SHUTDOWN */
    int err;      /* SO_ERROR */
    /* Its name; `hashed` when it is in the bind table. */
    struct net_addr addr;
    bool hashed, abstract;
    uint64_t dev, ino;
    struct unix_sock *bind_next;
    /* A listener's queue of embryos (references), oldest first. */
    struct unix_sock *acceptq_head, *acceptq_tail, *acceptq_next;
    int nacceptq, backlog;
    struct net_cred peercred;
    size_t wmem; /* bytes charged for what it sent and nobody read yet */
    int sndbuf, rcvbuf, rcvlowat, priority, peek_off;
    bool passcred, reuseaddr, keepalive, broadcast, oobinline;
    struct linger linger;
    int64_t rcvtimeo_ns, sndtimeo_ns;
    uint64_t ino_nr; /* st_ino of the socket file */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static struct unix_sock *g_bound; /* the bind table: every hashed socket, newest first */
static uint32_t g_autobind_next;
static uint64_t g_next_ino = 1;

static void init_once(void)
{
    pthread_condattr_t a;

    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&g_cv, &a);
    pthread_condattr_destroy(&a);
    g_autobind_next = (uint32_t)time(NULL) * 2654435761u;
}

static void lock(void)
{
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_mu);
}

/* Unlocks after a change: wakes socket waiters and poll/epoll sleepers. */
static void unlock(void)
{
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
    anon_notify();
}

/* The task a file op without a task argument serves. */
static struct task *current_task(void)
{
    return g_kernel_current_task != NULL ? g_kernel_current_task : g_pipe_current_task;
}

/*
 * Waits for any change of any socket (g_mu held), in slices so that a signal
 * for `t` is seen. Returns 0 (recheck), -EAGAIN once `deadline` passed, or
 * -ERESTARTSYS (-EINTR when a timeout is set, as Linux's sock_intr_errno).
 */
static long wait_locked(struct task *t, const struct timespec *deadline)
{
    struct timespec now, ts;

    if (t != NULL && task_should_interrupt(t))
        return deadline != NULL ? -EINTR : -ERESTARTSYS;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (deadline != NULL && (now.tv_sec > deadline->tv_sec ||
                             (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec)))
        return -EAGAIN;
    ts = now;
    ts.tv_nsec += 5 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    if (deadline != NULL && (deadline->tv_sec < ts.tv_sec ||
                             (deadline->tv_sec == ts.tv_sec && deadline->tv_nsec < ts.tv_nsec)))
        ts = *deadline;
    pthread_cond_timedwait(&g_cv, &g_mu, &ts);
    return 0;
}

/* Turns a socket timeout into an absolute deadline; NULL without one. */
static const struct timespec *deadline_of(int64_t ns, struct timespec *buf)
{
    struct timespec rel;

    if (ns <= 0)
        return NULL;
    rel.tv_sec = ns / 1000000000LL;
    rel.tv_nsec = ns % 1000000000LL;
    kernel_deadline_from_now(&rel, buf);
    return buf;
}

static void task_cred_of(struct task *t, struct net_cred *c)
{
    struct vfs_cred vc;

    vfs_task_cred(t, &vc);
    c->pid = t != NULL ? t->tg->pid : 0;
    c->uid = vc.fsuid;
    c->gid = vc.fsgid;
}

/* ---- socket objects ---- */

static struct unix_sock *sock_new(struct kernel *k, int type)
{
    struct unix_sock *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->refs = 1;
    s->type = type;
    s->k = k;
    s->sndbuf = UNIX_WMEM_DEFAULT;
    s->rcvbuf = UNIX_WMEM_DEFAULT;
    s->rcvlowat = 1;
    s->peek_off = -1;
    s->peercred = (struct net_cred){ .pid = 0, .uid = (uint32_t)-1, .gid = (uint32_t)-1 };
    s->ino_nr = __atomic_fetch_add(&g_next_ino, 1, __ATOMIC_RELAXED);
    return s;
}

static struct unix_sock *sock_get_locked(struct unix_sock *s)
{
    s->refs++;
    return s;
}

static void sock_put_locked(struct unix_sock *s)
{
    if (s == NULL || --s->refs > 0)
        return;
    /* A socket is released (queues moved out, peer dropped) before its last reference goes. */
    sock_put_locked(s->peer);
    free(s);
}

static void msg_free(struct unix_msg *m)
{
    for (int i = 0; i < m->nfiles; i++)
        put_file(m->files[i]);
    free(m->files);
    free(m->data);
    free(m);
}

/* Frees a list of messages (g_mu not held: their files may be sockets). */
static void msgs_free(struct unix_msg *m)
{
    while (m != NULL) {
        struct unix_msg *next = m->next;

        msg_free(m);
        m = next;
    }
}

/* Returns `n` bytes of `m`'s charge to its sender. */
static void uncharge_locked(struct unix_msg *m, size_t n)
{
    if (m->sender == NULL)
        return;
    if (n > m->charge)
        n = m->charge;
    m->charge -= n;
    m->sender->wmem -= n;
}

static struct unix_msg *dequeue_locked(struct unix_sock *s)
{
    struct unix_msg *m = s->rq_head;

    s->rq_head = m->next;
    s->rq_len--;
    if (s->rq_head == NULL)
        s->rq_tail = NULL;
    m->next = NULL;
    uncharge_locked(m, m->charge);
    sock_put_locked(m->sender);
    m->sender = NULL;
    return m;
}

static void unhash_locked(struct unix_sock *s)
{
    if (!s->hashed)
        return;
    for (struct unix_sock **pp = &g_bound; *pp != NULL; pp = &(*pp)->bind_next) {
        if (*pp == s) {
            *pp = s->bind_next;
            break;
        }
    }
    s->hashed = false;
}

/* Releases a socket whose file closed (or an embryo dropped with its listener). Unread
 * messages are moved to `*gc`, freed by the caller without the lock. */
static void sock_release_locked(struct unix_sock *s, struct unix_msg **gc)
{
    bool unread = s->rq_head != NULL;
    struct unix_sock *p = s->peer;

    s->dead = true;
    unhash_locked(s);
    while (s->acceptq_head != NULL) {
        struct unix_sock *e = s->acceptq_head;

        s->acceptq_head = e->acceptq_next;
        sock_release_locked(e, gc);
        sock_put_locked(e);
    }
    s->acceptq_tail = NULL;
    s->nacceptq = 0;
    while (s->rq_head != NULL) {
        struct unix_msg *m = dequeue_locked(s);

        m->next = *gc;
        *gc = m;
    }
    if (p != NULL) {
        if (s->type != SOCK_DGRAM) {
            p->shutdown = SHUTDOWN_MASK;
            if (unread || s->embryo)
                p->err = ECONNRESET;
        }
        s->peer = NULL;
        sock_put_locked(p);
    }
    s->state = US_UNCONNECTED;
    s->shutdown = SHUTDOWN_MASK;
}

/* ---- names ---- */

/* A resolved destination: an abstract name or a socket inode. */
struct unix_key {
    bool abstract;
    struct net_addr name; /* abstract names */
    uint64_t dev, ino;    /* pathname sockets */
};

static struct unix_sock *find_abstract_locked(struct kernel *k, int type, const struct net_addr *a)
{
    for (struct unix_sock *s = g_bound; s != NULL; s = s->bind_next) {
        if (s->k == k && s->abstract && s->type == type && s->addr.len == a->len &&
            memcmp(s->addr.raw, a->raw, a->len) == 0)
            return s;
    }
    return NULL;
}

/* Finds the socket a destination names. Returns it (not a new reference) or
 * -ECONNREFUSED / -EPROTOTYPE in `*err`. */
static struct unix_sock *find_locked(struct kernel *k, const struct unix_key *key, int type,
                                     long *err)
{
    struct unix_sock *s = NULL;

    if (key->abstract) {
        s = find_abstract_locked(k, type, &key->name);
    } else {
        for (s = g_bound; s != NULL; s = s->bind_next)
            if (s->k == k && !s->abstract && s->dev == key->dev && s->ino == key->ino)
                break;
        if (s != NULL && s->type != type) {
            *err = -EPROTOTYPE;
            return NULL;
        }
    }
    if (s == NULL)
        *err = -ECONNREFUSED;
    return s;
}

/*
 * Checks an address (unix_validate_addr + unix_mkname): `*out` is the
 * canonical name (a path is cut at its first NUL and gets its terminator
 * counted). Returns 0, 1 for just the family (autobind), or -EINVAL.
 */
static long canon_addr(const struct net_addr *in, struct net_addr *out)
{
    size_t off = offsetof(struct sockaddr_un, sun_path);

    if (in->len < off || in->len > sizeof(struct sockaddr_un))
        return -EINVAL;
    if (in->sun.sun_family != AF_UNIX)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    if (in->len == off) {
        out->len = (uint32_t)off;
        out->sun.sun_family = AF_UNIX;
        return 1;
    }
    memcpy(out->raw, in->raw, in->len);
    if (in->sun.sun_path[0] != '\0') {
        out->raw[in->len] = '\0';
        out->len = (uint32_t)(off + strlen(out->sun.sun_path) + 1);
    } else {
        out->len = in->len;
    }
    return 0;
}

/* Resolves a canonical name to a key: walks a path (without g_mu). */
static long resolve_key(struct task *t, const struct net_addr *name, struct unix_key *key)
{
    struct vfs_path p = { 0 };
    struct vfs_cred c;
    struct stat st;
    long ret;

    memset(key, 0, sizeof(*key));
    if (name->sun.sun_path[0] == '\0') {
        key->abstract = true;
        key->name = *name;
        return 0;
    }
    ret = vfs_walk(t, AT_FDCWD, name->sun.sun_path, VFS_WALK_FOLLOW, &p);
    if (ret < 0)
        return ret;
    vfs_task_cred(t, &c);
    ret = vfs_permission(&c, p.d->inode, VFS_MAY_WRITE);
    if (ret == 0)
        ret = vfs_getattr(&p, &st);
    vfs_path_put(&p);
    if (ret < 0)
        return ret;
    if (!S_ISSOCK(st.st_mode))
        return -ECONNREFUSED;
    key->dev = st.st_dev;
    key->ino = st.st_ino;
    return 0;
}

static long autobind_locked(struct unix_sock *s)
{
    struct net_addr a;

    if (s->addr.len != 0)
        return 0;
    for (uint32_t tries = 0; tries <= 0xfffff; tries++) {
        memset(&a, 0, sizeof(a));
        a.sun.sun_family = AF_UNIX;
        snprintf(a.sun.sun_path + 1, 6, "%05x", g_autobind_next++ & 0xfffff);
        a.len = (uint32_t)offsetof(struct sockaddr_un, sun_path) + 6;
        if (find_abstract_locked(s->k, s->type, &a) != NULL)
            continue;
        s->addr = a;
        s->abstract = true;
        s->hashed = true;
        s->bind_next = g_bound;
        g_bound = s;
        return 0;
    }
    return -ENOSPC;
}

/* ---- the file ---- */

static const struct file_ops g_unix_ops;

static struct unix_sock *sock_of(struct file *f)
{
    return f->ops == &g_unix_ops ? f->priv : NULL;
}

bool net_is_socket(const struct file *f)
{
    return f->ops == &g_unix_ops;
}

static long unix_read(struct file *f, void *buf, size_t len)
{
    struct net_recv_ctl ctl;
    long ret = net_recvmsg(current_task(), f, buf, len, 0, &ctl);

    for (int i = 0; i < ctl.nfiles; i++)
        put_file(ctl.files[i]);
    return ret;
}

static long unix_write(struct file *f, const void *buf, size_t len)
{
    return net_sendmsg(current_task(), f, buf, len, 0, NULL, NULL);
}

static unsigned int unix_poll(struct file *f)
{
    struct unix_sock *s = f->priv;
    unsigned int ev = 0;

    lock();
    if (s->err)
        ev |= POLLERR;
    if (s->shutdown == SHUTDOWN_MASK)
        ev |= POLLHUP;
    if (s->shutdown & RCV_SHUTDOWN)
        ev |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (s->rq_head != NULL || (s->state == US_LISTEN && s->acceptq_head != NULL))
        ev |= POLLIN | POLLRDNORM;
    if (s->type != SOCK_DGRAM && s->state == US_UNCONNECTED)
        ev |= POLLHUP;
    if (s->state != US_LISTEN && (s->wmem << 2) <= (size_t)s->sndbuf)
        ev |= POLLOUT | POLLWRNORM | POLLWRBAND;
    pthread_mutex_unlock(&g_mu);
    return ev;
}

static long unix_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg)
{
    struct unix_sock *s = f->priv;
    long n = 0;
    int v;

    switch (cmd) {
    case FIONBIO: {
        long ret = task_copy_in(t, &v, arg, sizeof(v));

        if (ret < 0)
            return ret;
        if (v)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~(unsigned int)O_NONBLOCK;
        return 0;
    }
    case SIOCINQ:
        lock();
        if (s->state == US_LISTEN) {
            pthread_mutex_unlock(&g_mu);
            return -EINVAL;
        }
        if (s->type == SOCK_DGRAM) {
            if (s->rq_head != NULL)
                n = (long)s->rq_head->len;
        } else {
            for (struct unix_msg *m = s->rq_head; m != NULL; m = m->next)
                n += (long)(m->len - m->off);
        }
        pthread_mutex_unlock(&g_mu);
        v = n > INT_MAX ? INT_MAX : (int)n;
        return task_copy_out(t, arg, &v, sizeof(v));
    case SIOCOUTQ:
        lock();
        v = s->wmem > INT_MAX ? INT_MAX : (int)s->wmem;
        pthread_mutex_unlock(&g_mu);
        return task_copy_out(t, arg, &v, sizeof(v));
    default:
        return -ENOTTY;
    }
}

static long unix_fstat(struct file *f, struct stat *st)
{
    struct unix_sock *s = f->priv;

    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFSOCK | 0777;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    st->st_ino = s->ino_nr;
    st->st_dev = 0x8;
    return 0;
}

static void unix_release(struct file *f)
{
    struct unix_sock *s = f->priv;
    struct unix_msg *gc = NULL;

    lock();
    sock_release_locked(s, &gc);
    sock_put_locked(s);
    unlock();
    msgs_free(gc);
}

static const struct file_ops g_unix_ops = {
    .name = "socket",
    .read = unix_read,
    .write = unix_write,
    .ioctl = unix_ioctl,
    .fstat = unix_fstat,
    .poll = unix_poll,
    .release = unix_release,
};

/* Wraps `s` (its reference passes to the file, also on failure) in a file. */
static long file_for(struct unix_sock *s, unsigned int fflags, struct file **out)
{
    struct file *f = file_new(&g_unix_ops, O_RDWR | (fflags & O_NONBLOCK), s);

    if (f == NULL) {
        struct unix_msg *gc = NULL;

        lock();
        sock_release_locked(s, &gc);
        sock_put_locked(s);
        unlock();
        msgs_free(gc);
        return -ENOMEM;
    }
    *out = f;
    return 0;
}

/* ---- socket(2), socketpair(2) ---- */

static long check_type(int domain, int *type, int protocol)
{
    if (domain == AF_INET || domain == AF_INET6) {
        sentry_info("socket: %s sockets are not supported yet (no host sockets)",
                    domain == AF_INET ? "AF_INET" : "AF_INET6");
        return -EAFNOSUPPORT;
    }
    if (domain != AF_UNIX) {
        if (domain == AF_NETLINK || domain == AF_PACKET)
            sentry_info("socket: address family %d is not supported yet", domain);
        return -EAFNOSUPPORT;
    }
    if (protocol != 0 && protocol != PF_UNIX)
        return -EPROTONOSUPPORT;
    switch (*type) {
    case SOCK_STREAM:
    case SOCK_DGRAM:
    case SOCK_SEQPACKET:
        return 0;
    case SOCK_RAW:
        *type = SOCK_DGRAM; /* Linux quietly turns it into a datagram socket */
        return 0;
    default:
        return -ESOCKTNOSUPPORT;
    }
}

long net_socket(struct task *t, int domain, int type, int protocol, struct file **out)
{
    int base = type & 0xf;
    struct unix_sock *s;
    long ret;

    if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    ret = check_type(domain, &base, protocol);
    if (ret < 0)
        return ret;
    s = sock_new(t != NULL ? t->k : NULL, base);
    if (s == NULL)
        return -ENOMEM;
    return file_for(s, (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0, out);
}

long net_socketpair(struct task *t, int domain, int type, int protocol, struct file **a,
                    struct file **b)
{
    int base = type & 0xf;
    struct unix_sock *s1, *s2;
    unsigned int fl = (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0;
    struct net_cred c;
    long ret;

    if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (domain == AF_INET || domain == AF_INET6)
        return -EOPNOTSUPP; /* inet has no socketpair */
    ret = check_type(domain, &base, protocol);
    if (ret < 0)
        return ret;
    s1 = sock_new(t != NULL ? t->k : NULL, base);
    s2 = sock_new(t != NULL ? t->k : NULL, base);
    if (s1 == NULL || s2 == NULL) {
        free(s1);
        free(s2);
        return -ENOMEM;
    }
    task_cred_of(t, &c);
    s1->peercred = s2->peercred = c;
    s1->peer = s2;
    s2->peer = s1;
    s1->refs = s2->refs = 2;
    if (base != SOCK_DGRAM)
        s1->state = s2->state = US_CONNECTED;
    ret = file_for(s1, fl, a);
    if (ret < 0) {
        struct unix_msg *gc = NULL;

        lock();
        sock_release_locked(s2, &gc);
        sock_put_locked(s2);
        unlock();
        return ret;
    }
    ret = file_for(s2, fl, b);
    if (ret < 0) {
        put_file(*a);
        return ret;
    }
    return 0;
}

/* ---- bind, listen, connect, accept ---- */

static long bind_path(struct task *t, struct unix_sock *s, const struct net_addr *name)
{
    struct vfs_parent par;
    struct vfs_path child = { 0 };
    struct vfs_cred c;
    struct vfs_owner o;
    struct inode *dir;
    struct stat st;
    long ret = vfs_walk_parent(t, AT_FDCWD, name->sun.sun_path, &par);

    if (ret < 0)
        return ret;
    dir = par.dir.d->inode;
    if (par.type != VFS_LAST_NORM) {
        ret = -EADDRINUSE;
        goto out;
    }
    vfs_task_cred(t, &c);
    ret = vfs_permission(&c, dir, VFS_MAY_WRITE | VFS_MAY_EXEC);
    if (ret < 0)
        goto out;
    if (par.dir.mnt->flags & VFS_MNT_RDONLY) {
        ret = -EROFS;
        goto out;
    }
    ret = vfs_lookup_child(&par.dir, par.name, &child);
    if (ret == 0) {
        vfs_path_put(&child);
        ret = -EADDRINUSE;
        goto out;
    }
    if (ret != -ENOENT)
        goto out;
    if (dir->ops->mknod == NULL) {
        ret = -EPERM;
        goto out;
    }
    o.uid = c.fsuid;
    o.gid = (dir->st.st_mode & S_ISGID) ? (uint32_t)dir->st.st_gid : c.fsgid;
    ret = dir->ops->mknod(dir, par.name, S_IFSOCK | (0777 & ~(t != NULL ? t->tg->umask : 022)), 0,
                          &o);
    if (ret == -EEXIST)
        ret = -EADDRINUSE;
    if (ret < 0)
        goto out;
    ret = vfs_lookup_child(&par.dir, par.name, &child);
    if (ret == 0) {
        ret = vfs_getattr(&child, &st);
        vfs_path_put(&child);
    }
    if (ret < 0)
        goto out;
    lock();
    if (s->addr.len != 0) {
        pthread_mutex_unlock(&g_mu);
        /* Linux creates the inode first and removes it again. */
        if (dir->ops->unlink != NULL && dir->ops->unlink(dir, par.name) == 0)
            vfs_dentry_forget(par.dir.d, par.name);
        ret = -EINVAL;
        goto out;
    }
    s->addr = *name;
    s->abstract = false;
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->hashed = true;
    s->bind_next = g_bound;
    g_bound = s;
    unlock();
out:
    vfs_parent_put(&par);
    return ret;
}

long net_bind(struct task *t, struct file *f, const struct net_addr *addr)
{
    struct unix_sock *s = sock_of(f);
    struct net_addr name;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    ret = canon_addr(addr, &name);
    if (ret < 0)
        return ret;
    if (ret == 1) {
        lock();
        ret = autobind_locked(s);
        unlock();
        return ret;
    }
    if (name.sun.sun_path[0] != '\0')
        return bind_path(t, s, &name);
    lock();
    if (s->addr.len != 0)
        ret = -EINVAL;
    else if (find_abstract_locked(s->k, s->type, &name) != NULL)
        ret = -EADDRINUSE;
    if (ret == 0) {
        s->addr = name;
        s->abstract = true;
        s->hashed = true;
        s->bind_next = g_bound;
        g_bound = s;
    }
    unlock();
    return ret;
}

long net_listen(struct task *t, struct file *f, int backlog)
{
    struct unix_sock *s = sock_of(f);
    long ret = 0;

    if (s == NULL)
        return -ENOTSOCK;
    lock();
    if (s->type == SOCK_DGRAM)
        ret = -EOPNOTSUPP;
    else if (s->addr.len == 0 || (s->state != US_UNCONNECTED && s->state != US_LISTEN))
        ret = -EINVAL;
    if (ret == 0) {
        if ((unsigned int)backlog > UNIX_SOMAXCONN)
            backlog = UNIX_SOMAXCONN;
        if (s->state != US_LISTEN)
            task_cred_of(t, &s->peercred);
        s->state = US_LISTEN;
        s->backlog = backlog;
    }
    unlock();
    return ret;
}

static long stream_connect(struct task *t, struct file *f, struct unix_sock *s,
                           const struct unix_key *key)
{
    struct timespec dbuf;
    const struct timespec *deadline = deadline_of(s->sndtimeo_ns, &dbuf);
    struct unix_sock *e = sock_new(s->k, s->type);
    struct net_cred mine;
    long ret = 0;

    if (e == NULL)
        return -ENOMEM;
    task_cred_of(t, &mine);
    lock();
    if (s->passcred)
        autobind_locked(s);
    for (;;) {
        struct unix_sock *l = find_locked(s->k, key, s->type, &ret);

        if (l == NULL)
            break;
        if (l->state != US_LISTEN) {
            ret = -ECONNREFUSED;
            break;
        }
        if (l->nacceptq > l->backlog) {
            if (f->flags & O_NONBLOCK) {
                ret = -EAGAIN;
                break;
            }
            ret = wait_locked(t, deadline);
            if (ret < 0)
                break;
            continue;
        }
        if (s->state == US_CONNECTED) {
            ret = -EISCONN;
            break;
        }
        if (s->state != US_UNCONNECTED || s->dead) {
            ret = -EINVAL;
            break;
        }
        /* The server end: named like the listener, an embryo until accepted. */
        e->state = US_CONNECTED;
        e->embryo = true;
        e->addr = l->addr;
        e->peercred = mine;
        e->passcred = l->passcred;
        e->peer = sock_get_locked(s);
        s->peer = sock_get_locked(e);
        s->peercred = l->peercred;
        s->state = US_CONNECTED;
        if (l->acceptq_tail != NULL)
            l->acceptq_tail->acceptq_next = e;
        else
            l->acceptq_head = e;
        l->acceptq_tail = e;
        l->nacceptq++;
        e = NULL; /* the queue's reference */
        ret = 0;
        break;
    }
    unlock();
    free(e);
    return ret;
}

long net_connect(struct task *t, struct file *f, const struct net_addr *addr)
{
    struct unix_sock *s = sock_of(f);
    struct net_addr name;
    struct unix_key key;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    if (s->type == SOCK_DGRAM && addr->len >= sizeof(sa_family_t) &&
        addr->sun.sun_family == AF_UNSPEC) {
        lock();
        sock_put_locked(s->peer);
        s->peer = NULL;
        unlock();
        return 0;
    }
    ret = canon_addr(addr, &name);
    if (ret != 0)
        return ret < 0 ? ret : -EINVAL;
    ret = resolve_key(t, &name, &key);
    if (ret < 0)
        return ret;
    if (s->type != SOCK_DGRAM)
        return stream_connect(t, f, s, &key);
    lock();
    {
        struct unix_sock *o = find_locked(s->k, &key, s->type, &ret);

        if (o != NULL) {
            if (s->passcred)
                autobind_locked(s);
            sock_put_locked(s->peer);
            s->peer = sock_get_locked(o);
            ret = 0;
        }
    }
    unlock();
    return ret;
}

static void name_or_family(const struct unix_sock *s, struct net_addr *out)
{
    if (s != NULL && s->addr.len != 0) {
        *out = s->addr;
        return;
    }
    memset(out, 0, sizeof(*out));
    out->sun.sun_family = AF_UNIX;
    out->len = sizeof(sa_family_t);
}

long net_accept(struct task *t, struct file *f, unsigned int fflags, struct file **out,
                struct net_addr *peer)
{
    struct unix_sock *s = sock_of(f), *e = NULL;
    struct timespec dbuf;
    const struct timespec *deadline;
    long ret = 0;

    if (s == NULL)
        return -ENOTSOCK;
    deadline = deadline_of(s->rcvtimeo_ns, &dbuf);
    lock();
    for (;;) {
        if (s->type == SOCK_DGRAM) {
            ret = -EOPNOTSUPP;
            break;
        }
        if (s->state != US_LISTEN) {
            ret = -EINVAL;
            break;
        }
        if (s->acceptq_head != NULL) {
            e = s->acceptq_head;
            s->acceptq_head = e->acceptq_next;
            if (s->acceptq_head == NULL)
                s->acceptq_tail = NULL;
            e->acceptq_next = NULL;
            s->nacceptq--;
            e->embryo = false;
            name_or_family(e->peer, peer);
            break;
        }
        if (f->flags & O_NONBLOCK) {
            ret = -EAGAIN;
            break;
        }
        ret = wait_locked(t, deadline);
        if (ret < 0)
            break;
    }
    unlock();
    if (e == NULL)
        return ret;
    return file_for(e, fflags, out);
}

long net_shutdown(struct task *t, struct file *f, int how)
{
    struct unix_sock *s = sock_of(f);
    int mode;

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    mode = (how + 1) & SHUTDOWN_MASK;
    lock();
    s->shutdown |= mode;
    if (s->type != SOCK_DGRAM && s->peer != NULL) {
        int pm = 0;

        if (mode & RCV_SHUTDOWN)
            pm |= SEND_SHUTDOWN;
        if (mode & SEND_SHUTDOWN)
            pm |= RCV_SHUTDOWN;
        s->peer->shutdown |= pm;
    }
    unlock();
    return 0;
}

long net_getname(struct file *f, bool peer, struct net_addr *out)
{
    struct unix_sock *s = sock_of(f);
    long ret = 0;

    if (s == NULL)
        return -ENOTSOCK;
    lock();
    if (!peer)
        name_or_family(s, out);
    else if (s->peer == NULL || (s->type != SOCK_DGRAM && s->state != US_CONNECTED))
        ret = -ENOTCONN;
    else
        name_or_family(s->peer, out);
    unlock();
    return ret;
}

/* ---- send ---- */

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

/* Builds a message of `len` bytes; files get new references. NULL on OOM. */
static struct unix_msg *msg_new(struct task *t, const void *buf, size_t len,
                                const struct net_send_ctl *ctl)
{
    struct unix_msg *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    m->data = malloc(len > 0 ? len : 1);
    if (m->data == NULL) {
        free(m);
        return NULL;
    }
    memcpy(m->data, buf, len);
    m->len = len;
    if (ctl != NULL && ctl->nfiles > 0) {
        m->files = calloc((size_t)ctl->nfiles, sizeof(*m->files));
        if (m->files == NULL) {
            free(m->data);
            free(m);
            return NULL;
        }
        for (int i = 0; i < ctl->nfiles; i++)
            m->files[i] = get_file(ctl->files[i]);
        m->nfiles = ctl->nfiles;
    }
    if (ctl != NULL && ctl->has_cred)
        m->cred = ctl->cred;
    else
        task_cred_of(t, &m->cred);
    return m;
}

static void enqueue_locked(struct unix_sock *to, struct unix_sock *from, struct unix_msg *m,
                           size_t charge)
{
    m->sender = sock_get_locked(from);
    m->charge = charge;
    from->wmem += charge;
    if (from->addr.len != 0)
        m->from = from->addr;
    if (to->rq_tail != NULL)
        to->rq_tail->next = m;
    else
        to->rq_head = m;
    to->rq_tail = m;
    to->rq_len++;
}

static long stream_send(struct task *t, struct file *f, struct unix_sock *s, const char *buf,
                        size_t len, int flags, const struct net_send_ctl *ctl)
{
    struct timespec dbuf;
    const struct timespec *deadline = deadline_of(s->sndtimeo_ns, &dbuf);
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    size_t sent = 0;
    long ret = 0;

    lock();
    if (s->peer == NULL || s->state != US_CONNECTED) {
        ret = -ENOTCONN;
        goto out;
    }
    if (len == 0) {
        /* Nothing is queued for an empty write (not even passed fds, as Linux). */
        struct unix_sock *p = s->peer;

        if ((s->shutdown & SEND_SHUTDOWN) || p->dead || (p->shutdown & RCV_SHUTDOWN))
            ret = -EPIPE;
        goto out;
    }
    do {
        struct unix_sock *p = s->peer;
        size_t chunk = len - sent, max = (size_t)(s->sndbuf >> 1) - 64;
        struct unix_msg *m;

        if ((s->shutdown & SEND_SHUTDOWN) || p == NULL || p->dead || (p->shutdown & RCV_SHUTDOWN)) {
            ret = -EPIPE;
            break;
        }
        if (s->wmem >= (size_t)s->sndbuf) {
            if (nonblock) {
                ret = -EAGAIN;
                break;
            }
            ret = wait_locked(t, deadline);
            if (ret < 0)
                break;
            continue;
        }
        if (chunk > max)
            chunk = max;
        m = msg_new(t, buf + sent, chunk, sent == 0 ? ctl : NULL);
        if (m == NULL) {
            ret = -ENOMEM;
            break;
        }
        enqueue_locked(p, s, m, chunk);
        sent += chunk;
        pthread_cond_broadcast(&g_cv);
    } while (sent < len);
out:
    unlock();
    if (sent > 0)
        return (long)sent;
    if (ret == -EPIPE && !(flags & MSG_NOSIGNAL))
        send_sigpipe(t);
    return ret;
}

static long record_send(struct task *t, struct file *f, struct unix_sock *s, const char *buf,
                        size_t len, int flags, const struct unix_key *key,
                        const struct net_send_ctl *ctl)
{
    struct timespec dbuf;
    const struct timespec *deadline = deadline_of(s->sndtimeo_ns, &dbuf);
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    struct unix_msg *m;
    long ret = 0;

    if (len > (size_t)s->sndbuf - 32)
        return -EMSGSIZE;
    m = msg_new(t, buf, len, ctl);
    if (m == NULL)
        return -ENOMEM;
    lock();
    if (s->passcred)
        autobind_locked(s);
    for (;;) {
        struct unix_sock *o;

        if (key != NULL) {
            o = find_locked(s->k, key, s->type, &ret);
            if (o == NULL)
                break;
        } else {
            o = s->peer;
            if (o == NULL) {
                ret = -ENOTCONN;
                break;
            }
        }
        if (s->type == SOCK_SEQPACKET) {
            if ((s->shutdown & SEND_SHUTDOWN) || o->dead || (o->shutdown & RCV_SHUTDOWN)) {
                ret = -EPIPE;
                break;
            }
        } else {
            if (o->dead) {
                /* Our connected peer went away: disconnect, once. */
                if (o == s->peer) {
                    s->peer = NULL;
                    sock_put_locked(o);
                }
                ret = -ECONNREFUSED;
                break;
            }
            if (o->peer != NULL && o->peer != s) {
                ret = -EPERM;
                break;
            }
            if (o->shutdown & RCV_SHUTDOWN) {
                ret = -EPIPE;
                break;
            }
        }
        /* A full sender, or a receiver not connected back to us with a long queue. */
        if (s->wmem >= (size_t)s->sndbuf || (o->peer != s && o->rq_len > NET_MAX_DGRAM_QLEN)) {
            if (nonblock) {
                ret = -EAGAIN;
                break;
            }
            ret = wait_locked(t, deadline);
            if (ret < 0)
                break;
            continue;
        }
        enqueue_locked(o, s, m, len + UNIX_DGRAM_OVERHEAD);
        m = NULL;
        ret = (long)len;
        break;
    }
    unlock();
    if (m != NULL)
        msg_free(m);
    if (ret == -EPIPE && !(flags & MSG_NOSIGNAL))
        send_sigpipe(t);
    return ret;
}

long net_sendmsg(struct task *t, struct file *f, const void *buf, size_t len, int flags,
                 const struct net_addr *to, const struct net_send_ctl *ctl)
{
    struct unix_sock *s = sock_of(f);
    struct net_addr name;
    struct unix_key key;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    if (s->type == SOCK_STREAM) {
        if (flags & MSG_OOB)
            return -EOPNOTSUPP;
        if (to != NULL) {
            long r;

            lock();
            r = s->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
            pthread_mutex_unlock(&g_mu);
            return r;
        }
        return stream_send(t, f, s, buf, len, flags, ctl);
    }
    if (s->type == SOCK_SEQPACKET) {
        lock();
        ret = s->state == US_CONNECTED ? 0 : -ENOTCONN;
        pthread_mutex_unlock(&g_mu);
        if (ret < 0)
            return ret;
        if (flags & MSG_OOB)
            return -EOPNOTSUPP;
        return record_send(t, f, s, buf, len, flags, NULL, ctl);
    }
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (to == NULL)
        return record_send(t, f, s, buf, len, flags, NULL, ctl);
    ret = canon_addr(to, &name);
    if (ret != 0)
        return ret < 0 ? ret : -EINVAL;
    ret = resolve_key(t, &name, &key);
    if (ret < 0)
        return ret;
    return record_send(t, f, s, buf, len, flags, &key, ctl);
}

/* ---- receive ---- */

/* Hands the message's files to `ctl`: moved, or new references for a peek. */
static void take_files(struct unix_msg *m, bool peek, struct net_recv_ctl *ctl)
{
    for (int i = 0; i < m->nfiles && ctl->nfiles < NET_SCM_MAX_FD; i++)
        ctl->files[ctl->nfiles++] = peek ? get_file(m->files[i]) : m->files[i];
    if (!peek) {
        free(m->files);
        m->files = NULL;
        m->nfiles = 0;
    }
}

static long record_recv_locked(struct unix_sock *s, char *buf, size_t len, int flags,
                               struct net_recv_ctl *ctl, struct unix_msg **gc)
{
    struct unix_msg *m = s->rq_head;
    bool peek = flags & MSG_PEEK;
    size_t skip = (peek && s->peek_off >= 0) ? (size_t)s->peek_off : 0;
    size_t avail, n;

    if (skip > m->len)
        skip = m->len;
    avail = m->len - skip;
    n = avail < len ? avail : len;
    memcpy(buf, m->data + skip, n);
    if (n < avail)
        ctl->msg_flags |= MSG_TRUNC;
    ctl->from = m->from;
    ctl->has_cred = s->passcred;
    ctl->cred = m->cred;
    take_files(m, peek, ctl);
    if (peek) {
        if (s->peek_off >= 0)
            s->peek_off += (int)n;
    } else {
        if (s->peek_off >= 0)
            s->peek_off = s->peek_off > (int)m->len ? s->peek_off - (int)m->len : 0;
        m = dequeue_locked(s);
        m->next = *gc;
        *gc = m;
    }
    return (long)((flags & MSG_TRUNC) ? avail : n);
}

/* Copies what the stream queue holds; returns the bytes copied. `*stop` when a boundary (passed
 * fds, other credentials) ends the read. */
static size_t stream_copy_locked(struct unix_sock *s, char *buf, size_t len, size_t copied,
                                 int flags, struct net_recv_ctl *ctl, bool *stop,
                                 struct unix_msg **gc)
{
    bool peek = flags & MSG_PEEK;
    size_t skip = (peek && s->peek_off >= 0) ? (size_t)s->peek_off : 0;
    struct unix_msg *m = s->rq_head;

    while (m != NULL && copied < len) {
        size_t avail = m->len - m->off, n;
        struct unix_msg *next = m->next;
        bool had_files = m->nfiles > 0;

        if (skip >= avail && avail > 0) {
            skip -= avail;
            m = next;
            continue;
        }
        if (copied > 0 && (had_files || (s->passcred && (m->cred.pid != ctl->cred.pid ||
                                                         m->cred.uid != ctl->cred.uid ||
                                                         m->cred.gid != ctl->cred.gid)))) {
            *stop = true;
            break;
        }
        n = avail - skip;
        if (n > len - copied)
            n = len - copied;
        memcpy(buf + copied, m->data + m->off + skip, n);
        if (copied == 0) {
            ctl->has_cred = s->passcred;
            ctl->cred = m->cred;
        }
        take_files(m, peek, ctl);
        copied += n;
        skip = 0;
        if (peek) {
            if (s->peek_off >= 0)
                s->peek_off += (int)n;
        } else {
            m->off += n;
            uncharge_locked(m, n);
            if (s->peek_off >= 0)
                s->peek_off = s->peek_off > (int)n ? s->peek_off - (int)n : 0;
            if (m->off == m->len) {
                struct unix_msg *d = dequeue_locked(s);

                d->next = *gc;
                *gc = d;
            }
        }
        if (had_files) {
            *stop = true;
            break;
        }
        m = next;
    }
    return copied;
}

long net_recvmsg(struct task *t, struct file *f, void *buf, size_t len, int flags,
                 struct net_recv_ctl *ctl)
{
    struct unix_sock *s = sock_of(f);
    struct timespec dbuf;
    const struct timespec *deadline;
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    struct unix_msg *gc = NULL;
    size_t copied = 0, target;
    long ret = 0;

    ctl->nfiles = 0;
    ctl->has_cred = false;
    ctl->from.len = 0;
    ctl->msg_flags = 0;
    if (s == NULL)
        return -ENOTSOCK;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    deadline = deadline_of(s->rcvtimeo_ns, &dbuf);
    target = (flags & MSG_WAITALL) ? len : 1;
    lock();
    if (s->type == SOCK_STREAM && s->state != US_CONNECTED) {
        ret = -EINVAL;
        goto out;
    }
    if (s->type == SOCK_SEQPACKET && s->state != US_CONNECTED) {
        ret = -ENOTCONN;
        goto out;
    }
    for (;;) {
        if (s->rq_head != NULL) {
            if (s->type != SOCK_STREAM) {
                ret = record_recv_locked(s, buf, len, flags, ctl, &gc);
                break;
            }
            {
                bool stop = false;

                copied = stream_copy_locked(s, buf, len, copied, flags, ctl, &stop, &gc);
                if (stop || copied >= target || copied == len || (flags & MSG_PEEK && copied))
                    break;
                if (s->rq_head != NULL && copied > 0 && !(flags & MSG_PEEK))
                    continue;
            }
        }
        if (copied > 0 && copied >= target)
            break;
        if (s->err) {
            if (copied == 0)
                ret = -s->err;
            s->err = 0;
            break;
        }
        if (s->shutdown & RCV_SHUTDOWN)
            break;
        if (len == 0 && s->type == SOCK_STREAM)
            break;
        if (nonblock) {
            ret = -EAGAIN;
            break;
        }
        ret = wait_locked(t, deadline);
        if (ret < 0)
            break;
    }
out:
    unlock();
    msgs_free(gc);
    if (s->type == SOCK_STREAM && copied > 0)
        return (long)copied;
    return ret;
}

/* ---- options ---- */

static long get_int(void *val, uint32_t *len, int v)
{
    if (*len > sizeof(int))
        *len = sizeof(int);
    memcpy(val, &v, sizeof(int));
    return 0;
}

long net_getsockopt(struct task *t, struct file *f, int level, int name, void *val, uint32_t *len)
{
    struct unix_sock *s = sock_of(f);
    long ret = 0;

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if ((int32_t)*len < 0)
        return -EINVAL;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    lock();
    switch (name) {
    case SO_TYPE:
        ret = get_int(val, len, s->type);
        break;
    case SO_PROTOCOL:
        ret = get_int(val, len, 0);
        break;
    case SO_DOMAIN:
        ret = get_int(val, len, AF_UNIX);
        break;
    case SO_ACCEPTCONN:
        ret = get_int(val, len, s->state == US_LISTEN);
        break;
    case SO_ERROR:
        ret = get_int(val, len, s->err);
        s->err = 0;
        break;
    case SO_SNDBUF:
        ret = get_int(val, len, s->sndbuf);
        break;
    case SO_RCVBUF:
        ret = get_int(val, len, s->rcvbuf);
        break;
    case SO_REUSEADDR:
        ret = get_int(val, len, s->reuseaddr);
        break;
    case SO_KEEPALIVE:
        ret = get_int(val, len, s->keepalive);
        break;
    case SO_BROADCAST:
        ret = get_int(val, len, s->broadcast);
        break;
    case SO_OOBINLINE:
        ret = get_int(val, len, s->oobinline);
        break;
    case SO_PASSCRED:
        ret = get_int(val, len, s->passcred);
        break;
    case SO_RCVLOWAT:
        ret = get_int(val, len, s->rcvlowat);
        break;
    case SO_SNDLOWAT:
        ret = get_int(val, len, 1);
        break;
    case SO_PRIORITY:
        ret = get_int(val, len, s->priority);
        break;
    case SO_PEEK_OFF:
        ret = get_int(val, len, s->peek_off);
        break;
    case SO_PEERCRED: {
        struct ucred u = { .pid = s->peercred.pid, .uid = s->peercred.uid, .gid = s->peercred.gid };

        if (*len > sizeof(u))
            *len = sizeof(u);
        memcpy(val, &u, sizeof(u));
        break;
    }
    case SO_LINGER:
        if (*len > sizeof(s->linger))
            *len = sizeof(s->linger);
        memcpy(val, &s->linger, sizeof(s->linger));
        break;
    case SO_RCVTIMEO:
    case SO_SNDTIMEO: {
        int64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
        struct timeval tv = { .tv_sec = ns / 1000000000LL, .tv_usec = (ns % 1000000000LL) / 1000 };

        if (*len > sizeof(tv))
            *len = sizeof(tv);
        memcpy(val, &tv, sizeof(tv));
        break;
    }
    default:
        ret = -ENOPROTOOPT;
        break;
    }
    pthread_mutex_unlock(&g_mu);
    return ret;
}

long net_setsockopt(struct task *t, struct file *f, int level, int name, const void *val,
                    uint32_t len)
{
    struct unix_sock *s = sock_of(f);
    long ret = 0;
    int v = 0;

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if ((int32_t)len < (int32_t)sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof(v));
    lock();
    switch (name) {
    case SO_SNDBUF:
    case SO_SNDBUFFORCE: {
        unsigned int u = (unsigned int)v;

        if (name == SO_SNDBUF && u > UNIX_WMEM_MAX)
            u = UNIX_WMEM_MAX;
        if (u > INT_MAX / 2)
            u = INT_MAX / 2;
        s->sndbuf = (int)u * 2 < UNIX_MIN_SNDBUF ? UNIX_MIN_SNDBUF : (int)u * 2;
        break;
    }
    case SO_RCVBUF:
    case SO_RCVBUFFORCE: {
        unsigned int u = (unsigned int)v;

        if (name == SO_RCVBUF && u > UNIX_WMEM_MAX)
            u = UNIX_WMEM_MAX;
        if (u > INT_MAX / 2)
            u = INT_MAX / 2;
        s->rcvbuf = (int)u * 2 < UNIX_MIN_RCVBUF ? UNIX_MIN_RCVBUF : (int)u * 2;
        break;
    }
    case SO_REUSEADDR:
        s->reuseaddr = v != 0;
        break;
    case SO_KEEPALIVE:
        s->keepalive = v != 0;
        break;
    case SO_BROADCAST:
        s->broadcast = v != 0;
        break;
    case SO_OOBINLINE:
        s->oobinline = v != 0;
        break;
    case SO_PASSCRED:
        s->passcred = v != 0;
        break;
    case SO_RCVLOWAT:
        s->rcvlowat = v < 0 ? INT_MAX : (v == 0 ? 1 : v);
        break;
    case SO_PRIORITY:
        s->priority = v;
        break;
    case SO_PEEK_OFF:
        s->peek_off = v < 0 ? -1 : v;
        break;
    case SO_LINGER:
        if (len < sizeof(struct linger))
            ret = -EINVAL;
        else
            memcpy(&s->linger, val, sizeof(s->linger));
        break;
    case SO_RCVTIMEO:
    case SO_SNDTIMEO: {
        struct timeval tv;
        int64_t ns;

        if (len < sizeof(tv)) {
            ret = -EINVAL;
            break;
        }
        memcpy(&tv, val, sizeof(tv));
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) {
            ret = -EDOM;
            break;
        }
        ns = tv.tv_sec < 0 ? 0 : (int64_t)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
        if (name == SO_RCVTIMEO)
            s->rcvtimeo_ns = ns;
        else
            s->sndtimeo_ns = ns;
        break;
    }
    default:
        ret = -ENOPROTOOPT;
        break;
    }
    unlock();
    return ret;
}
