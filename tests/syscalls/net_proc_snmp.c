/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/net/snmp and /proc/net/netstat: pairs of "Proto: names" / "Proto: values" lines with
 * as many values as names (Ip, Icmp, Tcp, Udp; TcpExt, IpExt), and the namespace's counters:
 * a TCP connection over loopback adds to Tcp ActiveOpens and PassiveOpens. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* The value of `field` of protocol `proto` in `path`; checks every pair of lines on the way. */
static long counter(const char *path, const char *proto, const char *field, int *protos)
{
    FILE *f = fopen(path, "r");
    char names[8192], values[8192];
    long result = -1;

    CHECK(f != NULL);
    *protos = 0;
    while (fgets(names, sizeof(names), f) != NULL) {
        CHECK(fgets(values, sizeof(values), f) != NULL);
        char *nsave, *vsave;
        char *n = strtok_r(names, " \n", &nsave), *v = strtok_r(values, " \n", &vsave);
        CHECK(n != NULL && v != NULL && strcmp(n, v) == 0 && n[strlen(n) - 1] == ':');
        int match = strncmp(n, proto, strlen(proto)) == 0 && n[strlen(proto)] == ':';
        (*protos)++;
        for (;;) {
            n = strtok_r(NULL, " \n", &nsave);
            v = strtok_r(NULL, " \n", &vsave);
            CHECK((n == NULL) == (v == NULL));
            if (n == NULL)
                break;
            if (match && strcmp(n, field) == 0)
                result = strtol(v, NULL, 10);
        }
    }
    fclose(f);
    return result;
}

int main(void)
{
    int protos;
    long active = counter("/proc/net/snmp", "Tcp", "ActiveOpens", &protos);
    long passive = counter("/proc/net/snmp", "Tcp", "PassiveOpens", &protos);
    CHECK(active >= 0 && passive >= 0);
    CHECK(protos >= 4);
    CHECK(counter("/proc/net/snmp", "Udp", "InDatagrams", &protos) >= 0);
    CHECK(counter("/proc/net/snmp", "Ip", "Forwarding", &protos) >= 1);
    CHECK(counter("/proc/net/netstat", "TcpExt", "SyncookiesSent", &protos) >= 0);
    CHECK(counter("/proc/net/netstat", "IpExt", "InOctets", &protos) >= 0);

    int l = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(l >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK(listen(l, 1) == 0);
    socklen_t al = sizeof(a);
    CHECK(getsockname(l, (struct sockaddr *)&a, &al) == 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
    int s = accept(l, NULL, NULL);
    CHECK(s >= 0);
    CHECK(counter("/proc/net/snmp", "Tcp", "ActiveOpens", &protos) >= active + 1);
    CHECK(counter("/proc/net/snmp", "Tcp", "PassiveOpens", &protos) >= passive + 1);
    close(s);
    close(c);
    close(l);
    TEST_OK();
}
