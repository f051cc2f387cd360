/* SPDX-License-Identifier: Apache-2.0 */
/* /dev/shm is a sticky, world-writable tmpfs where shm_open creates files: O_CREAT|O_EXCL is
 * EEXIST on a second try, ftruncate + MAP_SHARED share memory across fork, the object shows
 * up as /dev/shm/<name>, and shm_unlink removes it (ENOENT afterwards). */
#include "test.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>

int main(void)
{
    struct stat st;
    CHECK(stat("/dev/shm", &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 01777);
    struct statfs sfs;
    CHECK(statfs("/dev/shm", &sfs) == 0);
    CHECK_EQ(sfs.f_type, TMPFS_MAGIC);

    char name[64], path[96];
    snprintf(name, sizeof(name), "/systest-shm-%d", getpid());
    snprintf(path, sizeof(path), "/dev/shm%s", name);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_ERR(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
    CHECK(stat(path, &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0600);
    CHECK(ftruncate(fd, 4096) == 0);
    volatile int *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int cfd = shm_open(name, O_RDWR, 0);
        if (cfd < 0)
            _exit(2);
        volatile int *cm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        if (cm == MAP_FAILED)
            _exit(3);
        cm[10] = 1234;
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK_EQ(m[10], 1234);
    CHECK(shm_unlink(name) == 0);
    CHECK_ERR(stat(path, &st), ENOENT);
    CHECK_ERR(shm_unlink(name), ENOENT);
    CHECK_ERR(shm_open(name, O_RDWR, 0), ENOENT);
    CHECK_EQ(m[10], 1234); /* the mapping outlives the name */
    munmap((void *)m, 4096);
    close(fd);
    TEST_OK();
}
