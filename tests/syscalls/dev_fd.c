/* SPDX-License-Identifier: Apache-2.0 */
/* /dev/fd is a link to /proc/self/fd; opening /dev/fd/N reopens the file (own offset for
 * regular files), /dev/stdin, /dev/stdout and /dev/stderr link to /proc/self/fd/0, 1, 2;
 * a closed N is ENOENT. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

static void link_is(const char *p, const char *want)
{
    char buf[128];
    ssize_t n = readlink(p, buf, sizeof(buf) - 1);
    CHECK(n > 0);
    buf[n] = 0;
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "FAIL: %s -> %s, want %s\n", p, buf, want);
        exit(1);
    }
}

int main(void)
{
    link_is("/dev/fd", "/proc/self/fd");
    link_is("/dev/stdin", "/proc/self/fd/0");
    link_is("/dev/stdout", "/proc/self/fd/1");
    link_is("/dev/stderr", "/proc/self/fd/2");

    char dir[64], f[96], path[64];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abcdef", 6), 6);
    snprintf(path, sizeof(path), "/dev/fd/%d", fd);
    int again = open(path, O_RDONLY);
    CHECK(again >= 0);
    CHECK_EQ(lseek(again, 0, SEEK_CUR), 0);
    char buf[8];
    CHECK_EQ(read(again, buf, sizeof(buf)), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    struct stat a, b;
    CHECK(fstat(again, &a) == 0 && fstat(fd, &b) == 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    close(again);

    /* A pipe end through /dev/fd: the same pipe. */
    int p[2];
    CHECK(pipe(p) == 0);
    snprintf(path, sizeof(path), "/dev/fd/%d", p[1]);
    int w = open(path, O_WRONLY);
    CHECK(w >= 0);
    CHECK_EQ(write(w, "q", 1), 1);
    CHECK_EQ(read(p[0], buf, 1), 1);
    CHECK_EQ(buf[0], 'q');
    close(w);
    close(p[0]);
    close(p[1]);
    snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
    CHECK_ERR(open(path, O_RDONLY), ENOENT);
    /* The directory lists our fds. */
    snprintf(path, sizeof(path), "/dev/fd/%d", fd);
    struct stat st;
    CHECK(lstat(path, &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
