/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX timers on the CPU-time clocks (process, thread, clock_getcpuclockid) fire only after
 * CPU time is used, timer_gettime counts CPU time down, ITIMER_PROF sends SIGPROF, and
 * clock_nanosleep refuses thread CPU clocks. */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t g_fired, g_prof;
static volatile int g_code, g_value;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    g_code = si->si_code;
    g_value = si->si_value.sival_int;
    g_fired++;
}

static void on_prof(int sig)
{
    (void)sig;
    g_prof++;
}

static long long ns(clockid_t c)
{
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spins (pure computation, no syscalls) for about `ms` of wall time. */
static void spin_ms(int ms)
{
    long long end = ns(CLOCK_MONOTONIC) + ms * 1000000LL;
    while (ns(CLOCK_MONOTONIC) < end) {
        for (volatile int i = 0; i < 100000; i++)
            ;
    }
}

static timer_t make_timer(clockid_t clock, int value)
{
    struct sigevent sev;
    timer_t t;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = value;
    CHECK(timer_create(clock, &sev, &t) == 0);
    return t;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    /* A process CPU timer does not fire while the process sleeps ... */
    timer_t t = make_timer(CLOCK_PROCESS_CPUTIME_ID, 11);
    struct itimerspec its = { .it_value = { 0, 50000000 } };
    CHECK(timer_settime(t, 0, &its, NULL) == 0);
    struct timespec nap = { 0, 150000000 };
    while (nanosleep(&nap, &nap) != 0)
        CHECK(errno == EINTR);
    CHECK_EQ(g_fired, 0);
    struct itimerspec cur;
    CHECK(timer_gettime(t, &cur) == 0);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0);
    CHECK(cur.it_value.tv_nsec <= 50000000);
    /* ... and fires once it used its CPU time. */
    for (int i = 0; i < 400 && !g_fired; i++)
        spin_ms(5);
    CHECK_EQ(g_fired, 1);
    CHECK_EQ(g_code, SI_TIMER);
    CHECK_EQ(g_value, 11);
    CHECK(timer_gettime(t, &cur) == 0);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    CHECK(timer_delete(t) == 0);

    /* The calling thread's CPU clock, with an absolute expiry. */
    g_fired = 0;
    t = make_timer(CLOCK_THREAD_CPUTIME_ID, 22);
    long long now = ns(CLOCK_THREAD_CPUTIME_ID) + 30000000;
    its.it_value.tv_sec = now / 1000000000;
    its.it_value.tv_nsec = now % 1000000000;
    CHECK(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0);
    for (int i = 0; i < 400 && !g_fired; i++)
        spin_ms(5);
    CHECK_EQ(g_fired, 1);
    CHECK_EQ(g_value, 22);
    CHECK(timer_delete(t) == 0);

    /* clock_getcpuclockid's id of this process works as a timer clock too. */
    clockid_t pc;
    CHECK(clock_getcpuclockid(0, &pc) == 0);
    g_fired = 0;
    t = make_timer(pc, 33);
    its.it_value.tv_sec = 0;
    its.it_value.tv_nsec = 20000000;
    CHECK(timer_settime(t, 0, &its, NULL) == 0);
    for (int i = 0; i < 400 && !g_fired; i++)
        spin_ms(5);
    CHECK_EQ(g_fired, 1);
    CHECK_EQ(g_value, 33);
    CHECK(timer_delete(t) == 0);

    /* ITIMER_PROF: SIGPROF after CPU time, reloading with its interval. */
    CHECK(signal(SIGPROF, on_prof) != SIG_ERR);
    struct itimerval it = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } };
    CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0);
    struct itimerval got;
    CHECK(getitimer(ITIMER_PROF, &got) == 0);
    CHECK_EQ(got.it_interval.tv_usec, 20000);
    /* Linux rounds CPU timers to its tick: armed, well below a second. */
    CHECK(got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0);
    for (int i = 0; i < 800 && g_prof < 3; i++)
        spin_ms(5);
    CHECK(g_prof >= 3);
    memset(&it, 0, sizeof(it));
    CHECK(setitimer(ITIMER_PROF, &it, &got) == 0);
    CHECK_EQ(got.it_interval.tv_usec, 20000);
    CHECK(getitimer(ITIMER_PROF, &got) == 0);
    CHECK(got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0);

    /* Thread CPU clocks cannot be slept on. */
    struct timespec d = { 0, 1000 };
    CHECK_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL), EINVAL);
    /* A 3 in the low bits names a dynamic (fd) clock, which has no timers. */
    CHECK_ERR(timer_create((clockid_t)((~0U << 3) | 3), NULL, &t), EOPNOTSUPP);
    TEST_OK();
}
