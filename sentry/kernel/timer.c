/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timers: the interval timers (ITIMER_REAL / alarm(2), ITIMER_VIRTUAL,
 * ITIMER_PROF) and the POSIX timers of timer_create(2), served by one
 * sentry timer thread. Wall-clock timers sleep until their CLOCK_MONOTONIC
 * deadline; CPU-time timers are polled (the stubs' CPU clocks cannot wake
 * anyone) every CPU_POLL_NS while one is armed, which is Linux's tick
 * granularity for them.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "sentry/kernel/kernel_internal.h"

#define CPU_POLL_NS 4000000ULL
/* How many POSIX timers a process may hold (Linux charges each to RLIMIT_SIGPENDING). */
#define MAX_POSIX_TIMERS 32768
/* ktimer.notify of the interval timers: SI_KERNEL signals to the process. */
#define NOTIFY_ITIMER (-1)
#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif

/* Linux's CPU clock id encoding (clock_getcpuclockid, pthread_getcpuclockid). */
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_WHICH(c)  ((c)&3)
#define CPUCLOCK_PID(c)    ((int)~((c) >> 3))

/* What a timer's deadline is measured on. */
enum ktimer_base {
    KT_MONO,       /* CLOCK_MONOTONIC ns (wall clocks are converted when armed) */
    KT_PROC_CPU,   /* the process's CPU time */
    KT_THREAD_CPU, /* the CPU time of thread `cpu_tid` of the process */
};

struct ktimer {
    struct klist node;       /* in k->timers while armed */
    struct ktimer *next;     /* tg->posix_timers */
    struct thread_group *tg; /* Not owned. */
    enum ktimer_base base;
    clockid_t clock; /* the app's clock (wall-clock conversions of absolute times) */
    int cpu_tid;     /* KT_THREAD_CPU's thread (its number in the process's pid namespace) */
    bool armed;
    uint64_t deadline_ns; /* on `base` */
    uint64_t interval_ns;
    int signo;
    int notify;     /* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID, SIGEV_THREAD or NOTIFY_ITIMER */
    int target_tid; /* SIGEV_THREAD_ID's thread, as `cpu_tid` */
    uint64_t sigval;
    int id;           /* the POSIX timer id; -1 for interval timers */
    int overrun_last; /* si_overrun of the last delivered signal (timer_getoverrun) */
};

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

/* The live task of `tg` the app calls `tid` (its pid namespace's number). Needs k->mu. */
static struct task *tg_task_locked(struct thread_group *tg, int tid)
{
    struct klist *pos;

    klist_for_each(pos, &tg->tasks)
    {
        struct task *o = klist_entry(pos, struct task, tg_node);

        if (o->ns_tid == tid && !o->exited)
            return o;
    }
    return NULL;
}

uint64_t thread_group_cpu_ns_locked(struct thread_group *tg)
{
    uint64_t ns = tg->cpu_ns;
    struct klist *pos;

    klist_for_each(pos, &tg->tasks)
    {
        ns += task_cpu_ns(klist_entry(pos, struct task, tg_node));
    }
    return ns;
}

/* The current time on `kt`'s base; false when its thread is gone (the timer never fires). */
static bool base_now_locked(const struct ktimer *kt, uint64_t mono, uint64_t *now)
{
    struct task *o;

    switch (kt->base) {
    case KT_MONO:
        *now = mono;
        return true;
    case KT_PROC_CPU:
        *now = thread_group_cpu_ns_locked(kt->tg);
        return true;
    case KT_THREAD_CPU:
        o = tg_task_locked(kt->tg, kt->cpu_tid);
        if (o == NULL)
            return false;
        *now = task_cpu_ns(o);
        return true;
    }
    return false;
}

static void disarm_locked(struct ktimer *kt)
{
    if (kt->armed)
        klist_del(&kt->node);
    kt->armed = false;
    kt->deadline_ns = 0;
}

