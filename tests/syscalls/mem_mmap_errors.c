/* SPDX-License-Identifier: Apache-2.0 */
/* mmap/munmap argument errors: EINVAL for zero length, missing SHARED/PRIVATE, unaligned
 * offsets and addresses; EBADF for bad fds; EACCES for writable shared maps of read-only fds;
 * ENODEV for unmappable files. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mmap(NULL, pg, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* Length so large it wraps when rounded. */
    CHECK(mmap(NULL, SIZE_MAX, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);

    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 4 * pg) == 0);

    CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED);
    CHECK_EQ(errno, EBADF);
    CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EBADF);
    /* MAP_ANONYMOUS ignores the fd. */
    void *a = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 999, 0);
    CHECK(a != MAP_FAILED);
    CHECK(munmap(a, pg) == 0);

    int ro = open(path, O_RDONLY);
    CHECK(ro >= 0);
    CHECK(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED);
    CHECK_EQ(errno, EACCES);
    /* A private writable map of a read-only fd is fine (copy on write). */
    a = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    CHECK(a != MAP_FAILED);
    CHECK(munmap(a, pg) == 0);
    int wo = open(path, O_WRONLY);
    CHECK(wo >= 0);
    CHECK(mmap(NULL, pg, PROT_READ, MAP_SHARED, wo, 0) == MAP_FAILED);
    CHECK_EQ(errno, EACCES);

    /* A directory or pipe cannot be mapped. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, dfd, 0) == MAP_FAILED);
    CHECK_EQ(errno, ENODEV);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, p[0], 0) == MAP_FAILED);
    CHECK_EQ(errno, ENODEV);

    /* munmap errors. */
    CHECK_ERR(munmap(NULL, 0), EINVAL);
    CHECK_ERR(munmap((void *)(uintptr_t)(pg + 1), pg), EINVAL);
    /* Unmapping an unmapped range is not an error. */
    a = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    CHECK(munmap(a, pg) == 0);
    CHECK(munmap(a, pg) == 0);

    close(p[0]);
    close(p[1]);
    close(dfd);
    close(wo);
    close(ro);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
