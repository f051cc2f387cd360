/* SPDX-License-Identifier: Apache-2.0 */
/* CLOCK_MONOTONIC never goes backwards, BOOTTIME >= MONOTONIC, the coarse clocks lag the fine
 * ones by at most their resolution, and REALTIME agrees with gettimeofday and time(). */
#include "test.h"

#include <sys/time.h>
#include <time.h>

static long long ns(clockid_t c)
{
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0);
    CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    long long prev = ns(CLOCK_MONOTONIC);
    for (int i = 0; i < 10000; i++) {
        long long now = ns(CLOCK_MONOTONIC);
        CHECK(now >= prev);
        prev = now;
    }
    /* It actually advances. */
    long long a = ns(CLOCK_MONOTONIC);
    while (ns(CLOCK_MONOTONIC) == a)
        ;

    long long mono = ns(CLOCK_MONOTONIC);
    long long boot = ns(CLOCK_BOOTTIME);
    CHECK(boot >= mono);
    long long raw = ns(CLOCK_MONOTONIC_RAW);
    CHECK(raw > 0);

    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC_COARSE, &res) == 0);
    long long coarse_res = res.tv_sec * 1000000000LL + res.tv_nsec;
    long long fine = ns(CLOCK_MONOTONIC);
    long long coarse = ns(CLOCK_MONOTONIC_COARSE);
    CHECK(coarse <= fine + coarse_res);
    CHECK(coarse >= fine - 2 * coarse_res);

    /* REALTIME vs gettimeofday vs time(): sandwich one clock between reads of another, so
     * the check does not depend on scheduling delays. */
    for (int tries = 0; tries < 10; tries++) {
        time_t t0 = time(NULL);
        struct timeval tv1, tv2;
        CHECK(gettimeofday(&tv1, NULL) == 0);
        long long rt = ns(CLOCK_REALTIME);
        CHECK(gettimeofday(&tv2, NULL) == 0);
        time_t t1 = time(NULL);
        if (t0 != t1)
            continue; /* crossed a second boundary; try again */
        CHECK(tv1.tv_usec >= 0 && tv1.tv_usec < 1000000);
        CHECK_EQ(tv1.tv_sec, t0);
        CHECK_EQ(rt / 1000000000LL, t0);
        long long us1 = tv1.tv_sec * 1000000LL + tv1.tv_usec;
        long long us2 = tv2.tv_sec * 1000000LL + tv2.tv_usec;
        CHECK(rt / 1000 >= us1);
        CHECK(rt / 1000 <= us2);
        /* Sometime after 2020. */
        CHECK(t0 > 1577836800);
        TEST_OK();
    }
    CHECK(!"never stayed within one second");
}
