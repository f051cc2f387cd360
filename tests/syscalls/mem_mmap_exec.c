/* SPDX-License-Identifier: Apache-2.0 */
/* Code copied into a PROT_EXEC mapping runs; after mprotect to PROT_READ, executing it faults
 * with SIGSEGV (SEGV_ACCERR) at the entry address. */
#include "test.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf g_jmp;
static volatile int g_code;
static void *volatile g_addr;

static void on_segv(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    g_code = info->si_code;
    g_addr = info->si_addr;
    siglongjmp(g_jmp, 1);
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    unsigned char *code =
        mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);
    /* mov eax, 0x2a ; ret */
    static const unsigned char insns[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };
    memcpy(code, insns, sizeof(insns));
    CHECK(mprotect(code, pg, PROT_READ | PROT_EXEC) == 0);
    int (*fn)(void) = (int (*)(void))code;
    CHECK_EQ(fn(), 42);

    /* Patch it (write + exec again). */
    CHECK(mprotect(code, pg, PROT_READ | PROT_WRITE) == 0);
    code[1] = 0x07;
    CHECK(mprotect(code, pg, PROT_READ | PROT_EXEC) == 0);
    CHECK_EQ(fn(), 7);

    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
    CHECK(mprotect(code, pg, PROT_READ) == 0);
    if (sigsetjmp(g_jmp, 1) == 0) {
        fn();
        CHECK(0);
    }
    CHECK_EQ(g_code, SEGV_ACCERR);
    CHECK(g_addr == code);
    CHECK(munmap(code, pg) == 0);
    TEST_OK();
}
