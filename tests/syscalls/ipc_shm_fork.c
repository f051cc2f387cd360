/* SPDX-License-Identifier: Apache-2.0 */
/* SysV shm attachments are inherited by fork and stay shared: the child's writes are seen by
 * the parent; nattch counts the child's attachment until it exits. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/shm.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        shmctl(g_id, IPC_RMID, NULL);
}

int main(void)
{
    atexit(cleanup);
    g_id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    volatile int *p = shmat(g_id, NULL, 0);
    CHECK(p != (void *)-1);
    int go[2], ready[2];
    CHECK(pipe(go) == 0);
    CHECK(pipe(ready) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        p[0] = 1234;
        p[1] = getpid();
        CHECK_EQ(write(ready[1], "r", 1), 1);
        char b;
        CHECK_EQ(read(go[0], &b, 1), 1);
        CHECK_EQ(p[2], 99);
        _exit(0);
    }
    char b;
    CHECK_EQ(read(ready[0], &b, 1), 1);
    CHECK_EQ(p[0], 1234);
    CHECK_EQ(p[1], child);
    struct shmid_ds ds;
    CHECK(shmctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.shm_nattch, 2);
    p[2] = 99;
    CHECK_EQ(write(go[1], "g", 1), 1);
    test_wait_exit(child, 0);
    CHECK(shmctl(g_id, IPC_STAT, &ds) == 0);
    CHECK_EQ(ds.shm_nattch, 1);
    CHECK(shmdt((void *)p) == 0);
    TEST_OK();
}
