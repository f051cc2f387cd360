/* SPDX-License-Identifier: Apache-2.0 */
/* utimensat/futimens: explicit times are stored to the nanosecond, UTIME_OMIT keeps a field,
 * UTIME_NOW sets the current time, NULL sets both to now, AT_SYMLINK_NOFOLLOW changes the link
 * itself, and a bad tv_nsec is EINVAL. ctime always moves forward. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
    char dir[64], f[96], l[96];
    test_mkdtemp(dir);
    CHECK(chmod(dir, 0755) == 0); /* let the unprivileged child search it */
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(l, sizeof(l), "%s/l", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(symlink("f", l) == 0);
    struct stat st;

    struct timespec t[2] = { { 1000000000, 123456789 }, { 1100000000, 987654321 } };
    CHECK(utimensat(AT_FDCWD, f, t, 0) == 0);
    CHECK(stat(f, &st) == 0);
    CHECK_EQ(ns(st.st_atim), ns(t[0]));
    CHECK_EQ(ns(st.st_mtim), ns(t[1]));

    struct timespec omit_a[2] = { { 0, UTIME_OMIT }, { 1200000000, 5 } };
    CHECK(futimens(fd, omit_a) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(ns(st.st_atim), ns(t[0]));
    CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
    CHECK_EQ(st.st_mtim.tv_nsec, 5);

    struct timespec now;
    CHECK(clock_gettime(CLOCK_REALTIME, &now) == 0);
    struct timespec now_m[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
    CHECK(utimensat(AT_FDCWD, f, now_m, 0) == 0);
    CHECK(stat(f, &st) == 0);
    CHECK_EQ(ns(st.st_atim), ns(t[0]));
    CHECK(st.st_mtim.tv_sec >= now.tv_sec - 1 && st.st_mtim.tv_sec <= now.tv_sec + 5);
    CHECK(ns(st.st_ctim) >= ns(st.st_mtim) - 1000000); /* ctime was set too */

    CHECK(utimensat(AT_FDCWD, f, t, 0) == 0);
    CHECK(utimensat(AT_FDCWD, f, NULL, 0) == 0);
    CHECK(stat(f, &st) == 0);
    CHECK(st.st_atim.tv_sec >= now.tv_sec - 1);
    CHECK(st.st_mtim.tv_sec >= now.tv_sec - 1);

    /* Both omitted: success, nothing changes. */
    struct timespec both_omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    CHECK(utimensat(AT_FDCWD, f, t, 0) == 0);
    CHECK(utimensat(AT_FDCWD, f, both_omit, 0) == 0);
    CHECK(stat(f, &st) == 0);
    CHECK_EQ(ns(st.st_mtim), ns(t[1]));

    /* The symlink itself. */
    struct timespec lt[2] = { { 500000000, 0 }, { 600000000, 0 } };
    CHECK(utimensat(AT_FDCWD, l, lt, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(lstat(l, &st) == 0);
    CHECK_EQ(st.st_mtim.tv_sec, 600000000);
    CHECK(stat(f, &st) == 0);
    CHECK_EQ(ns(st.st_mtim), ns(t[1]));

    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    CHECK_ERR(utimensat(AT_FDCWD, f, bad, 0), EINVAL);
    bad[0].tv_nsec = -1;
    CHECK_ERR(utimensat(AT_FDCWD, f, bad, 0), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, f, t, 0x1), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, "/nonexistent/x", t, 0), ENOENT);

    /* A non-owner may set UTIME_NOW only with write access; explicit times need ownership. */
    CHECK(chmod(f, 0666) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (utimensat(AT_FDCWD, f, NULL, 0) != 0)
            _exit(3);
        if (utimensat(AT_FDCWD, f, t, 0) == 0 || errno != EPERM)
            _exit(4);
        _exit(0);
    }
    test_wait_exit(pid, 0);

    close(fd);
    CHECK(unlink(l) == 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
