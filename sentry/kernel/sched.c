/* SPDX-License-Identifier: Apache-2.0 */
/* Scheduling attributes across fork, and the mlock(2) bookkeeping of a process. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sentry/kernel/kernel_internal.h"
#include "sentry/mm/mm.h"

#ifndef CAP_IPC_LOCK
#define CAP_IPC_LOCK 14
#endif

void task_sched_fork(struct task *child, const struct task *parent)
{
    child->sched = parent->sched;
    if (parent->sched.reset_on_fork) {
        /* Linux's sched_fork: real-time policies fall back to SCHED_OTHER, negative nice to 0. */
        if (child->sched.policy == SCHED_FIFO || child->sched.policy == SCHED_RR) {
            child->sched.policy = SCHED_OTHER;
            child->sched.rt_priority = 0;
        }
        if (child->sched.nice < 0)
            child->sched.nice = 0;
        child->sched.reset_on_fork = false;
    }
}

/* One locked range [start, end). */
struct mlock_range {
    uint64_t start, end;
};

struct kernel_mlock {
    struct mlock_range *r; /* sorted, disjoint, not adjacent; owned array of nr (cap) */
    size_t nr, cap;
    bool future; /* MCL_FUTURE (recorded: new mappings are not counted) */
};

void kernel_mlock_release_locked(struct thread_group *tg)
{
    if (tg->mlock == NULL)
        return;
    free(tg->mlock->r);
    free(tg->mlock);
    tg->mlock = NULL;
}

static uint64_t locked_total(const struct kernel_mlock *ml)
{
    uint64_t n = 0;

    for (size_t i = 0; ml != NULL && i < ml->nr; i++)
        n += ml->r[i].end - ml->r[i].start;
    return n;
}

/* Bytes of [start, end) already locked. */
static uint64_t locked_in(const struct kernel_mlock *ml, uint64_t start, uint64_t end)
{
    uint64_t n = 0;

    for (size_t i = 0; ml != NULL && i < ml->nr; i++) {
        uint64_t s = ml->r[i].start > start ? ml->r[i].start : start;
        uint64_t e = ml->r[i].end < end ? ml->r[i].end : end;

        if (s < e)
            n += e - s;
    }
    return n;
}

/* Whether every page of [start, end) is mapped (app mappings, not the platform's). */
static bool range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t at = start;

    mm_lock(mm);
    for (size_t i = 0; i < mm->nr && at < end; i++) {
        const struct mm_vma *v = &mm->vmas[i];

        if (v->end <= at)
            continue;
        if (v->start > at || v->reserved)
            break;
        at = v->end;
    }
    mm_unlock(mm);
    return at >= end;
}

/* Rewrites the range set with [start, end) added or removed. Returns 0 or -ENOMEM. */
static long ranges_update(struct kernel_mlock *ml, uint64_t start, uint64_t end, bool add)
{
    struct mlock_range *nr = calloc(ml->nr + 2, sizeof(*nr));
    size_t n = 0;
    bool placed = !add;

    if (nr == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < ml->nr; i++) {
        struct mlock_range r = ml->r[i];

        if (add) {
            if (r.end < start) {
                nr[n++] = r;
                continue;
            }
            if (r.start > end) {
                if (!placed) {
                    nr[n++] = (struct mlock_range){ start, end };
                    placed = true;
                }
                nr[n++] = r;
                continue;
            }
            /* Overlapping or adjacent: merge into the new range. */
            if (r.start < start)
                start = r.start;
            if (r.end > end)
                end = r.end;
            continue;
        }
        if (r.end <= start || r.start >= end) {
            nr[n++] = r;
            continue;
        }
        if (r.start < start)
            nr[n++] = (struct mlock_range){ r.start, start };
        if (r.end > end)
            nr[n++] = (struct mlock_range){ end, r.end };
    }
    if (!placed)
        nr[n++] = (struct mlock_range){ start, end };
    free(ml->r);
    ml->r = nr;
    ml->nr = n;
    ml->cap = ml->nr + 2;
    return 0;
}

