/* SPDX-License-Identifier: Apache-2.0 */
/* Unmapping the middle of a mapping splits it: the hole faults with SEGV_MAPERR and mincore
 * reports ENOMEM there, while both remaining pieces keep their contents. */
#include "test.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf g_jmp;
static volatile int g_code;

static void on_segv(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    g_code = info->si_code;
    siglongjmp(g_jmp, 1);
}

static int faults(volatile char *p)
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
    char *a = mmap(NULL, 5 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    for (int i = 0; i < 5; i++)
        a[i * pg] = (char)('a' + i);

    CHECK(munmap(a + pg, 2 * pg) == 0);
    CHECK(faults(a + pg));
    CHECK_EQ(g_code, SEGV_MAPERR);
    CHECK(faults(a + 2 * pg + 100));
    CHECK(!faults(a));
    CHECK(!faults(a + 3 * pg));
    CHECK_EQ(a[0], 'a');
    CHECK_EQ(a[3 * pg], 'd');
    CHECK_EQ(a[4 * pg], 'e');

    unsigned char vec[5];
    CHECK_ERR(mincore(a, 5 * pg, vec), ENOMEM);
    CHECK(mincore(a + 3 * pg, 2 * pg, vec) == 0);

    /* A length that is not a page multiple is rounded up. */
    CHECK(munmap(a + 3 * pg, 1) == 0);
    CHECK(faults(a + 3 * pg));
    CHECK(!faults(a + 4 * pg));

    /* One munmap can cover several mappings and holes. */
    CHECK(munmap(a, 5 * pg) == 0);
    CHECK(faults(a));
    CHECK(faults(a + 4 * pg));
    TEST_OK();
}
