/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_WAKE wakes at most the requested number of waiters and returns how many it woke. */
#include "test.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

#define NTHREADS 5

static uint32_t g_gate, g_word;
static volatile int g_woken;

static long futex(void *uaddr, int op, uint32_t val, const void *ts, void *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static void *waiter(void *arg)
{
    (void)arg;
    long r;
    do {
        r = futex(&g_gate, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    } while (r == -1 && errno == EINTR);
    CHECK_EQ(r, 0);
    __atomic_add_fetch(&g_woken, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Moves waiters from g_gate to g_word until `n` have been moved: afterwards exactly `n`
 * threads are known to be blocked on g_word. */
static void collect_waiters(int n)
{
    int moved = 0;
    while (moved < n) {
        long r = futex(&g_gate, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)(long)INT_MAX, &g_word, 0);
        CHECK(r >= 0);
        moved += r;
        if (moved < n)
            usleep(1000);
    }
    CHECK_EQ(moved, n);
}

int main(void)
{
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        CHECK(pthread_create(&th[i], NULL, waiter, NULL) == 0);
    collect_waiters(NTHREADS);

    CHECK_EQ(futex(&g_word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0), 2);
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
    /* Linux checks the count only after waking one, so nr_wake 0 still wakes one waiter. */
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0), 1);
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1);
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);
    for (int i = 0; i < NTHREADS; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    CHECK_EQ(g_woken, NTHREADS);
    TEST_OK();
}
