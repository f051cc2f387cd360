/* SPDX-License-Identifier: Apache-2.0 */
/* memfd_create gives an anonymous file that can be sized, mapped shared and sealed: after
 * F_SEAL_WRITE, writes and writable shared maps fail with EPERM; F_SEAL_SHRINK/GROW block
 * truncation. */
#include "test.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <sys/mman.h>
#include <sys/stat.h>

int main(void)
{
    int fd = memfd_create("corpus", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    char link[64], target[128];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = 0;
    CHECK(strcmp(target, "/memfd:corpus (deleted)") == 0);

    long pg = sysconf(_SC_PAGESIZE);
    CHECK(ftruncate(fd, pg) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, pg);
    char *m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    m[0] = 'm';
    char c;
    CHECK_EQ(pread(fd, &c, 1, 0), 1);
    CHECK_EQ(c, 'm');
    CHECK(munmap(m, pg) == 0);

    CHECK_EQ(fcntl(fd, F_GET_SEALS), 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW) == 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
    CHECK_ERR(pwrite(fd, "x", 1, 0), EPERM);
    CHECK_ERR(ftruncate(fd, 2 * pg), EPERM);
    CHECK_ERR(ftruncate(fd, 0), EPERM);
    CHECK(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
    CHECK_EQ(errno, EPERM);
    /* Read-only and private maps are still fine. */
    m = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK_EQ(m[0], 'm');
    CHECK(munmap(m, pg) == 0);

    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    close(fd);

    /* Without MFD_ALLOW_SEALING, the memfd starts sealed with F_SEAL_SEAL. */
    fd = memfd_create("nosealing", 0);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    close(fd);

    CHECK_ERR(memfd_create("bad", 0x1000), EINVAL);
    /* Sealing a regular file: EINVAL, except on tmpfs, whose files support seals but start
     * with F_SEAL_SEAL (EPERM). */
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    fd = open(path, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    struct statfs sfs;
    CHECK(fstatfs(fd, &sfs) == 0);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), sfs.f_type == TMPFS_MAGIC ? EPERM : EINVAL);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
