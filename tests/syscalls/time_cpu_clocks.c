/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread and per-process CPU clocks: a thread's clock counts only its own time, the
 * process clock the sum, and another process's clock is reachable via clock_getcpuclockid. */
#include "test.h"

#include <pthread.h>
#include <time.h>

static long long ns(clockid_t c)
{
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void burn(clockid_t c, long long amount)
{
    long long end = ns(c) + amount;
    while (ns(c) < end)
        ;
}

static volatile int g_done, g_read;

static void *worker(void *arg)
{
    (void)arg;
    burn(CLOCK_THREAD_CPUTIME_ID, 40000000);
    g_done = 1;
    /* Stay alive (sleeping) until main has read our clock. */
    while (!g_read) {
        struct timespec nap = { 0, 1000000 };
        nanosleep(&nap, NULL);
    }
    return NULL;
}

int main(void)
{
    long long main0 = ns(CLOCK_THREAD_CPUTIME_ID);
    long long proc0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, worker, NULL) == 0);
    clockid_t tc;
    CHECK(pthread_getcpuclockid(th, &tc) == 0);
    /* Main sleeps, so its own clock barely moves while the worker burns 40 ms. */
    while (!g_done) {
        struct timespec nap = { 0, 2000000 };
        nanosleep(&nap, NULL);
    }
    long long worker_ns = ns(tc);
    CHECK(worker_ns >= 40000000);
    g_read = 1;
    CHECK(pthread_join(th, NULL) == 0);
    /* The clock of a thread that is gone is invalid. */
    for (int i = 0; i < 1000; i++) {
        struct timespec ts;
        if (clock_gettime(tc, &ts) != 0)
            break;
        usleep(1000);
    }
    struct timespec gone;
    CHECK_ERR(clock_gettime(tc, &gone), EINVAL);
    long long main_used = ns(CLOCK_THREAD_CPUTIME_ID) - main0;
    long long proc_used = ns(CLOCK_PROCESS_CPUTIME_ID) - proc0;
    CHECK(main_used < 30000000);
    CHECK(proc_used >= 40000000);
    CHECK(proc_used >= main_used);

    /* A child's process CPU clock. */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[1]);
        burn(CLOCK_PROCESS_CPUTIME_ID, 20000000);
        char c;
        _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
    }
    close(p[0]);
    clockid_t cc;
    CHECK_EQ(clock_getcpuclockid(child, &cc), 0);
    for (int i = 0; i < 5000 && ns(cc) < 20000000; i++)
        usleep(1000);
    CHECK(ns(cc) >= 20000000);
    close(p[1]);
    test_wait_exit(child, 0);
    /* After it is reaped the clock is gone. */
    struct timespec ts;
    CHECK_ERR(clock_gettime(cc, &ts), EINVAL);
    CHECK_EQ(clock_getcpuclockid(0x3ffffff0, &cc), ESRCH);
    TEST_OK();
}
