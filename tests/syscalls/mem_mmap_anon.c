/* SPDX-License-Identifier: Apache-2.0 */
/* Anonymous private and shared mappings are page aligned, zero filled and writable; a free
 * hint address is honoured; /proc/self/maps reflects the mapping and its protections. */
#include "test.h"

#include <stdint.h>
#include <sys/mman.h>

/* Returns the permission string ("rw-p") of the /proc/self/maps line starting at `addr`. */
static int maps_perms(void *addr, char perms[5])
{
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        char p[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && lo == (uintptr_t)addr) {
            memcpy(perms, p, 5);
            found = 1;
            break;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    CHECK_EQ(pg, 4096);
    size_t len = 5 * pg + 1; /* rounded up to 6 pages */
    unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    CHECK_EQ((uintptr_t)a % pg, 0);
    for (size_t i = 0; i < 6 * (size_t)pg; i++)
        CHECK_EQ(a[i], 0);
    memset(a, 0xab, 6 * pg);
    CHECK_EQ(a[6 * pg - 1], 0xab);
    char perms[5];
    CHECK(maps_perms(a, perms));
    CHECK(strcmp(perms, "rw-p") == 0);
    CHECK(mprotect(a, pg, PROT_READ) == 0);
    CHECK(maps_perms(a, perms));
    CHECK(strcmp(perms, "r--p") == 0);
    CHECK(munmap(a, len) == 0);
    CHECK(!maps_perms(a, perms));

    unsigned char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    CHECK_EQ(s[0], 0);
    s[pg - 1] = 7;
    CHECK(maps_perms(s, perms));
    CHECK(strcmp(perms, "rw-s") == 0);
    CHECK(munmap(s, pg) == 0);

    /* A free hint is used as is (reuse the address we just unmapped). */
    void *hint = a;
    void *h = mmap(hint, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(h == hint);
    /* A hint over an existing mapping is moved elsewhere, not an error. */
    void *h2 = mmap(hint, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(h2 != MAP_FAILED);
    CHECK(h2 != hint);
    CHECK(munmap(h, pg) == 0);
    CHECK(munmap(h2, pg) == 0);

    /* PROT_NONE mappings exist but are inaccessible. */
    void *n = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(n != MAP_FAILED);
    CHECK(maps_perms(n, perms));
    CHECK(strcmp(perms, "---p") == 0);
    CHECK(munmap(n, pg) == 0);
    TEST_OK();
}
