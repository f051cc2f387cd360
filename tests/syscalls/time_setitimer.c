/* SPDX-License-Identifier: Apache-2.0 */
/* setitimer/getitimer: ITIMER_REAL fires SIGALRM, intervals reload, the old value is
 * returned, ITIMER_VIRTUAL fires SIGVTALRM after user CPU time, bad arguments give EINVAL. */
#include "test.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t g_alrm, g_vtalrm;

static void on_sig(int sig)
{
    if (sig == SIGALRM)
        g_alrm++;
    else if (sig == SIGVTALRM)
        g_vtalrm++;
}

static long long tv_us(struct timeval tv)
{
    return tv.tv_sec * 1000000LL + tv.tv_usec;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_sig;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    CHECK(sigaction(SIGVTALRM, &sa, NULL) == 0);

    struct itimerval it, old;
    CHECK(getitimer(ITIMER_REAL, &it) == 0);
    CHECK_EQ(tv_us(it.it_value), 0);

    /* One shot; getitimer shows no more than what was set. */
    memset(&it, 0, sizeof(it));
    it.it_value.tv_usec = 20000;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK(getitimer(ITIMER_REAL, &old) == 0);
    CHECK(tv_us(old.it_value) > 0 && tv_us(old.it_value) <= 20000);
    while (g_alrm == 0)
        pause();
    CHECK(getitimer(ITIMER_REAL, &old) == 0);
    CHECK_EQ(tv_us(old.it_value), 0);

    /* Periodic: 5 ms interval fires repeatedly; disarming returns the old setting. */
    it.it_value.tv_usec = 5000;
    it.it_interval.tv_usec = 5000;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    while (g_alrm < 4)
        pause();
    struct itimerval off = { 0 };
    CHECK(setitimer(ITIMER_REAL, &off, &old) == 0);
    CHECK_EQ(tv_us(old.it_interval), 5000);
    CHECK(tv_us(old.it_value) <= 5000);
    CHECK(getitimer(ITIMER_REAL, &old) == 0);
    CHECK_EQ(tv_us(old.it_value), 0);
    CHECK_EQ(tv_us(old.it_interval), 0);

    /* ITIMER_VIRTUAL counts user CPU time only. */
    memset(&it, 0, sizeof(it));
    it.it_value.tv_usec = 10000;
    CHECK(setitimer(ITIMER_VIRTUAL, &it, NULL) == 0);
    while (g_vtalrm == 0)
        ;
    CHECK_EQ(g_vtalrm, 1);

    /* Bad which / bad microseconds. */
    CHECK_ERR(setitimer((__itimer_which_t)7, &it, NULL), EINVAL);
    CHECK_ERR(getitimer((__itimer_which_t)7, &old), EINVAL);
    it.it_value.tv_usec = 1000000;
    CHECK_ERR(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    it.it_value.tv_usec = -1;
    CHECK_ERR(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_getitimer, ITIMER_REAL, (void *)8), EFAULT);
    TEST_OK();
}
