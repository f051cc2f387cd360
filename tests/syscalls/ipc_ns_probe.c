/* SPDX-License-Identifier: Apache-2.0 */
/* Which IPC objects a process sees: without arguments a self-test (a message queue and a POSIX
 * queue made under a key are found again, then removed); "make KEY" leaves both behind,
 * "find KEY" prints "msg=yes|no mq=yes|no" (tests/integration/ipc_ns.sh runs it in pods). */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sys/ipc.h>
#include <sys/msg.h>

static void mq_name(char *buf, size_t size, long key)
{
    snprintf(buf, size, "/ipc-ns-probe-%ld", key);
}

static int make(long key)
{
    char name[64];
    mqd_t q;

    mq_name(name, sizeof(name), key);
    if (msgget((key_t)key, IPC_CREAT | 0600) < 0)
        return 1;
    q = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
    if (q == (mqd_t)-1)
        return 1;
    mq_close(q);
    return 0;
}

static void find(long key, int *msg, int *mq)
{
    char name[64];
    mqd_t q;

    mq_name(name, sizeof(name), key);
    *msg = msgget((key_t)key, 0) >= 0;
    q = mq_open(name, O_RDONLY);
    *mq = q != (mqd_t)-1;
    if (*mq)
        mq_close(q);
}

int main(int argc, char **argv)
{
    int msg, mq;

    if (argc == 3 && strcmp(argv[1], "make") == 0)
        return make(strtol(argv[2], NULL, 0));
    if (argc == 3 && strcmp(argv[1], "find") == 0) {
        find(strtol(argv[2], NULL, 0), &msg, &mq);
        printf("msg=%s mq=%s\n", msg ? "yes" : "no", mq ? "yes" : "no");
        return 0;
    }
    long key = 0x1b5e0000 | (getpid() & 0xffff);
    char name[64];

    find(key, &msg, &mq);
    CHECK(!msg && !mq);
    CHECK_EQ(make(key), 0);
    find(key, &msg, &mq);
    CHECK(msg && mq);
    CHECK(msgctl(msgget((key_t)key, 0), IPC_RMID, NULL) == 0);
    mq_name(name, sizeof(name), key);
    CHECK(mq_unlink(name) == 0);
    find(key, &msg, &mq);
    CHECK(!msg && !mq);
    TEST_OK();
}
