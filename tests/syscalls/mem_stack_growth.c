/* SPDX-License-Identifier: Apache-2.0 */
/* The main stack grows on demand for deep recursion (well below RLIMIT_STACK), and a
 * MAP_GROWSDOWN mapping extends when the page just below it is touched. */
#include "test.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

__attribute__((noinline)) static long recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    frame[1023] = (char)depth;
    if (depth == 0)
        return frame[0];
    return recurse(depth - 1) + frame[1023] - (char)depth + 1;
}

static int maps_range(uintptr_t addr, uintptr_t *lo_out, uintptr_t *hi_out)
{
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && addr >= lo && addr < hi) {
            *lo_out = lo;
            *hi_out = hi;
            found = 1;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_STACK, &rl) == 0);
    CHECK(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 8 * 1024 * 1024);

    uintptr_t lo0, hi0, lo1, hi1;
    char here;
    CHECK(maps_range((uintptr_t)&here, &lo0, &hi0));
    /* ~4 MiB of stack frames. */
    CHECK_EQ(recurse(4000), 4000);
    CHECK(maps_range((uintptr_t)&here, &lo1, &hi1));
    CHECK_EQ(hi1, hi0);
    CHECK(lo1 <= lo0 - 3 * 1024 * 1024);

    /* MAP_GROWSDOWN: place it with a big free gap below (unmap a reservation). */
    long pg = sysconf(_SC_PAGESIZE);
    size_t gap = 64 * 1024 * 1024;
    char *res = mmap(NULL, gap + 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(res != MAP_FAILED);
    CHECK(munmap(res, gap + 4 * pg) == 0);
    char *top = res + gap;
    char *g = mmap(top, 4 * pg, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
    CHECK(g == top);
    uintptr_t lo, hi;
    CHECK(maps_range((uintptr_t)g, &lo, &hi));
    CHECK_EQ(lo, (uintptr_t)g);
    /* Touch one page below: the mapping grows to include it. */
    volatile char *below = g - pg;
    *below = 5;
    CHECK(maps_range((uintptr_t)below, &lo, &hi));
    CHECK_EQ(lo, (uintptr_t)below);
    CHECK_EQ(hi, (uintptr_t)g + 4 * pg);
    CHECK_EQ(*below, 5);
    CHECK(munmap((void *)lo, hi - lo) == 0);
    TEST_OK();
}