/* Linux's can_do_mlock and the RLIMIT_MEMLOCK check for `want` more bytes. Needs k->mu. */
static long check_limit_locked(struct task *t, uint64_t want, uint64_t already)
{
    rlim_t lim = t->tg->rlimits[RLIMIT_MEMLOCK].rlim_cur;

    if (task_capable(t, CAP_IPC_LOCK))
        return 0;
    if (lim == 0)
        return -EPERM;
    if (lim != RLIM_INFINITY && want + already > (uint64_t)lim)
        return -ENOMEM;
    return 0;
}

long kernel_mlock(struct task *t, uint64_t start, uint64_t end, bool lock)
{
    struct kernel *k = t->k;
    struct kernel_mlock *ml;
    long ret;

    if (lock) {
        pthread_mutex_lock(&k->mu);
        ml = t->tg->mlock;
        ret = check_limit_locked(t, end - start - locked_in(ml, start, end), locked_total(ml));
        pthread_mutex_unlock(&k->mu);
        if (ret < 0)
            return ret;
    }
    if (!range_mapped(t->mm, start, end))
        return -ENOMEM;
    if (start == end)
        return 0;
    pthread_mutex_lock(&k->mu);
    ml = t->tg->mlock;
    if (ml == NULL && !lock) {
        pthread_mutex_unlock(&k->mu);
        return 0;
    }
    if (ml == NULL) {
        ml = calloc(1, sizeof(*ml));
        if (ml == NULL) {
            pthread_mutex_unlock(&k->mu);
            return -ENOMEM;
        }
        t->tg->mlock = ml;
    }
    ret = ranges_update(ml, start, end, lock);
    pthread_mutex_unlock(&k->mu);
    return ret;
}

long kernel_mlockall(struct task *t, int flags)
{
    struct kernel *k = t->k;
    struct mm *mm = t->mm;
    struct mlock_range *r = NULL;
    size_t n = 0;
    uint64_t total = 0;
    long ret;

    if (flags & MCL_CURRENT) {
        mm_lock(mm);
        r = calloc(mm->nr + 1, sizeof(*r));
        for (size_t i = 0; r != NULL && i < mm->nr; i++) {
            if (mm->vmas[i].reserved)
                continue;
            if (n > 0 && r[n - 1].end == mm->vmas[i].start) {
                r[n - 1].end = mm->vmas[i].end;
            } else {
                r[n].start = mm->vmas[i].start;
                r[n].end = mm->vmas[i].end;
                n++;
            }
            total += mm->vmas[i].end - mm->vmas[i].start;
        }
        mm_unlock(mm);
        if (r == NULL)
            return -ENOMEM;
    }
    pthread_mutex_lock(&k->mu);
    /* Linux checks the whole address space against the limit for MCL_CURRENT. */
    ret = check_limit_locked(t, total, 0);
    if (ret == 0 && t->tg->mlock == NULL) {
        t->tg->mlock = calloc(1, sizeof(*t->tg->mlock));
        if (t->tg->mlock == NULL)
            ret = -ENOMEM;
    }
    if (ret == 0) {
        struct kernel_mlock *ml = t->tg->mlock;

        ml->future = (flags & MCL_FUTURE) != 0;
        if (flags & MCL_CURRENT) {
            free(ml->r);
            ml->r = r;
            ml->nr = n;
            ml->cap = n + 1;
            r = NULL;
        }
    }
    pthread_mutex_unlock(&k->mu);
    free(r);
    return ret;
}

void kernel_munlockall(struct task *t)
{
    pthread_mutex_lock(&t->k->mu);
    kernel_mlock_release_locked(t->tg);
    pthread_mutex_unlock(&t->k->mu);
}

uint64_t kernel_mlocked_bytes(struct task *t)
{
    uint64_t n;

    pthread_mutex_lock(&t->k->mu);
    n = locked_total(t->tg->mlock);
    pthread_mutex_unlock(&t->k->mu);
    return n;
}
