/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX message queues: mq_open with attributes, O_CREAT|O_EXCL on an existing name EEXIST,
 * messages come out highest priority first (FIFO within a priority), a buffer smaller than
 * mq_msgsize is EMSGSIZE, a full non-blocking queue EAGAIN, mq_getattr counts, mq_unlink. */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>

static char g_name[64];

static void cleanup(void)
{
    mq_unlink(g_name);
}

int main(void)
{
    snprintf(g_name, sizeof(g_name), "/corpus3-mq-%d", (int)getpid());
    atexit(cleanup);
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 32 };
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_ERR(mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr), EEXIST);
    mqd_t q2 = mq_open(g_name, O_RDONLY | O_NONBLOCK);
    CHECK(q2 != (mqd_t)-1);

    CHECK(mq_send(q, "low", 4, 1) == 0);
    CHECK(mq_send(q, "high", 5, 9) == 0);
    CHECK(mq_send(q, "mid-a", 6, 5) == 0);
    CHECK(mq_send(q, "mid-b", 6, 5) == 0);
    struct mq_attr got;
    CHECK(mq_getattr(q, &got) == 0);
    CHECK_EQ(got.mq_curmsgs, 4);
    CHECK_EQ(got.mq_maxmsg, 4);
    CHECK_EQ(got.mq_msgsize, 32);
    CHECK_EQ(got.mq_flags, 0);

    /* Full: blocking would wait; with O_NONBLOCK set via mq_setattr, EAGAIN. */
    struct mq_attr nb = { .mq_flags = O_NONBLOCK };
    CHECK(mq_setattr(q, &nb, NULL) == 0);
    CHECK_ERR(mq_send(q, "x", 1, 0), EAGAIN);

    char buf[32];
    unsigned prio = 0;
    CHECK_ERR(mq_receive(q2, buf, 31, &prio), EMSGSIZE);
    CHECK_EQ(mq_receive(q2, buf, sizeof(buf), &prio), 5);
    CHECK_EQ(prio, 9);
    CHECK(strcmp(buf, "high") == 0);
    CHECK_EQ(mq_receive(q2, buf, sizeof(buf), &prio), 6);
    CHECK(strcmp(buf, "mid-a") == 0);
    CHECK_EQ(mq_receive(q2, buf, sizeof(buf), &prio), 6);
    CHECK(strcmp(buf, "mid-b") == 0);
    CHECK_EQ(mq_receive(q2, buf, sizeof(buf), &prio), 4);
    CHECK_EQ(prio, 1);
    CHECK_ERR(mq_receive(q2, buf, sizeof(buf), &prio), EAGAIN);

    /* Write-only and read-only descriptors. */
    CHECK_ERR(mq_send(q2, "x", 1, 0), EBADF);
    /* Message too long for the queue. */
    char big[33] = { 0 };
    CHECK_ERR(mq_send(q, big, sizeof(big), 0), EMSGSIZE);
    /* Priority limit: MQ_PRIO_MAX (32768) is EINVAL. */
    CHECK_ERR(mq_send(q, "x", 1, 32768), EINVAL);

    /* Bad names and attributes. */
    CHECK_ERR(mq_open("/", O_RDONLY), ENOENT);
    /* A slash inside the name: EACCES. */
    CHECK_ERR(mq_open("/corpus3/x", O_CREAT | O_RDWR, 0600, &attr), EACCES);
    struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 8 };
    char n2[80];
    snprintf(n2, sizeof(n2), "%s-bad", g_name);
    CHECK_ERR(mq_open(n2, O_CREAT | O_RDWR, 0600, &bad), EINVAL);

    CHECK(mq_close(q2) == 0);
    CHECK(mq_close(q) == 0);
    CHECK(mq_unlink(g_name) == 0);
    CHECK_ERR(mq_unlink(g_name), ENOENT);
    CHECK_ERR(mq_open(g_name, O_RDONLY), ENOENT);
    TEST_OK();
}
