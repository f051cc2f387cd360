/* SPDX-License-Identifier: Apache-2.0 */
/* The raw brk syscall returns the current break for 0 or invalid requests, grows (zeroed
 * memory) and shrinks the heap; the area shows as [heap]. */
#include "test.h"

#include <stdint.h>
#include <sys/syscall.h>

static int in_heap_map(uintptr_t addr)
{
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && strstr(line, "[heap]") && addr >= lo &&
            addr < hi)
            found = 1;
    }
    fclose(f);
    return found;
}

int main(void)
{
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(cur != 0);
    long pg = sysconf(_SC_PAGESIZE);

    uintptr_t want = cur + 64 * pg + 5;
    uintptr_t got = (uintptr_t)syscall(SYS_brk, want);
    /* The break itself is byte exact; the mapping is rounded to pages. */
    CHECK_EQ(got, want);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, 0), want);
    volatile char *p = (char *)cur;
    for (long i = 0; i < 64 * pg; i += pg)
        CHECK_EQ(p[i], 0);
    p[64 * pg + 4] = 1;
    CHECK(in_heap_map(cur + 10 * pg));

    /* Shrink: the pages are released; growing again gives zeroes. */
    p[pg] = 'x';
    CHECK_EQ((uintptr_t)syscall(SYS_brk, cur), cur);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, cur + 2 * pg), cur + 2 * pg);
    /* The page holding cur + pg lies wholly above cur, so it was released. */
    CHECK_EQ(p[pg], 0);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, cur), cur);

    /* Failure does not set errno: the old break is returned. Below the start of the heap and
     * absurdly high requests both fail that way. */
    CHECK_EQ((uintptr_t)syscall(SYS_brk, 4096), cur);
    CHECK_EQ((uintptr_t)syscall(SYS_brk, (uintptr_t)1 << 46), cur);

    /* sbrk goes through the same break. */
    void *s = sbrk(0);
    CHECK((uintptr_t)s == cur);
    CHECK(sbrk(pg) == s);
    CHECK((uintptr_t)sbrk(0) == cur + pg);
    CHECK(sbrk(-pg) != (void *)-1);
    CHECK((uintptr_t)sbrk(0) == cur);
    TEST_OK();
}
