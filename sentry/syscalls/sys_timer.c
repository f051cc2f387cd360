/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX timers: timer_create(2) and friends; the timers themselves are sentry/kernel/timer.c's. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/sys_sched.h"

#define NSEC_PER_SEC 1000000000ULL

/* Linux's timespec64_valid for itimerspec fields: EINVAL otherwise. */
static bool ts_valid(const struct timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long)NSEC_PER_SEC;
}

static uint64_t ts_to_ns(const struct timespec *ts)
{
    if ((uint64_t)ts->tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1)
        return UINT64_MAX / 2;
    return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static void ns_to_ts(uint64_t ns, struct timespec *ts)
{
    ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
    ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

long sys_timer_create(struct task *t, const struct sys_args *a)
{
    struct kernel_sigevent ev;
    int id;
    long ret;

    if (a->a[1] != 0) {
        ret = task_copy_in(t, &ev, a->a[1], sizeof(ev));
        if (ret < 0)
            return ret;
    }
    ret = kernel_timer_create(t, (clockid_t)a->a[0], a->a[1] != 0 ? &ev : NULL, &id);
    if (ret < 0)
        return ret;
    ret = task_copy_out(t, a->a[2], &id, sizeof(id));
    if (ret < 0) {
        /* Linux releases the timer when the id cannot be written. */
        kernel_timer_delete(t, id);
        return ret;
    }
    return 0;
}

long sys_timer_settime(struct task *t, const struct sys_args *a)
{
    struct itimerspec nv, ov;
    uint64_t old_value, old_interval;
    long ret;

    if (a->a[2] == 0)
        return -EINVAL;
    ret = task_copy_in(t, &nv, a->a[2], sizeof(nv));
    if (ret < 0)
        return ret;
    if (!ts_valid(&nv.it_value) || !ts_valid(&nv.it_interval))
        return -EINVAL;
    ret = kernel_timer_settime(t, (int)a->a[0], ((int)a->a[1] & TIMER_ABSTIME) != 0,
                               ts_to_ns(&nv.it_value), ts_to_ns(&nv.it_interval), &old_value,
                               &old_interval);
    if (ret < 0 || a->a[3] == 0)
        return ret;
    ns_to_ts(old_value, &ov.it_value);
    ns_to_ts(old_interval, &ov.it_interval);
    return task_copy_out(t, a->a[3], &ov, sizeof(ov));
}

long sys_timer_gettime(struct task *t, const struct sys_args *a)
{
    struct itimerspec cur;
    uint64_t value, interval;
    long ret = kernel_timer_gettime(t, (int)a->a[0], &value, &interval);

    if (ret < 0)
        return ret;
    ns_to_ts(value, &cur.it_value);
    ns_to_ts(interval, &cur.it_interval);
    return task_copy_out(t, a->a[1], &cur, sizeof(cur));
}

long sys_timer_getoverrun(struct task *t, const struct sys_args *a)
{
    return kernel_timer_getoverrun(t, (int)a->a[0]);
}

long sys_timer_delete(struct task *t, const struct sys_args *a)
{
    return kernel_timer_delete(t, (int)a->a[0]);
}
