/* SPDX-License-Identifier: Apache-2.0 */
/*
 * futex(2): argument checks, timeouts and FUTEX_WAKE_OP's operation here; the
 * wait queues, PI ownership and futex_waitv's queueing are the kernel's
 * (sentry/kernel/futex.c).
 */
#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <time.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

#define FUTEX_CMD_MASK_ALL (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

/* Converts a CLOCK_REALTIME absolute time into a CLOCK_MONOTONIC one. */
static void realtime_to_monotonic(struct timespec *ts)
{
    struct timespec rt, mono;
    int64_t ns;

    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    ns = (int64_t)(ts->tv_sec - rt.tv_sec) * 1000000000LL + (ts->tv_nsec - rt.tv_nsec);
    if (ns < 0)
        ns = 0;
    ts->tv_sec = mono.tv_sec + ns / 1000000000LL;
    ts->tv_nsec = mono.tv_nsec + ns % 1000000000LL;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Resumes a timed futex wait interrupted by a signal without a handler. */
static long futex_wait_restart(struct task *t)
{
    struct timespec deadline = { .tv_sec = (time_t)t->restart_args[3],
                                 .tv_nsec = (long)t->restart_args[4] };
    long ret = kernel_futex_wait(t, t->restart_args[0], (uint32_t)t->restart_args[1],
                                 (uint32_t)t->restart_args[2], t->restart_args[5] != 0, &deadline);

    return ret == -ERESTARTSYS ? -ERESTART_RESTARTBLOCK : ret;
}

static long futex_wait(struct task *t, const struct sys_args *a, int cmd, bool realtime,
                       bool shared)
{
    uint32_t bitset = cmd == FUTEX_WAIT_BITSET ? (uint32_t)a->a[5] : FUTEX_BITSET_MATCH_ANY;
    struct timespec ts, deadline;
    long ret;

    if (cmd == FUTEX_WAIT_BITSET && bitset == 0)
        return -EINVAL;
    if (a->a[3] != 0) {
        ret = task_copy_in(t, &ts, a->a[3], sizeof(ts));
        if (ret < 0)
            return ret;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
            return -EINVAL;
        /* FUTEX_WAIT takes a relative timeout on CLOCK_MONOTONIC; WAIT_BITSET an absolute one. */
        if (cmd == FUTEX_WAIT) {
            kernel_deadline_from_now(&ts, &deadline);
        } else {
            deadline = ts;
            if (realtime)
                realtime_to_monotonic(&deadline);
        }
    }
    if (a->a[0] & 3)
        return -EINVAL;
    ret = kernel_futex_wait(t, a->a[0], (uint32_t)a->a[2], bitset, shared,
                            a->a[3] != 0 ? &deadline : NULL);
    if (ret == -ERESTARTSYS && a->a[3] != 0) {
        t->restart_fn = futex_wait_restart;
        t->restart_args[0] = a->a[0];
        t->restart_args[1] = (uint32_t)a->a[2];
        t->restart_args[2] = bitset;
        t->restart_args[3] = (uint64_t)deadline.tv_sec;
        t->restart_args[4] = (uint64_t)deadline.tv_nsec;
        t->restart_args[5] = shared;
        return -ERESTART_RESTARTBLOCK;
    }
    return ret;
}

/*
 * Applies FUTEX_WAKE_OP's operation to the word at uaddr2 (one atomic update,
 * kernel_futex_atomic_op); returns the old value's comparison. As Linux's
 * futex_atomic_op_inuser: both arguments are signed 12-bit fields, a shift
 * count outside 0..31 is masked, and an unknown comparison is -ENOSYS after
 * the operation was applied.
 */
static long wake_op(struct task *t, uint64_t uaddr2, uint32_t encoded)
{
    int op = (int)((encoded >> 28) & 0xf), cmp = (int)((encoded >> 24) & 0xf);
    int oparg = (int)(encoded << 8) >> 20, cmparg = (int)(encoded << 20) >> 20;
    uint32_t old;
    long ret;

    if (op & FUTEX_OP_OPARG_SHIFT) {
        oparg = (int)(1U << (oparg & 31));
        op &= ~FUTEX_OP_OPARG_SHIFT;
    }
    ret = kernel_futex_atomic_op(t, uaddr2, op, (uint32_t)oparg, &old);
    if (ret < 0)
        return ret;
    switch (cmp) {
    case FUTEX_OP_CMP_EQ:
        return (int)old == cmparg;
    case FUTEX_OP_CMP_NE:
        return (int)old != cmparg;
    case FUTEX_OP_CMP_LT:
        return (int)old < cmparg;
    case FUTEX_OP_CMP_LE:
        return (int)old <= cmparg;
    case FUTEX_OP_CMP_GT:
        return (int)old > cmparg;
    case FUTEX_OP_CMP_GE:
        return (int)old >= cmparg;
    default:
        return -ENOSYS;
    }
}

long sys_futex(struct task *t, const struct sys_args *a)
{
    int op = (int)a->a[1];
    int cmd = op & FUTEX_CMD_MASK_ALL;
    bool realtime = (op & FUTEX_CLOCK_REALTIME) != 0;
    bool shared = !(op & FUTEX_PRIVATE_FLAG);
    uint32_t val;
    long ret;

    if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
        cmd != FUTEX_LOCK_PI2 && cmd != FUTEX_WAIT)
        return -ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        return futex_wait(t, a, cmd, realtime, shared);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        if (cmd == FUTEX_WAKE_BITSET && (uint32_t)a->a[5] == 0)
            return -EINVAL;
        if (a->a[0] & 3)
            return -EINVAL;
        return kernel_futex_wake(t, a->a[0], shared, (int)a->a[2] <= 0 ? 1 : (int)a->a[2],
                                 cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : (uint32_t)a->a[5]);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        if ((a->a[0] & 3) || (a->a[4] & 3))
            return -EINVAL;
        if ((int)a->a[2] < 0 || (int)a->a[3] < 0)
            return -EINVAL;
        return kernel_futex_requeue(t, a->a[0], a->a[4], shared, (int)a->a[2], (int)a->a[3],
                                    cmd == FUTEX_CMP_REQUEUE, (uint32_t)a->a[5]);
    case FUTEX_WAKE_OP:
        if ((a->a[0] & 3) || (a->a[4] & 3))
            return -EINVAL;
        ret = wake_op(t, a->a[4], (uint32_t)a->a[5]);
        if (ret < 0)
            return ret;
        return kernel_futex_wake_op(t, a->a[0], a->a[4], shared, (int)a->a[2], (int)a->a[3],
                                    ret != 0);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_TRYLOCK_PI:
    case FUTEX_WAIT_REQUEUE_PI: {
        struct timespec deadline;
        bool timed = cmd != FUTEX_TRYLOCK_PI && a->a[3] != 0;

        if (timed) {
            /* Absolute timeouts: LOCK_PI's on CLOCK_REALTIME, the others' on CLOCK_MONOTONIC
             * unless FUTEX_CLOCK_REALTIME. */
            ret = task_copy_in(t, &deadline, a->a[3], sizeof(deadline));
            if (ret < 0)
                return ret;
            if (deadline.tv_sec < 0 || deadline.tv_nsec < 0 || deadline.tv_nsec >= 1000000000L)
                return -EINVAL;
            if (cmd == FUTEX_LOCK_PI || realtime)
                realtime_to_monotonic(&deadline);
        }
        if (cmd == FUTEX_WAIT_REQUEUE_PI)
            return kernel_futex_wait_requeue_pi(t, a->a[0], (uint32_t)a->a[2], a->a[4], shared,
                                                timed ? &deadline : NULL);
        return kernel_futex_lock_pi(t, a->a[0], shared, timed ? &deadline : NULL,
                                    cmd == FUTEX_TRYLOCK_PI);
    }
    case FUTEX_UNLOCK_PI:
        return kernel_futex_unlock_pi(t, a->a[0], shared);
    case FUTEX_CMP_REQUEUE_PI:
        /* Linux wakes exactly one waiter here (by giving it the lock). */
        if ((int)a->a[2] != 1)
            return -EINVAL;
        return kernel_futex_cmp_requeue_pi(t, a->a[0], a->a[4], shared, (int)a->a[3],
                                           (uint32_t)a->a[5]);
    default:
        (void)val;
        return -ENOSYS;
    }
}

