/* SPDX-License-Identifier: Apache-2.0 */
/* Device numbers and odd corners: /dev/null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9;
 * a private mapping of /dev/zero is zero-filled and writable, a shared one is shared with a
 * child (like MAP_SHARED|MAP_ANONYMOUS); /dev/random reads (non-blocking once seeded);
 * lseek on /dev/zero and /dev/full always returns 0. */
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    static const struct {
        const char *path;
        unsigned minor;
    } devs[] = { { "/dev/null", 3 },
                 { "/dev/zero", 5 },
                 { "/dev/full", 7 },
                 { "/dev/random", 8 },
                 { "/dev/urandom", 9 } };
    for (int i = 0; i < 5; i++) {
        struct stat st;
        CHECK(stat(devs[i].path, &st) == 0);
        CHECK(S_ISCHR(st.st_mode));
        CHECK_EQ(major(st.st_rdev), 1);
        CHECK_EQ(minor(st.st_rdev), devs[i].minor);
        CHECK_EQ(st.st_mode & 0666, 0666);
    }

    int z = open("/dev/zero", O_RDWR);
    CHECK(z >= 0);
    long pg = sysconf(_SC_PAGESIZE);
    unsigned char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    CHECK(m != MAP_FAILED);
    for (long i = 0; i < 2 * pg; i++)
        CHECK(m[i] == 0);
    m[5] = 9;
    CHECK(munmap(m, 2 * pg) == 0);
    volatile unsigned char *sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    CHECK(sh != MAP_FAILED);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        sh[0] = 42;
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK_EQ(sh[0], 42);
    CHECK_EQ(lseek(z, 12345, SEEK_SET), 0);
    close(z);
    int full = open("/dev/full", O_RDWR);
    CHECK(full >= 0);
    CHECK_EQ(lseek(full, 99, SEEK_CUR), 0);
    close(full);

    int r = open("/dev/random", O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    unsigned char buf[64];
    CHECK_EQ(read(r, buf, sizeof(buf)), (long)sizeof(buf));
    close(r);
    /* /dev/null lseek is also 0, writes of any size succeed. */
    int n = open("/dev/null", O_WRONLY);
    CHECK(n >= 0);
    static char big[1 << 20];
    CHECK_EQ(write(n, big, sizeof(big)), (long)sizeof(big));
    close(n);
    TEST_OK();
}
