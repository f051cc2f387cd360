/* SPDX-License-Identifier: Apache-2.0 */
/* pthread mutexes with PTHREAD_PRIO_INHERIT (PI futexes): contended counting across threads,
 * timed locks that time out, a robust PI mutex whose owner dies (EOWNERDEAD, then
 * pthread_mutex_consistent), and LOCK_PI with an absolute timeout on a held lock. */
#include "test.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#define THREADS 4
#define ROUNDS  300

static pthread_mutex_t g_mu;
static long g_counter;

static void *counter(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        CHECK_EQ(pthread_mutex_lock(&g_mu), 0);
        long v = g_counter;
        if (i % 16 == 0)
            sched_yield();
        g_counter = v + 1;
        CHECK_EQ(pthread_mutex_unlock(&g_mu), 0);
    }
    return NULL;
}

static pthread_mutex_t g_robust;
static volatile int g_locked;

static void *die_holding(void *arg)
{
    (void)arg;
    CHECK_EQ(pthread_mutex_lock(&g_robust), 0);
    g_locked = 1;
    return NULL; /* the thread ends with the mutex held */
}

static void *timed_locker(void *arg)
{
    (void)arg;
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
    ts.tv_nsec += 50000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return (void *)(intptr_t)pthread_mutex_timedlock(&g_mu, &ts);
}

int main(void)
{
    pthread_mutexattr_t ma;
    CHECK_EQ(pthread_mutexattr_init(&ma), 0);
    CHECK_EQ(pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT), 0);
    CHECK_EQ(pthread_mutex_init(&g_mu, &ma), 0);

    /* Contention: every increment happens under the lock. */
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, counter, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    CHECK_EQ(g_counter, THREADS * ROUNDS);

    /* A timed lock on a held PI mutex times out; trylock reports EBUSY. */
    CHECK_EQ(pthread_mutex_lock(&g_mu), 0);
    pthread_t t1;
    CHECK_EQ(pthread_create(&t1, NULL, timed_locker, NULL), 0);
    void *res;
    CHECK_EQ(pthread_join(t1, &res), 0);
    CHECK_EQ((intptr_t)res, ETIMEDOUT);
    CHECK_EQ(pthread_mutex_unlock(&g_mu), 0);
    CHECK_EQ(pthread_mutex_trylock(&g_mu), 0);
    CHECK_EQ(pthread_mutex_unlock(&g_mu), 0);

    /* Robust + PI: the owner dies, the next locker gets EOWNERDEAD and may repair it. */
    CHECK_EQ(pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST), 0);
    CHECK_EQ(pthread_mutex_init(&g_robust, &ma), 0);
    pthread_t t2;
    CHECK_EQ(pthread_create(&t2, NULL, die_holding, NULL), 0);
    CHECK_EQ(pthread_join(t2, NULL), 0);
    CHECK_EQ(g_locked, 1);
    CHECK_EQ(pthread_mutex_lock(&g_robust), EOWNERDEAD);
    CHECK_EQ(pthread_mutex_consistent(&g_robust), 0);
    CHECK_EQ(pthread_mutex_unlock(&g_robust), 0);
    CHECK_EQ(pthread_mutex_lock(&g_robust), 0);
    CHECK_EQ(pthread_mutex_unlock(&g_robust), 0);

    /* Raw LOCK_PI with an absolute CLOCK_REALTIME timeout on a word owned by us from another
     * thread's view: here, a word owned by our own tid is EDEADLK before any timeout. */
    static uint32_t word;
    word = (uint32_t)gettid();
    struct timespec abs;
    CHECK(clock_gettime(CLOCK_REALTIME, &abs) == 0);
    abs.tv_sec += 1;
    CHECK_ERR(syscall(SYS_futex, &word, FUTEX_LOCK_PI_PRIVATE, 0, &abs, NULL, 0), EDEADLK);
    /* FUTEX_CLOCK_REALTIME is not allowed with LOCK_PI (only LOCK_PI2). */
    CHECK_ERR(
        syscall(SYS_futex, &word, FUTEX_LOCK_PI_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, NULL, 0),
        ENOSYS);
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0), 0);
    CHECK_EQ(word, 0);
    /* LOCK_PI2 takes a CLOCK_MONOTONIC deadline. */
    CHECK(clock_gettime(CLOCK_MONOTONIC, &abs) == 0);
    abs.tv_sec += 1;
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_LOCK_PI2_PRIVATE, 0, &abs, NULL, 0), 0);
    CHECK_EQ(word, (uint32_t)gettid());
    CHECK_EQ(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0), 0);
    TEST_OK();
}
