/* SPDX-License-Identifier: Apache-2.0 */
/* A sender blocked on a full queue (msg_qbytes) proceeds when a receiver makes room; a blocked
 * msgsnd or msgrcv interrupted by a handled signal fails with EINTR even with SA_RESTART. */
#include "test.h"

#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/time.h>

static int g_id = -1;
static volatile sig_atomic_t g_hits;

static void cleanup(void)
{
    if (g_id >= 0)
        msgctl(g_id, IPC_RMID, NULL);
}

static void on_alarm(int sig)
{
    (void)sig;
    g_hits++;
}

struct m {
    long type;
    char text[64];
};

int main(void)
{
    atexit(cleanup);
    g_id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    struct msqid_ds ds;
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    ds.msg_qbytes = 64;
    CHECK(msgctl(g_id, IPC_SET, &ds) == 0);
    struct m m = { .type = 1 };
    CHECK(msgsnd(g_id, &m, 64, 0) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct m c = { .type = 2, .text = "blocked" };
        /* Waits until the parent takes the first message. */
        _exit(msgsnd(g_id, &c, 8, 0) == 0 ? 0 : 1);
    }
    usleep(50000);
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qnum, 1);
    struct m r;
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), 1, 0), 64);
    test_wait_exit(child, 0);
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), 0, IPC_NOWAIT), 8);
    CHECK(strcmp(r.text, "blocked") == 0);
    CHECK_EQ(r.type, 2);

    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { .it_value = { 0, 50000 } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(msgrcv(g_id, &r, sizeof(r.text), 0, 0), EINTR);
    CHECK_EQ(g_hits, 1);
    CHECK(msgsnd(g_id, &m, 64, 0) == 0);
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(msgsnd(g_id, &m, 1, 0), EINTR);
    CHECK_EQ(g_hits, 2);
    TEST_OK();
}
