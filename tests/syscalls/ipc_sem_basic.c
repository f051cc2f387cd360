/* SPDX-License-Identifier: Apache-2.0 */
/* SysV semaphores: semget creates zeroed sets, SETVAL/GETVAL/SETALL/GETALL/GETPID/GETNCNT,
 * semop adds and subtracts, IPC_NOWAIT on a would-block op is EAGAIN and changes nothing
 * (operations are atomic), out-of-range values ERANGE, bad indexes EFBIG/EINVAL. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/sem.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        semctl(g_id, 0, IPC_RMID);
}

int main(void)
{
    atexit(cleanup);
    g_id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(semctl(g_id, i, GETVAL), 0);
    CHECK(semctl(g_id, 1, SETVAL, (union semun){ .val = 5 }) == 0);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 5);
    CHECK_ERR(semctl(g_id, 1, SETVAL, (union semun){ .val = -1 }), ERANGE);
    CHECK_ERR(semctl(g_id, 1, SETVAL, (union semun){ .val = 32768 }), ERANGE);
    CHECK_ERR(semctl(g_id, 3, GETVAL), EINVAL);

    unsigned short all[3] = { 1, 2, 3 };
    CHECK(semctl(g_id, 0, SETALL, (union semun){ .array = all }) == 0);
    unsigned short got[3] = { 0 };
    CHECK(semctl(g_id, 0, GETALL, (union semun){ .array = got }) == 0);
    CHECK(got[0] == 1 && got[1] == 2 && got[2] == 3);

    struct sembuf ops[2] = { { 0, -1, 0 }, { 2, 4, 0 } };
    CHECK(semop(g_id, ops, 2) == 0);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 0);
    CHECK_EQ(semctl(g_id, 2, GETVAL), 7);
    CHECK_EQ(semctl(g_id, 2, GETPID), getpid());

    /* Atomic: the second op would block, so the first is not applied either. */
    struct sembuf blk[2] = { { 2, -1, IPC_NOWAIT }, { 0, -1, IPC_NOWAIT } };
    CHECK_ERR(semop(g_id, blk, 2), EAGAIN);
    CHECK_EQ(semctl(g_id, 2, GETVAL), 7);

    /* Wait-for-zero. */
    struct sembuf zero = { 0, 0, IPC_NOWAIT };
    CHECK(semop(g_id, &zero, 1) == 0);
    struct sembuf zero2 = { 2, 0, IPC_NOWAIT };
    CHECK_ERR(semop(g_id, &zero2, 1), EAGAIN);

    CHECK_EQ(semctl(g_id, 0, GETNCNT), 0);
    CHECK_EQ(semctl(g_id, 0, GETZCNT), 0);

    struct sembuf bad = { 5, 1, 0 };
    CHECK_ERR(semop(g_id, &bad, 1), EFBIG);
    /* Exceeding SEMVMX (32767) through semop: ERANGE. */
    struct sembuf big = { 2, 32767, 0 };
    CHECK_ERR(semop(g_id, &big, 1), ERANGE);
    CHECK_ERR(semop(g_id, ops, 0), EINVAL);

    struct semid_ds ds;
    CHECK(semctl(g_id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0);
    CHECK_EQ(ds.sem_nsems, 3);
    CHECK_EQ(ds.sem_perm.mode & 0777, 0600);
    CHECK_ERR(semget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL);
    CHECK(semctl(g_id, 0, IPC_RMID) == 0);
    CHECK_ERR(semctl(g_id, 0, GETVAL), EINVAL);
    g_id = -1;
    TEST_OK();
}
