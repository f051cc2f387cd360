/* SPDX-License-Identifier: Apache-2.0 */
/* When the control buffer holds fewer fds than were sent, recvmsg sets MSG_CTRUNC, installs
 * only the ones that fit (CMSG_SPACE padding counts as room) and closes the rest (their pipes see
 * EOF). With no control buffer at all every passed fd is dropped. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

static void send_fds(int s, const int *fds, int n)
{
    char cbuf[CMSG_SPACE(sizeof(int) * 4)];
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

/* Returns whether the read end sees EOF right now (all write ends closed). */
static int at_eof(int rfd)
{
    struct pollfd p = { .fd = rfd, .events = POLLIN };
    int n = poll(&p, 1, 0);
    CHECK(n == 0 || n == 1);
    return n == 1 && (p.revents & POLLHUP) != 0;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int p[4][2];
    for (int i = 0; i < 4; i++)
        CHECK(pipe(p[i]) == 0);
    int w[4] = { p[0][1], p[1][1], p[2][1], p[3][1] };
    send_fds(sv[0], w, 4);
    for (int i = 0; i < 4; i++)
        close(p[i][1]);

    /* CMSG_SPACE(sizeof(int)) is 24 bytes on 64-bit: the padding leaves room for two fds,
     * and the kernel fills what fits. */
    char cbuf[CMSG_SPACE(sizeof(int))];
    char b;
    struct iovec iov = { .iov_base = &b, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    CHECK_EQ(recvmsg(sv[1], &mh, 0), 1);
    CHECK_EQ(mh.msg_flags, MSG_CTRUNC);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    CHECK(c != NULL);
    CHECK_EQ(c->cmsg_type, SCM_RIGHTS);
    size_t fit = (sizeof(cbuf) - CMSG_LEN(0)) / sizeof(int);
    CHECK_EQ(fit, 2);
    CHECK_EQ(c->cmsg_len, CMSG_LEN(fit * sizeof(int)));
    CHECK_EQ(mh.msg_controllen, CMSG_SPACE(fit * sizeof(int)));
    int got[2];
    memcpy(got, CMSG_DATA(c), sizeof(got));
    CHECK(fcntl(got[0], F_GETFD) >= 0);
    CHECK(fcntl(got[1], F_GETFD) >= 0);

    /* The first two are alive, the two that did not fit were closed. */
    CHECK(!at_eof(p[0][0]));
    CHECK(!at_eof(p[1][0]));
    CHECK(at_eof(p[2][0]));
    CHECK(at_eof(p[3][0]));
    CHECK_EQ(write(got[0], "k", 1), 1);
    CHECK_EQ(read(p[0][0], &b, 1), 1);
    close(got[0]);
    close(got[1]);
    CHECK(at_eof(p[0][0]));
    CHECK(at_eof(p[1][0]));

    /* A buffer of exactly CMSG_LEN(sizeof(int)) takes one fd. */
    int s[3][2];
    for (int i = 0; i < 3; i++)
        CHECK(pipe(s[i]) == 0);
    int w3[3] = { s[0][1], s[1][1], s[2][1] };
    send_fds(sv[0], w3, 3);
    for (int i = 0; i < 3; i++)
        close(s[i][1]);
    char exact[CMSG_LEN(sizeof(int))];
    mh.msg_control = exact;
    mh.msg_controllen = sizeof(exact);
    CHECK_EQ(recvmsg(sv[1], &mh, 0), 1);
    CHECK_EQ(mh.msg_flags, MSG_CTRUNC);
    CHECK_EQ(mh.msg_controllen, CMSG_LEN(sizeof(int)));
    c = CMSG_FIRSTHDR(&mh);
    CHECK_EQ(c->cmsg_len, CMSG_LEN(sizeof(int)));
    int one;
    memcpy(&one, CMSG_DATA(c), sizeof(one));
    CHECK(!at_eof(s[0][0]));
    CHECK(at_eof(s[1][0]));
    CHECK(at_eof(s[2][0]));
    close(one);
    for (int i = 0; i < 3; i++)
        close(s[i][0]);

    /* No control buffer: all fds dropped, MSG_CTRUNC. */
    int q[2];
    CHECK(pipe(q) == 0);
    send_fds(sv[0], &q[1], 1);
    close(q[1]);
    struct msghdr bare = { .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ(recvmsg(sv[1], &bare, 0), 1);
    CHECK_EQ(bare.msg_flags, MSG_CTRUNC);
    CHECK(at_eof(q[0]));

    /* A control buffer too small for even a header. */
    int r[2];
    CHECK(pipe(r) == 0);
    send_fds(sv[0], &r[1], 1);
    close(r[1]);
    char tiny[4];
    struct msghdr small = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = tiny, .msg_controllen = sizeof(tiny)
    };
    CHECK_EQ(recvmsg(sv[1], &small, 0), 1);
    CHECK_EQ(small.msg_flags, MSG_CTRUNC);
    CHECK_EQ(small.msg_controllen, 0);
    CHECK(at_eof(r[0]));

    for (int i = 0; i < 4; i++)
        close(p[i][0]);
    close(q[0]);
    close(r[0]);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
