/* SPDX-License-Identifier: Apache-2.0 */
/* memfd seals: without MFD_ALLOW_SEALING the file starts with F_SEAL_SEAL (adding is EPERM);
 * F_GET_SEALS reports what was added; F_SEAL_WRITE is EBUSY while a writable shared mapping
 * exists; F_SEAL_FUTURE_WRITE blocks writes but keeps old mappings writable; F_SEAL_SEAL
 * freezes the set; seals on an ext4 file are EINVAL (a tmpfs file starts with F_SEAL_SEAL); memfds
 * show as "/memfd:name". */
#include "test.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/statfs.h>

int main(void)
{
    int nf = memfd_create("noseal", 0);
    CHECK(nf >= 0);
    CHECK_EQ(fcntl(nf, F_GET_SEALS), F_SEAL_SEAL);
    CHECK_ERR(fcntl(nf, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    close(nf);

    int fd = memfd_create("sealme", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    char link[64], target[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = 0;
    CHECK(strcmp(target, "/memfd:sealme (deleted)") == 0);

    CHECK(ftruncate(fd, 4096) == 0);
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), 0);

    /* FUTURE_WRITE is allowed with the mapping; the mapping keeps working. */
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_FUTURE_WRITE);
    m[0] = 'm';
    CHECK_ERR(write(fd, "x", 1), EPERM);
    CHECK_ERR(pwrite(fd, "x", 1, 100), EPERM);
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
    CHECK_EQ(errno, EPERM);
    void *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(ro != MAP_FAILED);
    CHECK(((char *)ro)[0] == 'm');
    /* Truncation is still fine without SHRINK/GROW seals. */
    CHECK(ftruncate(fd, 8192) == 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK) == 0);
    CHECK_ERR(ftruncate(fd, 4096), EPERM);
    CHECK_ERR(ftruncate(fd, 16384), EPERM);
    CHECK(ftruncate(fd, 8192) == 0); /* same size is fine */
    CHECK_ERR(fallocate(fd, 0, 0, 65536), EPERM);

    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0);
    CHECK_EQ(fcntl(fd, F_GET_SEALS),
             F_SEAL_FUTURE_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, 0x1000), EINVAL);

    /* Seals are on the inode: a reopen via /proc sees them. */
    int again = open(link, O_RDONLY);
    CHECK(again >= 0);
    CHECK_EQ(fcntl(again, F_GET_SEALS),
             F_SEAL_FUTURE_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
    close(again);

    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int rf = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(rf >= 0);
    struct statfs sfs;
    CHECK(fstatfs(rf, &sfs) == 0);
    if (sfs.f_type == TMPFS_MAGIC) {
        /* tmpfs files are shmem files: they support seals but start sealed. */
        CHECK_EQ(fcntl(rf, F_GET_SEALS), F_SEAL_SEAL);
        CHECK_ERR(fcntl(rf, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    } else {
        CHECK_ERR(fcntl(rf, F_GET_SEALS), EINVAL);
        CHECK_ERR(fcntl(rf, F_ADD_SEALS, F_SEAL_WRITE), EINVAL);
    }
    close(rf);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);

    CHECK_ERR(memfd_create("bad", 0x1000), EINVAL);
    char longname[300];
    memset(longname, 'n', sizeof(longname));
    longname[299] = 0;
    CHECK_ERR(memfd_create(longname, 0), EINVAL);
    munmap(m, 4096);
    munmap(ro, 4096);
    close(fd);
    TEST_OK();
}
