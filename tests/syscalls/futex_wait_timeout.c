/* SPDX-License-Identifier: Apache-2.0 */
/* FUTEX_WAIT times out with ETIMEDOUT after a relative timeout; FUTEX_WAIT_BITSET takes an
 * absolute CLOCK_MONOTONIC or (with FUTEX_CLOCK_REALTIME) CLOCK_REALTIME deadline. */
#include "test.h"

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

static long futex(void *uaddr, int op, uint32_t val, const struct timespec *ts, void *uaddr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static long long now_ns(clockid_t c)
{
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ns_to_ts(long long ns)
{
    struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };
    return ts;
}

int main(void)
{
    static uint32_t word = 0;
    const long long d = 20 * 1000 * 1000;

    long long t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec rel = ns_to_ts(d);
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= d);

    /* FUTEX_WAIT_BITSET's timeout is absolute. */
    t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec abs_ts = ns_to_ts(t0 + d);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs_ts, NULL, FUTEX_BITSET_MATCH_ANY),
              ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) >= t0 + d);

    /* A deadline in the past times out at once. */
    struct timespec past = { .tv_sec = 1, .tv_nsec = 0 };
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &past, NULL, FUTEX_BITSET_MATCH_ANY),
              ETIMEDOUT);

    long long r0 = now_ns(CLOCK_REALTIME);
    abs_ts = ns_to_ts(r0 + d);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs_ts, NULL,
                    FUTEX_BITSET_MATCH_ANY),
              ETIMEDOUT);
    CHECK(now_ns(CLOCK_REALTIME) >= r0 + d);

    /* A value mismatch is checked before the timeout. */
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, &rel, NULL, 0), EAGAIN);
    /* A zero relative timeout times out immediately. */
    struct timespec zero = { 0, 0 };
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0), ETIMEDOUT);
    TEST_OK();
}
