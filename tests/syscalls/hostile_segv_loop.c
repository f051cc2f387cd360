/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Crash loops: a SIGSEGV handler that returns to the faulting instruction N times (each return
 * faults again) and then fixes the mapping so that the instruction completes; and 1,000
 * processes in a row that die of SIGSEGV (each a fork that writes to address 0), each reported
 * to its parent as killed by SIGSEGV. The kernel keeps serving throughout.
 */
#include "test.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#define RETRIES 200
#define CRASHES 1000

static char *volatile g_page;
static volatile long g_faults;
static volatile uintptr_t g_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    g_addr = (uintptr_t)si->si_addr;
    /* Return to the faulting store RETRIES times; then make it succeed. */
    if (++g_faults == RETRIES)
        mprotect(g_page, 4096, PROT_READ | PROT_WRITE);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
    g_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(g_page != MAP_FAILED);
    g_page[100] = 42;
    CHECK_EQ(g_faults, RETRIES);
    CHECK_EQ(g_addr, (uintptr_t)g_page + 100);
    CHECK_EQ(g_page[100], 42);

    /* A crash loop: every child dies of SIGSEGV (no handler in the child after the reset). */
    for (int i = 0; i < CRASHES; i++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            signal(SIGSEGV, SIG_DFL);
            *(volatile int *)(uintptr_t)(i % 2 ? 0 : 0xffff800000000000ULL) = 1;
            _exit(99);
        }
        int st = test_wait(pid);
        if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV) {
            fprintf(stderr, "FAIL: crash %d: status 0x%x, want killed by SIGSEGV\n", i, st);
            exit(1);
        }
    }
    /* A handler that itself faults: the second SIGSEGV is blocked in the handler, so the
     * kernel forces the default action and the process dies of SIGSEGV. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sigaction bad;
        memset(&bad, 0, sizeof(bad));
        bad.sa_handler = (void (*)(int))(uintptr_t)0x1000;
        CHECK(sigaction(SIGSEGV, &bad, NULL) == 0);
        *(volatile int *)0 = 1;
        _exit(99);
    }
    int st = test_wait(pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    /* Still alive and serving. */
    CHECK(getpid() > 0);
    TEST_OK();
}
