/* SPDX-License-Identifier: Apache-2.0 */
/* The vDSO fast paths (clock_gettime, gettimeofday, time, getcpu) agree with the real
 * syscalls, interleaved in both orders. */
#include "test.h"

#include <sched.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static long long ts_ns(struct timespec ts)
{
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
                                        CLOCK_MONOTONIC_RAW };
    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        for (int n = 0; n < 100; n++) {
            struct timespec a, b, c;
            CHECK(clock_gettime(clocks[i], &a) == 0);
            CHECK(syscall(SYS_clock_gettime, clocks[i], &b) == 0);
            CHECK(clock_gettime(clocks[i], &c) == 0);
            CHECK(ts_ns(a) <= ts_ns(b));
            CHECK(ts_ns(b) <= ts_ns(c));
        }
    }
    /* Coarse clocks only tick, but never run ahead of the fine ones. */
    struct timespec coarse, fine;
    CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC_COARSE, &coarse) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &fine) == 0);
    CHECK(ts_ns(coarse) <= ts_ns(fine));

    struct timeval tv1, tv2;
    CHECK(gettimeofday(&tv1, NULL) == 0);
    CHECK(syscall(SYS_gettimeofday, &tv2, NULL) == 0);
    CHECK(tv1.tv_sec * 1000000LL + tv1.tv_usec <= tv2.tv_sec * 1000000LL + tv2.tv_usec);

    time_t t1 = time(NULL);
    time_t t2 = (time_t)syscall(SYS_time, NULL);
    CHECK(t2 >= t1 && t2 - t1 <= 1);

    unsigned cpu1, node1, cpu2 = 0, node2 = 0;
    CHECK(getcpu(&cpu1, &node1) == 0);
    CHECK(syscall(SYS_getcpu, &cpu2, &node2, NULL) == 0);
    CHECK(cpu1 < (unsigned)sysconf(_SC_NPROCESSORS_CONF));
    CHECK(cpu2 < (unsigned)sysconf(_SC_NPROCESSORS_CONF));
    CHECK_EQ(node1, node2);
    TEST_OK();
}