static void arm_locked(struct kernel *k, struct ktimer *kt, uint64_t deadline)
{
    disarm_locked(kt);
    kt->deadline_ns = deadline;
    kt->armed = true;
    klist_add_tail(&k->timers, &kt->node);
    kernel_timer_thread_start_locked(k);
    pthread_cond_broadcast(&k->timer_cond);
}

/* The queued, undelivered signal of POSIX timer `kt`, or NULL. */
static struct sigq_entry *queued_signal_locked(struct ktimer *kt)
{
    struct sigpending *lists[2] = { &kt->tg->pending, NULL };
    struct task *o = NULL;

    if (kt->notify == (SIGEV_SIGNAL | SIGEV_THREAD_ID))
        o = tg_task_locked(kt->tg, kt->target_tid);
    if (o != NULL)
        lists[1] = &o->pending;
    for (int i = 0; i < 2; i++) {
        if (lists[i] == NULL || !(lists[i]->mask & SIGBIT(kt->signo)))
            continue;
        for (struct sigq_entry *e = lists[i]->head; e != NULL; e = e->next) {
            if (e->info.si_signo == kt->signo && e->info.si_code == SI_TIMER &&
                e->info.si_timerid == kt->id)
                return e;
        }
    }
    return NULL;
}

/* Signals `n` expirations of `kt` (n - 1 of them overruns). Needs k->mu. */
static void notify_locked(struct ktimer *kt, uint64_t n)
{
    struct thread_group *tg = kt->tg;
    struct sigq_entry *e;
    siginfo_t info;

    if (tg->zombie || tg->exiting || kt->notify == SIGEV_NONE)
        return;
    memset(&info, 0, sizeof(info));
    info.si_signo = kt->signo;
    if (kt->notify == NOTIFY_ITIMER) {
        info.si_code = SI_KERNEL;
        thread_group_send_signal_locked(tg, &info);
        return;
    }
    /* A signal still queued counts the new expirations as overruns (Linux's it_overrun). */
    e = queued_signal_locked(kt);
    if (e != NULL) {
        uint64_t o = (uint64_t)(unsigned int)e->info.si_overrun + n;

        e->info.si_overrun = o > INT_MAX ? INT_MAX : (int)o;
        return;
    }
    info.si_code = SI_TIMER;
    info.si_timerid = kt->id;
    info.si_overrun = n - 1 > INT_MAX ? INT_MAX : (int)(n - 1);
    info.si_value.sival_ptr = (void *)(uintptr_t)kt->sigval;
    if (kt->notify == (SIGEV_SIGNAL | SIGEV_THREAD_ID)) {
        struct task *o = tg_task_locked(tg, kt->target_tid);

        if (o != NULL)
            task_send_signal_locked(o, &info);
        return;
    }
    thread_group_send_signal_locked(tg, &info);
}

/* `kt` expired at base time `now`: re-arm (counting missed periods) or disarm, then notify. */
static void expire_locked(struct ktimer *kt, uint64_t now)
{
    uint64_t n = 1;

    if (kt->interval_ns != 0) {
        n += (now - kt->deadline_ns) / kt->interval_ns;
        kt->deadline_ns += n * kt->interval_ns;
    } else {
        disarm_locked(kt);
    }
    notify_locked(kt, n);
}

