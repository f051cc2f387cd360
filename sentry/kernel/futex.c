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
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/kernel_internal.h"
#include "sentry/mm/mm.h"

struct futex_waiter {
    struct klist node; /* in k->futex_waiters */
    struct mm_futex_key key;
    uint32_t bitset;
    struct task *t; /* Not owned. */
    bool woken;
    /*
     * PI futexes: `pi` waiters wait for ownership of the futex at `addr`
     * (the unlocker writes their tid and sets `woken`). A WAIT_REQUEUE_PI
     * waiter (`requeue_pi`) waits on a plain futex and expects `pi_key`
     * (`pi_addr`); CMP_REQUEUE_PI either gives it the lock (`woken`,
     * `got_lock`) or turns it into a `pi` waiter there.
     */
    bool pi;
    bool requeue_pi;
    bool got_lock;
    uint64_t addr;
    struct mm_futex_key pi_key;
    uint64_t pi_addr;
    /* futex_waitv: the group's entries share `group`; the woken entry's index goes there. */
    int *group;
    int index;
};

#define FUTEX_TID_MASK_   0x3fffffffU
#define FUTEX_OWNER_DIED_ 0x40000000U
#define FUTEX_WAITERS_    0x80000000U

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

/* Wakes up to `n` waiters of `key` in `bitset`. Returns how many, or -EINVAL. Needs k->mu. */
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
        /* Linux refuses plain wake-ups of PI and requeue-PI waiters. */
        if (w->pi || w->requeue_pi)
            return -EINVAL;
        klist_del(&w->node);
        w->woken = true;
        if (w->group != NULL && *w->group < 0)
            *w->group = w->index;
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
    if (woken < 0) {
        pthread_mutex_unlock(&k->mu);
        return woken;
    }
    klist_for_each_safe(pos, tmp, &k->futex_waiters)
    {
        struct futex_waiter *w = klist_entry(pos, struct futex_waiter, node);

        if (moved >= nrequeue)
            break;
        if (!key_eq(&w->key, &key))
            continue;
        if (w->pi || w->requeue_pi) {
            pthread_mutex_unlock(&k->mu);
            return -EINVAL;
        }
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
    if (op_result && woken >= 0) {
        long more = wake_key_locked(t->k, &key2, nwake2, FUTEX_BITSET_MATCH_ANY);

        woken = more < 0 ? more : woken + more;
    }
    pthread_mutex_unlock(&t->k->mu);
    return woken;
}

/* ---- PI futexes ---- */

/* The tid the app knows `t` by (its pid namespace's): what it stores in PI futex words. */
static int app_tid(const struct task *t)
{
    return t->ns_tid;
}

static long word_get(struct task *t, uint64_t addr, uint32_t *v)
{
    return task_copy_in(t, v, addr, sizeof(*v));
}

static long word_set(struct task *t, uint64_t addr, uint32_t v)
{
    return task_copy_out(t, addr, &v, sizeof(v));
}

/*
 * Linux's futex_atomic_cmpxchg_inatomic on the word at `addr` of `t`'s
 * memory: if it holds `old` it becomes `nv`; *cur gets the value it had.
 * Returns 0 or -EFAULT. When `t` is the task this sentry thread serves, its
 * stopped app thread runs the locked instruction (platform ctx_cmpxchg32),
 * atomic against every app thread. Otherwise (another task's thread, a dead
 * host thread) it falls back to a read and a write, which an app thread's
 * own cmpxchg between them can undo.
 */
static long word_cmpxchg(struct task *t, uint64_t addr, uint32_t old, uint32_t nv, uint32_t *cur)
{
    const struct platform_ops *ops = t->k->pops;
    long ret;

    if (ops->ctx_cmpxchg32 != NULL && t == g_kernel_current_task && t->ctx != NULL) {
        ret = ops->ctx_cmpxchg32(t->ctx, (uintptr_t)addr, old, nv, cur);
        if (ret != -ESRCH)
            return ret;
    }
    ret = word_get(t, addr, cur);
    if (ret == 0 && *cur == old)
        ret = word_set(t, addr, nv);
    return ret;
}

