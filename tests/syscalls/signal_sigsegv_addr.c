/* SPDX-License-Identifier: Apache-2.0 */
/* A bad write raises SIGSEGV with si_addr set to the faulting address and si_code SEGV_MAPERR
 * (unmapped) or SEGV_ACCERR (mapped without permission). */
#include "test.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf g_jmp;
static volatile siginfo_t g_info;

static void on_segv(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    memcpy((void *)&g_info, info, sizeof(*info));
    siglongjmp(g_jmp, 1);
}

static int faults_on_write(volatile char *p)
{
    if (sigsetjmp(g_jmp, 1) == 0) {
        *p = 1;
        return 0;
    }
    return 1;
}

static int faults_on_read(volatile char *p)
{
    if (sigsetjmp(g_jmp, 1) == 0) {
        (void)*p;
        return 0;
    }
    return 1;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK(munmap(m + pg, pg) == 0);
    CHECK(mprotect(m + 2 * pg, pg, PROT_READ) == 0);

    /* Unmapped page. */
    CHECK(faults_on_write(m + pg + 123));
    CHECK_EQ(g_info.si_signo, SIGSEGV);
    CHECK_EQ(g_info.si_code, SEGV_MAPERR);
    CHECK(g_info.si_addr == m + pg + 123);

    /* Read-only page: reading works, writing faults with SEGV_ACCERR. */
    CHECK(!faults_on_read(m + 2 * pg + 5));
    CHECK(faults_on_write(m + 2 * pg + 7));
    CHECK_EQ(g_info.si_code, SEGV_ACCERR);
    CHECK(g_info.si_addr == m + 2 * pg + 7);

    /* The writable page still works, and the mask was restored by siglongjmp. */
    CHECK(!faults_on_write(m + 10));
    sigset_t cur;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0);
    CHECK(!sigismember(&cur, SIGSEGV));

    /* NULL page. */
    CHECK(faults_on_write((char *)16));
    CHECK_EQ(g_info.si_code, SEGV_MAPERR);
    CHECK(g_info.si_addr == (void *)16);

    /* Without a handler the process dies with SIGSEGV. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        signal(SIGSEGV, SIG_DFL);
        *(volatile char *)(m + pg) = 1;
        _exit(0);
    }
    int st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);

    /* A blocked synchronous SIGSEGV still kills the process (the kernel forces it). */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, NULL);
        *(volatile char *)(m + pg) = 1;
        _exit(0);
    }
    st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    TEST_OK();
}
