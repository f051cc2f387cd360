/* SPDX-License-Identifier: Apache-2.0 */
/* timerfd_create(2), timerfd_settime(2) and timerfd_gettime(2). */
#include <errno.h>
#include <sys/timerfd.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif

long sys_timerfd_create(struct task *t, const struct sys_args *a)
{
    int clockid = (int)a->a[0], flags = (int)a->a[1];
    struct file *f;
    long ret;

    if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
        return -EINVAL;
    if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC && clockid != CLOCK_BOOTTIME &&
        clockid != CLOCK_REALTIME_ALARM && clockid != CLOCK_BOOTTIME_ALARM)
        return -EINVAL;
    if (clockid == CLOCK_REALTIME_ALARM || clockid == CLOCK_BOOTTIME_ALARM)
        return -EPERM; /* needs CAP_WAKE_ALARM, which the sandbox never grants */
    f = timerfd_file_new(clockid, flags);
    if (f == NULL)
        return -ENOMEM;
    ret = fd_table_install(t->fdt, f, 0, (flags & TFD_CLOEXEC) != 0, task_nofile_limit(t));
    put_file(f);
    return ret;
}

static bool ts_valid(const struct timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

long sys_timerfd_settime(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = NULL;
    int flags = (int)a->a[1];
    struct itimerspec nv, ov;
    long ret;

    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    ret = task_copy_in(t, &nv, a->a[2], sizeof(nv));
    if (ret < 0)
        return ret;
    f = fd_table_get(t->fdt, (int)a->a[0]);
    if (f == NULL)
        return -EBADF;
    if (!is_timerfd_file(f))
        return -EINVAL;
    if (!ts_valid(&nv.it_value) || !ts_valid(&nv.it_interval))
        return -EINVAL;
    timerfd_file_settime(f, flags, &nv.it_value, &nv.it_interval, &ov.it_value, &ov.it_interval);
    if (a->a[3] != 0 && (ret = task_copy_out(t, a->a[3], &ov, sizeof(ov))) < 0)
        return ret;
    return 0;
}

long sys_timerfd_gettime(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    struct itimerspec cur;

    if (f == NULL)
        return -EBADF;
    if (!is_timerfd_file(f))
        return -EINVAL;
    timerfd_file_gettime(f, &cur.it_value, &cur.it_interval);
    return task_copy_out(t, a->a[1], &cur, sizeof(cur));
}
