/* SPDX-License-Identifier: Apache-2.0 */
/* MADV_DONTNEED zeroes private anonymous pages but keeps shared and file-backed contents;
 * bad advice or alignment give EINVAL and unmapped ranges ENOMEM. */
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    memset(a, 'z', 3 * pg);
    CHECK(madvise(a + pg, pg, MADV_DONTNEED) == 0);
    CHECK_EQ(a[0], 'z');
    CHECK_EQ(a[pg], 0);
    CHECK_EQ(a[2 * pg - 1], 0);
    CHECK_EQ(a[2 * pg], 'z');

    char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    s[5] = 's';
    CHECK(madvise(s, pg, MADV_DONTNEED) == 0);
    CHECK_EQ(s[5], 's');

    /* A private file mapping drops its private copy and rereads the file. */
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "file", 4), 4);
    char *f = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(f != MAP_FAILED);
    f[0] = 'X';
    CHECK(madvise(f, pg, MADV_DONTNEED) == 0);
    CHECK_EQ(f[0], 'f');

    /* Hints that change nothing visible. */
    CHECK(madvise(a, 3 * pg, MADV_NORMAL) == 0);
    CHECK(madvise(a, 3 * pg, MADV_RANDOM) == 0);
    CHECK(madvise(a, 3 * pg, MADV_SEQUENTIAL) == 0);
    CHECK(madvise(a, 3 * pg, MADV_WILLNEED) == 0);
    CHECK_EQ(a[0], 'z');

    CHECK_ERR(madvise(a + 1, pg, MADV_DONTNEED), EINVAL);
    CHECK_ERR(madvise(a, pg, 12345), EINVAL);
    CHECK(munmap(a + pg, pg) == 0);
    CHECK_ERR(madvise(a, 3 * pg, MADV_DONTNEED), ENOMEM);
    /* Zero length succeeds. */
    CHECK(madvise(a, 0, MADV_DONTNEED) == 0);

    CHECK(munmap(a, 3 * pg) == 0);
    CHECK(munmap(s, pg) == 0);
    CHECK(munmap(f, pg) == 0);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
