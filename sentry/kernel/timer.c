/* SPDX-License-Identifier: Apache-2.0 */
/* Interval timers: ITIMER_REAL / alarm(2), served by one sentry timer thread. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/kernel_internal.h"

struct ktimer {
    struct klist node;       /* in k->timers while armed */
    struct thread_group *tg; /* Not owned. */
    uint64_t deadline_ns;    /* CLOCK_MONOTONIC */
    uint64_t interval_ns;
    int signo;
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *timer_thread_main(void *arg)
{
    struct kernel *k = arg;

    pthread_mutex_lock(&k->mu);
    while (!k->shutting_down) {
        struct ktimer *first = NULL;
        struct klist *pos;
        uint64_t now = now_ns();

        klist_for_each(pos, &k->timers)
        {
            struct ktimer *kt = klist_entry(pos, struct ktimer, node);

            if (first == NULL || kt->deadline_ns < first->deadline_ns)
                first = kt;
        }
        if (first == NULL) {
            pthread_cond_wait(&k->timer_cond, &k->mu);
            continue;
        }
        if (first->deadline_ns > now) {
            struct timespec ts = { .tv_sec = (time_t)(first->deadline_ns / 1000000000ULL),
                                   .tv_nsec = (long)(first->deadline_ns % 1000000000ULL) };

            pthread_cond_timedwait(&k->timer_cond, &k->mu, &ts);
            continue;
        }
        {
            siginfo_t info;

            memset(&info, 0, sizeof(info));
            info.si_signo = first->signo;
            info.si_code = SI_KERNEL;
            if (!first->tg->zombie && !first->tg->exiting)
                thread_group_send_signal_locked(first->tg, &info);
        }
        if (first->interval_ns != 0) {
            first->deadline_ns += first->interval_ns;
            if (first->deadline_ns < now)
                first->deadline_ns = now + first->interval_ns;
        } else {
            klist_del(&first->node);
            first->deadline_ns = 0;
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

void kernel_timers_release_locked(struct thread_group *tg)
{
    struct ktimer *kt = tg->itimer_real;

    if (kt == NULL)
        return;
    klist_del(&kt->node);
    free(kt);
    tg->itimer_real = NULL;
}

void kernel_itimer_real(struct task *t, uint64_t value, uint64_t interval, uint64_t *old_value,
                        uint64_t *old_interval)
{
    struct kernel *k = t->k;
    struct ktimer *kt;
    uint64_t now = now_ns();

    pthread_mutex_lock(&k->mu);
    kt = t->tg->itimer_real;
    *old_value = 0;
    *old_interval = 0;
    if (kt != NULL && !klist_empty(&kt->node)) {
        *old_value = kt->deadline_ns > now ? kt->deadline_ns - now : 1000;
        *old_interval = kt->interval_ns;
    }
    if (kt == NULL && value != 0) {
        kt = calloc(1, sizeof(*kt));
        if (kt == NULL) {
            pthread_mutex_unlock(&k->mu);
            return;
        }
        klist_init(&kt->node);
        kt->tg = t->tg;
        kt->signo = SIGALRM;
        t->tg->itimer_real = kt;
    }
    if (kt != NULL) {
        klist_del(&kt->node);
        if (value != 0) {
            kt->deadline_ns = now + value;
            kt->interval_ns = interval;
            klist_add_tail(&k->timers, &kt->node);
            kernel_timer_thread_start_locked(k);
        }
    }
    pthread_cond_broadcast(&k->timer_cond);
    pthread_mutex_unlock(&k->mu);
}
