/* SPDX-License-Identifier: Apache-2.0 */
/* MAP_FIXED replaces existing pages (the new ones read as zero), MAP_FIXED_NOREPLACE fails
 * with EEXIST over existing pages and MAP_FIXED needs an aligned address. */
#include "test.h"

#include <stdint.h>
#include <sys/mman.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    memset(a, 'x', 4 * pg);

    char *b =
        mmap(a + pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(b == a + pg);
    CHECK_EQ(b[0], 0);
    CHECK_EQ(b[pg - 1], 0);
    /* Neighbours are untouched. */
    CHECK_EQ(a[pg - 1], 'x');
    CHECK_EQ(a[2 * pg], 'x');

    char *c =
        mmap(a + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(c == MAP_FAILED);
    CHECK_EQ(errno, EEXIST);
    /* Partially overlapping is also EEXIST. */
    CHECK(munmap(a + 3 * pg, pg) == 0);
    c = mmap(a + 2 * pg, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
             0);
    CHECK(c == MAP_FAILED);
    CHECK_EQ(errno, EEXIST);
    /* On a free range it maps exactly there. */
    c = mmap(a + 3 * pg, pg, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(c == a + 3 * pg);
    c[0] = 1;

    CHECK(mmap(a + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* Without MAP_FIXED an unaligned hint is just rounded / ignored. */
    void *d = mmap(a + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(d != MAP_FAILED);
    CHECK_EQ((uintptr_t)d % pg, 0);
    CHECK(munmap(d, pg) == 0);
    CHECK(munmap(a, 4 * pg) == 0);
    TEST_OK();
}
