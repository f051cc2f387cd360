/* SPDX-License-Identifier: Apache-2.0 */
/* Socket calls on descriptors that are not sockets are ENOTSOCK, on closed descriptors EBADF,
 * for every entry point (bind, connect, listen, accept, send*, recv*, get/setsockopt,
 * getsockname, getpeername, shutdown). */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int f = open("/proc/self/exe", O_RDONLY);
    CHECK(f >= 0);
    int bad = 9999;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    socklen_t len = sizeof(sun);
    char b = 0;
    int v = 0;
    socklen_t vl = sizeof(v);
    struct msghdr mh = { 0 };
    int fds[2] = { f, bad };
    int errs[2] = { ENOTSOCK, EBADF };
    for (int i = 0; i < 2; i++) {
        int fd = fds[i], e = errs[i];
        CHECK_ERR(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), e);
        CHECK_ERR(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), e);
        CHECK_ERR(listen(fd, 1), e);
        CHECK_ERR(accept(fd, NULL, NULL), e);
        CHECK_ERR(accept4(fd, NULL, NULL, 0), e);
        CHECK_ERR(send(fd, &b, 1, 0), e);
        CHECK_ERR(sendto(fd, &b, 1, 0, NULL, 0), e);
        CHECK_ERR(sendmsg(fd, &mh, 0), e);
        CHECK_ERR(recv(fd, &b, 1, 0), e);
        CHECK_ERR(recvfrom(fd, &b, 1, 0, NULL, NULL), e);
        CHECK_ERR(recvmsg(fd, &mh, 0), e);
        CHECK_ERR(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl), e);
        CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), e);
        CHECK_ERR(getsockname(fd, (struct sockaddr *)&sun, &len), e);
        CHECK_ERR(getpeername(fd, (struct sockaddr *)&sun, &len), e);
        CHECK_ERR(shutdown(fd, SHUT_RDWR), e);
        CHECK_ERR(sendmmsg(fd, NULL, 0, 0), e);
        CHECK_ERR(recvmmsg(fd, NULL, 0, 0, NULL), e);
    }
    close(f);
    TEST_OK();
}
