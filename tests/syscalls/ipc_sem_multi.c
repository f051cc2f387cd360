/* SPDX-License-Identifier: Apache-2.0 */
/* semop applies several operations atomically: a set that cannot all succeed changes nothing
 * (IPC_NOWAIT: EAGAIN), an increase past SEMVMX is ERANGE and also changes nothing, operations
 * on one semaphore apply in order, a wait-for-zero blocks (GETZCNT) until the value is 0, and
 * a blocked multi-op waiter wakes only when every operation can proceed. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/sem.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        semctl(g_id, 0, IPC_RMID);
}

static void wait_cnt(int cmd, int semnum, int n)
{
    for (int i = 0; i < 3000 && semctl(g_id, semnum, cmd) != n; i++)
        usleep(1000);
    CHECK_EQ(semctl(g_id, semnum, cmd), n);
}

int main(void)
{
    atexit(cleanup);
    g_id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    CHECK(semctl(g_id, 0, SETVAL, 1) == 0);

    /* sem0 could go down but sem1 cannot: nothing changes. */
    struct sembuf both[2] = { { 0, -1, IPC_NOWAIT }, { 1, -1, IPC_NOWAIT } };
    CHECK_ERR(semop(g_id, both, 2), EAGAIN);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 1);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 0);

    /* Past SEMVMX: ERANGE, and the first operation is rolled back. */
    struct sembuf over[2] = { { 0, 5, 0 }, { 1, 32767, 0 } };
    CHECK(semop(g_id, &over[1], 1) == 0);
    over[1].sem_op = 1;
    CHECK_ERR(semop(g_id, over, 2), ERANGE);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 1);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 32767);
    CHECK(semctl(g_id, 1, SETVAL, 0) == 0);

    /* In order on one semaphore: +2 then -3 from 1 reaches 0. */
    struct sembuf seq[2] = { { 0, 2, 0 }, { 0, -3, 0 } };
    CHECK(semop(g_id, seq, 2) == 0);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 0);
    /* -1 then +1 from 0 would need the value to go negative first: EAGAIN. */
    struct sembuf neg[2] = { { 0, -1, IPC_NOWAIT }, { 0, 1, 0 } };
    CHECK_ERR(semop(g_id, neg, 2), EAGAIN);

    /* Wait for zero. */
    CHECK(semctl(g_id, 0, SETVAL, 2) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sembuf z = { 0, 0, 0 };
        _exit(semop(g_id, &z, 1) == 0 ? 0 : 1);
    }
    wait_cnt(GETZCNT, 0, 1);
    CHECK_EQ(semctl(g_id, 0, GETNCNT), 0);
    struct sembuf dec = { 0, -1, 0 };
    CHECK(semop(g_id, &dec, 1) == 0);
    usleep(20000);
    CHECK_EQ(semctl(g_id, 0, GETZCNT), 1);
    CHECK(semop(g_id, &dec, 1) == 0);
    test_wait_exit(child, 0);
    CHECK_EQ(semctl(g_id, 0, GETZCNT), 0);

    /* A waiter for both semaphores proceeds only once both are up. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sembuf w[2] = { { 0, -1, 0 }, { 1, -1, 0 } };
        _exit(semop(g_id, w, 2) == 0 ? 0 : 1);
    }
    wait_cnt(GETNCNT, 0, 1);
    struct sembuf up1 = { 1, 1, 0 };
    CHECK(semop(g_id, &up1, 1) == 0);
    usleep(20000);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 1);
    struct sembuf up0 = { 0, 1, 0 };
    CHECK(semop(g_id, &up0, 1) == 0);
    test_wait_exit(child, 0);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 0);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 0);
    CHECK_EQ(semctl(g_id, 1, GETPID), child);
    TEST_OK();
}
