/* SPDX-License-Identifier: Apache-2.0 */
/* tgkill delivers to exactly the named thread; wrong tgid or tid gives ESRCH. */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

static volatile pid_t g_handler_tid;
static volatile sig_atomic_t g_calls;
static volatile pid_t g_thread_tid;
static volatile int g_stop;

static void on_usr1(int sig)
{
    (void)sig;
    g_handler_tid = gettid();
    g_calls++;
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
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    pthread_t th;
    CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0);
    while (g_thread_tid == 0)
        usleep(1000);
    pid_t tid = g_thread_tid;
    CHECK(tid != getpid());

    CHECK(syscall(SYS_tgkill, getpid(), tid, SIGUSR1) == 0);
    for (int i = 0; i < 2000 && g_calls == 0; i++)
        usleep(1000);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_handler_tid, tid);

    /* Directed at main itself: runs synchronously on main. */
    CHECK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) == 0);
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_handler_tid, gettid());

    CHECK_ERR(syscall(SYS_tgkill, getpid() + 100000, tid, SIGUSR1), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), 0x3fffffff, SIGUSR1), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), tid, 1000), EINVAL);
    CHECK_ERR(syscall(SYS_tgkill, 0, tid, SIGUSR1), EINVAL);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), -1, SIGUSR1), EINVAL);
    /* Signal 0 checks the thread exists. */
    CHECK(syscall(SYS_tgkill, getpid(), tid, 0) == 0);

    g_stop = 1;
    CHECK(pthread_join(th, NULL) == 0);
    /* After the thread is gone its tid no longer exists. */
    for (int i = 0; i < 1000 && syscall(SYS_tgkill, getpid(), tid, 0) == 0; i++)
        usleep(1000);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), tid, 0), ESRCH);
    TEST_OK();
}
