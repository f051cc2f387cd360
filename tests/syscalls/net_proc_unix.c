/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/net/unix: the header, a listening socket bound to a path shows the listening flag
 * 00010000, type 0001, state 01, its inode and path; an abstract datagram socket shows type
 * 0002 and "@name"; a socketpair's ends show state 03 without a path. */
#include "test.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* Finds the line of inode `ino`; copies flags, type, state and the path (or ""). */
static int find(unsigned long ino, unsigned *flags, unsigned *type, unsigned *st, char *path)
{
    FILE *f = fopen("/proc/net/unix", "r");
    char line[512];
    int found = 0;

    CHECK(f != NULL);
    CHECK(fgets(line, sizeof(line), f) != NULL);
    CHECK(strcmp(line, "Num       RefCount Protocol Flags    Type St Inode Path\n") == 0);
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        unsigned rc, proto, fl, ty, s;
        unsigned long inode;
        char p[256] = "";
        int n = sscanf(line, "%*x: %X %X %X %X %X %lu %255s", &rc, &proto, &fl, &ty, &s, &inode, p);
        if (n >= 6 && inode == ino) {
            found = 1;
            *flags = fl;
            *type = ty;
            *st = s;
            strcpy(path, n == 7 ? p : "");
        }
    }
    fclose(f);
    return found;
}

static unsigned long ino_of(int fd)
{
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    return st.st_ino;
}

int main(void)
{
    char dir[64] = "/tmp/net_proc_unix.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof(a.sun_path), "%s/sock", dir);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(l >= 0);
    CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK(listen(l, 4) == 0);
    unsigned fl, ty, st;
    char path[256];
    CHECK(find(ino_of(l), &fl, &ty, &st, path));
    CHECK_EQ(fl, 0x10000);
    CHECK_EQ(ty, SOCK_STREAM);
    CHECK_EQ(st, 1);
    CHECK(strcmp(path, a.sun_path) == 0);

    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(d >= 0);
    struct sockaddr_un ab = { .sun_family = AF_UNIX };
    char name[64];
    int nlen = snprintf(name, sizeof(name), "net-proc-%d", (int)getpid());
    memcpy(ab.sun_path + 1, name, (size_t)nlen);
    CHECK(bind(d, (struct sockaddr *)&ab, (socklen_t)(sizeof(sa_family_t) + 1 + nlen)) == 0);
    CHECK(find(ino_of(d), &fl, &ty, &st, path));
    CHECK_EQ(fl, 0);
    CHECK_EQ(ty, SOCK_DGRAM);
    CHECK_EQ(path[0], '@');
    CHECK(strcmp(path + 1, name) == 0);

    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(find(ino_of(sv[0]), &fl, &ty, &st, path));
    CHECK_EQ(st, 3);
    CHECK(strcmp(path, "") == 0);

    unsigned long lino = ino_of(l);
    close(l);
    CHECK(!find(lino, &fl, &ty, &st, path));
    unlink(a.sun_path);
    rmdir(dir);
    TEST_OK();
}
