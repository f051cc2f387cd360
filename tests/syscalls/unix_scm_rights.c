/* SPDX-License-Identifier: Apache-2.0 */
/* SCM_RIGHTS passes several descriptors in one message: the receiver gets new fds (lowest
 * free numbers, in order) referring to the same open files; the sender may close its copies
 * while they are in flight; MSG_CMSG_CLOEXEC sets FD_CLOEXEC on them. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

static void send_fds(int s, const int *fds, int n)
{
    char cbuf[CMSG_SPACE(sizeof(int) * 8)];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = { .iov_base = "F", .iov_len = 1 };
    struct msghdr mh = { .msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = cbuf,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
    CHECK_EQ(sendmsg(s, &mh, 0), 1);
}

/* Receives a message with up to 8 fds; returns how many arrived. */
static int recv_fds(int s, int *fds, int flags)
{
    char cbuf[CMSG_SPACE(sizeof(int) * 8)];
    char b;
    struct iovec iov = { .iov_base = &b, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    CHECK_EQ(recvmsg(s, &mh, flags), 1);
    CHECK_EQ(b, 'F');
    /* Linux leaves MSG_CMSG_CLOEXEC set in msg_flags when it was asked for. */
    CHECK_EQ(mh.msg_flags, flags & MSG_CMSG_CLOEXEC);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    CHECK(c != NULL);
    CHECK_EQ(c->cmsg_level, SOL_SOCKET);
    CHECK_EQ(c->cmsg_type, SCM_RIGHTS);
    int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)n);
    CHECK(CMSG_NXTHDR(&mh, c) == NULL);
    return n;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int p1[2], p2[2];
    CHECK(pipe(p1) == 0);
    CHECK(pipe(p2) == 0);
    int dn = open("/dev/null", O_RDONLY);
    CHECK(dn >= 0);

    int out[3] = { p1[1], p2[1], dn };
    send_fds(sv[0], out, 3);
    /* Closing the originals does not affect the in-flight references. */
    close(p1[1]);
    close(p2[1]);
    close(dn);

    int in[8];
    CHECK_EQ(recv_fds(sv[1], in, 0), 3);
    /* New fds take the lowest free numbers, in order (the three just closed). */
    int sorted[3] = { out[0], out[1], out[2] };
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (sorted[j] < sorted[i]) {
                int t = sorted[i];
                sorted[i] = sorted[j];
                sorted[j] = t;
            }
    for (int i = 0; i < 3; i++)
        CHECK_EQ(in[i], sorted[i]);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(fcntl(in[i], F_GETFD), 0);

    /* They are the same open files. */
    CHECK_EQ(write(in[0], "1", 1), 1);
    CHECK_EQ(write(in[1], "2", 1), 1);
    char c = 0;
    CHECK_EQ(read(p1[0], &c, 1), 1);
    CHECK_EQ(c, '1');
    CHECK_EQ(read(p2[0], &c, 1), 1);
    CHECK_EQ(c, '2');
    CHECK_EQ(fcntl(in[2], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(read(in[2], &c, 1), 0);
    close(in[0]);
    close(in[1]);
    close(in[2]);
    /* With the received copies closed, the pipes see EOF. */
    CHECK_EQ(read(p1[0], &c, 1), 0);
    CHECK_EQ(read(p2[0], &c, 1), 0);

    /* MSG_CMSG_CLOEXEC, and passing a socket end itself. */
    int one[1] = { sv[0] };
    send_fds(sv[0], one, 1);
    CHECK_EQ(recv_fds(sv[1], in, MSG_CMSG_CLOEXEC), 1);
    CHECK_EQ(fcntl(in[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(write(in[0], "z", 1), 1);
    CHECK_EQ(read(sv[1], &c, 1), 1);
    CHECK_EQ(c, 'z');

    /* A bad fd in the array fails the whole send with EBADF. */
    int badset[2] = { p1[0], 999 };
    char cbuf[CMSG_SPACE(sizeof(int) * 2)];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = { .iov_base = "F", .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(badset));
    memcpy(CMSG_DATA(cm), badset, sizeof(badset));
    CHECK_ERR(sendmsg(sv[0], &mh, 0), EBADF);
    CHECK_ERR(recv(sv[1], &c, 1, MSG_DONTWAIT), EAGAIN);
    close(in[0]);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
