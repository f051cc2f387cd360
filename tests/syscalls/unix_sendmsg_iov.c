/* SPDX-License-Identifier: Apache-2.0 */
/* sendmsg/recvmsg with many iovecs: up to UIO_MAXIOV (1024) entries gather and scatter in
 * order, zero-length entries are skipped, 1025 entries are EMSGSIZE, and a NULL base with
 * nonzero length is EFAULT. */
#include "test.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);

    static char src[1024 * 3];
    static struct iovec iov[1025];
    for (int i = 0; i < 1024; i++) {
        src[i * 3] = (char)('a' + i % 26);
        src[i * 3 + 1] = (char)('A' + i % 26);
        src[i * 3 + 2] = (char)('0' + i % 10);
        /* Every 7th entry is empty. */
        iov[i].iov_base = &src[i * 3];
        iov[i].iov_len = (i % 7 == 0) ? 0 : 3;
    }
    size_t expect = 0;
    for (int i = 0; i < 1024; i++)
        expect += iov[i].iov_len;
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 1024 };
    CHECK_EQ(sendmsg(sv[0], &mh, 0), expect);

    /* Scatter into 2-byte pieces. */
    static char dst[1024 * 3];
    static struct iovec rio[1024];
    for (int i = 0; i < 1024; i++) {
        rio[i].iov_base = &dst[i * 2];
        rio[i].iov_len = 2;
    }
    struct msghdr rm = { .msg_iov = rio, .msg_iovlen = 1024 };
    size_t got = 0;
    while (got < expect) {
        ssize_t n = recvmsg(sv[1], &rm, MSG_WAITALL);
        CHECK(n > 0);
        CHECK_EQ(got, 0);
        got += (size_t)n;
        CHECK_EQ(n, expect < 2048 ? expect : 2048);
        break;
    }
    size_t k = 0;
    for (int i = 0; i < 1024 && k < got; i++)
        for (size_t j = 0; j < iov[i].iov_len && k < got; j++, k++)
            CHECK_EQ(dst[k], src[i * 3 + (int)j]);

    /* Too many iovecs. */
    iov[1024].iov_base = src;
    iov[1024].iov_len = 1;
    mh.msg_iovlen = 1025;
    CHECK_ERR(sendmsg(sv[0], &mh, 0), EMSGSIZE);
    CHECK_ERR(writev(sv[0], iov, 1025), EINVAL);

    /* Bad pointers. */
    struct iovec bad = { .iov_base = NULL, .iov_len = 4 };
    struct msghdr bm = { .msg_iov = &bad, .msg_iovlen = 1 };
    CHECK_ERR(sendmsg(sv[0], &bm, 0), EFAULT);
    CHECK_ERR(sendmsg(sv[0], NULL, 0), EFAULT);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