long kernel_futex_atomic_op(struct task *t, uint64_t addr, int op, uint32_t oparg, uint32_t *old)
{
    uint32_t cur, nv;
    long ret;

    if (addr & 3)
        return -EINVAL;
    ret = word_get(t, addr, &cur);
    /* A compare-and-exchange loop, as Linux has on architectures without the op itself. */
    while (ret == 0) {
        switch (op) {
        case FUTEX_OP_SET:
            nv = oparg;
            break;
        case FUTEX_OP_ADD:
            nv = cur + oparg;
            break;
        case FUTEX_OP_OR:
            nv = cur | oparg;
            break;
        case FUTEX_OP_ANDN:
            nv = cur & ~oparg;
            break;
        case FUTEX_OP_XOR:
            nv = cur ^ oparg;
            break;
        default:
            return -ENOSYS;
        }
        *old = cur;
        ret = word_cmpxchg(t, addr, *old, nv, &cur);
        if (ret == 0 && cur == *old)
            return 0;
    }
    return ret;
}

/*
 * Whether the app's tid `tid` names a live task (a PI futex's owner must
 * exist), in the pid namespace of `t`. Needs k->mu.
 */
static bool tid_alive_locked(struct task *t, int tid)
{
    int global = task_pid_from_vnr_locked(t, tid);
    struct task *o = global > 0 ? kernel_find_task_global_locked(t->k, global) : NULL;

    return o != NULL && !o->exited;
}

/* The first PI waiter of `key` in queue order, or NULL. Needs k->mu. */
static struct futex_waiter *pi_top_locked(struct kernel *k, const struct mm_futex_key *key)
{
    struct klist *pos;

    klist_for_each(pos, &k->futex_waiters)
    {
        struct futex_waiter *w = klist_entry(pos, struct futex_waiter, node);

        if (w->pi && key_eq(&w->key, key))
            return w;
    }
    return NULL;
}

/* Makes PI waiter `w` (dequeued) the owner and wakes it. Needs k->mu. */
static void pi_wake_owner_locked(struct futex_waiter *w)
{
    klist_del(&w->node);
    w->woken = true;
    w->got_lock = true;
    pthread_cond_signal(&w->t->wake);
}

/*
 * The word of PI waiter `w` as the new owner writes it: its tid |
 * FUTEX_WAITERS | `extra` (Linux always leaves FUTEX_WAITERS to a
 * handed-over lock, so the next unlock comes to the kernel).
 */
static uint32_t pi_owner_word(const struct futex_waiter *w, uint32_t extra)
{
    return (uint32_t)app_tid(w->t) | FUTEX_WAITERS_ | extra;
}

/*
 * Linux's futex_lock_pi_atomic for `tid` on the word at `addr` (updated
 * through `t` with word_cmpxchg, retried whenever app code changed the word
 * in between): takes a free word (keeping FUTEX_OWNER_DIED), else marks it
 * FUTEX_WAITERS, so the owner's user-space unlock fails and comes to the
 * kernel. Returns 1 (taken), 0 (held: wait), or -EDEADLK (held by `tid`),
 * -ESRCH (the owner does not exist), -EFAULT. Needs k->mu.
 */
static long pi_acquire_locked(struct task *t, uint64_t addr, const struct mm_futex_key *key,
                              int tid)
{
    uint32_t word, owner, nv, cur;
    long ret = word_get(t, addr, &word);

    for (; ret == 0; word = cur) {
        owner = word & FUTEX_TID_MASK_;
        if (owner == (uint32_t)tid)
            return -EDEADLK;
        if (owner == 0) {
            nv = (uint32_t)tid | (word & FUTEX_OWNER_DIED_);
            if (pi_top_locked(t->k, key) != NULL)
                nv |= FUTEX_WAITERS_;
            ret = word_cmpxchg(t, addr, word, nv, &cur);
            if (ret == 0 && cur == word)
                return 1;
            continue;
        }
        if (!tid_alive_locked(t, (int)owner))
            return -ESRCH;
        if (word & FUTEX_WAITERS_)
            return 0;
        ret = word_cmpxchg(t, addr, word, word | FUTEX_WAITERS_, &cur);
        if (ret == 0 && cur == word)
            return 0;
    }
    return ret;
}

