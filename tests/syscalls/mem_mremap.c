/* SPDX-License-Identifier: Apache-2.0 */
/* mremap shrinks in place, grows in place when there is room, moves with MREMAP_MAYMOVE
 * keeping contents, moves to a chosen place with MREMAP_FIXED, and rejects bad arguments. */
#include "test.h"

#include <stdint.h>
#include <sys/mman.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    /* Reserve 8 pages so growth in place has room, then use the first 2. */
    char *r = mmap(NULL, 8 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(r != MAP_FAILED);
    CHECK(munmap(r + 2 * pg, 6 * pg) == 0);
    CHECK(mprotect(r, 2 * pg, PROT_READ | PROT_WRITE) == 0);
    r[0] = 'A';
    r[pg] = 'B';

    /* Grow in place. */
    char *g = mremap(r, 2 * pg, 4 * pg, 0);
    CHECK(g == r);
    CHECK_EQ(g[0], 'A');
    CHECK_EQ(g[pg], 'B');
    CHECK_EQ(g[3 * pg], 0);
    g[3 * pg] = 'D';

    /* Shrink in place. */
    CHECK(mremap(g, 4 * pg, 3 * pg, 0) == g);

    /* Block growth with a neighbour: without MAYMOVE it fails with ENOMEM. */
    char *block = mmap(g + 3 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(block == g + 3 * pg);
    CHECK(mremap(g, 3 * pg, 5 * pg, 0) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);

    /* With MAYMOVE it moves; the contents move with it and the old range is gone. */
    char *m = mremap(g, 3 * pg, 5 * pg, MREMAP_MAYMOVE);
    CHECK(m != MAP_FAILED);
    CHECK(m != g);
    CHECK_EQ(m[0], 'A');
    CHECK_EQ(m[pg], 'B');
    CHECK_EQ(m[4 * pg], 0);
    unsigned char vec[1];
    CHECK_ERR(mincore(g, pg, vec), ENOMEM);

    /* MREMAP_FIXED to a spot we choose (replacing whatever is there). */
    char *dst = mmap(NULL, 5 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(dst != MAP_FAILED);
    char *f = mremap(m, 5 * pg, 5 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    CHECK(f == dst);
    CHECK_EQ(f[0], 'A');
    f[4 * pg] = 'E'; /* writable: protections moved with the pages */

    /* Errors. */
    CHECK(mremap(f, 5 * pg, 6 * pg, MREMAP_FIXED, dst + 20 * pg) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mremap(f + 1, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mremap(f, pg, 0, MREMAP_MAYMOVE) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mremap(f, pg, pg, 0x80) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* Overlapping source and destination. */
    CHECK(mremap(f, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, f + pg) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* Unmapped source. */
    CHECK(mremap(g, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED);
    CHECK_EQ(errno, EFAULT);
    /* old_size 0 duplicates only shared mappings; for private ones it is EINVAL. */
    CHECK(mremap(f, 0, pg, MREMAP_MAYMOVE) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    char *sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    sh[0] = 'S';
    char *dup = mremap(sh, 0, pg, MREMAP_MAYMOVE);
    CHECK(dup != MAP_FAILED);
    CHECK(dup != sh);
    CHECK_EQ(dup[0], 'S');
    dup[1] = 'T';
    CHECK_EQ(sh[1], 'T');

    CHECK(munmap(sh, pg) == 0);
    CHECK(munmap(dup, pg) == 0);
    CHECK(munmap(f, 5 * pg) == 0);
    CHECK(munmap(block, pg) == 0);
    TEST_OK();
}
