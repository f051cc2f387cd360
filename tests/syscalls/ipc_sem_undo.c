/* SPDX-License-Identifier: Apache-2.0 */
/* SEM_UNDO: a child's semaphore changes made with SEM_UNDO are reverted when it exits, while
 * changes without SEM_UNDO stay. */
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
    g_id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    int go[2], ready[2];
    CHECK(pipe(go) == 0);
    CHECK(pipe(ready) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sembuf ops[2] = { { 0, 3, SEM_UNDO }, { 1, 2, 0 } };
        CHECK(semop(g_id, ops, 2) == 0);
        struct sembuf dec = { 0, -1, SEM_UNDO };
        CHECK(semop(g_id, &dec, 1) == 0);
        CHECK_EQ(write(ready[1], "r", 1), 1);
        char b;
        CHECK_EQ(read(go[0], &b, 1), 1);
        _exit(0);
    }
    char b;
    CHECK_EQ(read(ready[0], &b, 1), 1);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 2);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 2);
    CHECK_EQ(write(go[1], "g", 1), 1);
    test_wait_exit(child, 0);
    /* The net +2 made with SEM_UNDO is undone; the plain +2 stays. */
    CHECK_EQ(semctl(g_id, 0, GETVAL), 0);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 2);
    /* The adjustment goes to the last process that exited with it. */
    CHECK_EQ(semctl(g_id, 0, GETPID), child);
    TEST_OK();
}
