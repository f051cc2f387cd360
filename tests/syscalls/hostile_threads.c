/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 10,000 threads with small stacks: all are created (in waves of live threads), each runs,
 * and all are joined with their return values. Then 10,000 threads alive at the same time,
 * as Linux gives them.
 */
#include "test.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>

#define TOTAL 10000
#define WAVE  100

static int g_ran[TOTAL];
static int g_release;

static void *worker(void *arg)
{
    long i = (long)arg;
    __atomic_add_fetch(&g_ran[i], 1, __ATOMIC_RELAXED);
    return (void *)(i ^ 0x5a5a);
}

/* Waits for main to release every live thread at once. */
static void *waiter(void *arg)
{
    while (!__atomic_load_n(&g_release, __ATOMIC_ACQUIRE))
        syscall(SYS_futex, &g_release, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return arg;
}

int main(int argc, char **argv)
{
    pthread_attr_t attr;
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);

    static pthread_t th[TOTAL];
    for (long base = 0; base < TOTAL; base += WAVE) {
        for (long i = base; i < base + WAVE; i++) {
            int r = pthread_create(&th[i], &attr, worker, (void *)i);
            if (r != 0) {
                fprintf(stderr, "FAIL: pthread_create #%ld: %s\n", i, strerror(r));
                exit(1);
            }
        }
        for (long i = base; i < base + WAVE; i++) {
            void *ret;
            CHECK(pthread_join(th[i], &ret) == 0);
            CHECK_EQ((long)ret, i ^ 0x5a5a);
        }
    }
    for (int i = 0; i < TOTAL; i++)
        CHECK_EQ(g_ran[i], 1);

    /* 10,000 threads alive at once, all released together: Linux gives them all (a 64 KiB
     * stack each), and so must the sandbox on every platform. An argument asks for another
     * number of live threads (at most TOTAL), for exploring. */
    int want = argc > 1 ? atoi(argv[1]) : TOTAL;
    if (want < 1 || want > TOTAL)
        want = TOTAL;
    int live = 0;
    while (live < want) {
        int r = pthread_create(&th[live], &attr, waiter, (void *)(long)live);
        if (r != 0) {
            fprintf(stderr, "FAIL: pthread_create live #%d: %s\n", live, strerror(r));
            exit(1);
        }
        live++;
    }
    __atomic_store_n(&g_release, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &g_release, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    for (long i = 0; i < live; i++) {
        void *ret;
        CHECK(pthread_join(th[i], &ret) == 0);
        CHECK_EQ((long)ret, i);
    }
    printf("%d threads in waves of %d, %d alive at once\n", TOTAL, WAVE, live);
    TEST_OK();
}
