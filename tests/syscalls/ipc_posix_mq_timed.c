/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX mq blocking paths: mq_timedreceive on an empty queue times out with ETIMEDOUT after
 * the absolute CLOCK_REALTIME deadline, an invalid timespec is EINVAL; mq_notify registers
 * once (EBUSY for a second registration) and delivers a signal with SI_MESGQ when a message
 * arrives on the empty queue. */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <time.h>

static char g_name[64];
static volatile sig_atomic_t g_code, g_hits;

static void cleanup(void)
{
    mq_unlink(g_name);
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    g_code = si->si_code;
    g_hits++;
}

int main(void)
{
    snprintf(g_name, sizeof(g_name), "/corpus3-mqt-%d", (int)getpid());
    atexit(cleanup);
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 16 };
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);

    struct timespec t0, t1, dl;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += 100 * 1000 * 1000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    char buf[16];
    CHECK_ERR(mq_timedreceive(q, buf, sizeof(buf), NULL, &dl), ETIMEDOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 90 && ms < 1500);
    struct timespec bad = { 0, 2000000000L };
    CHECK_ERR(mq_timedreceive(q, buf, sizeof(buf), NULL, &bad), EINVAL);
    /* A deadline in the past with data available still receives. */
    CHECK(mq_send(q, "now", 4, 0) == 0);
    struct timespec past = { 1, 0 };
    CHECK_EQ(mq_timedreceive(q, buf, sizeof(buf), NULL, &past), 4);

    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    CHECK(mq_notify(q, &ev) == 0);
    CHECK_ERR(mq_notify(q, &ev), EBUSY);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
    CHECK(mq_send(q, "ping", 5, 0) == 0);
    /* Deliver the (now pending) notification. */
    sigsuspend(&old);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    CHECK_EQ(g_hits, 1);
    CHECK_EQ(g_code, SI_MESGQ);
    /* The registration is one-shot: a new one is allowed. */
    CHECK(mq_notify(q, &ev) == 0);
    CHECK(mq_notify(q, NULL) == 0);
    CHECK(mq_close(q) == 0);
    CHECK(mq_unlink(g_name) == 0);
    TEST_OK();
}
