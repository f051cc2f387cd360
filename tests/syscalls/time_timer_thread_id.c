/* SPDX-License-Identifier: Apache-2.0 */
/* SIGEV_THREAD_ID delivers the timer signal to the named thread; a tid outside the process
 * is rejected with EINVAL. */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static volatile pid_t g_thread_tid, g_handler_tid;
static volatile int g_stop;
static volatile sig_atomic_t g_calls;

static void on_sig(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    if (info->si_code == SI_TIMER) {
        g_handler_tid = gettid();
        g_calls++;
    }
}

static void *thread_main(void *arg)
{
    (void)arg;
    g_thread_tid = gettid();
    while (!g_stop)
        usleep(1000);
    return NULL;
}

int main(void)
{
    int sig = SIGRTMIN + 5;
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(sig, &sa, NULL) == 0);

    pthread_t th;
    CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0);
    while (g_thread_tid == 0)
        usleep(1000);

    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = sig;
    sev._sigev_un._tid = g_thread_tid;
    timer_t t;
    CHECK(timer_create(CLOCK_MONOTONIC, &sev, &t) == 0);
    struct itimerspec its = { .it_value = { 0, 5000000 } };
    CHECK(timer_settime(t, 0, &its, NULL) == 0);
    for (int i = 0; i < 5000 && g_calls == 0; i++)
        usleep(1000);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_handler_tid, g_thread_tid);
    CHECK(timer_delete(t) == 0);

    /* A tid that is not in this thread group. */
    sev._sigev_un._tid = getppid();
    CHECK_ERR(timer_create(CLOCK_MONOTONIC, &sev, &t), EINVAL);
    /* SIGEV_THREAD_ID needs a valid signal. */
    sev._sigev_un._tid = gettid();
    sev.sigev_signo = 0;
    CHECK_ERR(timer_create(CLOCK_MONOTONIC, &sev, &t), EINVAL);

    g_stop = 1;
    CHECK(pthread_join(th, NULL) == 0);
    TEST_OK();
}
