/* SPDX-License-Identifier: Apache-2.0 */
/* O_PATH descriptors name a file without opening it: read/write/fchmod/ioctl fail with EBADF,
 * fstat and fchdir and openat work, F_GETFL reports O_PATH, and no read permission is needed. */
#include "test.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_WRONLY | O_CREAT, 0);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abc", 3), 3);
    close(fd);

    int pfd = open(f, O_PATH | O_RDWR |
                          O_TRUNC); /* other flags than CLOEXEC/DIRECTORY/NOFOLLOW ignored */
    CHECK(pfd >= 0);
    struct stat st;
    CHECK(fstat(pfd, &st) == 0);
    CHECK_EQ(st.st_size, 3); /* O_TRUNC was ignored */
    CHECK_EQ(fcntl(pfd, F_GETFL) & (O_PATH | O_ACCMODE), O_PATH);
    char c;
    CHECK_ERR(read(pfd, &c, 1), EBADF);
    CHECK_ERR(write(pfd, "x", 1), EBADF);
    CHECK_ERR(pread(pfd, &c, 1, 0), EBADF);
    CHECK_ERR(fchmod(pfd, 0600), EBADF);
    CHECK_ERR(fchown(pfd, 0, 0), EBADF);
    CHECK_ERR(ftruncate(pfd, 0), EBADF);
    int n;
    CHECK_ERR(ioctl(pfd, FIONREAD, &n), EBADF);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, pfd, 0) == MAP_FAILED);
    CHECK_EQ(errno, EBADF);
    CHECK_ERR(lseek(pfd, 0, SEEK_SET), EBADF);
    /* dup and fcntl work. */
    int d2 = dup(pfd);
    CHECK(d2 >= 0);
    close(d2);
    /* fstatat with AT_EMPTY_PATH and re-opening via /proc/self/fd work. */
    CHECK(fstatat(pfd, "", &st, AT_EMPTY_PATH) == 0);
    CHECK(S_ISREG(st.st_mode));
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
    int rfd = open(proc, O_RDONLY);
    CHECK(rfd >= 0);
    char buf[4];
    CHECK_EQ(read(rfd, buf, sizeof(buf)), 3);
    close(rfd);
    close(pfd);

    /* Directory O_PATH fds work as dirfds and for fchdir. */
    int dfd = open(dir, O_PATH | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(fstatat(dfd, "f", &st, 0) == 0);
    rfd = openat(dfd, "f", O_RDONLY);
    CHECK(rfd >= 0);
    close(rfd);
    char old[256];
    CHECK(getcwd(old, sizeof(old)) != NULL);
    CHECK(fchdir(dfd) == 0);
    CHECK(access("f", F_OK) == 0);
    CHECK(chdir(old) == 0);
    /* getdents on an O_PATH dir fails with EBADF. */
    char dents[256];
    CHECK_ERR(syscall(SYS_getdents64, dfd, dents, sizeof(dents)), EBADF);
    /* O_PATH on a file with O_DIRECTORY: ENOTDIR. */
    CHECK_ERR(open(f, O_PATH | O_DIRECTORY), ENOTDIR);
    close(dfd);

    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
