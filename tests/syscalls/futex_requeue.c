/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_REQUEUE / FUTEX_CMP_REQUEUE wake some waiters and move the rest to a second futex;
 * CMP_REQUEUE fails with EAGAIN when the value changed. */
#include "test.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

#define NTHREADS 4

static uint32_t g_a, g_b, g_c;
static volatile int g_woken;

static long futex(void *uaddr, int op, uint32_t val, long val2, void *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, (void *)val2, uaddr2, val3);
}

static void *waiter(void *arg)
{
    (void)arg;
    long r;
    do {
        r = futex(&g_a, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
    } while (r == -1 && errno == EINTR);
    CHECK_EQ(r, 0);
    __atomic_add_fetch(&g_woken, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(void)
{
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        CHECK(pthread_create(&th[i], NULL, waiter, NULL) == 0);
    /* Gather all waiters on g_b (requeue without waking returns the number moved). */
    int moved = 0;
    while (moved < NTHREADS) {
        long r = futex(&g_a, FUTEX_CMP_REQUEUE_PRIVATE, 0, INT_MAX, &g_b, 0);
        CHECK(r >= 0);
        moved += r;
        if (moved < NTHREADS)
            usleep(1000);
    }
    CHECK_EQ(moved, NTHREADS);
    CHECK_EQ(g_woken, 0);

    /* Value mismatch: nothing happens. */
    g_b = 7;
    CHECK_ERR(futex(&g_b, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &g_c, 0), EAGAIN);
    /* Negative counts are invalid. (Requeue onto the same word is only rejected for PI.) */
    CHECK_ERR(futex(&g_b, FUTEX_CMP_REQUEUE_PRIVATE, (uint32_t)-1, 1, &g_c, 7), EINVAL);
    CHECK_ERR(futex(&g_b, FUTEX_CMP_REQUEUE_PRIVATE, 1, -1, &g_c, 7), EINVAL);

    /* Wake one, requeue two onto g_c: returns woken + requeued = 3, one stays on g_b. */
    CHECK_EQ(futex(&g_b, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &g_c, 7), 3);
    while (g_woken < 1)
        usleep(1000);
    /* Plain FUTEX_REQUEUE (no compare) also returns woken + requeued: move the last one. */
    CHECK_EQ(futex(&g_b, FUTEX_REQUEUE_PRIVATE, 0, INT_MAX, &g_c, 0), 1);
    CHECK_EQ(futex(&g_b, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 0);
    CHECK_EQ(g_woken, 1);
    CHECK_EQ(futex(&g_c, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 3);
    for (int i = 0; i < NTHREADS; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    CHECK_EQ(g_woken, NTHREADS);
    TEST_OK();
}
