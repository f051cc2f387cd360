/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File locks (flock, POSIX, OFD) held by the sentry, as Linux's fs/locks.c
 * behaves: one global table of locked files, keyed by (super block, inode
 * number), each with an array of locks. Waiters sleep on one condition in
 * short slices so that signals are seen; every change wakes them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sentry/kernel/kernel.h"
#include "sentry/vfs/locks.h"
#include "sentry/vfs/vfs.h"

struct lock_rec {
    enum vfs_lock_kind kind;
    void *owner;
    struct vfs_lock lk;
};

struct lock_file {
    const void *key_sb;
    uint64_t key_ino;
    struct lock_rec *recs;
    size_t n, cap;
    struct lock_file *next;
};

/* A task sleeping in F_SETLKW for a POSIX lock: who waits, and for which owner. */
struct lock_waiter {
    void *owner;
    void *blocked_on;
    struct lock_waiter *next;
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static struct lock_file *g_files;     /* Protected by g_mu. */
static struct lock_waiter *g_waiters; /* Protected by g_mu. */
static int g_nfiles;                  /* Written under g_mu; read without it as a hint. */

/* Linux's MAX_DEADLK_ITERATIONS. */
enum { MAX_DEADLK_ITERATIONS = 10 };

static void file_key(struct file *f, const void **sb, uint64_t *ino)
{
    struct inode *i = file_inode(f);

    if (i != NULL) {
        *sb = i->sb;
        *ino = (uint64_t)i->st.st_ino;
    } else { /* anonymous files (pipes): the shared object behind both ends */
        *sb = f->ops;
        *ino = (uint64_t)(uintptr_t)f->priv;
    }
}

static struct lock_file *find_locked(struct file *f, bool create)
{
    const void *sb;
    uint64_t ino;
    struct lock_file *lf;

    file_key(f, &sb, &ino);
    for (lf = g_files; lf != NULL; lf = lf->next)
        if (lf->key_sb == sb && lf->key_ino == ino)
            return lf;
    if (!create)
        return NULL;
    lf = calloc(1, sizeof(*lf));
    if (lf == NULL)
        return NULL;
    lf->key_sb = sb;
    lf->key_ino = ino;
    lf->next = g_files;
    g_files = lf;
    __atomic_store_n(&g_nfiles, g_nfiles + 1, __ATOMIC_RELAXED);
    return lf;
}

/* Frees `lf` when it holds no lock. */
static void maybe_free_locked(struct lock_file *lf)
{
    struct lock_file **pp;

    if (lf->n != 0)
        return;
    for (pp = &g_files; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == lf) {
            *pp = lf->next;
            break;
        }
    }
    __atomic_store_n(&g_nfiles, g_nfiles - 1, __ATOMIC_RELAXED);
    free(lf->recs);
    free(lf);
}

static bool is_flock(enum vfs_lock_kind k)
{
    return k == VFS_LOCK_FLOCK;
}

static bool overlaps(const struct vfs_lock *a, const struct vfs_lock *b)
{
    return a->start <= b->end && b->start <= a->end;
}

/* The first lock of another owner that conflicts with `lk`, or NULL. */
static struct lock_rec *conflict_locked(struct lock_file *lf, enum vfs_lock_kind kind, void *owner,
                                        const struct vfs_lock *lk)
{
    if (lf == NULL || lk->type == F_UNLCK)
        return NULL;
    for (size_t i = 0; i < lf->n; i++) {
        struct lock_rec *r = &lf->recs[i];

        if (is_flock(r->kind) != is_flock(kind) || r->owner == owner)
            continue;
        if (overlaps(&r->lk, lk) && (r->lk.type == F_WRLCK || lk->type == F_WRLCK))
            return r;
    }
    return NULL;
}

static long push_locked(struct lock_file *lf, const struct lock_rec *r)
{
    if (lf->n == lf->cap) {
        size_t cap = lf->cap ? lf->cap * 2 : 8;
        struct lock_rec *n = realloc(lf->recs, cap * sizeof(*n));

        if (n == NULL)
            return -ENOLCK;
        lf->recs = n;
        lf->cap = cap;
    }
    lf->recs[lf->n++] = *r;
    return 0;
}

static void remove_at_locked(struct lock_file *lf, size_t i)
{
    lf->recs[i] = lf->recs[--lf->n];
}

/*
 * Removes the range of `lk` from `owner`'s locks of class `kind`, splitting
 * locks that stick out on both sides. Fails only on OOM (-ENOLCK).
 */
static long carve_locked(struct lock_file *lf, enum vfs_lock_kind kind, void *owner,
                         const struct vfs_lock *lk)
{
    for (size_t i = 0; i < lf->n;) {
        struct lock_rec *r = &lf->recs[i];

        if (r->kind != kind || r->owner != owner || !overlaps(&r->lk, lk)) {
            i++;
            continue;
        }
        if (r->lk.start < lk->start && r->lk.end > lk->end) { /* split in two */
            struct lock_rec tail = *r;

            tail.lk.start = lk->end + 1;
            r->lk.end = lk->start - 1;
            if (push_locked(lf, &tail) < 0)
                return -ENOLCK;
            i++;
        } else if (r->lk.start < lk->start) {
            r->lk.end = lk->start - 1;
            i++;
        } else if (r->lk.end > lk->end) {
            r->lk.start = lk->end + 1;
            i++;
        } else {
            remove_at_locked(lf, i);
        }
    }
    return 0;
}