#define FUTEX_WAITV_MAX 128

long sys_futex_waitv(struct task *t, const struct sys_args *a)
{
    unsigned int n = (unsigned int)a->a[1];
    struct kernel_futex_waitv v[FUTEX_WAITV_MAX];
    struct timespec deadline;
    clockid_t clock = (clockid_t)a->a[4];
    long ret;

    if (a->a[2] != 0 || n == 0 || n > FUTEX_WAITV_MAX || a->a[0] == 0)
        return -EINVAL;
    if (a->a[3] != 0) {
        if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME)
            return -EINVAL;
        ret = task_copy_in(t, &deadline, a->a[3], sizeof(deadline));
        if (ret < 0)
            return ret;
        if (deadline.tv_sec < 0 || deadline.tv_nsec < 0 || deadline.tv_nsec >= 1000000000L)
            return -EINVAL;
        if (clock == CLOCK_REALTIME)
            realtime_to_monotonic(&deadline);
    }
    ret = task_copy_in(t, v, a->a[0], n * sizeof(v[0]));
    if (ret < 0)
        return ret;
    for (unsigned int i = 0; i < n; i++) {
        /* Only 32-bit futexes exist; the value must fit them. */
        if ((v[i].flags & ~(uint32_t)(3 | KERNEL_FUTEX2_PRIVATE)) || v[i].reserved != 0 ||
            (v[i].flags & 3) != KERNEL_FUTEX2_SIZE_U32 || (v[i].uaddr & 3) || v[i].val > UINT32_MAX)
            return -EINVAL;
    }
    return kernel_futex_waitv(t, v, (int)n, a->a[3] != 0 ? &deadline : NULL);
}

long sys_get_robust_list(struct task *t, const struct sys_args *a)
{
    uint64_t head = t->robust_list, len = 24;
    long ret;

    if ((int)a->a[0] != 0 && (int)a->a[0] != t->ns_tid)
        return -ESRCH;
    ret = task_copy_out(t, a->a[1], &head, sizeof(head));
    if (ret < 0)
        return ret;
    return task_copy_out(t, a->a[2], &len, sizeof(len));
}
