/* SPDX-License-Identifier: Apache-2.0 */
/* Blocking SysV message operations: a receiver blocked on an empty queue gets a message sent
 * later by another process; a receiver blocked when the queue is removed gets EIDRM; a sender
 * on a full queue with IPC_NOWAIT gets EAGAIN; key handling with IPC_EXCL. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/msg.h>

static int g_ids[2] = { -1, -1 };

static void cleanup(void)
{
    for (int i = 0; i < 2; i++)
        if (g_ids[i] >= 0)
            msgctl(g_ids[i], IPC_RMID, NULL);
}

struct m {
    long type;
    char text[64];
};

/* Waits (bounded) until `pid` sleeps, i.e. its state in /proc/<pid>/stat is S. */
static void wait_sleeping(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 2000; i++) {
        FILE *f = fopen(path, "r");
        CHECK(f != NULL);
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = 0;
        char *rp = strrchr(buf, ')');
        if (rp && rp[2] == 'S')
            return;
        usleep(1000);
    }
    CHECK(!"child never blocked");
}

int main(void)
{
    atexit(cleanup);
    g_ids[0] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(g_ids[0] >= 0);
    int q = g_ids[0];

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct m m;
        ssize_t n = msgrcv(q, &m, sizeof(m.text), 4, 0);
        _exit(n == 6 && strcmp(m.text, "later") == 0 ? 0 : 1);
    }
    wait_sleeping(child);
    struct m m = { .type = 4 };
    strcpy(m.text, "later");
    CHECK(msgsnd(q, &m, 6, 0) == 0);
    test_wait_exit(child, 0);

    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct m r;
        errno = 0;
        ssize_t n = msgrcv(q, &r, sizeof(r.text), 0, 0);
        _exit(n == -1 && errno == EIDRM ? 0 : 1);
    }
    wait_sleeping(child);
    CHECK(msgctl(q, IPC_RMID, NULL) == 0);
    g_ids[0] = -1;
    test_wait_exit(child, 0);

    /* A small queue fills up. */
    key_t key = (key_t)(0x63332000 | (getpid() & 0xfff));
    int s = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(s >= 0);
    g_ids[1] = s;
    CHECK_ERR(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ(msgget(key, 0), s);
    struct msqid_ds ds;
    CHECK(msgctl(s, IPC_STAT, &ds) == 0);
    ds.msg_qbytes = 100;
    CHECK(msgctl(s, IPC_SET, &ds) == 0);
    CHECK(msgctl(s, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.msg_qbytes, 100);
    m.type = 1;
    CHECK(msgsnd(s, &m, 60, IPC_NOWAIT) == 0);
    CHECK_ERR(msgsnd(s, &m, 60, IPC_NOWAIT), EAGAIN);
    CHECK(msgsnd(s, &m, 40, IPC_NOWAIT) == 0);
    CHECK(msgctl(s, IPC_RMID, NULL) == 0);
    g_ids[1] = -1;
    TEST_OK();
}
