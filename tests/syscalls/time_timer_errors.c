/* SPDX-License-Identifier: Apache-2.0 */
/* timer_create/settime/gettime/delete error paths: bad clocks, bad notify types, bad
 * timespecs, deleted or invalid timer ids. SIGEV_NONE timers still count down. */
#include "test.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_NONE;
    timer_t t;
    CHECK(timer_create(CLOCK_REALTIME, &sev, &t) == 0);
    struct itimerspec its = { .it_value = { 5, 0 } };
    CHECK(timer_settime(t, 0, &its, NULL) == 0);
    struct itimerspec cur;
    CHECK(timer_gettime(t, &cur) == 0);
    CHECK(cur.it_value.tv_sec <= 5 && (cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0));

    struct itimerspec bad = { .it_value = { 0, 1000000000 } };
    CHECK_ERR(timer_settime(t, 0, &bad, NULL), EINVAL);
    bad.it_value.tv_nsec = -1;
    CHECK_ERR(timer_settime(t, 0, &bad, NULL), EINVAL);
    /* Unknown flag bits are ignored, not rejected. */
    CHECK(timer_settime(t, 0x10, &its, NULL) == 0);

    CHECK(timer_delete(t) == 0);
    /* The kernel timer id is an int; glibc passes it through for non-SIGEV_THREAD timers. */
    int kid = (int)(long)t;
    CHECK_ERR(syscall(SYS_timer_delete, kid), EINVAL);
    CHECK_ERR(syscall(SYS_timer_gettime, kid, &cur), EINVAL);
    CHECK_ERR(syscall(SYS_timer_settime, kid, 0, &its, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_timer_getoverrun, kid), EINVAL);
    CHECK_ERR(syscall(SYS_timer_delete, 123456), EINVAL);

    CHECK_ERR(timer_create(100, &sev, &t), EINVAL);
    sev.sigev_notify = 42;
    CHECK_ERR(timer_create(CLOCK_MONOTONIC, &sev, &t), EINVAL);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = 200;
    CHECK_ERR(timer_create(CLOCK_MONOTONIC, &sev, &t), EINVAL);

    /* A NULL sigevent means SIGEV_SIGNAL with SIGALRM and the timer id as value. */
    int kt = -1;
    CHECK(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &kt) == 0);
    CHECK(kt >= 0);
    CHECK(syscall(SYS_timer_delete, kt) == 0);
    TEST_OK();
}