static void *timer_thread_main(void *arg)
{
    struct kernel *k = arg;

    pthread_mutex_lock(&k->mu);
    while (!k->shutting_down) {
        uint64_t mono = now_ns(), wake = UINT64_MAX;
        struct klist *pos, *tmp;

        klist_for_each_safe(pos, tmp, &k->timers)
        {
            struct ktimer *kt = klist_entry(pos, struct ktimer, node);
            uint64_t now;

            if (!base_now_locked(kt, mono, &now))
                continue;
            if (now >= kt->deadline_ns)
                expire_locked(kt, now);
            if (!kt->armed)
                continue;
            if (kt->base != KT_MONO)
                now = mono + CPU_POLL_NS;
            else
                now = kt->deadline_ns;
            if (now < wake)
                wake = now;
        }
        if (wake == UINT64_MAX) {
            pthread_cond_wait(&k->timer_cond, &k->mu);
        } else {
            struct timespec ts = { .tv_sec = (time_t)(wake / 1000000000ULL),
                                   .tv_nsec = (long)(wake % 1000000000ULL) };

            pthread_cond_timedwait(&k->timer_cond, &k->mu, &ts);
        }
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

void kernel_timer_thread_start_locked(struct kernel *k)
{
    if (k->timer_thread_started)
        return;
    if (pthread_create(&k->timer_thread, NULL, timer_thread_main, k) == 0)
        k->timer_thread_started = true;
}

static void free_timer_locked(struct ktimer **slot)
{
    if (*slot == NULL)
        return;
    disarm_locked(*slot);
    free(*slot);
    *slot = NULL;
}

void kernel_posix_timers_release_locked(struct thread_group *tg)
{
    while (tg->posix_timers != NULL) {
        struct ktimer *kt = tg->posix_timers;

        tg->posix_timers = kt->next;
        free_timer_locked(&kt);
    }
}

void kernel_timers_release_locked(struct thread_group *tg)
{
    free_timer_locked(&tg->itimer_real);
    free_timer_locked(&tg->itimer_virt);
    free_timer_locked(&tg->itimer_prof);
    kernel_posix_timers_release_locked(tg);
    kernel_mlock_release_locked(tg);
}

/* Remaining time of an armed timer at base time `now` (Linux shows an expired one as 1 ns). */
static uint64_t remaining(const struct ktimer *kt, uint64_t now)
{
    if (!kt->armed)
        return 0;
    return kt->deadline_ns > now ? kt->deadline_ns - now : 1;
}

/* ---- interval timers ---- */

static struct ktimer **itimer_slot(struct thread_group *tg, int which)
{
    switch (which) {
    case ITIMER_REAL:
        return &tg->itimer_real;
    case ITIMER_VIRTUAL:
        return &tg->itimer_virt;
    case ITIMER_PROF:
        return &tg->itimer_prof;
    default:
        return NULL;
    }
}

static long itimer_get_locked(struct task *t, struct ktimer *kt, uint64_t *value,
                              uint64_t *interval)
{
    uint64_t now = 0;

    *value = 0;
    *interval = 0;
    if (kt == NULL)
        return 0;
    if (kt->armed && base_now_locked(kt, now_ns(), &now))
        *value = remaining(kt, now);
    *interval = kt->interval_ns;
    (void)t;
    return 0;
}

long kernel_itimer_get(struct task *t, int which, uint64_t *value, uint64_t *interval)
{
    struct ktimer **slot = itimer_slot(t->tg, which);
    long ret;

    if (slot == NULL)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    ret = itimer_get_locked(t, *slot, value, interval);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long kernel_itimer_set(struct task *t, int which, uint64_t value, uint64_t interval,
                       uint64_t *old_value, uint64_t *old_interval)
{
    struct kernel *k = t->k;
    struct ktimer **slot = itimer_slot(t->tg, which);
    struct ktimer *kt;
    uint64_t now;

    if (slot == NULL)
        return -EINVAL;
    pthread_mutex_lock(&k->mu);
    kt = *slot;
    itimer_get_locked(t, kt, old_value, old_interval);
    if (kt == NULL && value == 0 && interval == 0) {
        pthread_mutex_unlock(&k->mu);
        return 0;
    }
    if (kt == NULL) {
        kt = calloc(1, sizeof(*kt));
        if (kt == NULL) {
            pthread_mutex_unlock(&k->mu);
            return -ENOMEM;
        }
        klist_init(&kt->node);
        kt->tg = t->tg;
        kt->id = -1;
        kt->notify = NOTIFY_ITIMER;
        kt->base = which == ITIMER_REAL ? KT_MONO : KT_PROC_CPU;
        kt->signo = which == ITIMER_REAL ? SIGALRM : which == ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF;
        *slot = kt;
    }
    /* Linux keeps the interval of a disarmed timer (getitimer reports it). */
    kt->interval_ns = interval;
    disarm_locked(kt);
    if (value != 0 && base_now_locked(kt, now_ns(), &now))
        arm_locked(k, kt, now + value);
    pthread_mutex_unlock(&k->mu);
    return 0;
}

void kernel_itimer_real(struct task *t, uint64_t value, uint64_t interval, uint64_t *old_value,
                        uint64_t *old_interval)
{
    if (kernel_itimer_set(t, ITIMER_REAL, value, interval, old_value, old_interval) < 0)
        *old_value = *old_interval = 0;
}

/* ---- POSIX timers ---- */

static struct ktimer *find_posix_locked(struct thread_group *tg, int id)
{
    for (struct ktimer *kt = tg->posix_timers; kt != NULL; kt = kt->next) {
        if (kt->id == id)
            return kt;
    }
    return NULL;
}

/* Fills the base and thread of a timer on `clock`. Returns 0, -EINVAL or -EOPNOTSUPP. */
static long resolve_clock_locked(struct task *t, clockid_t clock, struct ktimer *kt)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
        kt->base = KT_MONO;
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID:
        kt->base = KT_PROC_CPU;
        return 0;
    case CLOCK_THREAD_CPUTIME_ID:
        kt->base = KT_THREAD_CPU;
        kt->cpu_tid = t->ns_tid;
        return 0;
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
        return -EOPNOTSUPP; /* clocks without timers */
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
        return -EPERM; /* no CAP_WAKE_ALARM for the sandbox */
    default:
        break;
    }
    if (clock >= 0)
        return -EINVAL;
    /* Low bits 3 name a dynamic (fd) clock: those have no timers. */
    if (CPUCLOCK_WHICH(clock) == 3)
        return -EOPNOTSUPP;
    /* A clock_getcpuclockid id: this process or one of its threads (others' clocks are not
     * offered as timer bases). */
    if (clock & CPUCLOCK_PERTHREAD) {
        int tid = CPUCLOCK_PID(clock) == 0 ? t->ns_tid : CPUCLOCK_PID(clock);

        if (tg_task_locked(t->tg, tid) == NULL)
            return -EINVAL;
        kt->base = KT_THREAD_CPU;
        kt->cpu_tid = tid;
        return 0;
    }
    if (CPUCLOCK_PID(clock) != 0 && CPUCLOCK_PID(clock) != t->tg->ns_pid)
        return -EINVAL;
    kt->base = KT_PROC_CPU;
    return 0;
}

static int alloc_id_locked(struct thread_group *tg)
{
    int n = 0;

    for (struct ktimer *kt = tg->posix_timers; kt != NULL; kt = kt->next)
        n++;
    if (n >= MAX_POSIX_TIMERS)
        return -EAGAIN;
    for (;;) {
        int id = tg->next_timer_id;

        tg->next_timer_id = id == INT_MAX ? 0 : id + 1;
        if (find_posix_locked(tg, id) == NULL)
            return id;
    }
}

long kernel_timer_create(struct task *t, clockid_t clock, const struct kernel_sigevent *ev, int *id)
{
    struct kernel *k = t->k;
    struct ktimer *kt = calloc(1, sizeof(*kt));
    long ret;

    if (kt == NULL)
        return -ENOMEM;
    klist_init(&kt->node);
    kt->tg = t->tg;
    kt->clock = clock;
    kt->notify = SIGEV_SIGNAL;
    kt->signo = SIGALRM;
    pthread_mutex_lock(&k->mu);
    ret = resolve_clock_locked(t, clock, kt);
    if (ret < 0)
        goto out;
    if (ev != NULL) {
        /* Linux's good_sigevent. */
        kt->notify = ev->notify;
        kt->signo = ev->signo;
        kt->sigval = ev->value;
        switch (ev->notify) {
        case SIGEV_SIGNAL | SIGEV_THREAD_ID:
            if (tg_task_locked(t->tg, ev->tid) == NULL) {
                ret = -EINVAL;
                goto out;
            }
            kt->target_tid = ev->tid;
            /* fallthrough */
        case SIGEV_SIGNAL:
        case SIGEV_THREAD:
            if (ev->signo <= 0 || ev->signo > KERNEL_NSIG) {
                ret = -EINVAL;
                goto out;
            }
            break;
        case SIGEV_NONE:
            break;
        default:
            ret = -EINVAL;
            goto out;
        }
    }
    ret = alloc_id_locked(t->tg);
    if (ret < 0)
        goto out;
    kt->id = (int)ret;
    if (ev == NULL)
        kt->sigval = (uint64_t)kt->id;
    kt->next = t->tg->posix_timers;
    t->tg->posix_timers = kt;
    *id = kt->id;
    kt = NULL;
    ret = 0;
out:
    pthread_mutex_unlock(&k->mu);
    free(kt);
    return ret;
}

long kernel_timer_gettime(struct task *t, int id, uint64_t *value, uint64_t *interval)
{
    struct ktimer *kt;
    uint64_t now = 0;
    long ret = 0;

    pthread_mutex_lock(&t->k->mu);
    kt = find_posix_locked(t->tg, id);
    if (kt == NULL) {
        ret = -EINVAL;
    } else {
        *value = 0;
        *interval = kt->armed ? kt->interval_ns : 0;
        if (kt->armed && base_now_locked(kt, now_ns(), &now))
            *value = remaining(kt, now);
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long kernel_timer_settime(struct task *t, int id, bool abstime, uint64_t value, uint64_t interval,
                          uint64_t *old_value, uint64_t *old_interval)
{
    struct kernel *k = t->k;
    uint64_t mono = now_ns(), now = 0, deadline;
    struct ktimer *kt;

    pthread_mutex_lock(&k->mu);
    kt = find_posix_locked(t->tg, id);
    if (kt == NULL) {
        pthread_mutex_unlock(&k->mu);
        return -EINVAL;
    }
    *old_value = 0;
    *old_interval = kt->armed ? kt->interval_ns : 0;
    if (kt->armed && base_now_locked(kt, mono, &now))
        *old_value = remaining(kt, now);
    disarm_locked(kt);
    kt->interval_ns = 0;
    kt->overrun_last = 0;
    if (value == 0 || !base_now_locked(kt, mono, &now)) {
        pthread_mutex_unlock(&k->mu);
        return 0;
    }
    kt->interval_ns = interval;
    if (!abstime) {
        deadline = now + value;
    } else if (kt->base != KT_MONO || kt->clock == CLOCK_MONOTONIC) {
        deadline = value;
    } else {
        /* An absolute wall-clock time: its distance from now on that clock. The sandbox cannot
         * set the clock, so the distance stays right. */
        uint64_t wall = clock_ns(kt->clock);

        deadline = value > wall ? now + (value - wall) : now;
    }
    arm_locked(k, kt, deadline);
    pthread_mutex_unlock(&k->mu);
    return 0;
}

long kernel_timer_getoverrun(struct task *t, int id)
{
    struct ktimer *kt;
    long ret;

    pthread_mutex_lock(&t->k->mu);
    kt = find_posix_locked(t->tg, id);
    ret = kt == NULL ? -EINVAL : kt->overrun_last;
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long kernel_timer_delete(struct task *t, int id)
{
    struct ktimer **pp;
    long ret = -EINVAL;

    pthread_mutex_lock(&t->k->mu);
    for (pp = &t->tg->posix_timers; *pp != NULL; pp = &(*pp)->next) {
        struct ktimer *kt = *pp;

        if (kt->id != id)
            continue;
        *pp = kt->next;
        free_timer_locked(&kt);
        ret = 0;
        break;
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

void kernel_timer_signal_dequeued_locked(struct thread_group *tg, siginfo_t *info)
{
    struct ktimer *kt;

    if (info->si_code != SI_TIMER)
        return;
    kt = find_posix_locked(tg, info->si_timerid);
    if (kt != NULL && kt->signo == info->si_signo)
        kt->overrun_last = info->si_overrun;
}
