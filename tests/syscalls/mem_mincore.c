/* SPDX-License-Identifier: Apache-2.0 */
/* mincore reports touched anonymous pages as resident and untouched ones as not, fails with
 * EINVAL for unaligned addresses, ENOMEM for unmapped ranges and EFAULT for a bad vector. */
#include "test.h"

#include <sys/mman.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    unsigned char vec[4];
    CHECK(mincore(a, 4 * pg, vec) == 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(vec[i] & 1, 0);
    a[0] = 1;
    a[2 * pg] = 1;
    CHECK(mincore(a, 4 * pg, vec) == 0);
    CHECK_EQ(vec[0] & 1, 1);
    CHECK_EQ(vec[1] & 1, 0);
    CHECK_EQ(vec[2] & 1, 1);
    CHECK_EQ(vec[3] & 1, 0);
    /* A length that is not a page multiple covers the partial page. */
    memset(vec, 0xee, sizeof(vec));
    CHECK(mincore(a, 1, vec) == 0);
    CHECK_EQ(vec[0] & 1, 1);
    CHECK_EQ(vec[1], 0xee);

    /* Pages dropped by MADV_DONTNEED are no longer resident. */
    CHECK(madvise(a, pg, MADV_DONTNEED) == 0);
    CHECK(mincore(a, pg, vec) == 0);
    CHECK_EQ(vec[0] & 1, 0);

    /* PROT_NONE mappings are still valid for mincore. */
    CHECK(mprotect(a + 3 * pg, pg, PROT_NONE) == 0);
    CHECK(mincore(a + 3 * pg, pg, vec) == 0);

    CHECK_ERR(mincore(a + 1, pg, vec), EINVAL);
    CHECK_ERR(mincore(a, pg, (unsigned char *)8), EFAULT);
    CHECK(munmap(a + pg, pg) == 0);
    CHECK_ERR(mincore(a, 4 * pg, vec), ENOMEM);
    CHECK(munmap(a, 4 * pg) == 0);
    TEST_OK();
}
