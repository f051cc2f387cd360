/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Malformed control messages on unix sockets get Linux's errors and send
 * nothing: cmsg_len below the header or past msg_controllen, a control
 * buffer past optmem_max (ENOBUFS), an unknown SOL_SOCKET type, a bad fd in
 * SCM_RIGHTS (EBADF), more than SCM_MAX_FD (253) descriptors spread over two
 * SCM_RIGHTS headers of one message, SCM_CREDENTIALS naming another pid,
 * uid or gid without the capability (EPERM).
 * Two SCM_RIGHTS headers within the limit arrive as one; headers of other
 * levels are ignored; a flood of 2000 one-fd messages on a datagram pair is
 * received in order. Then the socket still works.
 */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* Sends "M" with the control bytes `ctl` (`len` of them) on `s`. */
static long send_ctl(int s, void *ctl, size_t len)
{
    struct iovec iov = { .iov_base = "M", .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = len
    };

    return sendmsg(s, &mh, MSG_DONTWAIT);
}

/* Fills a SCM_RIGHTS header at `c` with `n` copies of `fd`; returns its CMSG_SPACE. */
static size_t put_rights(struct cmsghdr *c, int fd, int n)
{
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        memcpy(CMSG_DATA(c) + sizeof(int) * (size_t)i, &fd, sizeof(int));
    return CMSG_SPACE(sizeof(int) * (size_t)n);
}

/* Receives one message on `s`; returns how many fds came (closing them), or -1 if none came. */
static int recv_fds(int s, int *flags)
{
    char data[8];
    static char ctl[CMSG_SPACE(sizeof(int) * 300)];
    struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
    };
    int n = 0;

    if (recvmsg(s, &mh, MSG_DONTWAIT) < 0)
        return -1;
    *flags = mh.msg_flags;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + sizeof(int) * (size_t)i, sizeof(fd));
            CHECK(fcntl(fd, F_GETFD) >= 0);
            close(fd);
        }
        n += k;
    }
    return n;
}

