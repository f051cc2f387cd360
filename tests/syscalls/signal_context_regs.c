/* SPDX-License-Identifier: Apache-2.0 */
/* A handler sees the interrupted general registers in its ucontext, and changes it makes to
 * them (and to the saved signal mask) take effect on sigreturn. */
#include "test.h"

#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

static volatile long g_seen_rbx, g_seen_r12;

static void on_usr1(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    (void)info;
    ucontext_t *uc = ucv;
    g_seen_rbx = uc->uc_mcontext.gregs[REG_RBX];
    g_seen_r12 = uc->uc_mcontext.gregs[REG_R12];
    uc->uc_mcontext.gregs[REG_RBX] = 0x5555;
    uc->uc_mcontext.gregs[REG_R12] = 0x6666;
    /* Block SIGUSR2 after return by editing the saved mask. */
    sigaddset(&uc->uc_sigmask, SIGUSR2);
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    long pid = getpid(), tid = gettid();
    long rbx_out, r12_out;
    __asm__ volatile("mov $0x1111, %%rbx\n\t"
                     "mov $0x2222, %%r12\n\t"
                     "mov $234, %%eax\n\t" /* SYS_tgkill */
                     "mov %[pid], %%rdi\n\t"
                     "mov %[tid], %%rsi\n\t"
                     "mov $10, %%edx\n\t" /* SIGUSR1 */
                     "syscall\n\t"
                     "mov %%rbx, %[rbx]\n\t"
                     "mov %%r12, %[r12]\n\t"
                     : [rbx] "=&r"(rbx_out), [r12] "=&r"(r12_out)
                     : [pid] "r"(pid), [tid] "r"(tid)
                     : "rax", "rbx", "rdi", "rsi", "rdx", "rcx", "r11", "r12", "memory");
    CHECK_EQ(g_seen_rbx, 0x1111);
    CHECK_EQ(g_seen_r12, 0x2222);
    CHECK_EQ(rbx_out, 0x5555);
    CHECK_EQ(r12_out, 0x6666);

    sigset_t cur;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0);
    CHECK(sigismember(&cur, SIGUSR2));
    CHECK(!sigismember(&cur, SIGUSR1));
    TEST_OK();
}
