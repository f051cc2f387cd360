/* SPDX-License-Identifier: Apache-2.0 */
/*
 * futex(2) for single-threaded processes: every check, comparison and
 * timeout is Linux's, but no other thread can be waiting or waking. A wait
 * that no one can end blocks like it would on Linux (until its timeout).
 * The wait queues arrive with threads.
 */
#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <time.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

#define FUTEX_CMD_MASK_ALL (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

static long read_word(struct task *t, uint64_t addr, uint32_t *val)
{
    if (addr & 3)
        return -EINVAL;
    return task_copy_in(t, val, addr, sizeof(*val));
}

/* Sleeps until `ts` (relative, or absolute on `clock` when `absolute`); returns -ETIMEDOUT. */
static long sleep_until(const struct timespec *ts, clockid_t clock, bool absolute)
{
    struct timespec rem = *ts;

    while (clock_nanosleep(clock, absolute ? TIMER_ABSTIME : 0, &rem, &rem) == EINTR)
        ;
    return -ETIMEDOUT;
}

static long futex_wait(struct task *t, const struct sys_args *a, int cmd, bool realtime)
{
    uint32_t val;
    struct timespec ts;
    long ret;

    if (cmd == FUTEX_WAIT_BITSET && (uint32_t)a->a[5] == 0)
        return -EINVAL;
    if (a->a[3] != 0) {
        ret = task_copy_in(t, &ts, a->a[3], sizeof(ts));
        if (ret < 0)
            return ret;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
            return -EINVAL;
    }
    ret = read_word(t, a->a[0], &val);
    if (ret < 0)
        return ret;
    if (val != (uint32_t)a->a[2])
        return -EAGAIN;
    if (a->a[3] == 0) {
        /* Nobody else exists to wake us: this wait lasts forever, as it would on Linux. */
        sentry_info("sentry: task %d: futex wait without timeout in a single-threaded process",
                    t->tid);
        for (;;)
            pause();
    }
    /* FUTEX_WAIT takes a relative timeout on CLOCK_MONOTONIC; WAIT_BITSET an absolute one. */
    if (cmd == FUTEX_WAIT)
        return sleep_until(&ts, CLOCK_MONOTONIC, false);
    return sleep_until(&ts, realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, true);
}

/* Applies FUTEX_WAKE_OP's operation to the word at uaddr2; returns the old value's comparison. */
static long wake_op(struct task *t, uint64_t uaddr2, uint32_t encoded)
{
    int op = (encoded >> 28) & 0xf, cmp = (encoded >> 24) & 0xf;
    uint32_t oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
    uint32_t old, new;
    long ret;

    if (op & FUTEX_OP_OPARG_SHIFT) {
        if (oparg > 31)
            return -EINVAL;
        oparg = 1U << oparg;
        op &= ~FUTEX_OP_OPARG_SHIFT;
    }
    ret = read_word(t, uaddr2, &old);
    if (ret < 0)
        return ret;
    switch (op) {
    case FUTEX_OP_SET:
        new = oparg;
        break;
    case FUTEX_OP_ADD:
        new = old + oparg;
        break;
    case FUTEX_OP_OR:
        new = old | oparg;
        break;
    case FUTEX_OP_ANDN:
        new = old & ~oparg;
        break;
    case FUTEX_OP_XOR:
        new = old ^ oparg;
        break;
    default:
        return -ENOSYS;
    }
    ret = task_copy_out(t, uaddr2, &new, sizeof(new));
    if (ret < 0)
        return ret;
    switch (cmp) {
    case FUTEX_OP_CMP_EQ:
        return (int)old == (int)cmparg;
    case FUTEX_OP_CMP_NE:
        return (int)old != (int)cmparg;
    case FUTEX_OP_CMP_LT:
        return (int)old < (int)cmparg;
    case FUTEX_OP_CMP_LE:
        return (int)old <= (int)cmparg;
    case FUTEX_OP_CMP_GT:
        return (int)old > (int)cmparg;
    case FUTEX_OP_CMP_GE:
        return (int)old >= (int)cmparg;
    default:
        return -ENOSYS;
    }
}

long sys_futex(struct task *t, const struct sys_args *a)
{
    int op = (int)a->a[1];
    int cmd = op & FUTEX_CMD_MASK_ALL;
    bool realtime = (op & FUTEX_CLOCK_REALTIME) != 0;
    uint32_t val;
    long ret;

    if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
        cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        return futex_wait(t, a, cmd, realtime);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        if (cmd == FUTEX_WAKE_BITSET && (uint32_t)a->a[5] == 0)
            return -EINVAL;
        if (a->a[0] & 3)
            return -EINVAL;
        return 0; /* no waiters can exist */
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        if ((a->a[0] & 3) || (a->a[4] & 3))
            return -EINVAL;
        if ((int)a->a[2] < 0 || (int)a->a[3] < 0)
            return -EINVAL;
        if (cmd == FUTEX_CMP_REQUEUE) {
            ret = read_word(t, a->a[0], &val);
            if (ret < 0)
                return ret;
            if (val != (uint32_t)a->a[5])
                return -EAGAIN;
        }
        return 0;
    case FUTEX_WAKE_OP:
        if ((a->a[0] & 3) || (a->a[4] & 3))
            return -EINVAL;
        ret = wake_op(t, a->a[4], (uint32_t)a->a[5]);
        return ret < 0 ? ret : 0;
    default:
        /* PI futexes need an owner model; they come with threads. */
        return -ENOSYS;
    }
}

long sys_get_robust_list(struct task *t, const struct sys_args *a)
{
    uint64_t head = t->robust_list, len = 24;
    long ret;

    if ((int)a->a[0] != 0 && (int)a->a[0] != t->tid)
        return -ESRCH;
    ret = task_copy_out(t, a->a[1], &head, sizeof(head));
    if (ret < 0)
        return ret;
    return task_copy_out(t, a->a[2], &len, sizeof(len));
}
