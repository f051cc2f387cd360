/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Futex wait queues across tasks and processes. Keys are the mm and the
 * address for private futexes, or the MAP_SHARED object and offset for shared
 * ones (so the two processes of a fork meet). Every queue lives under the
 * kernel mutex; the check of the futex word and the enqueue are one step
 * with respect to wakers.
 */
#include <errno.h>
#include <linux/futex.h>
#include <string.h>

#include "sentry/kernel/kernel_internal.h"
#include "sentry/mm/mm.h"

struct futex_waiter {
    struct klist node; /* in k->futex_waiters */
    struct mm_futex_key key;
    uint32_t bitset;
    struct task *t; /* Not owned. */
    bool woken;
};

static bool key_eq(const struct mm_futex_key *a, const struct mm_futex_key *b)
{
    return a->obj == b->obj && a->off == b->off;
}

long kernel_futex_wait(struct task *t, uint64_t addr, uint32_t val, uint32_t bitset, bool shared,
                       const struct timespec *deadline)
{
    struct kernel *k = t->k;
    struct futex_waiter w = { .bitset = bitset, .t = t };
    uint32_t cur;
    long ret;

    if (addr & 3)
        return -EINVAL;
    mm_futex_key(t->mm, addr, shared, &w.key);
    pthread_mutex_lock(&k->mu);
    ret = task_copy_in(t, &cur, addr, sizeof(cur));
    if (ret == 0 && cur != val)
        ret = -EAGAIN;
    if (ret < 0) {
        pthread_mutex_unlock(&k->mu);
        return ret;
    }
    klist_add_tail(&k->futex_waiters, &w.node);
    for (;;) {
        if (w.woken) {
            ret = 0;
            break;
        }
        ret = task_block_locked(t, deadline);
        if (w.woken) {
            ret = 0;
            break;
        }
        if (ret == -ETIMEDOUT)
            break;
        if (ret == -EINTR) {
            ret = -ERESTARTSYS;
            break;
        }
    }
    if (!w.woken)
        klist_del(&w.node);
    pthread_mutex_unlock(&k->mu);
    return ret;
}

/* Wakes up to `n` waiters of `key` in `bitset`. Needs k->mu. */
static int wake_key_locked(struct kernel *k, const struct mm_futex_key *key, int n, uint32_t bitset)
{
    struct klist *pos, *tmp;
    int woken = 0;

    klist_for_each_safe(pos, tmp, &k->futex_waiters)
    {
        struct futex_waiter *w = klist_entry(pos, struct futex_waiter, node);

        if (woken >= n)
            break;
        if (!key_eq(&w->key, key) || !(w->bitset & bitset))
            continue;
        klist_del(&w->node);
        w->woken = true;
        pthread_cond_signal(&w->t->wake);
        woken++;
    }
    return woken;
}

