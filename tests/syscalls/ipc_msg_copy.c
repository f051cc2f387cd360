/* SPDX-License-Identifier: Apache-2.0 */
/* msgrcv's selection: MSG_COPY reads the n-th message without taking it (IPC_NOWAIT needed,
 * MSG_EXCEPT refused, ENOMSG past the end), a negative type takes the lowest type not above
 * its magnitude (FIFO within a type), MSG_EXCEPT the first of another type, and MSG_NOERROR
 * truncates and drops the rest. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/msg.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

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

static void send(long type, const char *s)
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
    send(5, "five");
    send(3, "three-a");
    send(7, "seven");
    send(3, "three-b");
    send(1, "one");

    struct m r;
    /* MSG_COPY: by position, the queue keeps everything. */
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), 2, IPC_NOWAIT | MSG_COPY), 6);
    CHECK(strcmp(r.text, "seven") == 0);
    CHECK_EQ(r.type, 7);
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), 0, IPC_NOWAIT | MSG_COPY), 5);
    CHECK(strcmp(r.text, "five") == 0);
    CHECK_ERR(msgrcv(g_id, &r, sizeof(r.text), 5, IPC_NOWAIT | MSG_COPY), ENOMSG);
    CHECK_ERR(msgrcv(g_id, &r, sizeof(r.text), 0, MSG_COPY), EINVAL);
    CHECK_ERR(msgrcv(g_id, &r, sizeof(r.text), 0, IPC_NOWAIT | MSG_COPY | MSG_EXCEPT), EINVAL);
    struct msqid_ds ds;
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qnum, 5);

    /* Lowest type <= 4: "one" (type 1), then "three-a", then "three-b". */
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), -4, IPC_NOWAIT), 4);
    CHECK(strcmp(r.text, "one") == 0);
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), -4, IPC_NOWAIT), 8);
    CHECK(strcmp(r.text, "three-a") == 0);
    /* MSG_EXCEPT 3: the first message of another type, "five". */
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), 3, IPC_NOWAIT | MSG_EXCEPT), 5);
    CHECK(strcmp(r.text, "five") == 0);
    CHECK_ERR(msgrcv(g_id, &r, sizeof(r.text), -2, IPC_NOWAIT), ENOMSG);
    /* MSG_NOERROR truncates: 3 bytes of "seven", the message is gone. */
    memset(r.text, 0, sizeof(r.text));
    CHECK_EQ(msgrcv(g_id, &r, 3, 7, IPC_NOWAIT | MSG_NOERROR), 3);
    CHECK(memcmp(r.text, "sev", 3) == 0 && r.text[3] == 0);
    CHECK_ERR(msgrcv(g_id, &r, sizeof(r.text), 7, IPC_NOWAIT), ENOMSG);
    CHECK_EQ(msgrcv(g_id, &r, sizeof(r.text), 0, IPC_NOWAIT), 8);
    CHECK(strcmp(r.text, "three-b") == 0);
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qnum, 0);
    CHECK_EQ(ds.__msg_cbytes, 0);
    TEST_OK();
}
