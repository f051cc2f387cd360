/* SPDX-License-Identifier: Apache-2.0 */
/* epoll_ctl/epoll_create/epoll_wait errors: ADD twice EEXIST, DEL or MOD of an unregistered fd
 * ENOENT, regular files EPERM, the epoll fd itself EINVAL, a bad op EINVAL, a non-epoll epfd
 * EINVAL, bad fds EBADF; epoll_create(0) and bad epoll_create1 flags EINVAL; maxevents <= 0
 * EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <sys/epoll.h>

int main(void)
{
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    int p[2];
    CHECK(pipe(p) == 0);
    struct epoll_event ev = { .events = EPOLLIN };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, 42, p[0], &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 9999, &ev), EBADF);
    CHECK_ERR(epoll_ctl(9999, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    CHECK_ERR(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL);

    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), EPERM);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, dfd, &ev), EPERM);
    close(dfd);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);

    /* EPOLLEXCLUSIVE restrictions. */
    struct epoll_event ex = { .events = EPOLLIN | EPOLLEXCLUSIVE };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ex) == 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ex), EINVAL);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), EINVAL);
    struct epoll_event ex1 = { .events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT };
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ex1), EINVAL);
    int ep2 = epoll_create1(0);
    CHECK(ep2 >= 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ex), EINVAL); /* not on epoll fds */
    close(ep2);

    CHECK_ERR(epoll_create(0), EINVAL);
    CHECK_ERR(epoll_create(-1), EINVAL);
    int e1 = epoll_create(1);
    CHECK(e1 >= 0);
    CHECK_EQ(fcntl(e1, F_GETFD), 0);
    close(e1);
    CHECK_ERR(epoll_create1(0x1), EINVAL);
    struct epoll_event out[2];
    CHECK_ERR(epoll_wait(ep, out, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_wait, ep, out, -1, 0), EINVAL);
    CHECK_ERR(epoll_wait(p[0], out, 2, 0), EINVAL);
    CHECK_ERR(epoll_wait(9999, out, 2, 0), EBADF);
    /* A bad buffer is only noticed when there is an event to copy out. */
    CHECK_EQ(syscall(SYS_epoll_wait, ep, NULL, 2, 0), 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_ERR(syscall(SYS_epoll_wait, ep, NULL, 2, 0), EFAULT);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1); /* the event was not lost */
    close(p[0]);
    close(p[1]);
    close(ep);
    TEST_OK();
}
