/* SPDX-License-Identifier: Apache-2.0 */
/* AF_UNIX sockets of the sentry: socket objects, names, bind/listen/connect/accept, the file. */
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
#include "sentry/net/net_internal.h"
#include "sentry/vfs/vfs.h"

pthread_mutex_t g_unix_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t g_unix_cv;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static struct unix_sock *g_bound; /* the bind table: every hashed socket, newest first */
static uint32_t g_autobind_next;
static uint64_t g_next_ino = 1;

static void init_once(void)
{
    pthread_condattr_t a;

    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&g_unix_cv, &a);
    pthread_condattr_destroy(&a);
    g_autobind_next = (uint32_t)time(NULL) * 2654435761u;
}

void unix_lock(void)
{
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_unix_mu);
}

/* Unlocks after a change: wakes socket waiters and poll/epoll sleepers. */
void unix_unlock(void)
{
    pthread_cond_broadcast(&g_unix_cv);
    pthread_mutex_unlock(&g_unix_mu);
    anon_notify();
}

/* The task a file op without a task argument serves. */
static struct task *current_task(void)
{
    return g_kernel_current_task != NULL ? g_kernel_current_task : g_pipe_current_task;
}

/*
 * Waits for any change of any socket (g_unix_mu held), in slices so that a signal
 * for `t` is seen. Returns 0 (recheck), -EAGAIN once `deadline` passed, or
 * -ERESTARTSYS (-EINTR when a timeout is set, as Linux's sock_intr_errno).
 */
long unix_wait_locked(struct task *t, const struct timespec *deadline)
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
    task_set_sleeping(t, true);
    pthread_cond_timedwait(&g_unix_cv, &g_unix_mu, &ts);
    task_set_sleeping(t, false);
    return 0;
}

/* Turns a socket timeout into an absolute deadline; NULL without one. */
const struct timespec *unix_deadline_of(int64_t ns, struct timespec *buf)
{
    struct timespec rel;

    if (ns <= 0)
        return NULL;
    rel.tv_sec = ns / 1000000000LL;
    rel.tv_nsec = ns % 1000000000LL;
    kernel_deadline_from_now(&rel, buf);
    return buf;
}

void unix_task_cred(struct task *t, struct net_cred *c)
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

struct unix_sock *unix_sock_get_locked(struct unix_sock *s)
{
    s->refs++;
    return s;
}

void unix_sock_put_locked(struct unix_sock *s)
{
    if (s == NULL || --s->refs > 0)
        return;
    /* A socket is released (queues moved out, peer dropped) before its last reference goes. */
    unix_sock_put_locked(s->peer);
    free(s);
}

/* In-flight descriptor counts per real uid; a user with none has no entry. */
struct inflight {
    struct inflight *next;
    uint32_t uid;
    long n;
};
static pthread_mutex_t g_inflight_mu = PTHREAD_MUTEX_INITIALIZER;
static struct inflight *g_inflight; /* Protected by g_inflight_mu */

void unix_inflight_add(uint32_t uid, int n)
{
    struct inflight **pp, *e;

    pthread_mutex_lock(&g_inflight_mu);
    for (pp = &g_inflight; *pp != NULL && (*pp)->uid != uid; pp = &(*pp)->next)
        ;
    e = *pp;
    if (e == NULL && n > 0) {
        e = calloc(1, sizeof(*e));
        if (e != NULL) { /* without memory the user goes uncounted, as if it had none */
            e->uid = uid;
            e->next = g_inflight;
            g_inflight = e;
        }
    }
    if (e != NULL) {
        e->n += n;
        if (e->n <= 0) {
            for (pp = &g_inflight; *pp != e; pp = &(*pp)->next)
                ;
            *pp = e->next;
            free(e);
        }
    }
    pthread_mutex_unlock(&g_inflight_mu);
}

long unix_inflight(uint32_t uid)
{
    long n = 0;

    pthread_mutex_lock(&g_inflight_mu);
    for (struct inflight *e = g_inflight; e != NULL; e = e->next) {
        if (e->uid == uid) {
            n = e->n;
            break;
        }
    }
    pthread_mutex_unlock(&g_inflight_mu);
    return n;
}

void unix_msg_free(struct unix_msg *m)
{
    if (m->nfiles > 0)
        unix_inflight_add(m->files_uid, -m->nfiles);
    for (int i = 0; i < m->nfiles; i++)
        put_file(m->files[i]);
    free(m->files);
    free(m->data);
    free(m);
}

/* Frees a list of messages (g_unix_mu not held: their files may be sockets). */
void unix_msgs_free(struct unix_msg *m)
{
    while (m != NULL) {
        struct unix_msg *next = m->next;

        unix_msg_free(m);
        m = next;
    }
}

/* Returns `n` bytes of `m`'s charge to its sender. */
void unix_uncharge_locked(struct unix_msg *m, size_t n)
{
    if (m->sender == NULL)
        return;
    if (n > m->charge)
        n = m->charge;
    m->charge -= n;
    m->sender->wmem -= n;
    unix_sock_event(m->sender);
}

