/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/maps lists a file mapping with its exact range, permissions (r-xp / rw-s),
 * offset, inode and path; an anonymous mapping has no path and inode 0; after munmap the line
 * is gone; mprotect of part of a mapping splits the line; [stack] and [vdso] exist. */
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Finds the maps line starting at `addr`; returns 1 and copies it into `out` if found. */
static int find_line(void *addr, char *out, size_t len)
{
    FILE *fp = fopen("/proc/self/maps", "r");
    CHECK(fp != NULL);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof(line), fp)) {
        unsigned long lo = strtoul(line, NULL, 16);
        if (lo == (unsigned long)addr) {
            snprintf(out, len, "%s", line);
            found = 1;
            break;
        }
    }
    fclose(fp);
    return found;
}

static int has_word(const char *w)
{
    FILE *fp = fopen("/proc/self/maps", "r");
    CHECK(fp != NULL);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof(line), fp))
        if (strstr(line, w))
            found = 1;
    fclose(fp);
    return found;
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/mapped", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    CHECK(ftruncate(fd, 4 * pg) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);

    char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);
    CHECK(m != MAP_FAILED);
    char line[512], want[512];
    CHECK(find_line(m, line, sizeof(line)));
    unsigned long lo, hi, off, ino;
    char perms[8], dev[16], path[256];
    CHECK_EQ(sscanf(line, "%lx-%lx %7s %lx %15s %lu %255s", &lo, &hi, perms, &off, dev, &ino, path),
             7);
    CHECK_EQ(hi - lo, (unsigned long)(2 * pg));
    CHECK(strcmp(perms, "rw-s") == 0);
    CHECK_EQ(off, (unsigned long)pg);
    CHECK_EQ(ino, st.st_ino);
    CHECK(strcmp(path, f) == 0);
    unsigned maj, min;
    CHECK_EQ(sscanf(dev, "%x:%x", &maj, &min), 2);
    CHECK_EQ(makedev(maj, min), st.st_dev);

    /* Split by mprotect. */
    CHECK(mprotect(m + pg, pg, PROT_READ) == 0);
    CHECK(find_line(m + pg, line, sizeof(line)));
    CHECK(strstr(line, " r--s ") != NULL);
    snprintf(want, sizeof(want), "%lx-%lx", (unsigned long)m, (unsigned long)(m + pg));
    CHECK(find_line(m, line, sizeof(line)));
    CHECK(strncmp(line, want, strlen(want)) == 0);

    char *a = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    CHECK(find_line(a, line, sizeof(line)));
    CHECK_EQ(sscanf(line, "%lx-%lx %7s %lx %15s %lu", &lo, &hi, perms, &off, dev, &ino), 6);
    CHECK(strcmp(perms, "r-xp") == 0);
    CHECK_EQ(ino, 0);
    CHECK(strcmp(dev, "00:00") == 0);
    CHECK(munmap(a, pg) == 0);
    CHECK(!find_line(a, line, sizeof(line)));

    CHECK(has_word("[stack]"));
    CHECK(has_word("[vdso]"));
    /* Unlinking the file marks the mapping "(deleted)". */
    CHECK(unlink(f) == 0);
    CHECK(find_line(m, line, sizeof(line)));
    CHECK(strstr(line, "(deleted)") != NULL);
    CHECK(munmap(m, 2 * pg) == 0);
    close(fd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
