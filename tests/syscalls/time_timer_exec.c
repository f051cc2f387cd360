/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX timer ids are per process (a fresh process starts at 0 again), a forked child does not
 * inherit its parent's timers, execve deletes them while interval timers survive it, and a
 * NULL sigevent means SIGALRM with the timer id as the value. glibc's SIGEV_THREAD runs its
 * callback on a thread of its own. */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t g_alrm;
static volatile int g_value = -1;
static volatile int g_thread_calls;
static volatile pid_t g_thread_tid;

static void on_alrm(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (si->si_code == SI_TIMER)
        g_value = si->si_value.sival_int;
    g_alrm++;
}

static void thread_fn(union sigval v)
{
    g_thread_tid = (pid_t)syscall(SYS_gettid);
    g_thread_calls += v.sival_int;
}

/* The kernel's timer id: the raw syscall (glibc may wrap ids). */
static int raw_timer_create(clockid_t clock, struct sigevent *sev)
{
    int id = -1;
    CHECK(syscall(SYS_timer_create, clock, sev, &id) == 0);
    return id;
}

int main(int argc, char **argv)
{
    struct itimerspec cur;

    if (argc > 1) {
        /* After execve: the POSIX timer is gone, ITIMER_REAL is still armed. */
        CHECK_ERR(syscall(SYS_timer_gettime, atoi(argv[1]), &cur), EINVAL);
        struct itimerval it;
        CHECK(getitimer(ITIMER_REAL, &it) == 0);
        CHECK(it.it_value.tv_sec > 0 || it.it_value.tv_usec > 0);
        memset(&it, 0, sizeof(it));
        CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
        TEST_OK();
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_alrm;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);

    /* A NULL sigevent: SIGALRM carrying the timer id. Create a few so the id is not 0. */
    int a = raw_timer_create(CLOCK_MONOTONIC, NULL);
    int b = raw_timer_create(CLOCK_MONOTONIC, NULL);
    CHECK(a != b);
    struct itimerspec its = { .it_value = { 0, 10000000 } };
    CHECK(syscall(SYS_timer_settime, b, 0, &its, NULL) == 0);
    while (!g_alrm)
        pause();
    CHECK_EQ(g_value, b);
    CHECK(syscall(SYS_timer_delete, a) == 0);

    /* A child has none of these timers and numbers its own from scratch. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (syscall(SYS_timer_gettime, b, &cur) != -1 || errno != EINVAL)
            _exit(2);
        int c = raw_timer_create(CLOCK_MONOTONIC, NULL);
        _exit(c == 0 ? 0 : 3);
    }
    test_wait_exit(child, 0);

    /* glibc's SIGEV_THREAD: a helper thread waits for the signal and runs the callback. */
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = thread_fn;
    sev.sigev_value.sival_int = 1;
    timer_t tt;
    CHECK(timer_create(CLOCK_REALTIME, &sev, &tt) == 0);
    its.it_value.tv_nsec = 5000000;
    its.it_interval.tv_nsec = 5000000;
    CHECK(timer_settime(tt, 0, &its, NULL) == 0);
    for (int i = 0; i < 1000 && g_thread_calls < 3; i++)
        usleep(2000);
    CHECK(g_thread_calls >= 3);
    CHECK(g_thread_tid != 0 && g_thread_tid != getpid());
    CHECK(timer_delete(tt) == 0);

    /* execve: POSIX timers go, interval timers stay. */
    char id[16];
    snprintf(id, sizeof(id), "%d", b);
    struct itimerval it = { .it_value = { 100, 0 } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    execl("/proc/self/exe", argv[0], id, (char *)NULL);
    CHECK(!"execl failed");
    return 1;
}
