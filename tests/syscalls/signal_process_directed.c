/* SPDX-License-Identifier: Apache-2.0 */
/* A process-directed signal is delivered to a thread that does not block it, and sigwaitinfo
 * in one thread consumes a process-directed signal that all threads block. */
#include "test.h"

#include <pthread.h>
#include <signal.h>

static volatile pid_t g_handler_tid, g_thread_tid;
static volatile sig_atomic_t g_calls;
static volatile int g_stop;

static void on_usr1(int sig)
{
    (void)sig;
    g_handler_tid = gettid();
    g_calls++;
}

static void *unblocked_thread(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    CHECK(pthread_sigmask(SIG_SETMASK, &set, NULL) == 0);
    g_thread_tid = gettid();
    while (!g_stop)
        usleep(1000);
    return NULL;
}

static void *waiter_thread(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    siginfo_t si;
    int sig = sigwaitinfo(&set, &si);
    CHECK_EQ(sig, SIGUSR2);
    CHECK_EQ(si.si_code, SI_QUEUE);
    CHECK_EQ(si.si_value.sival_int, 321);
    return NULL;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    /* Main blocks SIGUSR1 (and the new thread inherits that, then unblocks). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, unblocked_thread, NULL) == 0);
    while (g_thread_tid == 0)
        usleep(1000);

    CHECK(kill(getpid(), SIGUSR1) == 0);
    for (int i = 0; i < 5000 && g_calls == 0; i++)
        usleep(1000);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_handler_tid, g_thread_tid);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR1));
    g_stop = 1;
    CHECK(pthread_join(th, NULL) == 0);

    /* All threads block SIGUSR2; a thread in sigwaitinfo takes the process-directed one. */
    CHECK(pthread_create(&th, NULL, waiter_thread, NULL) == 0);
    union sigval v = { .sival_int = 321 };
    CHECK(sigqueue(getpid(), SIGUSR2, v) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR2));
    TEST_OK();
}
