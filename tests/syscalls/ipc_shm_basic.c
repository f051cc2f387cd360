/* SPDX-License-Identifier: Apache-2.0 */
/* SysV shared memory: IPC_PRIVATE segments are always new; IPC_CREAT|IPC_EXCL on an existing
 * key is EEXIST, a missing key without IPC_CREAT ENOENT, a size above the existing one EINVAL;
 * shmat/shmdt, the memory is zero-filled and shared between attachments; IPC_STAT fields. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/shm.h>

static int g_ids[2] = { -1, -1 };

static void cleanup(void)
{
    for (int i = 0; i < 2; i++)
        if (g_ids[i] >= 0)
            shmctl(g_ids[i], IPC_RMID, NULL);
}

int main(void)
{
    atexit(cleanup);
    int a = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
    CHECK(a >= 0);
    g_ids[0] = a;

    key_t key = (key_t)(0x63330000 | (getpid() & 0xffff));
    int k = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640);
    CHECK(k >= 0);
    g_ids[1] = k;
    CHECK_ERR(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640), EEXIST);
    CHECK_EQ(shmget(key, 4096, 0), k);
    CHECK_EQ(shmget(key, 100, 0), k);
    CHECK_ERR(shmget(key, 8192, 0), EINVAL);
    CHECK_ERR(shmget(key + 1, 4096, 0), ENOENT);
    CHECK_ERR(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL);

    struct shmid_ds ds;
    CHECK(shmctl(k, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.shm_segsz, 4096);
    CHECK_EQ(ds.shm_perm.mode & 0777, 0640);
    CHECK_EQ(ds.shm_perm.__key, key);
    CHECK_EQ(ds.shm_perm.uid, geteuid());
    CHECK_EQ(ds.shm_cpid, getpid());
    CHECK_EQ(ds.shm_nattch, 0);
    CHECK_EQ(ds.shm_lpid, 0);

    char *p1 = shmat(k, NULL, 0);
    CHECK(p1 != (void *)-1);
    char *p2 = shmat(k, NULL, SHM_RDONLY);
    CHECK(p2 != (void *)-1);
    CHECK(p1 != p2);
    for (int i = 0; i < 4096; i++)
        CHECK_EQ(p1[i], 0);
    strcpy(p1, "shared");
    CHECK(strcmp(p2, "shared") == 0);
    CHECK(shmctl(k, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.shm_nattch, 2);
    CHECK_EQ(ds.shm_lpid, getpid());

    CHECK(shmdt(p2) == 0);
    CHECK_ERR(shmdt(p2), EINVAL);
    CHECK(shmctl(k, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.shm_nattch, 1);
    CHECK(shmdt(p1) == 0);

    /* IPC_SET changes the mode. */
    ds.shm_perm.mode = 0600;
    CHECK(shmctl(k, IPC_SET, &ds) == 0);
    CHECK(shmctl(k, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.shm_perm.mode & 0777, 0600);

    CHECK_ERR(shmat(-1, NULL, 0), EINVAL);
    CHECK_ERR(shmat(k, (void *)1, 0), EINVAL);
    CHECK(shmctl(k, IPC_RMID, NULL) == 0);
    g_ids[1] = -1;
    CHECK_ERR(shmctl(k, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(shmget(key, 4096, 0), ENOENT);
    CHECK(shmctl(a, IPC_RMID, NULL) == 0);
    g_ids[0] = -1;
    TEST_OK();
}
