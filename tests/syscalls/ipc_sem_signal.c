/* SPDX-License-Identifier: Apache-2.0 */
/* A semop blocked when a signal with an SA_RESTART handler arrives fails with EINTR (SysV IPC
 * is never restarted), its waiter count goes away, and semtimedop with a zero timeout on a
 * semaphore that cannot proceed is EAGAIN at once. */
#include "test.h"

#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/time.h>

static int g_id = -1;
static volatile sig_atomic_t g_hits;

static void cleanup(void)
{
    if (g_id >= 0)
        semctl(g_id, 0, IPC_RMID);
}

static void on_alarm(int sig)
{
    (void)sig;
    g_hits++;
}

int main(void)
{
    atexit(cleanup);
    g_id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    CHECK(g_id >= 0);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { .it_value = { 0, 50000 } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    struct sembuf dec = { 0, -1, 0 };
    CHECK_ERR(semop(g_id, &dec, 1), EINTR);
    CHECK_EQ(g_hits, 1);
    CHECK_EQ(semctl(g_id, 0, GETNCNT), 0);
    CHECK_EQ(semctl(g_id, 0, GETVAL), 0);

    struct timespec zero = { 0, 0 };
    CHECK_ERR(semtimedop(g_id, &dec, 1, &zero), EAGAIN);
    struct sembuf wz = { 0, 0, 0 };
    CHECK(semtimedop(g_id, &wz, 1, &zero) == 0);
    struct timespec neg = { -1, 0 };
    CHECK_ERR(semtimedop(g_id, &dec, 1, &neg), EINVAL);
    CHECK_ERR(semtimedop(g_id, &dec, 1, (struct timespec *)8), EFAULT);
    TEST_OK();
}
