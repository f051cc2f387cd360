/* SPDX-License-Identifier: Apache-2.0 */
/* Time and randomness syscalls (the vDSO serves most clock reads without a trap). */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

#define MAX_GETRANDOM (32 * 1024 * 1024)

/* The clocks the sandbox serves from the host's; CPU-time clocks need the stub's accounting. */
static bool is_host_clock(clockid_t id)
{
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
        return true;
    default:
        return false;
    }
}

long sys_clock_gettime(struct task *t, const struct sys_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    struct timespec ts;
    uint64_t ns;
    long ret;

    if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID) {
        /* One thread per process for now: both are the host thread's CPU time. */
        ret = t->k->pops->ctx_cpu_time(t->ctx, &ns);
        if (ret < 0)
            return ret;
        ts.tv_sec = (time_t)(ns / 1000000000ULL);
        ts.tv_nsec = (long)(ns % 1000000000ULL);
    } else if (!is_host_clock(id)) {
        return -EINVAL;
    } else if (clock_gettime(id, &ts) < 0) {
        return -errno;
    }
    return task_copy_out(t, a->a[1], &ts, sizeof(ts));
}

long sys_clock_getres(struct task *t, const struct sys_args *a)
{
    struct timespec ts;

    if (!is_host_clock((clockid_t)a->a[0]) && (clockid_t)a->a[0] != CLOCK_PROCESS_CPUTIME_ID &&
        (clockid_t)a->a[0] != CLOCK_THREAD_CPUTIME_ID)
        return -EINVAL;
    if (clock_getres((clockid_t)a->a[0], &ts) < 0)
        return -errno;
    if (a->a[1] == 0)
        return 0;
    return task_copy_out(t, a->a[1], &ts, sizeof(ts));
}

long sys_gettimeofday(struct task *t, const struct sys_args *a)
{
    struct timeval tv;
    struct timezone tz = { 0, 0 };
    long ret;

    if (a->a[0] != 0) {
        gettimeofday(&tv, NULL);
        if ((ret = task_copy_out(t, a->a[0], &tv, sizeof(tv))) < 0)
            return ret;
    }
    if (a->a[1] != 0 && (ret = task_copy_out(t, a->a[1], &tz, sizeof(tz))) < 0)
        return ret;
    return 0;
}

long sys_time(struct task *t, const struct sys_args *a)
{
    time_t now = time(NULL);
    long ret;

    if (a->a[0] != 0 && (ret = task_copy_out(t, a->a[0], &now, sizeof(now))) < 0)
        return ret;
    return now;
}

static bool timespec_valid(const struct timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

long sys_nanosleep(struct task *t, const struct sys_args *a)
{
    struct timespec req;
    long ret = task_copy_in(t, &req, a->a[0], sizeof(req));

    if (ret < 0)
        return ret;
    if (!timespec_valid(&req))
        return -EINVAL;
    /* Blocks the serving sentry thread: fine while a sentry serves one app thread. */
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &req) == EINTR)
        ;
    return 0;
}

long sys_clock_nanosleep(struct task *t, const struct sys_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    int flags = (int)a->a[1];
    struct timespec req;
    long ret;

    if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC && id != CLOCK_BOOTTIME && id != CLOCK_TAI)
        return is_host_clock(id) ? -ENOTSUP : -EINVAL;
    if (flags & ~TIMER_ABSTIME)
        return -EINVAL;
    ret = task_copy_in(t, &req, a->a[2], sizeof(req));
    if (ret < 0)
        return ret;
    if (!timespec_valid(&req))
        return -EINVAL;
    while ((ret = clock_nanosleep(id, flags, &req, &req)) == EINTR)
        ;
    return -ret;
}

long sys_getrandom(struct task *t, const struct sys_args *a)
{
    unsigned int flags = (unsigned int)a->a[2];
    size_t len = a->a[1] > MAX_GETRANDOM ? MAX_GETRANDOM : a->a[1];
    cleanup_free char *buf = NULL;
    ssize_t n;
    long ret;

    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
        return -EINVAL;
    if (len == 0)
        return 0;
    buf = malloc(len);
    if (buf == NULL)
        return -ENOMEM;
    n = getrandom(buf, len, flags & ~GRND_RANDOM);
    if (n < 0)
        return -errno;
    ret = task_copy_out(t, a->a[0], buf, (size_t)n);
    return ret < 0 ? ret : n;
}

long sys_clock_settime(struct task *t, const struct sys_args *a)
{
    struct timespec ts;
    long ret = task_copy_in(t, &ts, a->a[1], sizeof(ts));

    if (ret < 0)
        return ret;
    if ((clockid_t)a->a[0] == CLOCK_REALTIME)
        return timespec_valid(&ts) ? -EPERM : -EINVAL;
    return -EINVAL;
}
