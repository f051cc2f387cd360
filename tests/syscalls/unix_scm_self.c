/* SPDX-License-Identifier: Apache-2.0 */
/* Passing unix sockets through themselves: an end sent over itself arrives as a working
 * duplicate, and an end sent into its own receive queue comes back out of it as a working
 * duplicate. (Reference cycles are collected lazily by Linux's unix GC, so their release is
 * not asserted.) */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

static void send_fd(int s, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = { .iov_base = "S", .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    CHECK_EQ(sendmsg(s, &mh, 0), 1);
}

static int recv_fd(int s)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char b;
    struct iovec iov = { .iov_base = &b, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    CHECK_EQ(recvmsg(s, &mh, 0), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    CHECK(c != NULL && c->cmsg_type == SCM_RIGHTS);
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    /* sv[0] over sv[0]: the peer receives another reference to sv[0]. */
    send_fd(sv[0], sv[0]);
    int dup0 = recv_fd(sv[1]);
    CHECK_EQ(write(dup0, "via-dup", 7), 7);
    char buf[16];
    CHECK_EQ(read(sv[1], buf, sizeof(buf)), 7);
    CHECK(memcmp(buf, "via-dup", 7) == 0);
    close(dup0);

    /* sv[1] queued into sv[1]'s own receive queue (sent from sv[0]). */
    send_fd(sv[0], sv[1]);
    int fd1 = recv_fd(sv[1]);
    CHECK_EQ(write(fd1, "r", 1), 1);
    CHECK_EQ(read(sv[0], buf, 1), 1);
    close(fd1);

    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
