/* SPDX-License-Identifier: Apache-2.0 */
/* int3 raises SIGTRAP with si_code SI_KERNEL; RIP in the context points after the int3, so
 * returning from the handler continues. */
#include "test.h"

#include <signal.h>
#include <ucontext.h>

extern char after_int3[];
static volatile siginfo_t g_info;
static volatile long g_rip;
static volatile int g_calls;

static void on_trap(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    memcpy((void *)&g_info, info, sizeof(*info));
    g_rip = uc->uc_mcontext.gregs[REG_RIP];
    g_calls++;
}

__attribute__((noinline)) static void run_int3(void)
{
    __asm__ volatile("int3\n.globl after_int3\nafter_int3: nop\n");
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
    run_int3();
    run_int3();
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_info.si_signo, SIGTRAP);
    CHECK_EQ(g_info.si_code, SI_KERNEL);
    CHECK_EQ(g_rip, (long)after_int3);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        signal(SIGTRAP, SIG_DFL);
        run_int3();
        _exit(0);
    }
    int st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTRAP);
    TEST_OK();
}