/* Waits as PI waiter `w` (queued) for ownership. Returns 0, -ETIMEDOUT or -EINTR. Needs k->mu. */
static long pi_wait_locked(struct task *t, struct futex_waiter *w, const struct timespec *deadline)
{
    long ret;

    for (;;) {
        if (w->woken)
            return 0;
        ret = task_block_locked(t, deadline);
        if (w->woken)
            return 0;
        if (ret == -ETIMEDOUT || ret == -EINTR)
            break;
    }
    klist_del(&w->node);
    return ret;
}

long kernel_futex_lock_pi(struct task *t, uint64_t addr, bool shared,
                          const struct timespec *deadline, bool trylock)
{
    struct kernel *k = t->k;
    struct futex_waiter w = { .bitset = FUTEX_BITSET_MATCH_ANY, .t = t, .pi = true, .addr = addr };
    long ret;

    if (addr & 3)
        return -EINVAL;
    mm_futex_key(t->mm, addr, shared, &w.key);
    pthread_mutex_lock(&k->mu);
    ret = pi_acquire_locked(t, addr, &w.key, app_tid(t));
    if (ret != 0 || trylock) {
        pthread_mutex_unlock(&k->mu);
        /* TRYLOCK_PI on a held lock: EWOULDBLOCK (the word keeps FUTEX_WAITERS, as Linux). */
        return ret > 0 ? 0 : ret == 0 ? -EAGAIN : ret;
    }
    klist_init(&w.node);
    klist_add_tail(&k->futex_waiters, &w.node);
    ret = pi_wait_locked(t, &w, deadline);
    pthread_mutex_unlock(&k->mu);
    /* Linux restarts LOCK_PI after a signal (its timeout is absolute). */
    return ret == -EINTR ? -ERESTARTNOINTR : ret;
}

