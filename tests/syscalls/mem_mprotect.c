/* SPDX-License-Identifier: Apache-2.0 */
/* mprotect(PROT_NONE) makes reads fault with SEGV_ACCERR while keeping the contents;
 * restoring access brings them back; bad arguments give EINVAL or ENOMEM. */
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

static int read_faults(volatile char *p)
{
    if (sigsetjmp(g_jmp, 1) == 0) {
        (void)*p;
        return 0;
    }
    return 1;
}

static int write_faults(volatile char *p)
{
    if (sigsetjmp(g_jmp, 1) == 0) {
        *p = *p;
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
    char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    memset(a, 'q', 3 * pg);

    CHECK(mprotect(a + pg, pg, PROT_NONE) == 0);
    CHECK(read_faults(a + pg + 9));
    CHECK_EQ(g_code, SEGV_ACCERR);
    CHECK(g_addr == a + pg + 9);
    CHECK(!read_faults(a));
    CHECK(!read_faults(a + 2 * pg));

    CHECK(mprotect(a + pg, pg, PROT_READ) == 0);
    CHECK(!read_faults(a + pg));
    CHECK_EQ(a[pg + 9], 'q');
    CHECK(write_faults(a + pg));
    CHECK_EQ(g_code, SEGV_ACCERR);
    CHECK(mprotect(a, 3 * pg, PROT_READ | PROT_WRITE) == 0);
    CHECK(!write_faults(a + pg));

    /* A write-only request still allows reads on x86 (PROT_WRITE implies read). */
    CHECK(mprotect(a, pg, PROT_WRITE) == 0);
    CHECK(!read_faults(a));

    /* Errors. */
    CHECK_ERR(mprotect(a + 1, pg, PROT_READ), EINVAL);
    CHECK_ERR(mprotect(a, pg, 0x100), EINVAL);
    CHECK(munmap(a + 2 * pg, pg) == 0);
    CHECK_ERR(mprotect(a, 3 * pg, PROT_READ), ENOMEM);
    /* The part before the hole was changed anyway (Linux applies it page range by range). */
    CHECK(write_faults(a));
    /* Zero length is a no-op. */
    CHECK(mprotect(a, 0, PROT_NONE) == 0);
    CHECK(!read_faults(a));
    CHECK(munmap(a, 2 * pg) == 0);
    TEST_OK();
}
