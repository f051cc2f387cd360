/* SPDX-License-Identifier: Apache-2.0 */
/* getaddrinfo/getnameinfo with numeric hosts only (no NSS): "127.0.0.1" and "::1" resolve
 * with AI_NUMERICHOST, "localhost" with AI_NUMERICHOST is EAI_NONAME, numeric services and
 * socktype filtering; inet_pton/ntop round trips. */
#include "test.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    CHECK_EQ(getaddrinfo("127.0.0.1", "8080", &hints, &res), 0);
    CHECK(res != NULL);
    CHECK_EQ(res->ai_family, AF_INET);
    CHECK_EQ(res->ai_socktype, SOCK_STREAM);
    CHECK_EQ(res->ai_protocol, IPPROTO_TCP);
    CHECK_EQ(res->ai_addrlen, sizeof(struct sockaddr_in));
    struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
    CHECK_EQ(ntohs(sin->sin_port), 8080);
    CHECK_EQ(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    CHECK(res->ai_next == NULL);
    freeaddrinfo(res);

    hints.ai_socktype = 0;
    res = NULL;
    CHECK_EQ(getaddrinfo("::1", "53", &hints, &res), 0);
    int count = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        CHECK_EQ(ai->ai_family, AF_INET6);
        CHECK(IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr));
        count++;
    }
    /* One entry per socket type: stream, datagram, raw. */
    CHECK_EQ(count, 3);
    freeaddrinfo(res);

    CHECK_EQ(getaddrinfo("localhost", NULL, &hints, &res), EAI_NONAME);
    CHECK_EQ(getaddrinfo("127.0.0.1", "http", &hints, &res), EAI_NONAME);
    CHECK_EQ(getaddrinfo(NULL, NULL, &hints, &res), EAI_NONAME);
    hints.ai_family = AF_INET6;
    CHECK_EQ(getaddrinfo("127.0.0.1", NULL, &hints, &res), EAI_ADDRFAMILY);

    /* getnameinfo, numeric. */
    struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
                               .sin6_port = htons(443),
                               .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    char host[64], serv[16];
    CHECK_EQ(getnameinfo((struct sockaddr *)&s6, sizeof(s6), host, sizeof(host), serv, sizeof(serv),
                         NI_NUMERICHOST | NI_NUMERICSERV),
             0);
    CHECK(strcmp(host, "::1") == 0);
    CHECK(strcmp(serv, "443") == 0);

    struct in_addr ia;
    CHECK_EQ(inet_pton(AF_INET, "10.1.2.3", &ia), 1);
    CHECK_EQ(inet_pton(AF_INET, "10.1.2", &ia), 0);
    CHECK_EQ(inet_pton(AF_INET, "256.1.2.3", &ia), 0);
    char txt[INET6_ADDRSTRLEN];
    struct in6_addr i6;
    CHECK_EQ(inet_pton(AF_INET6, "fe80:0:0:0:0:0:0:1", &i6), 1);
    CHECK(inet_ntop(AF_INET6, &i6, txt, sizeof(txt)) != NULL);
    CHECK(strcmp(txt, "fe80::1") == 0);
    CHECK(inet_ntop(AF_INET6, &i6, txt, 4) == NULL);
    CHECK_EQ(errno, ENOSPC);
    TEST_OK();
}
