/* SPDX-License-Identifier: Apache-2.0 */
/* IPC_RMID on an attached segment only marks it: the mapping stays usable, IPC_STAT still
 * works by id and shows SHM_DEST in the mode with the key reset to IPC_PRIVATE; the key is
 * free for a new segment at once; the segment vanishes at the last detach. */
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
    key_t key = (key_t)(0x63331000 | (getpid() & 0xfff));
    int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    g_ids[0] = id;
    char *p = shmat(id, NULL, 0);
    CHECK(p != (void *)-1);
    strcpy(p, "still here");
    CHECK(shmctl(id, IPC_RMID, NULL) == 0);

    CHECK(strcmp(p, "still here") == 0);
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.shm_perm.mode & SHM_DEST);
    CHECK_EQ(ds.shm_perm.__key, IPC_PRIVATE);
    CHECK_EQ(ds.shm_nattch, 1);
    /* The key can be reused right away. */
    CHECK_ERR(shmget(key, 4096, 0), ENOENT);
    int id2 = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id2 >= 0);
    g_ids[1] = id2;
    CHECK(id2 != id);

    CHECK(shmdt(p) == 0);
    CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);
    g_ids[0] = -1;
    CHECK(shmctl(id2, IPC_RMID, NULL) == 0);
    g_ids[1] = -1;
    TEST_OK();
}
