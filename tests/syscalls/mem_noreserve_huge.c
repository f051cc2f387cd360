/* SPDX-License-Identifier: Apache-2.0 */
/* A 1 TiB MAP_NORESERVE anonymous mapping succeeds; pages spread across it can be touched and
 * read back, untouched pages read as zero, and only touched pages become resident. */
#include "test.h"

#include <stdint.h>
#include <sys/mman.h>

int main(void)
{
    size_t len = (size_t)1 << 40;
    char *a =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(a != MAP_FAILED);
    long pg = sysconf(_SC_PAGESIZE);
    for (int i = 0; i < 16; i++) {
        size_t off = (len / 16) * i + (size_t)i * pg;
        a[off] = (char)(i + 1);
    }
    for (int i = 0; i < 16; i++) {
        size_t off = (len / 16) * i + (size_t)i * pg;
        CHECK_EQ(a[off], i + 1);
        CHECK_EQ(a[off + pg], 0);
    }
    CHECK_EQ(a[len - 1], 0);
    unsigned char vec[1];
    CHECK(mincore(a + len / 2 + 7 * pg, pg, vec) == 0);
    CHECK_EQ(vec[0] & 1, 0);
    CHECK(munmap(a, len) == 0);

    /* Without NORESERVE, 1 TiB shared anonymous memory may also be created on an overcommit
     * system; a size beyond the address space fails with ENOMEM. */
    CHECK(mmap(NULL, (size_t)1 << 48, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
               0) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    TEST_OK();
}
