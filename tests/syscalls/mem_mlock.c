/* SPDX-License-Identifier: Apache-2.0 */
/* mlock/munlock and mlockall/munlockall update VmLck, lock pages resident, and fail with
 * ENOMEM on unmapped ranges and EINVAL on bad flags. */
#include "test.h"

#include <sys/mman.h>

static long vm_lck_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    CHECK(f != NULL);
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    CHECK_EQ(vm_lck_kb(), 0);
    char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);

    CHECK(mlock(a, 2 * pg) == 0);
    CHECK_EQ(vm_lck_kb(), 2 * pg / 1024);
    /* mlock populates the pages. */
    unsigned char vec[4];
    CHECK(mincore(a, 4 * pg, vec) == 0);
    CHECK_EQ(vec[0] & 1, 1);
    CHECK_EQ(vec[1] & 1, 1);
    /* Locking again does not double count; an unaligned start is rounded down. */
    CHECK(mlock(a + 10, pg) == 0);
    CHECK_EQ(vm_lck_kb(), 2 * pg / 1024);
    CHECK(munlock(a, pg) == 0);
    CHECK_EQ(vm_lck_kb(), pg / 1024);
    CHECK(munlock(a, 4 * pg) == 0);
    CHECK_EQ(vm_lck_kb(), 0);

    CHECK(mlock2(a, pg, MLOCK_ONFAULT) == 0);
    CHECK_ERR(mlock2(a, pg, 0x100), EINVAL);
    CHECK(munlock(a, pg) == 0);

    CHECK(mlockall(MCL_CURRENT) == 0);
    CHECK(vm_lck_kb() >= 4 * pg / 1024);
    CHECK(munlockall() == 0);
    CHECK_EQ(vm_lck_kb(), 0);
    CHECK_ERR(mlockall(0), EINVAL);
    CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL);

    CHECK(munmap(a + pg, pg) == 0);
    CHECK_ERR(mlock(a, 3 * pg), ENOMEM);
    CHECK_ERR(munlock(a, 3 * pg), ENOMEM);
    CHECK(munlock(a, pg) == 0);
    CHECK(munmap(a, 4 * pg) == 0);
    CHECK_EQ(vm_lck_kb(), 0);
    TEST_OK();
}
