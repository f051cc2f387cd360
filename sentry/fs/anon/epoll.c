/* SPDX-License-Identifier: Apache-2.0 */
/* epoll instances: interest lists of (file, fd) with level, edge and one-shot reporting. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/fs/anon/anon_internal.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/net/net.h"
#include "sentry/vfs/vfs.h"

/* Nested epoll sets deeper than this are refused (Linux's EP_MAX_NESTS). */
#define EPOLL_MAX_NESTS 4

struct epitem {
    struct epitem *next;
    struct file *file; /* owned reference; dropped when it is the last one (the file closed) */
    int fd;
    uint32_t events; /* what was asked (EPOLLIN ... | EPOLLET | EPOLLONESHOT ...) */
    uint64_t data;
    unsigned int last; /* edge-triggered: readiness already reported */
    uint64_t seq;      /* edge-triggered: the file's event count when `last` was last kept */
    bool disabled;     /* one-shot: reported once, waits for EPOLL_CTL_MOD */
};

struct epoll {
    pthread_mutex_t mu;
    struct epitem *items; /* Protected by mu */
};

static const struct file_ops g_epoll_ops;

bool is_epoll_file(const struct file *f)
{
    return f->ops == &g_epoll_ops;
}

static void item_free(struct epitem *it)
{
    put_file(it->file);
    free(it);
}

/* Drops items whose file only we still hold: every fd of it was closed. Needs mu. */
static void purge_locked(struct epoll *ep)
{
    struct epitem **pp = &ep->items;

    while (*pp != NULL) {
        struct epitem *it = *pp;

        if (__atomic_load_n(&it->file->refs, __ATOMIC_ACQUIRE) <= 1) {
            *pp = it->next;
            item_free(it);
        } else {
            pp = &it->next;
        }
    }
}

/* The events of `it` to report now (0: none). Needs mu. */
static unsigned int item_ready(const struct epitem *it)
{
    unsigned int ready;

    if (it->disabled)
        return 0;
    ready = anon_file_poll(it->file) & (it->events | EPOLLERR | EPOLLHUP) &
            ~(unsigned int)(EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP);
    if (it->events & EPOLLET)
        ready &= ~it->last;
    return ready;
}

int epoll_file_collect(struct file *f, struct task *t, struct epoll_event *out, int max)
{
    struct epoll *ep = f->priv;
    int n = 0;

    (void)t;
    pthread_mutex_lock(&ep->mu);
    purge_locked(ep);
    for (struct epitem *it = ep->items; it != NULL && n < max; it = it->next) {
        unsigned int ready;

        if (it->disabled)
            continue;
        if (it->events & EPOLLET) {
            /* A socket's or pipe's new event is a new edge, also when it stayed ready (Linux's
             * ET). */
            uint64_t seq = net_event_seq(it->file) + pipe_event_seq(it->file);

            if (seq != it->seq) {
                it->seq = seq;
                it->last = 0;
            }
        }
        ready = item_ready(it);
        if (it->events & EPOLLET) {
            /* Forget what is no longer ready, so that it becoming ready again is an edge. */
            it->last &= anon_file_poll(it->file);
        }
        if (ready == 0)
            continue;
        out[n].events = ready;
        out[n].data.u64 = it->data;
        n++;
        if (it->events & EPOLLET)
            it->last |= ready;
        if (it->events & EPOLLONESHOT)
            it->disabled = true;
    }
    pthread_mutex_unlock(&ep->mu);
    return n;
}

static unsigned int epoll_poll(struct file *f)
{
    struct epoll *ep = f->priv;
    unsigned int ev = 0;

    pthread_mutex_lock(&ep->mu);
    for (struct epitem *it = ep->items; it != NULL; it = it->next) {
        if (__atomic_load_n(&it->file->refs, __ATOMIC_ACQUIRE) > 1 && item_ready(it) != 0) {
            ev = POLLIN | POLLRDNORM;
            break;
        }
    }
    pthread_mutex_unlock(&ep->mu);
    return ev;
}

/* Whether `target` (an epoll set) reaches `ep` through its items, or nests too deep. */
static long check_loop(struct file *ep, struct file *target, int depth)
{
    struct epoll *e = target->priv;
    long ret = 0;

    if (target == ep)
        return -ELOOP;
    if (depth > EPOLL_MAX_NESTS)
        return -EINVAL;
    pthread_mutex_lock(&e->mu);
    for (struct epitem *it = e->items; it != NULL && ret == 0; it = it->next) {
        if (is_epoll_file(it->file))
            ret = check_loop(ep, it->file, depth + 1);
    }
    pthread_mutex_unlock(&e->mu);
    return ret;
}

