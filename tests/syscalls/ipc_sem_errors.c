/* SPDX-License-Identifier: Apache-2.0 */
/* SysV semaphore error paths: semget on an existing key with more semaphores than it has is
 * EINVAL, IPC_CREAT|IPC_EXCL EEXIST, a missing key ENOENT, nsems above SEMMSL EINVAL, an
 * unknown semctl command EINVAL, semop on a removed set EINVAL. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/sem.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        semctl(g_id, 0, IPC_RMID);
}

int main(void)
{
    atexit(cleanup);
    FILE *f = fopen("/proc/sys/kernel/sem", "r");
    CHECK(f != NULL);
    int semmsl = 0, semmns, semopm, semmni;
    CHECK_EQ(fscanf(f, "%d %d %d %d", &semmsl, &semmns, &semopm, &semmni), 4);
    fclose(f);

    key_t key = (key_t)(0x63333000 | (getpid() & 0xfff));
    g_id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(g_id >= 0);
    CHECK_ERR(semget(key, 2, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ(semget(key, 2, 0), g_id);
    CHECK_EQ(semget(key, 0, 0), g_id);
    CHECK_ERR(semget(key, 3, 0), EINVAL);
    CHECK_ERR(semget(key + 1, 1, 0), ENOENT);
    CHECK_ERR(semget(IPC_PRIVATE, semmsl + 1, IPC_CREAT | 0600), EINVAL);
    CHECK_ERR(semctl(g_id, 0, 12345), EINVAL);
    /* More operations than SEMOPM in one call: E2BIG. */
    struct sembuf *many = calloc((size_t)semopm + 1, sizeof(*many));
    CHECK(many != NULL);
    CHECK_ERR(semop(g_id, many, (size_t)semopm + 1), E2BIG);
    free(many);

    CHECK(semctl(g_id, 0, IPC_RMID) == 0);
    struct sembuf op = { 0, 1, 0 };
    CHECK_ERR(semop(g_id, &op, 1), EINVAL);
    CHECK_ERR(semctl(g_id, 0, IPC_RMID), EINVAL);
    g_id = -1;
    TEST_OK();
}
