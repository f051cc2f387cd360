/* SPDX-License-Identifier: Apache-2.0 */
/* Blocking semaphore waits: semtimedop times out with EAGAIN after about the timeout; a
 * waiting child shows in GETNCNT and is woken by a post; removing the set wakes a waiter with
 * EIDRM. */
#include "test.h"

#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

static int g_id = -1;

static void cleanup(void)
{
    if (g_id >= 0)
        semctl(g_id, 0, IPC_RMID);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits until `n` processes wait to decrement semaphore 0. */
static void wait_ncnt(int n)
{
    for (int i = 0; i < 2000 && semctl(g_id, 0, GETNCNT) != n; i++)
        usleep(1000);
    CHECK_EQ(semctl(g_id, 0, GETNCNT), n);
}

int main(void)
{
    atexit(cleanup);
    g_id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    struct sembuf dec = { 0, -1, 0 };
    struct timespec ts = { 0, 100 * 1000 * 1000 };
    long long t0 = now_ms();
    CHECK_ERR(semtimedop(g_id, &dec, 1, &ts), EAGAIN);
    long long dt = now_ms() - t0;
    CHECK(dt >= 90 && dt < 1500);
    struct timespec badts = { 0, 1000000000 };
    CHECK_ERR(semtimedop(g_id, &dec, 1, &badts), EINVAL);

    /* A waiter woken by a post. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sembuf d = { 0, -1, 0 };
        CHECK(semop(g_id, &d, 1) == 0);
        _exit(0);
    }
    wait_ncnt(1);
    struct sembuf inc = { 0, 1, 0 };
    CHECK(semop(g_id, &inc, 1) == 0);
    test_wait_exit(child, 0);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 0);

    /* A waiter woken by removal. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sembuf d = { 0, -1, 0 };
        errno = 0;
        int r = semop(g_id, &d, 1);
        _exit(r == -1 && errno == EIDRM ? 0 : 1);
    }
    wait_ncnt(1);
    CHECK(semctl(g_id, 0, IPC_RMID) == 0);
    g_id = -1;
    test_wait_exit(child, 0);
    TEST_OK();
}
