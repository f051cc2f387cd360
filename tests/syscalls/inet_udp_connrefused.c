/* SPDX-License-Identifier: Apache-2.0 */
/* A connected UDP socket sending to a closed port gets an ICMP port unreachable: the next
 * recv (or send) fails with ECONNREFUSED once, SO_ERROR reports it; an unconnected socket
 * ignores the ICMP. UDP connect to AF_UNSPEC dissolves the association (EDESTADDRREQ). */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

/* Returns a loopback UDP address whose port was just free (bound and closed). */
static struct sockaddr_in closed_port(void)
{
    int t = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(t, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(t, (struct sockaddr *)&sin, &len) == 0);
    close(t);
    return sin;
}

int main(void)
{
    struct sockaddr_in dead = closed_port();
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(connect(s, (struct sockaddr *)&dead, sizeof(dead)) == 0);
    CHECK_EQ(send(s, "x", 1, 0), 1);
    /* The ICMP error arrives asynchronously: wait for POLLERR. */
    struct pollfd p = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_EQ(p.revents, POLLERR);
    char b;
    CHECK_ERR(recv(s, &b, 1, MSG_DONTWAIT), ECONNREFUSED);
    CHECK_ERR(recv(s, &b, 1, MSG_DONTWAIT), EAGAIN);

    CHECK_EQ(send(s, "y", 1, 0), 1);
    CHECK_EQ(poll(&p, 1, 5000), 1);
    int err = -1;
    socklen_t el = sizeof(err);
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, ECONNREFUSED);
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, 0);

    /* The pending error is also reported by the next send. */
    CHECK_EQ(send(s, "z", 1, 0), 1);
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_ERR(send(s, "w", 1, 0), ECONNREFUSED);

    /* Unconnected sockets do not see ICMP errors. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_EQ(sendto(u, "x", 1, 0, (struct sockaddr *)&dead, sizeof(dead)), 1);
    struct pollfd pu = { .fd = u, .events = POLLIN };
    CHECK_EQ(poll(&pu, 1, 100), 0);
    CHECK_ERR(recv(u, &b, 1, MSG_DONTWAIT), EAGAIN);

    struct sockaddr unspec = { .sa_family = AF_UNSPEC };
    CHECK(connect(s, &unspec, sizeof(unspec)) == 0);
    CHECK_ERR(send(s, "x", 1, 0), EDESTADDRREQ);
    close(u);
    close(s);
    TEST_OK();
}
