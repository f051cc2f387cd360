/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inotify instances and watches. One lock (g_in_mu) covers every instance's
 * queue and every watch: notify calls are short and rare compared with the
 * I/O that causes them. Readers wait with anon_wait's slices (the notify
 * calls do not call anon_notify, which needs callers outside k->mu).
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "common/common.h"
#include "sentry/fs/anon/anon.h"
#include "sentry/fs/anon/inotify.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

struct in_event {
    struct in_event *next;
    struct inotify_event ev; /* ev.len: the padded name length */
    char name[];
};

struct in_watch {
    struct in_watch *next;  /* the instance's watches */
    struct in_watch *gnext; /* every watch (g_in_watches) */
    struct inotify *in;     /* Not owned. */
    uint64_t dev, ino;
    int wd;
    uint32_t mask;
};

struct inotify {
    struct in_event *head, *tail;
    size_t nevents, bytes;
    struct in_watch *watches;
    int next_wd;
    int nwatches;
};

static pthread_mutex_t g_in_mu = PTHREAD_MUTEX_INITIALIZER;
static struct in_watch *g_in_watches; /* Protected by g_in_mu. */
static int g_in_nwatches;             /* read without the lock as a fast path */
static uint32_t g_in_cookie;          /* Protected by g_in_mu. */

static const struct file_ops g_inotify_ops;

/* Queues one event; merges it into an identical last one; overflows at the limit. */
static void queue_locked(struct inotify *in, int wd, uint32_t mask, uint32_t cookie,
                         const char *name)
{
    size_t nlen = name != NULL ? strlen(name) : 0;
    size_t plen = name != NULL ? (nlen + 1 + 15) / 16 * 16 : 0;
    struct in_event *e, *last = in->tail;

    if (in->nevents > INOTIFY_MAX_QUEUED_EVENTS)
        return;
    if (in->nevents == INOTIFY_MAX_QUEUED_EVENTS) {
        wd = -1;
        mask = IN_Q_OVERFLOW;
        cookie = 0;
        name = NULL;
        nlen = plen = 0;
    } else if (last != NULL && last->ev.wd == wd && last->ev.mask == mask &&
               last->ev.cookie == cookie && last->ev.len == plen &&
               (plen == 0 || strcmp(last->name, name) == 0)) {
        return;
    }
    e = calloc(1, sizeof(*e) + plen);
    if (e == NULL)
        return;
    e->ev.wd = wd;
    e->ev.mask = mask;
    e->ev.cookie = cookie;
    e->ev.len = (uint32_t)plen;
    if (nlen > 0)
        memcpy(e->name, name, nlen);
    if (in->tail != NULL)
        in->tail->next = e;
    else
        in->head = e;
    in->tail = e;
    in->nevents++;
    in->bytes += sizeof(e->ev) + plen;
}

