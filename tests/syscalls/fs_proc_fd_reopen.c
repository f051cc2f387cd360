/* SPDX-License-Identifier: Apache-2.0 */
/* Opening /proc/self/fd/N reopens the file itself (a new open file description with its own
 * offset and flags), works for unlinked files, can upgrade a read-only fd to read-write when
 * permissions allow, and fails with ENXIO for sockets. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96], link[64];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    int ro = open(f, O_RDONLY);
    CHECK(ro >= 0);
    CHECK(unlink(f) == 0);

    snprintf(link, sizeof(link), "/proc/self/fd/%d", ro);
    int rw = open(link, O_RDWR);
    CHECK(rw >= 0);
    CHECK_EQ(lseek(rw, 0, SEEK_CUR), 0); /* own offset */
    CHECK_EQ(lseek(ro, 5, SEEK_SET), 5);
    CHECK_EQ(lseek(rw, 0, SEEK_CUR), 0);
    CHECK_EQ(write(rw, "AB", 2), 2);
    char buf[16];
    CHECK_EQ(pread(fd, buf, 10, 0), 10);
    CHECK(memcmp(buf, "AB23456789", 10) == 0);
    struct stat a, b;
    CHECK(fstat(rw, &a) == 0);
    CHECK(fstat(fd, &b) == 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_nlink, 0);
    CHECK_EQ(fcntl(rw, F_GETFL) & O_ACCMODE, O_RDWR);
    /* O_TRUNC through the link truncates the unlinked file. */
    int tr = open(link, O_WRONLY | O_TRUNC);
    CHECK(tr >= 0);
    CHECK(fstat(fd, &b) == 0);
    CHECK_EQ(b.st_size, 0);
    close(tr);

    /* readlink shows the deleted path. */
    char target[128];
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = 0;
    char want[128];
    snprintf(want, sizeof(want), "%s (deleted)", f);
    CHECK(strcmp(target, want) == 0);

    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    snprintf(link, sizeof(link), "/proc/self/fd/%d", sv[0]);
    CHECK_ERR(open(link, O_RDWR), ENXIO);
    /* Pipes reopen fine (as FIFOs). */
    int p[2];
    CHECK(pipe(p) == 0);
    snprintf(link, sizeof(link), "/proc/self/fd/%d", p[0]);
    int pw = open(link, O_WRONLY);
    CHECK(pw >= 0);
    CHECK_EQ(write(pw, "z", 1), 1);
    CHECK_EQ(read(p[0], buf, 1), 1);
    CHECK(buf[0] == 'z');
    snprintf(link, sizeof(link), "/proc/self/fd/%d", 1000);
    CHECK_ERR(open(link, O_RDONLY), ENOENT);

    close(pw);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
    close(rw);
    close(ro);
    close(fd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
