/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 10,000 descriptors over SCM_RIGHTS: a child sends them in 100-fd messages
 * on a stream socket while the parent reads slowly; the sender blocks when
 * the socket is full and every descriptor arrives, each one the pipe that was
 * sent. Then the in-flight limit: a sender without CAP_SYS_RESOURCE and
 * CAP_SYS_ADMIN whose user has more descriptors in flight than its
 * RLIMIT_NOFILE gets ETOOMANYREFS (the check is made before a message's
 * descriptors are added), and may send again once the reader took them.
 */
#include "test.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#define TOTAL   10000
#define PER_MSG 100

static long send_fds(int s, int fd, int n, int flags)
{
    static char ctl[CMSG_SPACE(sizeof(int) * PER_MSG)];
    struct iovec iov = { .iov_base = "F", .iov_len = 1 };
    struct msghdr mh = { .msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = ctl,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        memcpy(CMSG_DATA(c) + sizeof(int) * (size_t)i, &fd, sizeof(int));
    return sendmsg(s, &mh, flags);
}

/* Receives one message; stores its fds at `out`; returns how many (-1: error). */
static int recv_fds(int s, int *out, int flags)
{
    static char ctl[CMSG_SPACE(sizeof(int) * PER_MSG)];
    char b;
    struct iovec iov = { .iov_base = &b, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
    };
    int n = 0;

    if (recvmsg(s, &mh, flags) != 1)
        return -1;
    CHECK_EQ(mh.msg_flags & MSG_CTRUNC, 0);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
        CHECK(c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS);
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(out + n, CMSG_DATA(c), sizeof(int) * (size_t)k);
        n += k;
    }
    return n;
}

static void ten_thousand(void)
{
    static int got[TOTAL + PER_MSG];
    struct rlimit rl = { TOTAL + 200, TOTAL + 200 };
    int sv[2], p[2], n = 0;
    struct stat want, st;

    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(pipe(p) == 0);
    CHECK(fstat(p[1], &want) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(sv[1]);
        for (int i = 0; i < TOTAL / PER_MSG; i++)
            CHECK_EQ(send_fds(sv[0], p[1], PER_MSG, 0), 1);
        _exit(0);
    }
    close(sv[0]);
    close(p[1]);
    /* A slow reader: a short nap every tenth message. */
    for (int m = 0; n < TOTAL; m++) {
        int k = recv_fds(sv[1], got + n, 0);
        CHECK(k > 0);
        n += k;
        if (m % 10 == 0) {
            struct timespec ts = { 0, 2000000 };
            nanosleep(&ts, NULL);
        }
    }
    CHECK_EQ(n, TOTAL);
    CHECK_EQ(test_wait(child), 0);
    for (int i = 0; i < n; i++) {
        CHECK(fstat(got[i], &st) == 0);
        CHECK(st.st_ino == want.st_ino && st.st_dev == want.st_dev);
        for (int j = i - 1; j >= 0 && j >= i - 3; j--)
            CHECK(got[i] != got[j]);
    }
    /* Any of them writes into the pipe. */
    CHECK_EQ(write(got[TOTAL / 2], "x", 1), 1);
    char b;
    CHECK_EQ(read(p[0], &b, 1), 1);
    for (int i = 0; i < n; i++)
        CHECK(close(got[i]) == 0);
    close(sv[1]);
    close(p[0]);
}

static void too_many_refs(void)
{
    int sv[2], p[2];

    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct rlimit rl = { 64, 64 };
        int sent = 0;
        long r;
        static int got[PER_MSG];

        CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
        /* A user of our own, without capabilities. */
        CHECK(setgid(64999) == 0 && setuid(64999) == 0);
        while ((r = send_fds(sv[0], p[1], 10, MSG_DONTWAIT)) == 1)
            sent += 10;
        int e = errno;
        CHECK_EQ(r, -1);
        CHECK_EQ(e, ETOOMANYREFS);
        /* In flight before the failed send: more than 64, by less than one message. */
        CHECK(sent > 64 && sent <= 64 + 10);
        /* Reading some back (and closing them) lets the user send again. */
        for (int i = 0; i < 2; i++) {
            int k = recv_fds(sv[1], got, MSG_DONTWAIT);
            CHECK_EQ(k, 10);
            for (int j = 0; j < k; j++)
                close(got[j]);
        }
        CHECK_EQ(send_fds(sv[0], p[1], 10, MSG_DONTWAIT), 1);
        _exit(0);
    }
    CHECK_EQ(test_wait(child), 0);
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    ten_thousand();
    too_many_refs();
    TEST_OK();
}
