/* SPDX-License-Identifier: Apache-2.0 */
/* Syscalls given bad user pointers fail with EFAULT instead of crashing: write/read with
 * unmapped or read-only buffers, stat, clock_gettime, pipe; a buffer that runs into an
 * unmapped page gives a short transfer. */
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    /* Raw syscalls: glibc's prototypes make the compiler reject obviously bad buffers. */
    CHECK_ERR(syscall(SYS_write, p[1], 1, 10), EFAULT);
    CHECK_ERR(syscall(SYS_write, p[1], NULL, 10), EFAULT);
    /* Zero-length writes do not touch the buffer. */
    CHECK_EQ(syscall(SYS_write, p[1], 1, 0), 0);

    CHECK_EQ(write(p[1], "abc", 3), 3);
    CHECK_ERR(syscall(SYS_read, p[0], 1, 3), EFAULT);
    /* The data is still there after the failed read. */
    char buf[4] = { 0 };
    CHECK_EQ(read(p[0], buf, 3), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);

    long pg = sysconf(_SC_PAGESIZE);
    char *ro = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    CHECK_EQ(write(p[1], "xyz", 3), 3);
    CHECK_ERR(read(p[0], ro, 3), EFAULT);
    /* Writing from read-only memory is fine. */
    CHECK_EQ(write(p[1], ro, 5), 5);

    /* A buffer whose second half is unmapped: the kernel copies what it can. */
    char *rw = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(rw != MAP_FAILED);
    CHECK(munmap(rw + pg, pg) == 0);
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    memset(rw + pg - 10, 'k', 10);
    CHECK_EQ(write(fd, rw + pg - 10, 20), 10);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 10);

    CHECK_ERR(syscall(SYS_fstat, fd, (void *)1), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)1), EFAULT);
    CHECK_ERR(syscall(SYS_pipe2, (void *)1, 0), EFAULT);
    CHECK_ERR(syscall(SYS_openat, AT_FDCWD, (void *)1, O_RDONLY), EFAULT);
    CHECK_ERR(syscall(SYS_uname, (void *)1), EFAULT);

    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
