/* SPDX-License-Identifier: Apache-2.0 */
/* SCM_MAX_FD: one SCM_RIGHTS message carries at most 253 descriptors; 254 (or 1000) is EINVAL
 * and nothing is sent. 253 arrive intact. */
#include "test.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

static int send_n(int s, const int *fds, int n)
{
    size_t sz = CMSG_SPACE(sizeof(int) * (size_t)n);
    char *cbuf = calloc(1, sz);
    CHECK(cbuf != NULL);
    struct iovec iov = { .iov_base = "M", .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sz
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
    int r = (int)sendmsg(s, &mh, 0);
    int e = errno;
    free(cbuf);
    errno = e;
    return r;
}

int main(void)
{
    struct rlimit rl = { 4096, 4096 };
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int p[2];
    CHECK(pipe(p) == 0);
    static int fds[1000];
    for (int i = 0; i < 1000; i++)
        fds[i] = p[1];

    CHECK_ERR(send_n(sv[0], fds, 1000), EINVAL);
    CHECK_ERR(send_n(sv[0], fds, 254), EINVAL);
    char b;
    CHECK_ERR(recv(sv[1], &b, 1, MSG_DONTWAIT), EAGAIN);

    CHECK_EQ(send_n(sv[0], fds, 253), 1);
    size_t sz = CMSG_SPACE(sizeof(int) * 300);
    char *cbuf = calloc(1, sz);
    struct iovec iov = { .iov_base = &b, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sz
    };
    CHECK_EQ(recvmsg(sv[1], &mh, 0), 1);
    CHECK_EQ(mh.msg_flags, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    CHECK_EQ(c->cmsg_len, CMSG_LEN(sizeof(int) * 253));
    int *got = (int *)CMSG_DATA(c);
    for (int i = 0; i < 253; i++) {
        if (i > 0)
            CHECK(got[i] > got[i - 1]);
        CHECK_EQ(write(got[i], "", 0), 0);
    }
    for (int i = 0; i < 253; i++)
        close(got[i]);
    free(cbuf);

    /* Two SCM_RIGHTS headers in one message: also limited to 253 in total per header. */
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
