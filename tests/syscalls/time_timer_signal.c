/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX timers with SIGEV_SIGNAL: si_code SI_TIMER with the sigev value and timer id;
 * timer_gettime counts down; overruns accumulate while the signal is blocked. */
#include "test.h"

#include <signal.h>
#include <time.h>

static long long ts_ns(struct timespec ts)
{
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    int sig = SIGRTMIN + 4;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);

    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = sig;
    sev.sigev_value.sival_int = 777;
    timer_t t;
    CHECK(timer_create(CLOCK_MONOTONIC, &sev, &t) == 0);

    /* Not armed yet. */
    struct itimerspec cur;
    CHECK(timer_gettime(t, &cur) == 0);
    CHECK_EQ(ts_ns(cur.it_value), 0);

    struct itimerspec its = { .it_value = { 0, 10000000 } };
    CHECK(timer_settime(t, 0, &its, NULL) == 0);
    CHECK(timer_gettime(t, &cur) == 0);
    CHECK(ts_ns(cur.it_value) > 0 && ts_ns(cur.it_value) <= 10000000);
    siginfo_t si;
    CHECK_EQ(sigwaitinfo(&set, &si), sig);
    CHECK_EQ(si.si_code, SI_TIMER);
    CHECK_EQ(si.si_value.sival_int, 777);
    CHECK_EQ(si.si_overrun, 0);
    CHECK(timer_gettime(t, &cur) == 0);
    CHECK_EQ(ts_ns(cur.it_value), 0);

    /* 1 ms period, blocked for 30 ms: one signal is queued and the rest are overruns. */
    its.it_value.tv_nsec = 1000000;
    its.it_interval.tv_nsec = 1000000;
    struct itimerspec old;
    CHECK(timer_settime(t, 0, &its, &old) == 0);
    CHECK_EQ(ts_ns(old.it_value), 0);
    struct timespec nap = { 0, 30000000 };
    while (nanosleep(&nap, &nap) != 0)
        ;
    CHECK_EQ(sigwaitinfo(&set, &si), sig);
    CHECK(si.si_overrun >= 10);
    CHECK_EQ(timer_getoverrun(t), si.si_overrun);
    /* Disarm and check the interval came back in `old`. */
    struct itimerspec zero = { 0 };
    CHECK(timer_settime(t, 0, &zero, &old) == 0);
    CHECK_EQ(ts_ns(old.it_interval), 1000000);
    /* A signal may have been queued before disarming; drain it. */
    struct timespec none = { 0, 0 };
    sigtimedwait(&set, &si, &none);
    CHECK(timer_gettime(t, &cur) == 0);
    CHECK_EQ(ts_ns(cur.it_value), 0);
    CHECK_EQ(ts_ns(cur.it_interval), 0);

    /* TIMER_ABSTIME with a past time fires immediately. */
    its.it_value.tv_sec = 1;
    its.it_value.tv_nsec = 0;
    its.it_interval.tv_nsec = 0;
    CHECK(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0);
    CHECK_EQ(sigwaitinfo(&set, &si), sig);

    CHECK(timer_delete(t) == 0);
    TEST_OK();
}
