/* SPDX-License-Identifier: Apache-2.0 */
/* The interrupted code's SSE/x87 registers and flags survive a signal handler that clobbers
 * them: the kernel saves and restores the FPU state in the signal frame. The handler can
 * also see the interrupted values in the ucontext's fpregs. */
#include "test.h"

#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

static volatile sig_atomic_t g_calls;
static volatile uint64_t g_seen_xmm7;

static void on_usr1(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    (void)info;
    ucontext_t *uc = ucv;
    /* xmm7's low 64 bits as saved in the frame. */
    memcpy((void *)&g_seen_xmm7, &uc->uc_mcontext.fpregs->_xmm[7], sizeof(uint64_t));
    /* Clobber vector and x87 state. */
    uint64_t junk = 0xdeadbeefdeadbeefULL;
    __asm__ volatile("movq %0, %%xmm7\n\tmovq %0, %%xmm0\n\tfldpi\n\tfldpi\n\tfaddp\n\tfstp "
                     "%%st(0)" ::"r"(junk)
                     : "xmm0", "xmm7", "st");
    /* Change the rounding mode in MXCSR too. */
    unsigned mx = 0x7f80;
    __asm__ volatile("ldmxcsr %0" ::"m"(mx));
    g_calls++;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    uint64_t in = 0x0123456789abcdefULL, out = 0;
    unsigned mx_before = 0, mx_after = 0;
    __asm__ volatile("stmxcsr %0" : "=m"(mx_before));
    /* Load xmm7, raise the signal from inside the same asm block (raw tgkill) so the compiler
     * cannot spill it, then read it back. */
    long pid = getpid(), tid = gettid();
    __asm__ volatile("movq %[in], %%xmm7\n\t"
                     "mov $234, %%eax\n\t" /* SYS_tgkill */
                     "mov %[pid], %%rdi\n\t"
                     "mov %[tid], %%rsi\n\t"
                     "mov $10, %%edx\n\t" /* SIGUSR1 */
                     "syscall\n\t"
                     "movq %%xmm7, %[out]\n\t"
                     : [out] "=r"(out)
                     : [in] "r"(in), [pid] "r"(pid), [tid] "r"(tid)
                     : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "xmm7", "memory");
    __asm__ volatile("stmxcsr %0" : "=m"(mx_after));
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(out, in);
    CHECK_EQ(g_seen_xmm7, in);
    CHECK_EQ(mx_after, mx_before);

    /* Floating-point work interleaved with many signals gives the exact same result. */
    volatile double acc = 0;
    for (int i = 1; i <= 2000; i++) {
        acc += 1.0 / i;
        if (i % 100 == 0)
            raise(SIGUSR1);
    }
    double ref = 0;
    for (int i = 1; i <= 2000; i++)
        ref += 1.0 / i;
    CHECK(acc == ref);
    CHECK_EQ(g_calls, 21);
    TEST_OK();
}
