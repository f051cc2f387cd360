/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Descriptor exhaustion and floods: at RLIMIT_NOFILE, socket/socketpair/
 * accept fail with EMFILE and leak nothing (the pending connection stays
 * queued and is accepted once a descriptor is free); recvmsg of SCM_RIGHTS
 * with no room sets MSG_CTRUNC and still delivers the data; 500 non-blocking
 * connects to a listener with backlog 1 and 500 binds to ephemeral ports
 * each get an answer, all ports distinct. Then everything still works.
 */
#include "test.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define LIMIT 32
#define FLOOD 500

static struct sockaddr_in loop4(uint16_t port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* Opens /dev/null until EMFILE; returns how many it opened (in `fds`). */
static int fill(int *fds, int max)
{
    int n = 0;

    while (n < max) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) {
            CHECK_EQ(errno, EMFILE);
            break;
        }
        fds[n++] = fd;
    }
    return n;
}

static void exhaustion(void)
{
    struct rlimit rl, old;
    struct sockaddr_in a = loop4(0);
    socklen_t len = sizeof(a);
    int fill_fds[LIMIT], sv[2], tx[2];
    int l = socket(AF_INET, SOCK_STREAM, 0);

    CHECK(l >= 0);
    CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK(listen(l, 4) == 0);
    CHECK(getsockname(l, (struct sockaddr *)&a, &len) == 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, tx) == 0);
    CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
    rl = (struct rlimit){ LIMIT, old.rlim_max }; /* the soft limit only: it may go back up */
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);

    int n = fill(fill_fds, LIMIT);
    CHECK(n > 0);
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, 0), EMFILE);
    CHECK_ERR(socket(AF_UNIX, SOCK_DGRAM, 0), EMFILE);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), EMFILE);
    CHECK_ERR(accept(l, NULL, NULL), EMFILE);
    CHECK_ERR(accept4(l, NULL, NULL, SOCK_CLOEXEC), EMFILE);
    /* One free descriptor: socketpair needs two, and leaves none behind on EMFILE. */
    close(fill_fds[--n]);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), EMFILE);
    int again = open("/dev/null", O_RDONLY);
    CHECK(again >= 0);
    close(again);
    /* The connection waited in the queue: accepted now. */
    int s = accept(l, NULL, NULL);
    CHECK(s >= 0);
    CHECK_EQ(write(c, "hi", 2), 2);
    char b[4];
    CHECK_EQ(read(s, b, sizeof(b)), 2);

    /* SCM_RIGHTS with no descriptor free: the data comes, the fds do not, MSG_CTRUNC says so. */
    char ctl[CMSG_SPACE(sizeof(int) * 2)];
    struct iovec iov = { .iov_base = "D", .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
    };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * 2);
    int two[2] = { c, s };
    memcpy(CMSG_DATA(cm), two, sizeof(two));
    CHECK_EQ(sendmsg(tx[0], &mh, 0), 1);
    CHECK_EQ(sendmsg(tx[0], &mh, 0), 1);
    char d;
    struct iovec riov = { .iov_base = &d, .iov_len = 1 };
    struct msghdr rh = {
        .msg_iov = &riov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
    };
    CHECK_EQ(recvmsg(tx[1], &rh, 0), 1);
    CHECK_EQ(d, 'D');
    CHECK(rh.msg_flags & MSG_CTRUNC);
    /* One free descriptor: one of the two arrives, still MSG_CTRUNC. */
    close(fill_fds[--n]);
    rh.msg_controllen = sizeof(ctl);
    rh.msg_flags = 0;
    CHECK_EQ(recvmsg(tx[1], &rh, 0), 1);
    CHECK(rh.msg_flags & MSG_CTRUNC);
    cm = CMSG_FIRSTHDR(&rh);
    CHECK(cm != NULL && cm->cmsg_type == SCM_RIGHTS);
    CHECK_EQ(cm->cmsg_len, CMSG_LEN(sizeof(int)));
    int got;
    memcpy(&got, CMSG_DATA(cm), sizeof(got));
    CHECK(fcntl(got, F_GETFD) >= 0);
    close(got);

    while (n > 0)
        close(fill_fds[--n]);
    close(s);
    close(c);
    close(l);
    close(tx[0]);
    close(tx[1]);
    CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
}

static void floods(void)
{
    static int cs[FLOOD], us[FLOOD];
    static uint16_t ports[FLOOD];
    struct sockaddr_in a = loop4(0);
    socklen_t len = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM, 0);

    CHECK(l >= 0);
    CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK(listen(l, 1) == 0);
    CHECK(getsockname(l, (struct sockaddr *)&a, &len) == 0);
    for (int i = 0; i < FLOOD; i++) {
        cs[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        CHECK(cs[i] >= 0);
        int r = connect(cs[i], (struct sockaddr *)&a, sizeof(a));
        CHECK(r == 0 || errno == EINPROGRESS || errno == EAGAIN);
    }
    /* The listener still accepts (what fit in its backlog). */
    int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    CHECK(s >= 0);
    close(s);
    for (int i = 0; i < FLOOD; i++)
        CHECK(close(cs[i]) == 0);

    for (int i = 0; i < FLOOD; i++) {
        struct sockaddr_in b = loop4(0);
        socklen_t bl = sizeof(b);
        us[i] = socket(AF_INET, SOCK_DGRAM, 0);
        CHECK(us[i] >= 0);
        CHECK(bind(us[i], (struct sockaddr *)&b, sizeof(b)) == 0);
        CHECK(getsockname(us[i], (struct sockaddr *)&b, &bl) == 0);
        ports[i] = ntohs(b.sin_port);
        CHECK(ports[i] != 0);
        for (int j = 0; j < i; j++)
            CHECK(ports[j] != ports[i]);
    }
    /* A port in use: EADDRINUSE. */
    struct sockaddr_in b = loop4(ports[0]);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_ERR(bind(u, (struct sockaddr *)&b, sizeof(b)), EADDRINUSE);
    /* And the last one still carries a datagram. */
    b = loop4(ports[FLOOD - 1]);
    char d[4];
    CHECK_EQ(sendto(u, "ok", 2, 0, (struct sockaddr *)&b, sizeof(b)), 2);
    CHECK_EQ(recv(us[FLOOD - 1], d, sizeof(d), 0), 2);
    close(u);
    for (int i = 0; i < FLOOD; i++)
        close(us[i]);
    close(l);
}

int main(void)
{
    exhaustion();
    floods();
    TEST_OK();
}
