/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 10,000 threads with small stacks: all are created (in waves of live threads), each runs,
 * and all are joined with their return values. Then 1,000 threads alive at the same time.
 * When the system cannot give a thread, pthread_create reports EAGAIN (Linux's answer), never
 * a crash.
 */
#include "test.h"

#include <pthread.h>

#define TOTAL 10000
#define WAVE  500

static int g_ran[TOTAL];
static pthread_barrier_t g_barrier;

static void *worker(void *arg)
{
    long i = (long)arg;
    __atomic_add_fetch(&g_ran[i], 1, __ATOMIC_RELAXED);
    return (void *)(i ^ 0x5a5a);
}

static void *waiter(void *arg)
{
    pthread_barrier_wait(&g_barrier);
    return arg;
}

int main(void)
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

    /* 1,000 threads alive at once, all released together. */
    enum { LIVE = 1000 };
    CHECK(pthread_barrier_init(&g_barrier, NULL, LIVE + 1) == 0);
    for (long i = 0; i < LIVE; i++) {
        int r = pthread_create(&th[i], &attr, waiter, (void *)i);
        if (r != 0) {
            fprintf(stderr, "FAIL: pthread_create live #%ld: %s\n", i, strerror(r));
            exit(1);
        }
    }
    pthread_barrier_wait(&g_barrier);
    for (long i = 0; i < LIVE; i++) {
        void *ret;
        CHECK(pthread_join(th[i], &ret) == 0);
        CHECK_EQ((long)ret, i);
    }
    TEST_OK();
}
