/* SPDX-License-Identifier: Apache-2.0 */
/* clock_getres reports 1 ns for the high-resolution clocks and the tick length for the
 * coarse ones; invalid clock ids give EINVAL everywhere, and the monotonic clocks cannot be
 * set. */
#include "test.h"

#include <sys/syscall.h>
#include <time.h>

int main(void)
{
    static const clockid_t hres[] = { CLOCK_REALTIME,           CLOCK_MONOTONIC,
                                      CLOCK_BOOTTIME,           CLOCK_MONOTONIC_RAW,
                                      CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };
    struct timespec res;
    for (size_t i = 0; i < sizeof(hres) / sizeof(hres[0]); i++) {
        CHECK(clock_getres(hres[i], &res) == 0);
        CHECK_EQ(res.tv_sec, 0);
        CHECK_EQ(res.tv_nsec, 1);
    }
    struct timespec c1, c2;
    CHECK(clock_getres(CLOCK_REALTIME_COARSE, &c1) == 0);
    CHECK(clock_getres(CLOCK_MONOTONIC_COARSE, &c2) == 0);
    CHECK_EQ(c1.tv_nsec, c2.tv_nsec);
    /* One jiffy: HZ is 100, 250, 300 or 1000. */
    CHECK(c1.tv_nsec == 10000000 || c1.tv_nsec == 4000000 || c1.tv_nsec == 3333333 ||
          c1.tv_nsec == 1000000);
    /* A NULL result pointer is allowed. */
    CHECK(clock_getres(CLOCK_MONOTONIC, NULL) == 0);

    struct timespec ts;
    CHECK_ERR(syscall(SYS_clock_gettime, 100, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_gettime, -1000, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_getres, 100, &res), EINVAL);
    CHECK_ERR(syscall(SYS_clock_getres, 100, NULL), EINVAL);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    CHECK_ERR(clock_settime(CLOCK_MONOTONIC, &ts), EINVAL);
    CHECK_ERR(clock_settime(CLOCK_BOOTTIME, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_settime, 100, &ts), EINVAL);
    /* clock_nanosleep returns the error number instead of setting errno. */
    struct timespec d = { 0, 1000 };
    CHECK_EQ(clock_nanosleep(100, 0, &d, NULL), EINVAL);
    CHECK_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL), EINVAL);
    TEST_OK();
}