struct unix_msg *unix_dequeue_locked(struct unix_sock *s)
{
    struct unix_msg *m = s->rq_head;

    s->rq_head = m->next;
    s->rq_len--;
    if (s->rq_head == NULL)
        s->rq_tail = NULL;
    m->next = NULL;
    unix_uncharge_locked(m, m->charge);
    unix_sock_put_locked(m->sender);
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
 * messages are moved to `*gc`, freed by the caller without the unix_lock. */
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
        unix_sock_put_locked(e);
    }
    s->acceptq_tail = NULL;
    s->nacceptq = 0;
    while (s->rq_head != NULL) {
        struct unix_msg *m = unix_dequeue_locked(s);

        m->next = *gc;
        *gc = m;
    }
    if (p != NULL) {
        unix_sock_event(p);
        if (s->type != SOCK_DGRAM) {
            p->shutdown = SHUTDOWN_MASK;
            if (unread || s->embryo)
                p->err = ECONNRESET;
        }
        s->peer = NULL;
        unix_sock_put_locked(p);
    }
    s->state = US_UNCONNECTED;
    s->shutdown = SHUTDOWN_MASK;
}

/* ---- names ---- */

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
struct unix_sock *unix_find_locked(struct kernel *k, const struct unix_key *key, int type,
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
long unix_canon_addr(const struct net_addr *in, struct net_addr *out)
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

/* Resolves a canonical name to a key: walks a path (without g_unix_mu). */
long unix_resolve_key(struct task *t, const struct net_addr *name, struct unix_key *key)
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

long unix_autobind_locked(struct unix_sock *s)
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

struct unix_sock *unix_sock_of(struct file *f)
{
    return f->ops == &g_unix_ops ? f->priv : NULL;
}

uint64_t net_event_seq(struct file *f)
{
    struct unix_sock *s = unix_sock_of(f);

    if (s == NULL)
        return inet_event_seq(f);
    return __atomic_load_n(&s->ev_seq, __ATOMIC_ACQUIRE);
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

    unix_lock();
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
    pthread_mutex_unlock(&g_unix_mu);
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
        unix_lock();
        if (s->state == US_LISTEN) {
            pthread_mutex_unlock(&g_unix_mu);
            return -EINVAL;
        }
        if (s->type == SOCK_DGRAM) {
            if (s->rq_head != NULL)
                n = (long)s->rq_head->len;
        } else {
            for (struct unix_msg *m = s->rq_head; m != NULL; m = m->next)
                n += (long)(m->len - m->off);
        }
        pthread_mutex_unlock(&g_unix_mu);
        v = n > INT_MAX ? INT_MAX : (int)n;
        return task_copy_out(t, arg, &v, sizeof(v));
    case SIOCOUTQ:
        unix_lock();
        v = s->wmem > INT_MAX ? INT_MAX : (int)s->wmem;
        pthread_mutex_unlock(&g_unix_mu);
        return task_copy_out(t, arg, &v, sizeof(v));
    default:
        /* Interface ioctls work on any socket (glibc's if_nametoindex asks a unix one). */
        return net_dev_ioctl(t, -1, cmd, arg);
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

    unix_lock();
    sock_release_locked(s, &gc);
    unix_sock_put_locked(s);
    unix_unlock();
    unix_msgs_free(gc);
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

        unix_lock();
        sock_release_locked(s, &gc);
        unix_sock_put_locked(s);
        unix_unlock();
        unix_msgs_free(gc);
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
    unix_task_cred(t, &c);
    s1->peercred = s2->peercred = c;
    s1->peer = s2;
    s2->peer = s1;
    s1->refs = s2->refs = 2;
    if (base != SOCK_DGRAM)
        s1->state = s2->state = US_CONNECTED;
    ret = file_for(s1, fl, a);
    if (ret < 0) {
        struct unix_msg *gc = NULL;

        unix_lock();
        sock_release_locked(s2, &gc);
        unix_sock_put_locked(s2);
        unix_unlock();
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
    unix_lock();
    if (s->addr.len != 0) {
        pthread_mutex_unlock(&g_unix_mu);
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
    unix_unlock();
out:
    vfs_parent_put(&par);
    return ret;
}

long net_bind(struct task *t, struct file *f, const struct net_addr *addr)
{
    struct unix_sock *s = unix_sock_of(f);
    struct net_addr name;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    ret = unix_canon_addr(addr, &name);
    if (ret < 0)
        return ret;
    if (ret == 1) {
        unix_lock();
        ret = unix_autobind_locked(s);
        unix_unlock();
        return ret;
    }
    if (name.sun.sun_path[0] != '\0')
        return bind_path(t, s, &name);
    unix_lock();
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
    unix_unlock();
    return ret;
}

long net_listen(struct task *t, struct file *f, int backlog)
{
    struct unix_sock *s = unix_sock_of(f);
    long ret = 0;

    if (s == NULL)
        return -ENOTSOCK;
    unix_lock();
    if (s->type == SOCK_DGRAM)
        ret = -EOPNOTSUPP;
    else if (s->addr.len == 0 || (s->state != US_UNCONNECTED && s->state != US_LISTEN))
        ret = -EINVAL;
    if (ret == 0) {
        if ((unsigned int)backlog > UNIX_SOMAXCONN)
            backlog = UNIX_SOMAXCONN;
        if (s->state != US_LISTEN)
            unix_task_cred(t, &s->peercred);
        s->state = US_LISTEN;
        s->backlog = backlog;
    }
    unix_unlock();
    return ret;
}

static long stream_connect(struct task *t, struct file *f, struct unix_sock *s,
                           const struct unix_key *key)
{
    struct timespec dbuf;
    const struct timespec *deadline = unix_deadline_of(s->sndtimeo_ns, &dbuf);
    struct unix_sock *e = sock_new(s->k, s->type);
    struct net_cred mine;
    long ret = 0;

    if (e == NULL)
        return -ENOMEM;
    unix_task_cred(t, &mine);
    unix_lock();
    if (s->passcred)
        unix_autobind_locked(s);
    for (;;) {
        struct unix_sock *l = unix_find_locked(s->k, key, s->type, &ret);

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
            ret = unix_wait_locked(t, deadline);
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
        e->peer = unix_sock_get_locked(s);
        s->peer = unix_sock_get_locked(e);
        s->peercred = l->peercred;
        s->state = US_CONNECTED;
        if (l->acceptq_tail != NULL)
            l->acceptq_tail->acceptq_next = e;
        else
            l->acceptq_head = e;
        l->acceptq_tail = e;
        l->nacceptq++;
        unix_sock_event(l);
        unix_sock_event(s);
        e = NULL; /* the queue's reference */
        ret = 0;
        break;
    }
    unix_unlock();
    free(e);
    return ret;
}

long net_connect(struct task *t, struct file *f, const struct net_addr *addr)
{
    struct unix_sock *s = unix_sock_of(f);
    struct net_addr name;
    struct unix_key key;
    long ret;

    if (s == NULL)
        return -ENOTSOCK;
    if (s->type == SOCK_DGRAM && addr->len >= sizeof(sa_family_t) &&
        addr->sun.sun_family == AF_UNSPEC) {
        unix_lock();
        unix_sock_put_locked(s->peer);
        s->peer = NULL;
        unix_unlock();
        return 0;
    }
    ret = unix_canon_addr(addr, &name);
    if (ret != 0)
        return ret < 0 ? ret : -EINVAL;
    ret = unix_resolve_key(t, &name, &key);
    if (ret < 0)
        return ret;
    if (s->type != SOCK_DGRAM)
        return stream_connect(t, f, s, &key);
    unix_lock();
    {
        struct unix_sock *o = unix_find_locked(s->k, &key, s->type, &ret);

        if (o != NULL) {
            if (s->passcred)
                unix_autobind_locked(s);
            unix_sock_put_locked(s->peer);
            s->peer = unix_sock_get_locked(o);
            ret = 0;
        }
    }
    unix_unlock();
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
    struct unix_sock *s = unix_sock_of(f), *e = NULL;
    struct timespec dbuf;
    const struct timespec *deadline;
    long ret = 0;

    if (s == NULL)
        return -ENOTSOCK;
    deadline = unix_deadline_of(s->rcvtimeo_ns, &dbuf);
    unix_lock();
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
        ret = unix_wait_locked(t, deadline);
        if (ret < 0)
            break;
    }
    unix_unlock();
    if (e == NULL)
        return ret;
    return file_for(e, fflags, out);
}

long net_shutdown(struct task *t, struct file *f, int how)
{
    struct unix_sock *s = unix_sock_of(f);
    int mode;

    (void)t;
    if (s == NULL)
        return -ENOTSOCK;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    mode = (how + 1) & SHUTDOWN_MASK;
    unix_lock();
    s->shutdown |= mode;
    unix_sock_event(s);
    unix_sock_event(s->peer);
    if (s->type != SOCK_DGRAM && s->peer != NULL) {
        int pm = 0;

        if (mode & RCV_SHUTDOWN)
            pm |= SEND_SHUTDOWN;
        if (mode & SEND_SHUTDOWN)
            pm |= RCV_SHUTDOWN;
        s->peer->shutdown |= pm;
    }
    unix_unlock();
    return 0;
}

long net_getname(struct file *f, bool peer, struct net_addr *out)
{
    struct unix_sock *s = unix_sock_of(f);
    long ret = 0;

    if (s == NULL)
        return -ENOTSOCK;
    unix_lock();
    if (!peer)
        name_or_family(s, out);
    else if (s->peer == NULL || (s->type != SOCK_DGRAM && s->state != US_CONNECTED))
        ret = -ENOTCONN;
    else
        name_or_family(s->peer, out);
    unix_unlock();
    return ret;
}
