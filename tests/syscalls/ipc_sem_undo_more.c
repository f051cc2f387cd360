/* SPDX-License-Identifier: Apache-2.0 */
/* SEM_UNDO details: the adjustment is per process (a thread's exit applies nothing; fork does
 * not inherit it), an undo that would go below 0 at exit is clamped to 0, SETVAL clears the
 * adjustments for that semaphore, and an adjustment past SEMAEM is ERANGE. */
#include "test.h"

#include <pthread.h>
#include <sys/ipc.h>
#include <sys/sem.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        semctl(g_id, 0, IPC_RMID);
}

static void *thread_up(void *arg)
{
    (void)arg;
    struct sembuf up = { 0, 2, SEM_UNDO };
    return (void *)(long)semop(g_id, &up, 1);
}

int main(void)
{
    atexit(cleanup);
    g_id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK(g_id >= 0);

    /* A thread's SEM_UNDO belongs to the process: its exit undoes nothing. */
    pthread_t th;
    void *ret;
    CHECK(pthread_create(&th, NULL, thread_up, NULL) == 0);
    CHECK(pthread_join(th, &ret) == 0);
    CHECK_EQ((long)ret, 0);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 2);

    /* The child does not inherit our +2 adjustment: its exit leaves the value alone. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(0);
    test_wait_exit(child, 0);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 2);

    /* Clamped: the child adds 5 with undo, someone takes 4, the child's -5 stops at 0. */
    int go[2];
    CHECK(pipe(go) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sembuf up = { 1, 5, SEM_UNDO };
        char b;
        if (semop(g_id, &up, 1) != 0)
            _exit(1);
        _exit(read(go[0], &b, 1) == 1 ? 0 : 2);
    }
    for (int i = 0; i < 3000 && semctl(g_id, 1, GETVAL) != 5; i++)
        usleep(1000);
    struct sembuf take = { 1, -4, 0 };
    CHECK(semop(g_id, &take, 1) == 0);
    CHECK_EQ(write(go[1], "g", 1), 1);
    test_wait_exit(child, 0);
    CHECK_EQ(semctl(g_id, 1, GETVAL), 0);

    /* SETVAL clears the adjustment: the child's exit leaves our value. */
    int go2[2];
    CHECK(pipe(go2) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sembuf up = { 2, 3, SEM_UNDO };
        char b;
        if (semop(g_id, &up, 1) != 0)
            _exit(1);
        _exit(read(go2[0], &b, 1) == 1 ? 0 : 2);
    }
    for (int i = 0; i < 3000 && semctl(g_id, 2, GETVAL) != 3; i++)
        usleep(1000);
    CHECK(semctl(g_id, 2, SETVAL, 10) == 0);
    CHECK_EQ(write(go2[1], "g", 1), 1);
    test_wait_exit(child, 0);
    CHECK_EQ(semctl(g_id, 2, GETVAL), 10);

    /* An adjustment beyond SEMAEM (32767) is ERANGE and changes nothing. */
    CHECK(semctl(g_id, 2, SETVAL, 32767) == 0);
    struct sembuf d1 = { 2, -1, SEM_UNDO };
    CHECK(semop(g_id, &d1, 1) == 0); /* adjustment +1 */
    struct sembuf u1 = { 2, 1, 0 };
    CHECK(semop(g_id, &u1, 1) == 0);
    struct sembuf d2 = { 2, -32767, SEM_UNDO };
    CHECK_ERR(semop(g_id, &d2, 1), ERANGE);
    CHECK_EQ(semctl(g_id, 2, GETVAL), 32767);
    d2.sem_op = -32766;
    CHECK(semop(g_id, &d2, 1) == 0); /* adjustment 32767: the limit itself */
    CHECK_EQ(semctl(g_id, 2, GETVAL), 1);
    TEST_OK();
}
