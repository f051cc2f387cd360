/* SPDX-License-Identifier: Apache-2.0 */
/* RLIMIT_MSGQUEUE: a user's queues are charged for their room (maxmsg * msgsize plus Linux's
 * bookkeeping) at creation; one queue past the limit is EMFILE, opening an existing queue is
 * not charged, and a removed queue's room is given back once unlinked and closed. Runs as a
 * fresh uid so that no other queue of the user counts. */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sys/resource.h>

static char g_a[64], g_b[64];

static void cleanup(void)
{
    mq_unlink(g_a);
    mq_unlink(g_b);
}

int main(void)
{
    snprintf(g_a, sizeof(g_a), "/ipc-mq-rl-a-%d", (int)getpid());
    snprintf(g_b, sizeof(g_b), "/ipc-mq-rl-b-%d", (int)getpid());
    atexit(cleanup);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        uid_t uid = (uid_t)(50000 + (getpid() % 10000));
        if (setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0)
            _exit(10);
        /* Room for one queue of 10 x 8192 bytes (about 83 KB), not two. */
        struct rlimit rl = { 100000, 100000 };
        if (setrlimit(RLIMIT_MSGQUEUE, &rl) != 0)
            _exit(11);
        struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = 8192 };
        mqd_t a = mq_open(g_a, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
        if (a == (mqd_t)-1)
            _exit(12);
        errno = 0;
        if (mq_open(g_b, O_CREAT | O_EXCL | O_RDWR, 0600, &attr) != (mqd_t)-1 || errno != EMFILE)
            _exit(13);
        /* A small one still fits. */
        struct mq_attr small = { .mq_maxmsg = 1, .mq_msgsize = 64 };
        mqd_t b = mq_open(g_b, O_CREAT | O_EXCL | O_RDWR, 0600, &small);
        if (b == (mqd_t)-1)
            _exit(14);
        /* Opening an existing queue costs nothing. */
        mqd_t a2 = mq_open(g_a, O_RDWR);
        if (a2 == (mqd_t)-1)
            _exit(15);
        /* Unlinked but open: still charged. */
        if (mq_unlink(g_b) != 0 || mq_close(b) != 0)
            _exit(16);
        if (mq_unlink(g_a) != 0)
            _exit(17);
        errno = 0;
        if (mq_open(g_b, O_CREAT | O_EXCL | O_RDWR, 0600, &attr) != (mqd_t)-1 || errno != EMFILE)
            _exit(18);
        /* Closed: the room is back. */
        mq_close(a);
        mq_close(a2);
        b = mq_open(g_b, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
        if (b == (mqd_t)-1)
            _exit(19);
        mq_close(b);
        mq_unlink(g_b);
        _exit(0);
    }
    test_wait_exit(child, 0);
    TEST_OK();
}
