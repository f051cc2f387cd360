/* SPDX-License-Identifier: Apache-2.0 */
/* Unbounded recursion ends in SIGSEGV when the stack hits RLIMIT_STACK; a handler on a
 * sigaltstack catches it, while without an alternate stack the process is killed even though
 * a handler is installed. */
#include "test.h"

#include <signal.h>
#include <sys/resource.h>

/* Far more than 1 MiB of 4 KiB frames; the volatile bound keeps the compiler from calling
 * the recursion infinite. */
static volatile long g_limit = 1L << 30;

__attribute__((noinline)) static int recurse(volatile char *prev, long depth)
{
    volatile char frame[4096];
    frame[0] = prev ? prev[0] + 1 : 0;
    if (depth >= g_limit)
        return frame[0];
    return recurse(frame, depth + 1) + frame[100];
}

static void on_segv(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    /* Cannot return into the overflowing code; report and leave. */
    _exit(info->si_code == SEGV_MAPERR || info->si_code == SEGV_ACCERR ? 0 : 3);
}

static void child(int use_altstack)
{
    struct rlimit rl = { .rlim_cur = 1 << 20, .rlim_max = RLIM_INFINITY };
    if (setrlimit(RLIMIT_STACK, &rl) != 0)
        _exit(10);
    if (use_altstack) {
        static char alt[64 * 1024];
        stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
        if (sigaltstack(&ss, NULL) != 0)
            _exit(11);
    }
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    recurse(NULL, 0);
    _exit(12);
}

int main(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        child(1);
    test_wait_exit(pid, 0);

    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        child(0);
    int st = test_wait(pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    TEST_OK();
}
