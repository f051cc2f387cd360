/* SPDX-License-Identifier: Apache-2.0 */
/* Integer division by zero (and INT_MIN / -1) raises SIGFPE with si_code FPE_INTDIV. */
#include "test.h"

#include <limits.h>
#include <setjmp.h>
#include <signal.h>

static sigjmp_buf g_jmp;
static volatile siginfo_t g_info;
static volatile int g_calls;

static void on_fpe(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    memcpy((void *)&g_info, info, sizeof(*info));
    g_calls++;
    siglongjmp(g_jmp, 1);
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGFPE, &sa, NULL) == 0);

    volatile int a = 10, b = 0, r = 0;
    if (sigsetjmp(g_jmp, 1) == 0) {
        r = a / b;
        CHECK(0);
    }
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_info.si_signo, SIGFPE);
    CHECK_EQ(g_info.si_code, FPE_INTDIV);
    CHECK(g_info.si_addr != NULL);

    /* INT_MIN / -1 overflows; x86 reports it as a divide error too. */
    volatile int m = INT_MIN, n = -1;
    if (sigsetjmp(g_jmp, 1) == 0) {
        r = m / n;
        CHECK(0);
    }
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_info.si_code, FPE_INTDIV);

    /* Floating-point division by zero does not trap by default. */
    volatile double x = 1.0, y = 0.0;
    volatile double z = x / y;
    CHECK(z > 1e308);
    CHECK_EQ(g_calls, 2);

    /* Default action kills the process with SIGFPE. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        signal(SIGFPE, SIG_DFL);
        r = a / b;
        _exit(0);
    }
    int st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGFPE);
    (void)r;
    TEST_OK();
}
