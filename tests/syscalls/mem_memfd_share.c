/* SPDX-License-Identifier: Apache-2.0 */
/*
 * memfds shared between processes: a MAP_SHARED mapping survives fork in
 * both directions, a memfd passed with SCM_RIGHTS maps the same pages in the
 * receiver, and F_SEAL_WRITE is EBUSY while another process has a writable
 * shared mapping. Also the name rules (249 bytes at most), MFD_HUGETLB (EINVAL or a file),
 * st_nlink 0, F_ADD_SEALS through a read-only reopen (EPERM) and seals on
 * write / pwrite past EOF with F_SEAL_GROW.
 */
#include "test.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

static void send_fd(int sock, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char byte = 'f';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    CHECK_EQ(sendmsg(sock, &mh, 0), 1);
}

static int recv_fd(int sock)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    struct cmsghdr *cm;
    int fd;

    CHECK_EQ(recvmsg(sock, &mh, 0), 1);
    cm = CMSG_FIRSTHDR(&mh);
    CHECK(cm != NULL && cm->cmsg_type == SCM_RIGHTS);
    memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    return fd;
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char name[300];
    struct stat st;
    int fd, sv[2];
    pid_t pid;

    /* Names: 249 bytes is the longest. */
    memset(name, 'n', sizeof(name));
    name[249] = 0;
    fd = memfd_create(name, 0);
    CHECK(fd >= 0);
    close(fd);
    name[249] = 'n';
    name[250] = 0;
    CHECK_ERR(memfd_create(name, 0), EINVAL);
    /* Huge pages: the host may have hugetlbfs; the sandbox says EINVAL. */
    int h = memfd_create("huge", MFD_HUGETLB);
    CHECK(h >= 0 || errno == EINVAL);
    if (h >= 0)
        close(h);

    fd = memfd_create("shared", MFD_ALLOW_SEALING);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_size, 0);
    CHECK(ftruncate(fd, 2 * pg) == 0);
    volatile char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);

    /* fork: the child's writes show in the parent and the parent's in the child. */
    m[0] = 'p';
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c;

        if (m[0] != 'p')
            _exit(2);
        m[1] = 'c';
        if (write(sv[1], "1", 1) != 1 || read(sv[1], &c, 1) != 1)
            _exit(3);
        if (m[2] != 'P')
            _exit(4);
        /* SCM_RIGHTS: a second memfd, mapped here after it arrives. */
        int got = recv_fd(sv[1]);
        char *m2 = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, got, 0);
        if (m2 == MAP_FAILED || m2[0] != 's')
            _exit(5);
        m2[1] = 'r';
        if (write(sv[1], "2", 1) != 1 || read(sv[1], &c, 1) != 1)
            _exit(6);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(sv[0], &c, 1), 1);
    CHECK_EQ(m[1], 'c');
    m[2] = 'P';
    CHECK_EQ(write(sv[0], "go", 1), 1);

    int fd2 = memfd_create("passed", MFD_CLOEXEC);
    CHECK(fd2 >= 0);
    CHECK(ftruncate(fd2, pg) == 0);
    CHECK_EQ(pwrite(fd2, "s", 1, 0), 1);
    send_fd(sv[0], fd2);
    CHECK_EQ(read(sv[0], &c, 1), 1);
    CHECK_EQ(pread(fd2, &c, 1, 1), 1);
    CHECK_EQ(c, 'r');

    /* Our own mapping is gone, the child's (inherited, writable) is not: EBUSY. */
    CHECK(munmap((void *)m, 2 * pg) == 0);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    CHECK_EQ(write(sv[0], "x", 1), 1);
    int status = test_wait(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0);
    CHECK_ERR(write(fd, "w", 1), EPERM);
    close(fd);
    close(fd2);

    /* A read-only reopen may read the seals but not add any. */
    fd = memfd_create("grow", MFD_ALLOW_SEALING);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abcd", 4), 4);
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    int ro = open(link, O_RDONLY);
    CHECK(ro >= 0);
    CHECK_EQ(fcntl(ro, F_GET_SEALS), 0);
    CHECK_ERR(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    close(ro);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == 0);
    CHECK_EQ(pwrite(fd, "xy", 2, 2), 2); /* within the size */
    CHECK_ERR(pwrite(fd, "xyz", 3, 2), EPERM);
    CHECK_ERR(write(fd, "z", 1), EPERM); /* at EOF */
    /* Linux's shmem_fallocate: past EOF is growth even with FALLOC_FL_KEEP_SIZE. */
    CHECK_EQ(fallocate(fd, 0, 0, 4), 0);
    CHECK_ERR(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 2 * pg), EPERM);
    CHECK_ERR(fallocate(fd, 0, 0, 2 * pg), EPERM);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 4);
    close(fd);
    TEST_OK();
}