/* Adds `nr`, merged with the owner's locks of the same type that touch or overlap it. */
static long add_merged_locked(struct lock_file *lf, struct lock_rec nr)
{
    bool merged = true;

    while (merged) {
        merged = false;
        for (size_t i = 0; i < lf->n; i++) {
            struct lock_rec *r = &lf->recs[i];
            bool touch;

            if (r->kind != nr.kind || r->owner != nr.owner || r->lk.type != nr.lk.type)
                continue;
            touch = overlaps(&r->lk, &nr.lk) ||
                    (r->lk.end != VFS_LOCK_EOF && r->lk.end + 1 == nr.lk.start) ||
                    (nr.lk.end != VFS_LOCK_EOF && nr.lk.end + 1 == r->lk.start);
            if (!touch)
                continue;
            if (r->lk.start < nr.lk.start)
                nr.lk.start = r->lk.start;
            if (r->lk.end > nr.lk.end)
                nr.lk.end = r->lk.end;
            remove_at_locked(lf, i);
            merged = true;
            break;
        }
    }
    return push_locked(lf, &nr);
}

/* Whether waiting for `blocker` would close a cycle of POSIX waiters back to `owner`. */
static bool deadlock_locked(void *owner, void *blocker)
{
    for (int i = 0; i < MAX_DEADLK_ITERATIONS; i++) {
        struct lock_waiter *w;

        for (w = g_waiters; w != NULL; w = w->next)
            if (w->owner == blocker)
                break;
        if (w == NULL)
            return false;
        blocker = w->blocked_on;
        if (blocker == owner)
            return true;
    }
    return false;
}

static void unlink_waiter_locked(struct lock_waiter *me)
{
    for (struct lock_waiter **pp = &g_waiters; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == me) {
            *pp = me->next;
            return;
        }
    }
}

long vfs_lock_set(struct task *t, struct file *f, enum vfs_lock_kind kind, void *owner,
                  const struct vfs_lock *lk, bool wait)
{
    struct lock_waiter me = { .owner = owner };
    bool waiting = false;
    long ret;

    pthread_mutex_lock(&g_mu);
    for (;;) {
        struct lock_file *lf = find_locked(f, lk->type != F_UNLCK);
        struct lock_rec *c;
        struct lock_rec nr = { .kind = kind, .owner = owner, .lk = *lk };
        struct timespec ts;

        if (lf == NULL) {
            ret = lk->type == F_UNLCK ? 0 : -ENOLCK;
            break;
        }
        if (kind == VFS_LOCK_FLOCK) /* a conversion drops the old lock first, as Linux */
            carve_locked(lf, kind, owner, lk);
        c = conflict_locked(lf, kind, owner, lk);
        if (c == NULL) {
            ret = carve_locked(lf, kind, owner, lk);
            if (ret == 0 && lk->type != F_UNLCK)
                ret = add_merged_locked(lf, nr);
            pthread_cond_broadcast(&g_cv);
            maybe_free_locked(lf);
            break;
        }
        if (!wait) {
            ret = -EAGAIN;
            maybe_free_locked(lf);
            break;
        }
        if (kind == VFS_LOCK_POSIX && c->kind == VFS_LOCK_POSIX) {
            if (deadlock_locked(owner, c->owner)) {
                ret = -EDEADLK;
                maybe_free_locked(lf);
                break;
            }
            me.blocked_on = c->owner;
            if (!waiting) {
                me.next = g_waiters;
                g_waiters = &me;
                waiting = true;
            }
        }
        if (t != NULL && task_should_interrupt(t)) {
            ret = -ERESTARTSYS;
            maybe_free_locked(lf);
            break;
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 5 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        task_set_sleeping(t, true);
        pthread_cond_timedwait(&g_cv, &g_mu, &ts);
        task_set_sleeping(t, false);
        if (t != NULL && task_should_interrupt(t)) {
            lf = find_locked(f, false);
            if (lf != NULL)
                maybe_free_locked(lf);
            ret = -ERESTARTSYS;
            break;
        }
    }
    if (waiting)
        unlink_waiter_locked(&me);
    pthread_mutex_unlock(&g_mu);
    return ret;
}

void vfs_lock_get(struct file *f, enum vfs_lock_kind kind, void *owner, struct vfs_lock *lk)
{
    struct lock_rec *c;

    pthread_mutex_lock(&g_mu);
    c = conflict_locked(find_locked(f, false), kind, owner, lk);
    if (c == NULL) {
        lk->type = F_UNLCK;
    } else {
        *lk = c->lk;
        if (c->kind != VFS_LOCK_POSIX)
            lk->pid = -1;
    }
    pthread_mutex_unlock(&g_mu);
}

/* Drops every lock of `owner` of the kinds in `kinds` (a bit mask) on `f`'s file. */
static void drop_owner(struct file *f, unsigned int kinds, void *owner)
{
    struct lock_file *lf;
    bool changed = false;

    if (__atomic_load_n(&g_nfiles, __ATOMIC_RELAXED) == 0)
        return;
    pthread_mutex_lock(&g_mu);
    lf = find_locked(f, false);
    if (lf != NULL) {
        for (size_t i = 0; i < lf->n;) {
            if (lf->recs[i].owner == owner && (kinds & (1u << lf->recs[i].kind))) {
                remove_at_locked(lf, i);
                changed = true;
            } else {
                i++;
            }
        }
        maybe_free_locked(lf);
    }
    if (changed)
        pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
}

void vfs_locks_close(void *fdt, struct file *f)
{
    drop_owner(f, 1u << VFS_LOCK_POSIX, fdt);
}

void vfs_locks_file_release(struct file *f)
{
    drop_owner(f, 1u << VFS_LOCK_OFD | 1u << VFS_LOCK_FLOCK, f);
}
