/* SPDX-License-Identifier: Apache-2.0 */
/* Time and randomness syscalls (the vDSO serves most clock reads without a trap). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

/*
 * The CPU-time clocks: this process's or thread's, or a clock_getcpuclockid /
 * pthread_getcpuclockid id (~pid << 3 | which, bit 2 for a thread). The
 * profiling, virtual and scheduler variants all read the total CPU time.
 */
static long cpu_clock_ns(struct task *t, clockid_t id, uint64_t *ns)
{
    struct kernel *k = t->k;
    long ret = 0;

    if (id == CLOCK_THREAD_CPUTIME_ID)
        return k->pops->ctx_cpu_time(t->ctx, ns);
    pthread_mutex_lock(&k->mu);
    if (id == CLOCK_PROCESS_CPUTIME_ID) {
        *ns = thread_group_cpu_ns_locked(t->tg);
    } else if ((id & 3) == 3) {
        ret = -EINVAL;
    } else {
        int pid = (int)~(id >> 3);

        if (id & 4) {
            struct task *o = pid == 0 ? t : kernel_find_task_locked(k, pid);

            if (o == NULL)
                ret = -EINVAL;
            else
                *ns = task_cpu_ns(o);
        } else {
            struct thread_group *tg = pid == 0 ? t->tg : kernel_find_tg_locked(k, pid);

            if (tg == NULL || tg->zombie)
                ret = -EINVAL;
            else
                *ns = thread_group_cpu_ns_locked(tg);
        }
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}

long sys_clock_gettime(struct task *t, const struct sys_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    struct timespec ts;
    uint64_t ns;
    long ret;

    if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID || id < 0) {
        ret = cpu_clock_ns(t, id, &ns);
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

    uint64_t ns;
    long ret;

    if ((clockid_t)a->a[0] < 0) {
        /* A CPU clock id: valid when its process or thread exists; 1 ns like Linux's. */
        ret = cpu_clock_ns(t, (clockid_t)a->a[0], &ns);
        if (ret < 0)
            return ret;
        ts.tv_sec = 0;
        ts.tv_nsec = 1;
    } else if (!is_host_clock((clockid_t)a->a[0]) &&
               (clockid_t)a->a[0] != CLOCK_PROCESS_CPUTIME_ID &&
               (clockid_t)a->a[0] != CLOCK_THREAD_CPUTIME_ID) {
        return -EINVAL;
    } else if (clock_getres((clockid_t)a->a[0], &ts) < 0) {
        return -errno;
    }
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

/* Converts an absolute time on `clock` into an absolute CLOCK_MONOTONIC one. */
static void to_monotonic(clockid_t clock, struct timespec *ts)
{
    struct timespec now, mono;
    int64_t ns;

    if (clock == CLOCK_MONOTONIC)
        return;
    clock_gettime(clock, &now);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    ns = (int64_t)(ts->tv_sec - now.tv_sec) * 1000000000LL + (ts->tv_nsec - now.tv_nsec);
    if (ns < 0)
        ns = 0;
    ts->tv_sec = mono.tv_sec + ns / 1000000000LL;
    ts->tv_nsec = mono.tv_nsec + ns % 1000000000LL;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/*
 * Sleeps until the monotonic `deadline` or a signal. Returns 0, or
 * -ERESTART_RESTARTBLOCK with the remaining time written to `rmtp` (when
 * nonzero) and a restart that sleeps until the same deadline.
 */
static long sleep_until(struct task *t, const struct timespec *deadline, uint64_t rmtp);

static long sleep_restart(struct task *t)
{
    struct timespec deadline = { .tv_sec = (time_t)t->restart_args[0],
                                 .tv_nsec = (long)t->restart_args[1] };

    return sleep_until(t, &deadline, t->restart_args[2]);
}

static long sleep_until(struct task *t, const struct timespec *deadline, uint64_t rmtp)
{
    struct timespec now, rem;
    long ret;

    pthread_mutex_lock(&t->k->mu);
    do {
        ret = task_block_locked(t, deadline);
    } while (ret == 0);
    pthread_mutex_unlock(&t->k->mu);
    if (ret == -ETIMEDOUT)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &now);
    rem.tv_sec = deadline->tv_sec - now.tv_sec;
    rem.tv_nsec = deadline->tv_nsec - now.tv_nsec;
    if (rem.tv_nsec < 0) {
        rem.tv_sec--;
        rem.tv_nsec += 1000000000L;
    }
    if (rem.tv_sec < 0)
        rem.tv_sec = rem.tv_nsec = 0;
    if (rmtp != 0 && task_copy_out(t, rmtp, &rem, sizeof(rem)) < 0)
        return -EFAULT;
    t->restart_fn = sleep_restart;
    t->restart_args[0] = (uint64_t)deadline->tv_sec;
    t->restart_args[1] = (uint64_t)deadline->tv_nsec;
    t->restart_args[2] = rmtp;
    return -ERESTART_RESTARTBLOCK;
}

long sys_nanosleep(struct task *t, const struct sys_args *a)
{
    struct timespec req, deadline;
    long ret = task_copy_in(t, &req, a->a[0], sizeof(req));

    if (ret < 0)
        return ret;
    if (!timespec_valid(&req))
        return -EINVAL;
    kernel_deadline_from_now(&req, &deadline);
    return sleep_until(t, &deadline, a->a[1]);
}

/*
 * Sleeps until the process CPU clock restart_args[0] reaches restart_args[1]
 * ns, polling it every CPU_SLEEP_POLL_NS (CPU clocks wake nobody). On a
 * signal, writes the remainder to restart_args[2] (when nonzero) and returns
 * -ERESTART_RESTARTBLOCK, which resumes here.
 */
#define CPU_SLEEP_POLL_NS 4000000L

static long cpu_sleep(struct task *t)
{
    clockid_t id = (clockid_t)t->restart_args[0];
    uint64_t target = t->restart_args[1], now;
    struct timespec rel = { 0, CPU_SLEEP_POLL_NS }, deadline, rem;
    long ret;

    for (;;) {
        ret = cpu_clock_ns(t, id, &now);
        if (ret < 0)
            return ret;
        if (now >= target)
            return 0;
        kernel_deadline_from_now(&rel, &deadline);
        pthread_mutex_lock(&t->k->mu);
        ret = task_block_locked(t, &deadline);
        pthread_mutex_unlock(&t->k->mu);
        if (ret == -EINTR)
            break;
    }
    rem.tv_sec = (time_t)((target - now) / 1000000000ULL);
    rem.tv_nsec = (long)((target - now) % 1000000000ULL);
    if (t->restart_args[2] != 0 && task_copy_out(t, t->restart_args[2], &rem, sizeof(rem)) < 0)
        return -EFAULT;
    t->restart_fn = cpu_sleep;
    return -ERESTART_RESTARTBLOCK;
}

long sys_clock_nanosleep(struct task *t, const struct sys_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    int flags = (int)a->a[1];
    struct timespec req, deadline;
    long ret;

    if (id == CLOCK_PROCESS_CPUTIME_ID || (id < 0 && !(id & 4))) {
        uint64_t now;

        /* A process CPU clock (thread clocks are EINVAL, as in Linux). */
        ret = cpu_clock_ns(t, id, &now);
        if (ret < 0)
            return ret;
        ret = task_copy_in(t, &req, a->a[2], sizeof(req));
        if (ret < 0)
            return ret;
        if (!timespec_valid(&req))
            return -EINVAL;
        t->restart_args[0] = (uint64_t)id;
        t->restart_args[1] = (uint64_t)req.tv_sec * 1000000000ULL + (uint64_t)req.tv_nsec;
        if (!(flags & TIMER_ABSTIME))
            t->restart_args[1] += now;
        t->restart_args[2] = (flags & TIMER_ABSTIME) ? 0 : a->a[3];
        ret = cpu_sleep(t);
        return ret == -ERESTART_RESTARTBLOCK && (flags & TIMER_ABSTIME) ? -ERESTARTNOHAND : ret;
    }
    if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC && id != CLOCK_BOOTTIME && id != CLOCK_TAI)
        return is_host_clock(id) ? -ENOTSUP : -EINVAL;
    if (flags & ~TIMER_ABSTIME)
        return -EINVAL;
    ret = task_copy_in(t, &req, a->a[2], sizeof(req));
    if (ret < 0)
        return ret;
    if (!timespec_valid(&req))
        return -EINVAL;
    if (flags & TIMER_ABSTIME) {
        deadline = req;
        to_monotonic(id, &deadline);
        ret = sleep_until(t, &deadline, 0);
        /* An absolute sleep restarts as itself (ERESTARTNOHAND) and reports no remainder. */
        return ret == -ERESTART_RESTARTBLOCK ? -ERESTARTNOHAND : ret;
    }
    kernel_deadline_from_now(&req, &deadline);
    return sleep_until(t, &deadline, a->a[3]);
}

long sys_restart_syscall(struct task *t, const struct sys_args *a)
{
    long (*fn)(struct task *) = t->restart_fn;

    if (fn == NULL)
        return -EINTR;
    t->restart_fn = NULL;
    return fn(t);
}

static uint64_t tv_to_ns(const struct timeval *tv)
{
    return (uint64_t)tv->tv_sec * 1000000000ULL + (uint64_t)tv->tv_usec * 1000ULL;
}

static void ns_to_tv(uint64_t ns, struct timeval *tv)
{
    tv->tv_sec = (time_t)(ns / 1000000000ULL);
    tv->tv_usec = (suseconds_t)((ns % 1000000000ULL + 999) / 1000);
    if (tv->tv_usec >= 1000000) {
        tv->tv_sec++;
        tv->tv_usec -= 1000000;
    }
}

long sys_alarm(struct task *t, const struct sys_args *a)
{
    uint64_t old, old_interval;
    unsigned int secs = (unsigned int)a->a[0];

    kernel_itimer_real(t, (uint64_t)secs * 1000000000ULL, 0, &old, &old_interval);
    /* Linux rounds the remaining time to the nearest second, and never reports 0 for an armed
     * alarm. */
    if (old == 0)
        return 0;
    return (long)((old + 500000000ULL) / 1000000000ULL) ?: 1;
}

long sys_setitimer(struct task *t, const struct sys_args *a)
{
    int which = (int)a->a[0];
    struct itimerval nv, ov;
    uint64_t old, old_interval;
    long ret;

    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
        return -EINVAL;
    /* A NULL new value disarms (Linux accepts it, with a warning). */
    memset(&nv, 0, sizeof(nv));
    if (a->a[1] != 0 && (ret = task_copy_in(t, &nv, a->a[1], sizeof(nv))) < 0)
        return ret;
    if (nv.it_value.tv_usec < 0 || nv.it_value.tv_usec >= 1000000 || nv.it_value.tv_sec < 0 ||
        nv.it_interval.tv_usec < 0 || nv.it_interval.tv_usec >= 1000000 ||
        nv.it_interval.tv_sec < 0)
        return -EINVAL;
    ret = kernel_itimer_set(t, which, tv_to_ns(&nv.it_value), tv_to_ns(&nv.it_interval), &old,
                            &old_interval);
    if (ret < 0)
        return ret;
    if (a->a[2] != 0) {
        ns_to_tv(old, &ov.it_value);
        ns_to_tv(old_interval, &ov.it_interval);
        if ((ret = task_copy_out(t, a->a[2], &ov, sizeof(ov))) < 0)
            return ret;
    }
    return 0;
}

long sys_getitimer(struct task *t, const struct sys_args *a)
{
    struct itimerval ov;
    uint64_t value, interval;
    long ret = kernel_itimer_get(t, (int)a->a[0], &value, &interval);

    if (ret < 0)
        return ret;
    ns_to_tv(value, &ov.it_value);
    ns_to_tv(interval, &ov.it_interval);
    return task_copy_out(t, a->a[1], &ov, sizeof(ov));
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
