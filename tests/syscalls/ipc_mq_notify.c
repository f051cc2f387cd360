/* SPDX-License-Identifier: Apache-2.0 */
/* mq_notify: a SIGEV_SIGNAL notification carries SI_MESGQ, the sigev_value and the sender's
 * pid and fires only when the queue goes from empty to non-empty; a send to a non-empty queue
 * does not notify, and a waiting receiver takes precedence over the notification. SIGEV_THREAD
 * either runs the function (Linux: glibc's netlink helper) or fails with ENOSYS (a kernel
 * without it). */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>

static char g_name[64];
static volatile sig_atomic_t g_hits, g_code, g_pid, g_val;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static int g_thread_hits;

static void cleanup(void)
{
    mq_unlink(g_name);
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    g_hits++;
    g_code = si->si_code;
    g_pid = si->si_pid;
    g_val = si->si_value.sival_int;
}

static void on_thread(union sigval v)
{
    pthread_mutex_lock(&g_mu);
    g_thread_hits += v.sival_int;
    pthread_cond_signal(&g_cond);
    pthread_mutex_unlock(&g_mu);
}

int main(void)
{
    snprintf(g_name, sizeof(g_name), "/ipc-mq-notify-%d", (int)getpid());
    atexit(cleanup);
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);

    /* Not empty: no notification for the second message. */
    CHECK(mq_send(q, "a", 2, 0) == 0);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
    ev.sigev_value.sival_int = 77;
    CHECK(mq_notify(q, &ev) == 0);
    CHECK(mq_send(q, "b", 2, 0) == 0);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR2));
    char buf[16];
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 2);
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 2);

    /* Empty -> non-empty by another process: the notification names it. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(mq_send(q, "c", 2, 0) == 0 ? 0 : 1);
    test_wait_exit(child, 0);
    sigsuspend(&old);
    CHECK_EQ(g_hits, 1);
    CHECK_EQ(g_code, SI_MESGQ);
    CHECK_EQ(g_pid, child);
    CHECK_EQ(g_val, 77);
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 2);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);

    /* SIGEV_THREAD. */
    struct sigevent tev = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_thread };
    tev.sigev_value.sival_int = 1;
    if (mq_notify(q, &tev) == 0) {
        CHECK(mq_send(q, "d", 2, 0) == 0);
        pthread_mutex_lock(&g_mu);
        for (int i = 0; i < 50 && g_thread_hits == 0; i++) {
            struct timespec dl;
            clock_gettime(CLOCK_REALTIME, &dl);
            dl.tv_sec += 1;
            pthread_cond_timedwait(&g_cond, &g_mu, &dl);
        }
        CHECK_EQ(g_thread_hits, 1);
        pthread_mutex_unlock(&g_mu);
    } else {
        CHECK_EQ(errno, ENOSYS);
    }
    CHECK(mq_close(q) == 0);
    TEST_OK();
}
