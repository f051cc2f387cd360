/* SPDX-License-Identifier: Apache-2.0 */
/* ud2 raises SIGILL with ILL_ILLOPN at the instruction; a handler may skip it by editing RIP in
 * the ucontext. */
#include "test.h"

#include <signal.h>
#include <ucontext.h>

extern char ud2_insn[];
static volatile siginfo_t g_info;
static volatile long g_rip;
static volatile int g_calls;

static void on_ill(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    memcpy((void *)&g_info, info, sizeof(*info));
    g_rip = uc->uc_mcontext.gregs[REG_RIP];
    uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 is 0f 0b */
    g_calls++;
}

__attribute__((noinline)) static void run_ud2(void)
{
    __asm__ volatile(".globl ud2_insn\nud2_insn: ud2\n");
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGILL, &sa, NULL) == 0);
    run_ud2();
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_info.si_signo, SIGILL);
    CHECK_EQ(g_info.si_code, ILL_ILLOPN);
    CHECK(g_info.si_addr == ud2_insn);
    CHECK_EQ(g_rip, (long)ud2_insn);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        signal(SIGILL, SIG_DFL);
        run_ud2();
        _exit(0);
    }
    int st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGILL);
    TEST_OK();
}
