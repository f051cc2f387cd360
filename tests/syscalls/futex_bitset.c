/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_WAKE_BITSET wakes only waiters whose FUTEX_WAIT_BITSET mask intersects its own. */
#include "test.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

static uint32_t g_word;
static pid_t g_tids[3];
static uint32_t g_masks[3] = { 0x1, 0x2, 0x6 };
static volatile int g_woken_mask;

static long futex(void *uaddr, int op, uint32_t val, long val2, void *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, (void *)val2, uaddr2, val3);
}

static void *waiter(void *arg)
{
    uint32_t bits = (uint32_t)(uintptr_t)arg;
    long r;
    do {
        r = futex(&g_word, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, bits);
    } while (r == -1 && errno == EINTR);
    CHECK_EQ(r, 0);
    __atomic_or_fetch(&g_woken_mask, (int)bits, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Returns once the `n` threads in g_tids are sleeping. Requeueing would not tell which
 * waiter moved, so poll the thread states; the threads do nothing else that sleeps. */
static void wait_blocked(int n)
{
    for (int tries = 0; tries < 5000; tries++) {
        int blocked = 0;
        char path[64], buf[256];
        FILE *f;
        for (int i = 0; i < n; i++) {
            snprintf(path, sizeof(path), "/proc/self/task/%d/stat", g_tids[i]);
            f = fopen(path, "r");
            if (f && fgets(buf, sizeof(buf), f)) {
                char *p = strrchr(buf, ')');
                if (p && p[2] == 'S')
                    blocked++;
            }
            if (f)
                fclose(f);
        }
        if (blocked == n)
            return;
        usleep(1000);
    }
    CHECK(!"threads never blocked");
}

static void *start(void *arg)
{
    int i = (int)(intptr_t)arg;
    __atomic_store_n(&g_tids[i], gettid(), __ATOMIC_SEQ_CST);
    return waiter((void *)(uintptr_t)g_masks[i]);
}

int main(void)
{
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&th[i], NULL, start, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < 3; i++)
        while (__atomic_load_n(&g_tids[i], __ATOMIC_SEQ_CST) == 0)
            usleep(1000);
    wait_blocked(3);

    /* Mask 0x8 matches nobody. */
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, 0, NULL, 0x8), 0);
    /* Mask 0x4 matches only the 0x6 waiter. */
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, 0, NULL, 0x4), 1);
    CHECK(pthread_join(th[2], NULL) == 0);
    CHECK_EQ(g_woken_mask, 0x6);
    /* Mask 0x1 matches the first. */
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, 0, NULL, 0x1), 1);
    CHECK(pthread_join(th[0], NULL) == 0);
    CHECK_EQ(g_woken_mask, 0x7);
    /* Plain FUTEX_WAKE uses the match-any mask. */
    CHECK_EQ(futex(&g_word, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 1);
    CHECK(pthread_join(th[1], NULL) == 0);
    CHECK_EQ(g_woken_mask, 0x7);
    TEST_OK();
}