long kernel_futex_unlock_pi(struct task *t, uint64_t addr, bool shared)
{
    struct kernel *k = t->k;
    struct mm_futex_key key;
    struct futex_waiter *top;
    uint32_t word;
    long ret;

    if (addr & 3)
        return -EINVAL;
    mm_futex_key(t->mm, addr, shared, &key);
    pthread_mutex_lock(&k->mu);
    ret = word_get(t, addr, &word);
    /* Linux's futex_unlock_pi: the word changes only if it still names us (cmpxchg, retried). */
    for (uint32_t cur; ret == 0; word = cur) {
        if ((word & FUTEX_TID_MASK_) != (uint32_t)app_tid(t)) {
            ret = -EPERM;
            break;
        }
        top = pi_top_locked(k, &key);
        ret = word_cmpxchg(t, addr, word, top != NULL ? pi_owner_word(top, 0) : 0, &cur);
        if (ret == 0 && cur == word) {
            if (top != NULL)
                pi_wake_owner_locked(top);
            break;
        }
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}

long kernel_futex_wait_requeue_pi(struct task *t, uint64_t addr, uint32_t val, uint64_t addr2,
                                  bool shared, const struct timespec *deadline)
{
    struct kernel *k = t->k;
    struct futex_waiter w = {
        .bitset = FUTEX_BITSET_MATCH_ANY, .t = t, .requeue_pi = true, .addr = addr, .pi_addr = addr2
    };
    uint32_t cur;
    long ret;

    if ((addr & 3) || (addr2 & 3))
        return -EINVAL;
    if (addr == addr2)
        return -EINVAL;
    mm_futex_key(t->mm, addr, shared, &w.key);
    mm_futex_key(t->mm, addr2, shared, &w.pi_key);
    pthread_mutex_lock(&k->mu);
    ret = word_get(t, addr, &cur);
    if (ret == 0 && cur != val)
        ret = -EAGAIN;
    if (ret < 0) {
        pthread_mutex_unlock(&k->mu);
        return ret;
    }
    klist_init(&w.node);
    klist_add_tail(&k->futex_waiters, &w.node);
    for (;;) {
        if (w.woken)
            break;
        ret = task_block_locked(t, deadline);
        if (w.woken || ret == -ETIMEDOUT || ret == -EINTR)
            break;
    }
    if (w.woken) {
        /* A plain FUTEX_WAKE of the condition futex is EWOULDBLOCK for a requeue-PI waiter. */
        ret = w.got_lock ? 0 : -EAGAIN;
    } else {
        klist_del(&w.node);
        /* Requeued already: Linux reports EWOULDBLOCK rather than restarting. */
        if (ret == -EINTR)
            ret = w.pi ? -EAGAIN : -ERESTARTNOINTR;
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}

long kernel_futex_cmp_requeue_pi(struct task *t, uint64_t addr, uint64_t addr2, bool shared,
                                 int nrequeue, uint32_t val)
{
    struct kernel *k = t->k;
    struct mm_futex_key key, key2;
    struct klist *pos, *tmp;
    bool first = true;
    uint32_t cur;
    long ret, count = 0;

    if ((addr & 3) || (addr2 & 3) || addr == addr2 || nrequeue < 0)
        return -EINVAL;
    mm_futex_key(t->mm, addr, shared, &key);
    mm_futex_key(t->mm, addr2, shared, &key2);
    pthread_mutex_lock(&k->mu);
    ret = word_get(t, addr, &cur);
    if (ret == 0 && cur != val)
        ret = -EAGAIN;
    if (ret < 0)
        goto out;
    klist_for_each_safe(pos, tmp, &k->futex_waiters)
    {
        struct futex_waiter *w = klist_entry(pos, struct futex_waiter, node);

        if (w->pi || !key_eq(&w->key, &key))
            continue;
        if (!w->requeue_pi || !key_eq(&w->pi_key, &key2)) {
            ret = -EINVAL;
            goto out;
        }
        if (first) {
            /*
             * Linux's futex_proxy_trylock_atomic: the top waiter may take the
             * lock at once. The word is `addr2` of our memory (same key).
             */
            first = false;
            ret = pi_acquire_locked(t, addr2, &key2, app_tid(w->t));
            if (ret < 0)
                goto out;
            if (ret == 1) {
                klist_del(&w->node);
                w->woken = true;
                w->got_lock = true;
                pthread_cond_signal(&w->t->wake);
                count++;
                continue;
            }
        }
        if (count >= nrequeue + 1)
            break;
        /* Requeued: now a PI waiter of addr2 (the word is marked FUTEX_WAITERS). */
        ret = word_get(t, addr2, &cur);
        while (ret == 0 && !(cur & FUTEX_WAITERS_)) {
            uint32_t seen = cur;

            ret = word_cmpxchg(t, addr2, seen, seen | FUTEX_WAITERS_, &cur);
            if (ret == 0 && cur == seen)
                break;
        }
        if (ret < 0)
            goto out;
        klist_del(&w->node);
        w->key = key2;
        w->pi = true;
        w->addr = w->pi_addr;
        klist_add_tail(&k->futex_waiters, &w->node);
        count++;
    }
    ret = count;
out:
    pthread_mutex_unlock(&k->mu);
    return ret;
}

/* ---- futex_waitv ---- */

long kernel_futex_waitv(struct task *t, const struct kernel_futex_waitv *v, int n,
                        const struct timespec *deadline)
{
    struct kernel *k = t->k;
    struct futex_waiter *ws = calloc((size_t)n, sizeof(*ws));
    int woken = -1, queued = 0;
    long ret = 0;

    if (ws == NULL)
        return -ENOMEM;
    for (int i = 0; i < n; i++) {
        ws[i].bitset = FUTEX_BITSET_MATCH_ANY;
        ws[i].t = t;
        ws[i].addr = v[i].uaddr;
        ws[i].group = &woken;
        ws[i].index = i;
        klist_init(&ws[i].node);
        mm_futex_key(t->mm, v[i].uaddr, !(v[i].flags & KERNEL_FUTEX2_PRIVATE), &ws[i].key);
    }
    pthread_mutex_lock(&k->mu);
    /* Every word is checked with all the waiters queued, so no wake-up falls between. */
    for (; queued < n; queued++)
        klist_add_tail(&k->futex_waiters, &ws[queued].node);
    for (int i = 0; i < n && ret == 0; i++) {
        uint32_t cur;

        ret = word_get(t, v[i].uaddr, &cur);
        if (ret == 0 && cur != (uint32_t)v[i].val)
            ret = -EAGAIN;
    }
    while (ret == 0 && woken < 0) {
        ret = task_block_locked(t, deadline);
        if (woken >= 0)
            ret = 0;
        else if (ret == -EINTR)
            ret = -ERESTARTSYS;
        else if (ret != -ETIMEDOUT)
            ret = 0;
    }
    if (woken >= 0)
        ret = woken;
    for (int i = 0; i < queued; i++) {
        if (!ws[i].woken)
            klist_del(&ws[i].node);
    }
    pthread_mutex_unlock(&k->mu);
    free(ws);
    return ret;
}

/* Linux's robust list walk limit. */
#define ROBUST_LIST_LIMIT 2048

/*
 * Marks one robust futex of a dying owner (Linux's handle_futex_death): the
 * word gets FUTEX_OWNER_DIED, and a waiter wakes; for a PI futex the first
 * waiter becomes the owner, with FUTEX_OWNER_DIED set.
 */
static void handle_futex_death(struct task *t, uint64_t uaddr, int tid)
{
    struct kernel *k = t->k;
    struct mm_futex_key key;
    struct futex_waiter *top;
    uint32_t val, nval;

    if (uaddr & 3)
        return;
    mm_futex_key(t->mm, uaddr, /*shared=*/true, &key);
    pthread_mutex_lock(&k->mu);
    if (word_get(t, uaddr, &val) < 0)
        goto out;
    /* One cmpxchg, retried while app code changes the word and it still names `tid`. */
    for (;;) {
        uint32_t cur;

        if ((val & FUTEX_TID_MASK_) != (uint32_t)tid)
            goto out;
        top = (val & FUTEX_WAITERS_) ? pi_top_locked(k, &key) : NULL;
        nval = top != NULL ? pi_owner_word(top, FUTEX_OWNER_DIED_)
                           : (val & FUTEX_WAITERS_) | FUTEX_OWNER_DIED_;
        if (word_cmpxchg(t, uaddr, val, nval, &cur) < 0)
            goto out;
        if (cur == val)
            break;
        val = cur;
    }
    if (top != NULL)
        pi_wake_owner_locked(top);
    else if (val & FUTEX_WAITERS_)
        wake_key_locked(k, &key, 1, FUTEX_BITSET_MATCH_ANY);
out:
    pthread_mutex_unlock(&k->mu);
}

/*
 * A PI futex owner that leaves without unlocking (no robust list entry):
 * the first waiter of each futex whose word names `tid` becomes its owner
 * with FUTEX_OWNER_DIED (Linux's exit_pi_state_list).
 */
static void exit_pi_futexes(struct task *t, int tid)
{
    struct kernel *k = t->k;
    struct klist *pos, *tmp;

    pthread_mutex_lock(&k->mu);
    klist_for_each_safe(pos, tmp, &k->futex_waiters)
    {
        struct futex_waiter *w = klist_entry(pos, struct futex_waiter, node);
        /* Through our own thread (atomic) when the waiter shares our memory. */
        struct task *via = w->t->mm == t->mm ? t : w->t;
        uint32_t word, cur;

        if (!w->pi || w->t == t || word_get(via, w->addr, &word) < 0)
            continue;
        while ((word & FUTEX_TID_MASK_) == (uint32_t)tid) {
            if (word_cmpxchg(via, w->addr, word, pi_owner_word(w, FUTEX_OWNER_DIED_), &cur) < 0)
                break;
            if (cur == word) {
                pi_wake_owner_locked(w);
                break;
            }
            word = cur;
        }
    }
    pthread_mutex_unlock(&k->mu);
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
    exit_pi_futexes(t, tid);
    /* CLONE_CHILD_CLEARTID / set_tid_address: pthread_join's wake-up. */
    if (t->clear_child_tid != 0 && __atomic_load_n(&t->mm->users, __ATOMIC_RELAXED) > 1 &&
        task_copy_out(t, t->clear_child_tid, &zero, sizeof(zero)) == 0)
        kernel_futex_wake(t, t->clear_child_tid, /*shared=*/true, 1, FUTEX_BITSET_MATCH_ANY);
}