int main(void)
{
    static char ctl[CMSG_SPACE(sizeof(int) * 300) * 2];
    struct cmsghdr *c = (struct cmsghdr *)ctl;
    int sv[2], p[2], flags = 0;

    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    CHECK(pipe(p) == 0);

    /* cmsg_len below the header, or past the control buffer. */
    memset(ctl, 0, sizeof(ctl));
    put_rights(c, p[0], 1);
    c->cmsg_len = sizeof(struct cmsghdr) - 1;
    CHECK_ERR(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(int))), EINVAL);
    put_rights(c, p[0], 1);
    c->cmsg_len = CMSG_SPACE(sizeof(int)) + 64;
    CHECK_ERR(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(int))), EINVAL);
    c->cmsg_len = 0xffffffffu;
    CHECK_ERR(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(int))), EINVAL);
    /* A control buffer shorter than one header is ignored as Linux does (no cmsg at all). */
    put_rights(c, p[0], 1);
    CHECK_EQ(send_ctl(sv[0], ctl, sizeof(struct cmsghdr) - 1), 1);
    CHECK_EQ(recv_fds(sv[1], &flags), 0);
    /* msg_controllen past INT_MAX or far past optmem_max: ENOBUFS. */
    CHECK_ERR(send_ctl(sv[0], ctl, (size_t)INT32_MAX + 1), ENOBUFS);
    CHECK_ERR(send_ctl(sv[0], ctl, 64u << 20), ENOBUFS);
    /* An unknown SOL_SOCKET type; a bad and a negative fd. */
    put_rights(c, p[0], 1);
    c->cmsg_type = 99;
    CHECK_ERR(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(int))), EINVAL);
    put_rights(c, 999, 1);
    CHECK_ERR(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(int))), EBADF);
    put_rights(c, -1, 1);
    CHECK_ERR(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(int))), EBADF);
    /* SCM_RIGHTS with a length that is not a whole number of ints: the partial int is dropped. */
    put_rights(c, p[0], 2);
    c->cmsg_len = CMSG_LEN(sizeof(int) + 2);
    CHECK_EQ(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(int) * 2)), 1);
    CHECK_EQ(recv_fds(sv[1], &flags), 1);
    /* Two SCM_RIGHTS headers: 200 + 53 arrive as one message of 253; 200 + 54 is EINVAL. */
    size_t off = put_rights(c, p[0], 200);
    off += put_rights((struct cmsghdr *)(ctl + off), p[1], 53);
    CHECK_EQ(send_ctl(sv[0], ctl, off), 1);
    CHECK_EQ(recv_fds(sv[1], &flags), 253);
    CHECK_EQ(flags & MSG_CTRUNC, 0);
    off = put_rights(c, p[0], 200);
    off += put_rights((struct cmsghdr *)(ctl + off), p[1], 54);
    CHECK_ERR(send_ctl(sv[0], ctl, off), EINVAL);
    CHECK_EQ(recv_fds(sv[1], &flags), -1); /* nothing was queued */
    /* A header of another level is skipped; the SCM_RIGHTS after it counts. */
    c->cmsg_level = 12345;
    c->cmsg_type = 1;
    c->cmsg_len = CMSG_LEN(8);
    off = CMSG_SPACE(8);
    off += put_rights((struct cmsghdr *)(ctl + off), p[0], 3);
    CHECK_EQ(send_ctl(sv[0], ctl, off), 1);
    CHECK_EQ(recv_fds(sv[1], &flags), 3);
    /* SCM_CREDENTIALS naming another pid, uid or gid: EPERM without the capability. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct ucred cr;
        if (getuid() == 0)
            CHECK(setgid(65534) == 0 && setuid(65534) == 0);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        c->cmsg_len = CMSG_LEN(sizeof(cr));
        struct ucred bad[] = {
            { .pid = getppid(), .uid = getuid(), .gid = getgid() },
            { .pid = getpid(), .uid = 0, .gid = getgid() },
            { .pid = getpid(), .uid = getuid(), .gid = 0 },
            { .pid = 999999, .uid = getuid(), .gid = getgid() },
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            memcpy(CMSG_DATA(c), &bad[i], sizeof(bad[i]));
            CHECK_ERR(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(cr))), EPERM);
        }
        cr = (struct ucred){ .pid = getpid(), .uid = getuid(), .gid = getgid() };
        memcpy(CMSG_DATA(c), &cr, sizeof(cr));
        CHECK_EQ(send_ctl(sv[0], ctl, CMSG_SPACE(sizeof(cr))), 1);
        _exit(0);
    }
    CHECK_EQ(test_wait(child), 0);
    CHECK_EQ(recv_fds(sv[1], &flags), 0); /* the one message the child could send */
    CHECK_EQ(recv_fds(sv[1], &flags), -1);
    /* A flood: 2000 one-fd messages, received in order, each with its fd. */
    int sent = 0;
    for (int i = 0; i < 2000; i++) {
        off = put_rights(c, i % 2 ? p[1] : p[0], 1);
        long r = send_ctl(sv[0], ctl, off);
        if (r < 0) {
            CHECK(errno == EAGAIN || errno == ETOOMANYREFS);
            CHECK_EQ(recv_fds(sv[1], &flags), 1); /* make room, as a slow reader would */
            sent--;
            i--;
            continue;
        }
        sent++;
    }
    while (sent > 0) {
        CHECK_EQ(recv_fds(sv[1], &flags), 1);
        sent--;
    }
    CHECK_EQ(recv_fds(sv[1], &flags), -1);
    /* Still a socket pair. */
    char b[4];
    CHECK_EQ(send(sv[0], "ok", 2, 0), 2);
    CHECK_EQ(recv(sv[1], b, sizeof(b), 0), 2);
    TEST_OK();
}
