/* SPDX-License-Identifier: Apache-2.0 */
/* Signal masks are per thread: a thread-directed signal stays pending on the blocking thread
 * only (invisible to others' sigpending) and is delivered there once it unblocks; a
 * process-directed one stays pending while every thread blocks it. */
#include "test.h"

#include <pthread.h>
#include <signal.h>

static volatile pid_t g_handler_tid;
static volatile sig_atomic_t g_calls;
static pid_t g_thread_tid;
static int g_go[2], g_done[2];

static void on_usr1(int sig)
{
    (void)sig;
    g_handler_tid = gettid();
    g_calls++;
}

static void *thread_main(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
    g_thread_tid = gettid();
    char c = 1;
    CHECK(write(g_done[1], &c, 1) == 1);

    /* Wait for main to send a signal directed at this thread. */
    CHECK(read(g_go[0], &c, 1) == 1);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(sigismember(&pend, SIGUSR1));
    CHECK_EQ(g_calls, 0);
    /* Unblocking delivers it here, on this thread. */
    CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_handler_tid, gettid());
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR1));
    return NULL;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(pipe(g_go) == 0 && pipe(g_done) == 0);

    pthread_t th;
    CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0);
    char c;
    CHECK(read(g_done[0], &c, 1) == 1);

    /* Main blocks SIGUSR1 too, so a thread-directed signal must wait for the thread. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK(pthread_kill(th, SIGUSR1) == 0);
    /* The thread-directed pending signal is not visible from main. */
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR1));
    CHECK(write(g_go[1], &c, 1) == 1);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK_EQ(g_calls, 1);
    CHECK(g_handler_tid != gettid());

    /* A process-directed signal while main blocks it and no other thread exists stays
     * pending and shows in sigpending. */
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(sigpending(&pend) == 0);
    CHECK(sigismember(&pend, SIGUSR1));
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_handler_tid, gettid());
    TEST_OK();
}
