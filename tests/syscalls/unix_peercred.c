/* SPDX-License-Identifier: Apache-2.0 */
/* SO_PEERCRED gives the peer's credentials as of connect()/socketpair()/listen(): for a
 * socketpair both ends report the creator; for an accepted connection the server sees the
 * connecting child and the child sees the listener's creator. Unconnected sockets report
 * pid 0 and uid/gid -1 (overflow ids). */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

static struct ucred peercred(int s)
{
    struct ucred u;
    memset(&u, 0x5a, sizeof(u));
    socklen_t len = sizeof(u);
    CHECK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &u, &len) == 0);
    CHECK_EQ(len, sizeof(u));
    return u;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct ucred u = peercred(sv[0]);
    CHECK_EQ(u.pid, getpid());
    CHECK_EQ(u.uid, getuid());
    CHECK_EQ(u.gid, getgid());
    u = peercred(sv[1]);
    CHECK_EQ(u.pid, getpid());

    /* A listener in this process, a client in a child. */
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-peercred-%d", (int)getpid());
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 1) == 0);

    int sync[2];
    CHECK(pipe(sync) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(sync[1]);
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        CHECK(connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0);
        struct ucred pc = peercred(c);
        /* The listener's credentials: our parent. */
        CHECK_EQ(pc.pid, getppid());
        CHECK_EQ(write(c, "x", 1), 1);
        char b;
        /* Wait for the parent to be done with us. */
        CHECK_EQ(read(sync[0], &b, 1), 0);
        _exit(0);
    }
    close(sync[0]);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);
    char b;
    CHECK_EQ(read(a, &b, 1), 1);
    u = peercred(a);
    CHECK_EQ(u.pid, child);
    CHECK_EQ(u.uid, getuid());
    close(sync[1]);
    test_wait_exit(child, 0);
    /* The credentials outlive the peer process. */
    u = peercred(a);
    CHECK_EQ(u.pid, child);

    /* An unconnected socket. */
    int lone = socket(AF_UNIX, SOCK_STREAM, 0);
    u = peercred(lone);
    CHECK_EQ(u.pid, 0);
    CHECK_EQ(u.uid, (uid_t)-1);
    CHECK_EQ(u.gid, (gid_t)-1);

    /* A short buffer is truncated to what fits. */
    int small = -7;
    socklen_t len = sizeof(small);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &small, &len) == 0);
    CHECK_EQ(len, sizeof(small));
    CHECK_EQ(small, getpid());
    close(lone);
    close(a);
    close(ls);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
