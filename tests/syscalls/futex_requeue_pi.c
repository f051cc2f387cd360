/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_WAIT_REQUEUE_PI / FUTEX_CMP_REQUEUE_PI: a waiter on a condition word is moved to a PI
 * lock and owns it when it returns (at once if the lock is free, else at the owner's unlock);
 * plain wake-ups and requeues of such a waiter are EINVAL, as are argument errors. */
#include "test.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

static uint32_t g_cond, g_lock;
static volatile int g_waiting;
static volatile long g_result = -2;
static volatile uint32_t g_word_seen;

static long futex(uint32_t *u, int op, uint32_t val, long val2, uint32_t *u2, uint32_t val3)
{
    return syscall(SYS_futex, u, op, val, (void *)val2, u2, val3);
}

static void *waiter(void *arg)
{
    (void)arg;
    g_waiting = 1;
    long r = futex(&g_cond, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, 0, &g_lock, 0);
    g_result = r == 0 ? 0 : -errno;
    if (r == 0) {
        g_word_seen = __atomic_load_n(&g_lock, __ATOMIC_SEQ_CST) & FUTEX_TID_MASK;
        /* It owns the lock: the word names it. */
        if (g_word_seen == (uint32_t)gettid())
            g_word_seen = 1;
        futex(&g_lock, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, NULL, 0);
    }
    return NULL;
}

/* Starts a waiter and gives it time to block in the kernel. */
static void start(pthread_t *th)
{
    g_waiting = 0;
    g_result = -2;
    g_word_seen = 0;
    CHECK_EQ(pthread_create(th, NULL, waiter, NULL), 0);
    while (!g_waiting)
        usleep(1000);
    usleep(50000);
}

int main(void)
{
    pthread_t th;

    /* Lock free: CMP_REQUEUE_PI hands it to the waiter at once. */
    start(&th);
    CHECK_EQ(futex(&g_cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 0, &g_lock, 0), 1);
    CHECK_EQ(pthread_join(th, NULL), 0);
    CHECK_EQ(g_result, 0);
    CHECK_EQ(g_word_seen, 1);
    CHECK_EQ(g_lock, 0);

    /* Lock held by us: the waiter is requeued and gets the lock at our unlock. */
    start(&th);
    CHECK_EQ(futex(&g_lock, FUTEX_LOCK_PI_PRIVATE, 0, 0, NULL, 0), 0);
    CHECK_EQ(futex(&g_cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 1, &g_lock, 0), 1);
    usleep(20000);
    CHECK_EQ(g_result, -2);
    CHECK(g_lock & FUTEX_WAITERS);
    CHECK_EQ(futex(&g_lock, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, NULL, 0), 0);
    CHECK_EQ(pthread_join(th, NULL), 0);
    CHECK_EQ(g_result, 0);
    CHECK_EQ(g_word_seen, 1);

    /* Plain wake-ups and requeues refuse a requeue-PI waiter; it stays queued. */
    start(&th);
    CHECK_ERR(futex(&g_cond, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0), EINVAL);
    CHECK_ERR(futex(&g_cond, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, &g_lock, 0), EINVAL);
    usleep(20000);
    CHECK_EQ(g_result, -2);
    CHECK_EQ(futex(&g_cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 0, &g_lock, 0), 1);
    CHECK_EQ(pthread_join(th, NULL), 0);
    CHECK_EQ(g_result, 0);

    /* Errors: a changed value, nr_wake other than 1, the same word twice. */
    CHECK_ERR(futex(&g_cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 0, &g_lock, 7), EAGAIN);
    CHECK_ERR(futex(&g_cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 2, 0, &g_lock, 0), EINVAL);
    CHECK_ERR(futex(&g_cond, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, 0, &g_cond, 0), EINVAL);
    CHECK_ERR(futex(&g_cond, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 1, 0, &g_lock, 0), EAGAIN);
    TEST_OK();
}