long kernel_futex_wake(struct task *t, uint64_t addr, bool shared, int n, uint32_t bitset)
{
    struct mm_futex_key key;
    long ret;

    if (addr & 3)
        return -EINVAL;
    mm_futex_key(t->mm, addr, shared, &key);
    pthread_mutex_lock(&t->k->mu);
    ret = wake_key_locked(t->k, &key, n, bitset);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long kernel_futex_requeue(struct task *t, uint64_t addr, uint64_t addr2, bool shared, int nwake,
                          int nrequeue, bool cmp, uint32_t val)
{
    struct kernel *k = t->k;
    struct mm_futex_key key, key2;
    struct klist *pos, *tmp;
    uint32_t cur;
    long ret, woken = 0, moved = 0;

    if ((addr & 3) || (addr2 & 3))
        return -EINVAL;
    mm_futex_key(t->mm, addr, shared, &key);
    mm_futex_key(t->mm, addr2, shared, &key2);
    pthread_mutex_lock(&k->mu);
    if (cmp) {
        ret = task_copy_in(t, &cur, addr, sizeof(cur));
        if (ret == 0 && cur != val)
            ret = -EAGAIN;
        if (ret < 0) {
            pthread_mutex_unlock(&k->mu);
            return ret;
        }
    }
    woken = wake_key_locked(k, &key, nwake, FUTEX_BITSET_MATCH_ANY);
    klist_for_each_safe(pos, tmp, &k->futex_waiters)
    {
        struct futex_waiter *w = klist_entry(pos, struct futex_waiter, node);

        if (moved >= nrequeue)
            break;
        if (!key_eq(&w->key, &key))
            continue;
        w->key = key2;
        /* Keep queue order: a requeued waiter goes behind those already on addr2. */
        klist_del(&w->node);
        klist_add_tail(&k->futex_waiters, &w->node);
        moved++;
    }
    pthread_mutex_unlock(&k->mu);
    return woken + moved;
}

long kernel_futex_wake_op(struct task *t, uint64_t addr, uint64_t addr2, bool shared, int nwake,
                          int nwake2, bool op_result)
{
    struct mm_futex_key key, key2;
    long woken;

    mm_futex_key(t->mm, addr, shared, &key);
    mm_futex_key(t->mm, addr2, shared, &key2);
    pthread_mutex_lock(&t->k->mu);
    woken = wake_key_locked(t->k, &key, nwake, FUTEX_BITSET_MATCH_ANY);
    if (op_result)
        woken += wake_key_locked(t->k, &key2, nwake2, FUTEX_BITSET_MATCH_ANY);
    pthread_mutex_unlock(&t->k->mu);
    return woken;
}

/* Linux's robust list walk limit. */
#define ROBUST_LIST_LIMIT 2048
#define FUTEX_TID_MASK_   0x3fffffffU
#define FUTEX_OWNER_DIED_ 0x40000000U
#define FUTEX_WAITERS_    0x80000000U

/* Marks one robust futex of a dying owner and wakes a waiter (Linux's handle_futex_death). */
static void handle_futex_death(struct task *t, uint64_t uaddr, int tid)
{
    uint32_t val, nval;

    if (uaddr & 3 || task_copy_in(t, &val, uaddr, sizeof(val)) < 0)
        return;
    if ((val & FUTEX_TID_MASK_) != (uint32_t)tid)
        return;
    nval = (val & FUTEX_WAITERS_) | FUTEX_OWNER_DIED_;
    if (task_copy_out(t, uaddr, &nval, sizeof(nval)) < 0)
        return;
    if (val & FUTEX_WAITERS_)
        kernel_futex_wake(t, uaddr, /*shared=*/true, 1, FUTEX_BITSET_MATCH_ANY);
}

/* Walks the robust list of an exiting task (struct robust_list_head: next, offset, pending). */
static void exit_robust_list(struct task *t, int tid)
{
    uint64_t head[3], entry, pending;
    int64_t offset;

    if (t->robust_list == 0 || task_copy_in(t, head, t->robust_list, sizeof(head)) < 0)
        return;
    entry = head[0];
    offset = (int64_t)head[1];
    pending = head[2];
    for (int i = 0; entry != t->robust_list && i < ROBUST_LIST_LIMIT; i++) {
        uint64_t next;

        if (task_copy_in(t, &next, entry & ~1ULL, sizeof(next)) < 0)
            return;
        if ((entry & ~1ULL) != (pending & ~1ULL))
            handle_futex_death(t, (entry & ~1ULL) + (uint64_t)offset, tid);
        entry = next;
    }
    if (pending != 0)
        handle_futex_death(t, (pending & ~1ULL) + (uint64_t)offset, tid);
}

void kernel_futex_exit(struct task *t)
{
    int tid;
    uint32_t zero = 0;

    if (t->mm == NULL)
        return;
    pthread_mutex_lock(&t->k->mu);
    tid = t->ns_tid; /* the owner tid the app stores in its lock words: its namespace's */
    pthread_mutex_unlock(&t->k->mu);
    exit_robust_list(t, tid);
    /* CLONE_CHILD_CLEARTID / set_tid_address: pthread_join's wake-up. */
    if (t->clear_child_tid != 0 && __atomic_load_n(&t->mm->users, __ATOMIC_RELAXED) > 1 &&
        task_copy_out(t, t->clear_child_tid, &zero, sizeof(zero)) == 0)
        kernel_futex_wake(t, t->clear_child_tid, /*shared=*/true, 1, FUTEX_BITSET_MATCH_ANY);
}
