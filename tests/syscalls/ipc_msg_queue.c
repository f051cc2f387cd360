/* SPDX-License-Identifier: Apache-2.0 */
/* SysV message queues: msgrcv by type (0 = first, >0 = first of that type, <0 = lowest type
 * up to |type|), IPC_NOWAIT on an empty queue ENOMSG, a too-small buffer E2BIG unless
 * MSG_NOERROR truncates, MSG_EXCEPT, type <= 0 on send EINVAL, IPC_STAT counters. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/msg.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        msgctl(g_id, IPC_RMID, NULL);
}

struct m {
    long type;
    char text[32];
};

static void put(long type, const char *s)
{
    struct m m = { .type = type };
    strcpy(m.text, s);
    CHECK(msgsnd(g_id, &m, strlen(s) + 1, IPC_NOWAIT) == 0);
}

int main(void)
{
    atexit(cleanup);
    g_id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    struct m m;
    CHECK_ERR(msgrcv(g_id, &m, sizeof(m.text), 0, IPC_NOWAIT), ENOMSG);

    put(3, "three");
    put(1, "one");
    put(2, "two");
    put(1, "one-b");
    struct msqid_ds ds;
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qnum, 4);
    CHECK_EQ(ds.__msg_cbytes, 6 + 4 + 4 + 6);
    CHECK_EQ(ds.msg_lspid, getpid());

    /* Type 2: the first message of type 2. */
    CHECK_EQ(msgrcv(g_id, &m, sizeof(m.text), 2, IPC_NOWAIT), 4);
    CHECK_EQ(m.type, 2);
    CHECK(strcmp(m.text, "two") == 0);
    /* Type -2: the lowest type <= 2, first of them. */
    CHECK_EQ(msgrcv(g_id, &m, sizeof(m.text), -2, IPC_NOWAIT), 4);
    CHECK(strcmp(m.text, "one") == 0);
    /* MSG_EXCEPT with type 1: first message not of type 1. */
    CHECK_EQ(msgrcv(g_id, &m, sizeof(m.text), 1, IPC_NOWAIT | MSG_EXCEPT), 6);
    CHECK_EQ(m.type, 3);
    CHECK_ERR(msgrcv(g_id, &m, sizeof(m.text), 7, IPC_NOWAIT), ENOMSG);
    /* Too small: E2BIG and the message stays; MSG_NOERROR truncates and removes it. */
    CHECK_ERR(msgrcv(g_id, &m, 3, 0, IPC_NOWAIT), E2BIG);
    CHECK_EQ(msgrcv(g_id, &m, 3, 0, IPC_NOWAIT | MSG_NOERROR), 3);
    CHECK(memcmp(m.text, "one", 3) == 0);
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qnum, 0);
    CHECK_EQ(ds.msg_lrpid, getpid());

    /* Zero-length messages are fine; types must be positive. */
    struct m z = { .type = 5 };
    CHECK(msgsnd(g_id, &z, 0, 0) == 0);
    CHECK_EQ(msgrcv(g_id, &m, sizeof(m.text), 5, IPC_NOWAIT), 0);
    z.type = 0;
    CHECK_ERR(msgsnd(g_id, &z, 1, 0), EINVAL);
    z.type = -1;
    CHECK_ERR(msgsnd(g_id, &z, 1, 0), EINVAL);
    /* Larger than msgmax: EINVAL. */
    FILE *f = fopen("/proc/sys/kernel/msgmax", "r");
    CHECK(f != NULL);
    long msgmax = 0;
    CHECK_EQ(fscanf(f, "%ld", &msgmax), 1);
    fclose(f);
    char *big = calloc(1, sizeof(long) + (size_t)msgmax + 1);
    CHECK(big != NULL);
    *(long *)big = 1;
    CHECK_ERR(msgsnd(g_id, big, (size_t)msgmax + 1, IPC_NOWAIT), EINVAL);
    free(big);
    CHECK(msgctl(g_id, IPC_RMID, NULL) == 0);
    CHECK_ERR(msgsnd(g_id, &m, 1, 0), EINVAL);
    g_id = -1;
    TEST_OK();
}