long epoll_file_ctl(struct file *f, struct task *t, int op, int fd, struct file *target,
                    uint32_t events, uint64_t data)
{
    struct epoll *ep = f->priv;
    struct inode *ino = file_inode(target);
    struct epitem **pp, *it;
    long ret = 0;

    (void)t;
    if (target == f)
        return -EINVAL;
    /* Regular files and directories are always ready: Linux refuses to watch them. */
    if (ino != NULL && (S_ISREG(ino->st.st_mode) || S_ISDIR(ino->st.st_mode)))
        return -EPERM;
    if (events & EPOLLEXCLUSIVE) {
        if (op == EPOLL_CTL_MOD || is_epoll_file(target))
            return -EINVAL;
        if (events & ~(uint32_t)(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET |
                                 EPOLLEXCLUSIVE | EPOLLRDNORM | EPOLLWRNORM))
            return -EINVAL;
    }
    if (op == EPOLL_CTL_ADD && is_epoll_file(target)) {
        ret = check_loop(f, target, 1);
        if (ret < 0)
            return ret;
    }
    pthread_mutex_lock(&ep->mu);
    purge_locked(ep);
    for (pp = &ep->items; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->file == target && (*pp)->fd == fd)
            break;
    }
    it = *pp;
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it != NULL) {
            ret = -EEXIST;
            break;
        }
        it = calloc(1, sizeof(*it));
        if (it == NULL) {
            ret = -ENOMEM;
            break;
        }
        it->file = get_file(target);
        it->fd = fd;
        it->events = events;
        it->data = data;
        *pp = it;
        break;
    case EPOLL_CTL_MOD:
        if (it == NULL) {
            ret = -ENOENT;
            break;
        }
        if (it->events & EPOLLEXCLUSIVE) {
            ret = -EINVAL;
            break;
        }
        it->events = events;
        it->data = data;
        it->last = 0;
        it->disabled = false;
        break;
    case EPOLL_CTL_DEL:
        if (it == NULL) {
            ret = -ENOENT;
            break;
        }
        *pp = it->next;
        item_free(it);
        break;
    default:
        ret = -EINVAL;
    }
    pthread_mutex_unlock(&ep->mu);
    if (ret == 0 && op != EPOLL_CTL_DEL)
        anon_notify();
    return ret;
}

static long epoll_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IRUSR | S_IWUSR;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static void epoll_release(struct file *f)
{
    struct epoll *ep = f->priv;

    while (ep->items != NULL) {
        struct epitem *it = ep->items;

        ep->items = it->next;
        item_free(it);
    }
    pthread_mutex_destroy(&ep->mu);
    free(ep);
}

static const struct file_ops g_epoll_ops = {
    .name = "anon_inode:[eventpoll]",
    .lseek = anon_noop_lseek,
    .fstat = epoll_fstat,
    .poll = epoll_poll,
    .release = epoll_release,
};

struct file *epoll_file_new(int flags)
{
    struct epoll *ep = calloc(1, sizeof(*ep));
    struct file *f;

    (void)flags;
    if (ep == NULL)
        return NULL;
    pthread_mutex_init(&ep->mu, NULL);
    f = file_new(&g_epoll_ops, O_RDWR, ep);
    if (f == NULL) {
        pthread_mutex_destroy(&ep->mu);
        free(ep);
    }
    return f;
}

void epoll_file_fdinfo(struct file *f, FILE *out)
{
    struct epoll *ep = f->priv;

    pthread_mutex_lock(&ep->mu);
    for (struct epitem *it = ep->items; it != NULL; it = it->next) {
        struct inode *ino = file_inode(it->file);

        fprintf(out, "tfd: %8d events: %8x data: %16llx  pos:%lld ino:%lx sdev:%lx\n", it->fd,
                it->events, (unsigned long long)it->data, (long long)it->file->pos,
                (unsigned long)(ino != NULL ? ino->st.st_ino : 0),
                (unsigned long)(ino != NULL ? ino->sb->dev : 0));
    }
    pthread_mutex_unlock(&ep->mu);
}
