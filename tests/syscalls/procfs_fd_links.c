/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/fd link targets for each kind of file: absolute paths for files and directories,
 * "socket:[ino]" / "pipe:[ino]" with the inode from fstat, "anon_inode:[eventfd]" and friends
 * for anonymous inodes, "/dev/null" for devices; /proc/self/fdinfo has pos and flags in octal. */
#include "test.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <signal.h>

static void link_is(int fd, const char *want)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    CHECK(n > 0);
    buf[n] = 0;
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "FAIL: fd %d links to '%s', want '%s'\n", fd, buf, want);
        exit(1);
    }
}

int main(void)
{
    char dir[64], f[96], want[128];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/file", dir);
    int fd = open(f, O_RDWR | O_CREAT | O_APPEND, 0600);
    CHECK(fd >= 0);
    link_is(fd, f);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    link_is(dfd, dir);
    int null = open("/dev/null", O_RDONLY);
    link_is(null, "/dev/null");

    struct stat st;
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(fstat(p[0], &st) == 0);
    snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
    link_is(p[0], want);
    link_is(p[1], want);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(fstat(sv[0], &st) == 0);
    snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
    link_is(sv[0], want);

    int efd = eventfd(0, 0);
    link_is(efd, "anon_inode:[eventfd]");
    int ep = epoll_create1(0);
    link_is(ep, "anon_inode:[eventpoll]");
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    link_is(tfd, "anon_inode:[timerfd]");
    sigset_t mask;
    sigemptyset(&mask);
    int sfd = signalfd(-1, &mask, 0);
    link_is(sfd, "anon_inode:[signalfd]");

    /* fdinfo: pos and flags (octal, including O_APPEND and O_RDWR). */
    CHECK_EQ(write(fd, "12345", 5), 5);
    char path[64], line[128];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    long pos = -1;
    unsigned flags = 0;
    while (fgets(line, sizeof(line), fp)) {
        sscanf(line, "pos: %ld", &pos);
        sscanf(line, "flags: %o", &flags);
    }
    fclose(fp);
    CHECK_EQ(pos, 5);
    CHECK_EQ(flags & (O_ACCMODE | O_APPEND), O_RDWR | O_APPEND);

    CHECK(unlink(f) == 0);
    snprintf(want, sizeof(want), "%s (deleted)", f);
    link_is(fd, want);
    close(fd);
    close(dfd);
    close(null);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
    close(efd);
    close(ep);
    close(tfd);
    close(sfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
