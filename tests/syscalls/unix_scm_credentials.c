/* SPDX-License-Identifier: Apache-2.0 */
/* SO_PASSCRED on the receiver attaches an SCM_CREDENTIALS message with the sender's pid, uid
 * and gid to every message, even when the sender sent none; a sender may state its own
 * credentials explicitly (a nonexistent pid is ESRCH); turning the option off stops them. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

static struct ucred recv_cred(int s, char *data)
{
    char cbuf[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = { .iov_base = data, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    CHECK_EQ(recvmsg(s, &mh, 0), 1);
    CHECK_EQ(mh.msg_flags, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    CHECK(c != NULL);
    CHECK_EQ(c->cmsg_level, SOL_SOCKET);
    CHECK_EQ(c->cmsg_type, SCM_CREDENTIALS);
    CHECK_EQ(c->cmsg_len, CMSG_LEN(sizeof(struct ucred)));
    struct ucred u;
    memcpy(&u, CMSG_DATA(c), sizeof(u));
    return u;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int v = -1;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &vl) == 0);
    CHECK_EQ(v, 0);
    int one = 1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &vl) == 0);
    CHECK_EQ(v, 1);

    /* Implicit credentials from a child process. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK_EQ(write(sv[0], "c", 1), 1);
        _exit(0);
    }
    test_wait_exit(child, 0);
    char d = 0;
    struct ucred u = recv_cred(sv[1], &d);
    CHECK_EQ(d, 'c');
    CHECK_EQ(u.pid, child);
    CHECK_EQ(u.uid, getuid());
    CHECK_EQ(u.gid, getgid());

    /* Explicit credentials equal to our own. */
    char cbuf[CMSG_SPACE(sizeof(struct ucred))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = { .iov_base = "e", .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred mine = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
    memcpy(CMSG_DATA(c), &mine, sizeof(mine));
    CHECK_EQ(sendmsg(sv[0], &mh, 0), 1);
    u = recv_cred(sv[1], &d);
    CHECK_EQ(d, 'e');
    CHECK_EQ(u.pid, getpid());

    /* A pid that does not exist: ESRCH. */
    struct ucred bogus = { .pid = 0x3ffffff, .uid = getuid(), .gid = getgid() };
    memcpy(CMSG_DATA(c), &bogus, sizeof(bogus));
    CHECK_ERR(sendmsg(sv[0], &mh, 0), ESRCH);

    /* Turning SO_PASSCRED off: no control message. */
    int zero = 0;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &zero, sizeof(zero)) == 0);
    CHECK_EQ(write(sv[0], "n", 1), 1);
    char cb2[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov2 = { .iov_base = &d, .iov_len = 1 };
    struct msghdr m2 = {
        .msg_iov = &iov2, .msg_iovlen = 1, .msg_control = cb2, .msg_controllen = sizeof(cb2)
    };
    CHECK_EQ(recvmsg(sv[1], &m2, 0), 1);
    CHECK_EQ(m2.msg_controllen, 0);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
