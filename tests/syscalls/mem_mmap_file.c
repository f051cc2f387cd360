/* SPDX-License-Identifier: Apache-2.0 */
/* File mappings: MAP_SHARED writes reach the file (and read()), write() is visible through
 * both shared and untouched private mappings, MAP_PRIVATE writes stay private, and offsets
 * map the right page. msync flags are validated. */
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 3 * pg) == 0);
    CHECK_EQ(pwrite(fd, "page2", 5, 2 * pg), 5);

    char *sh = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *pr = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *off = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 2 * pg);
    CHECK(sh != MAP_FAILED && pr != MAP_FAILED && off != MAP_FAILED);
    CHECK(memcmp(off, "page2", 5) == 0);
    CHECK(memcmp(sh + 2 * pg, "page2", 5) == 0);

    /* Shared write -> file, other mappings of the page, and the private mapping's untouched
     * page. */
    memcpy(sh + 2 * pg, "PAGE2", 5);
    char buf[8] = { 0 };
    CHECK_EQ(pread(fd, buf, 5, 2 * pg), 5);
    CHECK(memcmp(buf, "PAGE2", 5) == 0);
    CHECK(memcmp(off, "PAGE2", 5) == 0);
    CHECK(memcmp(pr + 2 * pg, "PAGE2", 5) == 0);

    /* write() shows through the mappings. */
    CHECK_EQ(pwrite(fd, "hello", 5, 0), 5);
    CHECK(memcmp(sh, "hello", 5) == 0);
    CHECK(memcmp(pr, "hello", 5) == 0);

    /* A private write copies the page; later file changes no longer show there. */
    pr[0] = 'J';
    CHECK_EQ(pread(fd, buf, 5, 0), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(sh[0], 'h');
    CHECK_EQ(pwrite(fd, "w", 1, 1), 1);
    CHECK_EQ(sh[1], 'w');
    CHECK_EQ(pr[1], 'e');

    /* msync writes back and validates its flags. */
    sh[100] = 'm';
    CHECK(msync(sh, pg, MS_SYNC) == 0);
    CHECK(msync(sh, pg, MS_ASYNC) == 0);
    CHECK(msync(sh, pg, MS_INVALIDATE) == 0);
    CHECK_EQ(pread(fd, buf, 1, 100), 1);
    CHECK_EQ(buf[0], 'm');
    CHECK_ERR(msync(sh, pg, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERR(msync(sh + 1, pg, MS_SYNC), EINVAL);
    CHECK_ERR(msync(sh, pg, 0x100), EINVAL);

    /* After unmapping, the data is still in the file. */
    CHECK(munmap(sh, 3 * pg) == 0);
    CHECK_ERR(msync(sh, pg, MS_SYNC), ENOMEM);
    CHECK(munmap(pr, 3 * pg) == 0);
    CHECK(munmap(off, pg) == 0);
    CHECK_EQ(pread(fd, buf, 5, 2 * pg), 5);
    CHECK(memcmp(buf, "PAGE2", 5) == 0);

    /* Mapping beyond EOF is allowed (access would SIGBUS); the mapping survives close(). */
    char *beyond = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 10 * pg);
    CHECK(beyond != MAP_FAILED);
    CHECK(munmap(beyond, pg) == 0);
    char *keep = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(keep != MAP_FAILED);
    close(fd);
    CHECK_EQ(keep[0], 'h');
    CHECK(munmap(keep, pg) == 0);

    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
