/* SPDX-License-Identifier: Apache-2.0 */
/* msgctl and argument errors: IPC_INFO and MSG_INFO against /proc/sys/kernel/msg*, MSG_STAT by
 * index, IPC_STAT counters and times, IPC_SET of the mode, an unknown command EINVAL, a type
 * below 1 EINVAL, a negative size EINVAL, bad buffers EFAULT, a removed queue EINVAL. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/msg.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        msgctl(g_id, IPC_RMID, NULL);
}

static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;

    CHECK(f != NULL);
    CHECK_EQ(fscanf(f, "%ld", &v), 1);
    fclose(f);
    return v;
}

struct m {
    long type;
    char text[32];
};

int main(void)
{
    atexit(cleanup);
    g_id = msgget(IPC_PRIVATE, IPC_CREAT | 0640);
    CHECK(g_id >= 0);

    struct msginfo mi;
    memset(&mi, 0, sizeof(mi));
    int maxidx = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
    CHECK(maxidx >= 0);
    CHECK_EQ(mi.msgmax, read_long("/proc/sys/kernel/msgmax"));
    CHECK_EQ(mi.msgmnb, read_long("/proc/sys/kernel/msgmnb"));
    CHECK_EQ(mi.msgmni, read_long("/proc/sys/kernel/msgmni"));

    struct msqid_ds ds;
    memset(&ds, 0, sizeof(ds));
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qnum, 0);
    CHECK_EQ(ds.msg_qbytes, (unsigned long)mi.msgmnb);
    CHECK_EQ(ds.msg_perm.mode & 0777, 0640);
    CHECK_EQ(ds.msg_stime, 0);
    CHECK_EQ(ds.msg_lspid, 0);
    CHECK(ds.msg_ctime > 0);

    struct m m = { .type = 3, .text = "abcdefgh" };
    CHECK(msgsnd(g_id, &m, 8, 0) == 0);
    CHECK(msgsnd(g_id, &m, 5, 0) == 0);
    memset(&mi, 0, sizeof(mi));
    CHECK(msgctl(0, MSG_INFO, (struct msqid_ds *)&mi) >= 0);
    CHECK(mi.msgpool >= 1); /* queues in use */
    CHECK(mi.msgmap >= 2);  /* messages */
    CHECK(mi.msgtql >= 13); /* bytes */
    memset(&ds, 0, sizeof(ds));
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qnum, 2);
    CHECK_EQ(ds.__msg_cbytes, 13);
    CHECK(ds.msg_stime > 0);
    CHECK_EQ(ds.msg_lspid, getpid());

    int found = 0;
    maxidx = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
    for (int i = 0; i <= maxidx; i++) {
        memset(&ds, 0, sizeof(ds));
        if (msgctl(i, MSG_STAT, &ds) == g_id) {
            found = 1;
            CHECK_EQ(ds.msg_qnum, 2);
        }
    }
    CHECK(found);

    memset(&ds, 0, sizeof(ds));
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    ds.msg_perm.mode = 0600;
    CHECK(msgctl(g_id, IPC_SET, &ds) == 0);
    CHECK(msgctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_perm.mode & 0777, 0600);

    CHECK_ERR(msgctl(g_id, 999, &ds), EINVAL);
    CHECK_ERR(msgctl(g_id, IPC_STAT, (struct msqid_ds *)8), EFAULT);
    CHECK_ERR(msgctl(g_id, IPC_SET, (struct msqid_ds *)8), EFAULT);
    m.type = 0;
    CHECK_ERR(msgsnd(g_id, &m, 1, 0), EINVAL);
    m.type = -5;
    CHECK_ERR(msgsnd(g_id, &m, 1, 0), EINVAL);
    CHECK_ERR(msgsnd(g_id, (void *)8, 1, 0), EFAULT);
    CHECK_ERR(msgsnd(-1, &m, 1, 0), EINVAL);
    CHECK_ERR(msgrcv(g_id, &m, (size_t)-1, 0, IPC_NOWAIT), EINVAL);
    CHECK_ERR(msgrcv(-1, &m, 8, 0, IPC_NOWAIT), EINVAL);
    CHECK_ERR(msgget(0x7eadbeef, 0), ENOENT);

    CHECK(msgctl(g_id, IPC_RMID, NULL) == 0);
    CHECK_ERR(msgctl(g_id, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(msgrcv(g_id, &m, 8, 0, IPC_NOWAIT), EINVAL);
    g_id = -1;
    TEST_OK();
}
