/* SPDX-License-Identifier: Apache-2.0 */
/* semctl: SETALL/GETALL, SETVAL's range (ERANGE), GETPID after semop, IPC_STAT/IPC_SET,
 * IPC_INFO and SEM_INFO, SEM_STAT by index, a semnum out of range EINVAL, bad buffers EFAULT,
 * semop's E2BIG/EFBIG/EINVAL order. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/sem.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
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
    g_id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0640);
    CHECK(g_id >= 0);

    unsigned short in[3] = { 1, 20, 300 }, out[3] = { 0 };
    CHECK(semctl(g_id, 0, SETALL, (union semun){ .array = in }) == 0);
    CHECK(semctl(g_id, 0, GETALL, (union semun){ .array = out }) == 0);
    CHECK(out[0] == 1 && out[1] == 20 && out[2] == 300);
    CHECK_EQ(semctl(g_id, 2, GETVAL), 300);
    unsigned short too_big[3] = { 1, 32768, 0 };
    CHECK_ERR(semctl(g_id, 0, SETALL, (union semun){ .array = too_big }), ERANGE);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 20);
    CHECK_ERR(semctl(g_id, 0, SETALL, (union semun){ .array = (unsigned short *)8 }), EFAULT);
    CHECK_ERR(semctl(g_id, 0, GETALL, (union semun){ .array = (unsigned short *)8 }), EFAULT);

    CHECK(semctl(g_id, 1, SETVAL, (union semun){ .val = 32767 }) == 0);
    CHECK_ERR(semctl(g_id, 1, SETVAL, (union semun){ .val = 32768 }), ERANGE);
    CHECK_ERR(semctl(g_id, 1, SETVAL, (union semun){ .val = -1 }), ERANGE);
    CHECK_ERR(semctl(g_id, 3, SETVAL, (union semun){ .val = 1 }), EINVAL);
    CHECK_ERR(semctl(g_id, -1, GETVAL), EINVAL);
    CHECK_ERR(semctl(g_id, 3, GETNCNT), EINVAL);

    /* GETPID: the last process to operate, here us. */
    struct sembuf op = { 2, -5, 0 };
    CHECK(semop(g_id, &op, 1) == 0);
    CHECK_EQ(semctl(g_id, 2, GETPID), getpid());
    CHECK_EQ(semctl(g_id, 2, GETVAL), 295);
    CHECK_EQ(semctl(g_id, 2, GETNCNT), 0);
    CHECK_EQ(semctl(g_id, 2, GETZCNT), 0);

    struct semid_ds ds;
    memset(&ds, 0, sizeof(ds));
    CHECK(semctl(g_id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0);
    CHECK_EQ(ds.sem_nsems, 3);
    CHECK_EQ(ds.sem_perm.mode & 0777, 0640);
    CHECK_EQ(ds.sem_perm.uid, geteuid());
    CHECK_EQ(ds.sem_perm.cuid, geteuid());
    CHECK(ds.sem_otime > 0);
    CHECK(ds.sem_ctime > 0);
    ds.sem_perm.mode = 0600;
    CHECK(semctl(g_id, 0, IPC_SET, (union semun){ .buf = &ds }) == 0);
    memset(&ds, 0, sizeof(ds));
    CHECK(semctl(g_id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0);
    CHECK_EQ(ds.sem_perm.mode & 0777, 0600);
    CHECK_ERR(semctl(g_id, 0, IPC_STAT, (union semun){ .buf = (struct semid_ds *)8 }), EFAULT);

    struct seminfo si;
    memset(&si, 0, sizeof(si));
    int maxidx = semctl(0, 0, IPC_INFO, (union semun){ .__buf = &si });
    CHECK(maxidx >= 0);
    CHECK(si.semmsl > 0 && si.semopm > 0 && si.semmni > 0);
    CHECK_EQ(si.semvmx, 32767);
    FILE *f = fopen("/proc/sys/kernel/sem", "r");
    CHECK(f != NULL);
    int msl, opm, mni;
    long mns;
    CHECK_EQ(fscanf(f, "%d %ld %d %d", &msl, &mns, &opm, &mni), 4);
    fclose(f);
    CHECK_EQ(si.semmsl, msl);
    CHECK_EQ(si.semopm, opm);
    CHECK_EQ(si.semmni, mni);
    memset(&si, 0, sizeof(si));
    CHECK(semctl(0, 0, SEM_INFO, (union semun){ .__buf = &si }) >= 0);
    CHECK(si.semusz >= 1);
    CHECK(si.semaem >= 3);

    /* SEM_STAT takes an index and returns the id; somewhere up to maxidx is ours. */
    int found = 0;
    maxidx = semctl(0, 0, IPC_INFO, (union semun){ .__buf = &si });
    for (int i = 0; i <= maxidx; i++) {
        memset(&ds, 0, sizeof(ds));
        int id = semctl(i, 0, SEM_STAT, (union semun){ .buf = &ds });
        if (id == g_id) {
            found = 1;
            CHECK_EQ(ds.sem_nsems, 3);
        }
    }
    CHECK(found);

    /* semop: the count is checked before the id, the numbers after it. */
    CHECK_ERR(semop(g_id, &op, 0), EINVAL);
    struct sembuf bad = { 3, 1, 0 };
    CHECK_ERR(semop(g_id, &bad, 1), EFBIG);
    CHECK_ERR(semop(g_id, (struct sembuf *)8, 1), EFAULT);
    CHECK_ERR(semop(-1, &op, 1), EINVAL);
    CHECK_ERR(semctl(g_id, 0, 999), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, -1, IPC_CREAT | 0600), EINVAL);
    TEST_OK();
}
