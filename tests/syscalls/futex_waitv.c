/* SPDX-License-Identifier: Apache-2.0 */
/* futex_waitv(2): waits on several futexes and returns the index of the one woken, EAGAIN
 * when a value differs, ETIMEDOUT at an absolute deadline, EINVAL for bad flags, sizes,
 * counts and clocks. */
#include "test.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

struct waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};
#define SIZE_U32 0x02
#define PRIVATE  128

static uint32_t g_words[3];
static volatile int g_ready;

static long waitv(struct waitv *w, unsigned n, unsigned flags, struct timespec *ts, int clock)
{
    return syscall(SYS_futex_waitv, w, n, flags, ts, clock);
}

static void *waker(void *arg)
{
    (void)arg;
    while (!g_ready)
        usleep(1000);
    usleep(20000);
    g_words[2] = 1;
    syscall(SYS_futex, &g_words[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    return NULL;
}

int main(void)
{
    struct waitv w[3];
    for (int i = 0; i < 3; i++) {
        w[i].val = 0;
        w[i].uaddr = (uintptr_t)&g_words[i];
        w[i].flags = SIZE_U32 | PRIVATE;
        w[i].reserved = 0;
    }

    /* A value that differs: EAGAIN at once. */
    g_words[1] = 5;
    CHECK_ERR(waitv(w, 3, 0, NULL, CLOCK_MONOTONIC), EAGAIN);
    g_words[1] = 0;

    /* A deadline on either clock. */
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK_ERR(waitv(w, 3, 0, &ts, CLOCK_MONOTONIC), ETIMEDOUT);
    CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK_ERR(waitv(w, 3, 0, &ts, CLOCK_REALTIME), ETIMEDOUT);

    /* A wake of the third futex returns its index. */
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, waker, NULL), 0);
    g_ready = 1;
    CHECK_EQ(waitv(w, 3, 0, NULL, 0), 2);
    CHECK_EQ(pthread_join(th, NULL), 0);
    g_words[2] = 0;

    /* Argument checks. */
    CHECK_ERR(waitv(w, 0, 0, NULL, 0), EINVAL);
    CHECK_ERR(waitv(w, 129, 0, NULL, 0), EINVAL);
    CHECK_ERR(waitv(w, 3, 1, NULL, 0), EINVAL);
    CHECK_ERR(waitv(w, 3, 0, &ts, CLOCK_BOOTTIME), EINVAL);
    w[0].flags = 0x03 | PRIVATE; /* FUTEX2_SIZE_U64 */
    CHECK_ERR(waitv(w, 3, 0, NULL, 0), EINVAL);
    w[0].flags = SIZE_U32 | PRIVATE;
    w[0].reserved = 1;
    CHECK_ERR(waitv(w, 3, 0, NULL, 0), EINVAL);
    w[0].reserved = 0;
    w[0].uaddr += 1;
    CHECK_ERR(waitv(w, 3, 0, NULL, 0), EINVAL);
    w[0].uaddr -= 1;
    w[0].val = 1ULL << 32;
    CHECK_ERR(waitv(w, 3, 0, NULL, 0), EINVAL);
    TEST_OK();
}
