/* SPDX-License-Identifier: Apache-2.0 */
/* times() and getrusage() account CPU time to self, threads and reaped children only;
 * unreaped children do not count and bad `who` values give EINVAL. */
#include "test.h"

#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>

static long long cpu_ns(void)
{
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Burns `ms` milliseconds of user CPU time (measured, so load does not matter). */
static void burn(int ms)
{
    long long end = cpu_ns() + ms * 1000000LL;
    volatile unsigned long x = 0;
    while (cpu_ns() < end)
        for (int i = 0; i < 10000; i++)
            x += i;
}

static long long tv_us(struct timeval tv)
{
    return tv.tv_sec * 1000000LL + tv.tv_usec;
}

int main(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    CHECK_EQ(hz, 100);

    struct tms t0, t1;
    clock_t c0 = times(&t0);
    CHECK(c0 != (clock_t)-1);
    struct rusage r0, r1;
    CHECK(getrusage(RUSAGE_SELF, &r0) == 0);
    burn(60);
    clock_t c1 = times(&t1);
    CHECK(c1 >= c0);
    CHECK(getrusage(RUSAGE_SELF, &r1) == 0);
    /* 60 ms of CPU = 6 ticks; allow for tick accounting granularity. */
    CHECK((t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime) >= 4);
    long long du =
        (tv_us(r1.ru_utime) + tv_us(r1.ru_stime)) - (tv_us(r0.ru_utime) + tv_us(r0.ru_stime));
    CHECK(du >= 50000);
    CHECK(r1.ru_maxrss > 0);
    struct rusage rt;
    CHECK(getrusage(RUSAGE_THREAD, &rt) == 0);
    CHECK(tv_us(rt.ru_utime) + tv_us(rt.ru_stime) >= 50000);

    /* Children: nothing yet. */
    struct rusage rc;
    CHECK(getrusage(RUSAGE_CHILDREN, &rc) == 0);
    CHECK_EQ(tv_us(rc.ru_utime) + tv_us(rc.ru_stime), 0);
    CHECK_EQ(t1.tms_cutime + t1.tms_cstime, 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        burn(60);
        _exit(0);
    }
    /* Wait for the exit without reaping: not yet counted. */
    siginfo_t si;
    CHECK(waitid(P_PID, child, &si, WEXITED | WNOWAIT) == 0);
    CHECK(getrusage(RUSAGE_CHILDREN, &rc) == 0);
    CHECK_EQ(tv_us(rc.ru_utime) + tv_us(rc.ru_stime), 0);
    test_wait_exit(child, 0);
    CHECK(getrusage(RUSAGE_CHILDREN, &rc) == 0);
    CHECK(tv_us(rc.ru_utime) + tv_us(rc.ru_stime) >= 50000);
    struct tms t2;
    CHECK(times(&t2) != (clock_t)-1);
    CHECK(t2.tms_cutime + t2.tms_cstime >= 4);
    /* times(NULL) is allowed. */
    CHECK(times(NULL) != (clock_t)-1);

    CHECK_ERR(getrusage((__rusage_who_t)5, &rc), EINVAL);
    TEST_OK();
}