/* Unlinks `w` from both lists and frees it. */
static void watch_free_locked(struct in_watch *w)
{
    for (struct in_watch **pp = &w->in->watches; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    for (struct in_watch **pp = &g_in_watches; *pp != NULL; pp = &(*pp)->gnext) {
        if (*pp == w) {
            *pp = w->gnext;
            break;
        }
    }
    w->in->nwatches--;
    __atomic_sub_fetch(&g_in_nwatches, 1, __ATOMIC_RELEASE);
    free(w);
}

/* Removes `w` with the IN_IGNORED event Linux queues for a removed watch. */
static void watch_drop_locked(struct in_watch *w)
{
    queue_locked(w->in, w->wd, IN_IGNORED, 0, NULL);
    watch_free_locked(w);
}

/*
 * Reports `mask` to the watches of inode (dev, ino) that want it, with `name`
 * (NULL for the inode's own watches). `self_gone`: the watches end (IN_IGNORED).
 */
static void deliver_locked(uint64_t dev, uint64_t ino, uint32_t mask, uint32_t cookie,
                           const char *name, bool self_gone)
{
    struct in_watch *w = g_in_watches, *next;

    for (; w != NULL; w = next) {
        next = w->gnext;
        if (w->dev != dev || w->ino != ino)
            continue;
        if ((w->mask & mask & IN_ALL_EVENTS) != 0) {
            queue_locked(w->in, w->wd, mask, cookie, name);
            if ((w->mask & IN_ONESHOT) != 0 && !self_gone) {
                watch_drop_locked(w);
                continue;
            }
        }
        if (self_gone)
            watch_drop_locked(w);
    }
}

static bool no_watches(void)
{
    return __atomic_load_n(&g_in_nwatches, __ATOMIC_ACQUIRE) == 0;
}

static uint64_t dev_of(const struct inode *ino)
{
    return ino->sb->dev;
}

/* Events on a file itself and, with its name, on its directory's watches. */
static void child_event(struct dentry *d, uint32_t mask)
{
    struct inode *ino = d->inode;

    if (S_ISDIR(ino->st.st_mode))
        mask |= IN_ISDIR;
    pthread_mutex_lock(&g_in_mu);
    deliver_locked(dev_of(ino), (uint64_t)ino->st.st_ino, mask, 0, NULL, false);
    if (d->parent != NULL && d->parent->inode != NULL && d->parent != d)
        deliver_locked(dev_of(d->parent->inode), (uint64_t)d->parent->inode->st.st_ino, mask, 0,
                       d->name, false);
    pthread_mutex_unlock(&g_in_mu);
}

void inotify_file(struct file *f, uint32_t mask)
{
    if (no_watches() || f == NULL || f->dentry == NULL || (f->flags & O_PATH) != 0)
        return;
    child_event(f->dentry, mask);
}

void inotify_dentry(struct dentry *d, uint32_t mask)
{
    if (no_watches() || d == NULL || d->inode == NULL)
        return;
    child_event(d, mask);
}

void inotify_create(struct inode *dir, const char *name, bool is_dir)
{
    uint32_t mask = IN_CREATE | (is_dir ? IN_ISDIR : 0);

    if (no_watches())
        return;
    pthread_mutex_lock(&g_in_mu);
    deliver_locked(dev_of(dir), (uint64_t)dir->st.st_ino, mask, 0, name, false);
    pthread_mutex_unlock(&g_in_mu);
}

void inotify_remove(struct inode *dir, const char *name, struct inode *child)
{
    bool is_dir = S_ISDIR(child->st.st_mode);
    bool gone = is_dir;
    struct stat st;

    if (no_watches())
        return;
    if (!is_dir) {
        memset(&st, 0, sizeof(st));
        gone = vfs_inode_getattr(child, &st) < 0 || st.st_nlink == 0;
    }
    pthread_mutex_lock(&g_in_mu);
    if (!is_dir)
        deliver_locked(dev_of(child), (uint64_t)child->st.st_ino, IN_ATTRIB, 0, NULL, false);
    deliver_locked(dev_of(dir), (uint64_t)dir->st.st_ino, IN_DELETE | (is_dir ? IN_ISDIR : 0), 0,
                   name, false);
    /* The file is gone (Linux reports this when the inode is evicted). */
    if (gone)
        deliver_locked(dev_of(child), (uint64_t)child->st.st_ino, IN_DELETE_SELF, 0, NULL, true);
    pthread_mutex_unlock(&g_in_mu);
}

void inotify_move(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
                  struct inode *child)
{
    uint32_t isdir = S_ISDIR(child->st.st_mode) ? IN_ISDIR : 0, cookie;

    if (no_watches())
        return;
    pthread_mutex_lock(&g_in_mu);
    if (++g_in_cookie == 0)
        g_in_cookie = 1;
    cookie = g_in_cookie;
    deliver_locked(dev_of(odir), (uint64_t)odir->st.st_ino, IN_MOVED_FROM | isdir, cookie, oname,
                   false);
    deliver_locked(dev_of(ndir), (uint64_t)ndir->st.st_ino, IN_MOVED_TO | isdir, cookie, nname,
                   false);
    deliver_locked(dev_of(child), (uint64_t)child->st.st_ino, IN_MOVE_SELF, 0, NULL, false);
    pthread_mutex_unlock(&g_in_mu);
}

/* ---- the instance file ---- */

long inotify_file_add_watch(struct file *f, struct inode *ino, uint32_t mask)
{
    struct inotify *in = f->priv;
    uint64_t dev = dev_of(ino), nr = (uint64_t)ino->st.st_ino;
    uint32_t keep = mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
    struct in_watch *w;
    long ret;

    pthread_mutex_lock(&g_in_mu);
    for (w = in->watches; w != NULL; w = w->next) {
        if (w->dev == dev && w->ino == nr)
            break;
    }
    if (w != NULL) {
        if ((mask & IN_MASK_CREATE) != 0) {
            ret = -EEXIST;
        } else {
            w->mask = (mask & IN_MASK_ADD) != 0 ? (w->mask | keep) : keep;
            ret = w->wd;
        }
    } else if (in->nwatches >= INOTIFY_MAX_USER_WATCHES) {
        ret = -ENOSPC;
    } else if ((w = calloc(1, sizeof(*w))) == NULL) {
        ret = -ENOMEM;
    } else {
        w->in = in;
        w->dev = dev;
        w->ino = nr;
        w->mask = keep;
        w->wd = ++in->next_wd;
        w->next = in->watches;
        in->watches = w;
        w->gnext = g_in_watches;
        g_in_watches = w;
        in->nwatches++;
        __atomic_add_fetch(&g_in_nwatches, 1, __ATOMIC_RELEASE);
        ret = w->wd;
    }
    pthread_mutex_unlock(&g_in_mu);
    return ret;
}

long inotify_file_rm_watch(struct file *f, int wd)
{
    struct inotify *in = f->priv;
    long ret = -EINVAL;

    pthread_mutex_lock(&g_in_mu);
    for (struct in_watch *w = in->watches; w != NULL; w = w->next) {
        if (w->wd == wd) {
            watch_drop_locked(w);
            ret = 0;
            break;
        }
    }
    pthread_mutex_unlock(&g_in_mu);
    return ret;
}

void inotify_file_fdinfo(struct file *f, FILE *out)
{
    struct inotify *in = f->priv;

    pthread_mutex_lock(&g_in_mu);
    for (struct in_watch *w = in->watches; w != NULL; w = w->next)
        fprintf(out, "inotify wd:%d ino:%" PRIx64 " sdev:%" PRIx64 " mask:%x ignored_mask:0\n",
                w->wd, w->ino, w->dev, w->mask);
    pthread_mutex_unlock(&g_in_mu);
}

bool is_inotify_file(const struct file *f)
{
    return f->ops == &g_inotify_ops;
}

/* Moves whole events into `buf`. Returns the bytes, 0 when empty, or -EINVAL. */
static long take_events_locked(struct inotify *in, char *buf, size_t len)
{
    size_t done = 0;

    while (in->head != NULL) {
        struct in_event *e = in->head;
        size_t sz = sizeof(e->ev) + e->ev.len;

        if (done + sz > len)
            return done > 0 ? (long)done : -EINVAL;
        memcpy(buf + done, &e->ev, sizeof(e->ev));
        memcpy(buf + done + sizeof(e->ev), e->name, e->ev.len);
        done += sz;
        in->head = e->next;
        if (in->head == NULL)
            in->tail = NULL;
        in->nevents--;
        in->bytes -= sz;
        free(e);
    }
    return (long)done;
}

static long inotify_read(struct file *f, void *buf, size_t len)
{
    struct inotify *in = f->priv;
    struct task *t = g_pipe_current_task;

    for (;;) {
        uint64_t gen = anon_wait_gen();
        long n, ret;

        pthread_mutex_lock(&g_in_mu);
        n = take_events_locked(in, buf, len);
        pthread_mutex_unlock(&g_in_mu);
        if (n != 0)
            return n;
        if ((f->flags & O_NONBLOCK) != 0 || t == NULL)
            return -EAGAIN;
        ret = anon_wait(t, gen, NULL);
        if (ret == -EINTR)
            return -EINTR;
    }
}

static unsigned int inotify_poll(struct file *f)
{
    struct inotify *in = f->priv;
    unsigned int ev;

    pthread_mutex_lock(&g_in_mu);
    ev = in->head != NULL ? (POLLIN | POLLRDNORM) : 0;
    pthread_mutex_unlock(&g_in_mu);
    return ev;
}

static long inotify_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg)
{
    struct inotify *in = f->priv;
    int n;

    if (cmd != FIONREAD)
        return -ENOTTY;
    pthread_mutex_lock(&g_in_mu);
    n = (int)in->bytes;
    pthread_mutex_unlock(&g_in_mu);
    return task_copy_out(t, arg, &n, sizeof(n));
}

static long inotify_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IRUSR | S_IWUSR;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static void inotify_release(struct file *f)
{
    struct inotify *in = f->priv;

    pthread_mutex_lock(&g_in_mu);
    while (in->watches != NULL)
        watch_free_locked(in->watches);
    pthread_mutex_unlock(&g_in_mu);
    while (in->head != NULL) {
        struct in_event *e = in->head;

        in->head = e->next;
        free(e);
    }
    free(in);
}

static const struct file_ops g_inotify_ops = {
    .name = "anon_inode:inotify",
    .read = inotify_read,
    .lseek = anon_noop_lseek,
    .ioctl = inotify_ioctl,
    .fstat = inotify_fstat,
    .poll = inotify_poll,
    .release = inotify_release,
};

struct file *inotify_file_new(int flags)
{
    struct inotify *in = calloc(1, sizeof(*in));
    struct file *f;

    if (in == NULL)
        return NULL;
    f = file_new(&g_inotify_ops, O_RDONLY | ((flags & IN_NONBLOCK) ? O_NONBLOCK : 0), in);
    if (f == NULL)
        free(in);
    return f;
}
