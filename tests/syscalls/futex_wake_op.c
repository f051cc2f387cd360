/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_WAKE_OP atomically updates the second word, wakes waiters on the first, and wakes
 * waiters on the second only if the old value passes the comparison. */
#include "test.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

static uint32_t g_gate, g_w1, g_w2;
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
        r = futex(&g_gate, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
    } while (r == -1 && errno == EINTR);
    __atomic_add_fetch(&g_woken, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Moves `n` waiters from g_gate onto `dst`. */
static void collect(uint32_t *dst, int n)
{
    int moved = 0;
    while (moved < n) {
        long r = futex(&g_gate, FUTEX_CMP_REQUEUE_PRIVATE, 0, n - moved, dst, 0);
        CHECK(r >= 0);
        moved += r;
        if (moved < n)
            usleep(1000);
    }
}

int main(void)
{
    /* No waiters: the op still applies. old 10, ADD 5 -> 15. */
    g_w2 = 10;
    CHECK_EQ(futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2,
                   FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 10)),
             0);
    CHECK_EQ(g_w2, 15);
    /* SET, OR, ANDN, XOR and the shifted-argument form. */
    futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2, FUTEX_OP(FUTEX_OP_SET, 3, FUTEX_OP_CMP_EQ, 0));
    CHECK_EQ(g_w2, 3);
    futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2, FUTEX_OP(FUTEX_OP_OR, 8, FUTEX_OP_CMP_EQ, 0));
    CHECK_EQ(g_w2, 11);
    futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2,
          FUTEX_OP(FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_EQ, 0));
    CHECK_EQ(g_w2, 10);
    futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2, FUTEX_OP(FUTEX_OP_XOR, 6, FUTEX_OP_CMP_EQ, 0));
    CHECK_EQ(g_w2, 12);
    futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2,
          FUTEX_OP((FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_EQ, 0));
    CHECK_EQ(g_w2, 16);

    /* One waiter on each word. Comparison false: only the first is woken. */
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&th[i], NULL, waiter, NULL) == 0);
    collect(&g_w1, 1);
    collect(&g_w2, 2);
    g_w2 = 0;
    CHECK_EQ(futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2,
                   FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_GT, 0)),
             1);
    CHECK_EQ(g_w2, 1);
    /* Comparison true (old 1 > 0): wakes one on the second word. */
    CHECK_EQ(futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2,
                   FUTEX_OP(FUTEX_OP_SET, 2, FUTEX_OP_CMP_GT, 0)),
             1);
    CHECK_EQ(g_w2, 2);
    CHECK_EQ(futex(&g_w2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 1);
    for (int i = 0; i < 3; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    CHECK_EQ(g_woken, 3);

    /* An unknown op is ENOSYS; a bad second address EFAULT. */
    CHECK_ERR(futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &g_w2, FUTEX_OP(7, 0, 0, 0)), ENOSYS);
    CHECK_ERR(futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, (void *)8,
                    FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)),
              EFAULT);
    TEST_OK();
}
