/* SPDX-License-Identifier: Apache-2.0 */
/* Blocking POSIX queue operations: a receiver blocked on an empty queue gets a message another
 * process sends, a sender blocked on a full queue proceeds when a message is taken, a signal
 * without SA_RESTART ends a blocked receive with EINTR and one with SA_RESTART restarts it, a
 * full queue's mq_timedsend times out with ETIMEDOUT. */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static char g_name[64];
static volatile sig_atomic_t g_hits;

static void cleanup(void)
{
    mq_unlink(g_name);
}

static void on_alarm(int sig)
{
    (void)sig;
    g_hits++;
}

int main(void)
{
    snprintf(g_name, sizeof(g_name), "/ipc-mq-block-%d", (int)getpid());
    atexit(cleanup);
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    char buf[16];

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        usleep(50000);
        _exit(mq_send(q, "wake", 5, 4) == 0 ? 0 : 1);
    }
    unsigned prio = 0;
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), &prio), 5);
    CHECK_EQ(prio, 4);
    CHECK(strcmp(buf, "wake") == 0);
    test_wait_exit(child, 0);

    /* Full: the child's send waits for our receive. */
    CHECK(mq_send(q, "one", 4, 0) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(mq_send(q, "two", 4, 0) == 0 ? 0 : 1);
    usleep(50000);
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 4);
    CHECK(strcmp(buf, "one") == 0);
    test_wait_exit(child, 0);
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 4);
    CHECK(strcmp(buf, "two") == 0);

    /* No SA_RESTART: EINTR. */
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { .it_value = { 0, 50000 } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(mq_receive(q, buf, sizeof(buf), NULL), EINTR);
    CHECK_EQ(g_hits, 1);

    /* SA_RESTART: the receive goes on and gets the child's later message. */
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        usleep(200000);
        _exit(mq_send(q, "late", 5, 0) == 0 ? 0 : 1);
    }
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 5);
    CHECK(strcmp(buf, "late") == 0);
    CHECK_EQ(g_hits, 2);
    test_wait_exit(child, 0);

    /* A full queue's timed send times out. */
    CHECK(mq_send(q, "full", 5, 0) == 0);
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += 50 * 1000 * 1000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    CHECK_ERR(mq_timedsend(q, "x", 1, 0, &dl), ETIMEDOUT);
    struct timespec bad = { 0, -1 };
    CHECK_ERR(mq_timedsend(q, "x", 1, 0, &bad), EINVAL);
    CHECK(mq_close(q) == 0);
    TEST_OK();
}
