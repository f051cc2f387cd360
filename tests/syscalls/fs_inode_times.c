/* SPDX-License-Identifier: Apache-2.0 */
/* Timestamps: write updates mtime and ctime, chmod/link/rename update only ctime of the file,
 * creating or removing an entry updates the directory's mtime and ctime, and a zero-length
 * write or a failed operation changes nothing. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void pause_a_bit(void)
{
    /* Timestamps use the coarse clock (one jiffy granularity). */
    struct timespec ts = { 0, 15 * 1000 * 1000 };
    nanosleep(&ts, NULL);
}

int main(void)
{
    char dir[64], f[96], g[96], h[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(g, sizeof(g), "%s/g", dir);
    snprintf(h, sizeof(h), "%s/h", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    struct stat s0, s1, d0, d1;

    CHECK(fstat(fd, &s0) == 0);
    pause_a_bit();
    CHECK_EQ(write(fd, "x", 1), 1);
    CHECK(fstat(fd, &s1) == 0);
    CHECK(ns(s1.st_mtim) > ns(s0.st_mtim));
    CHECK(ns(s1.st_ctim) > ns(s0.st_ctim));

    s0 = s1;
    pause_a_bit();
    CHECK_EQ(write(fd, "", 0), 0);
    CHECK(fstat(fd, &s1) == 0);
    CHECK_EQ(ns(s1.st_mtim), ns(s0.st_mtim));

    pause_a_bit();
    CHECK(fchmod(fd, 0640) == 0);
    CHECK(fstat(fd, &s1) == 0);
    CHECK_EQ(ns(s1.st_mtim), ns(s0.st_mtim));
    CHECK(ns(s1.st_ctim) > ns(s0.st_ctim));

    s0 = s1;
    CHECK(stat(dir, &d0) == 0);
    pause_a_bit();
    CHECK(link(f, g) == 0);
    CHECK(fstat(fd, &s1) == 0);
    CHECK(stat(dir, &d1) == 0);
    CHECK(ns(s1.st_ctim) > ns(s0.st_ctim));
    CHECK_EQ(ns(s1.st_mtim), ns(s0.st_mtim));
    CHECK(ns(d1.st_mtim) > ns(d0.st_mtim));
    CHECK(ns(d1.st_ctim) > ns(d0.st_ctim));

    s0 = s1;
    d0 = d1;
    pause_a_bit();
    CHECK(rename(g, h) == 0);
    CHECK(fstat(fd, &s1) == 0);
    CHECK(stat(dir, &d1) == 0);
    CHECK(ns(s1.st_ctim) > ns(s0.st_ctim));
    CHECK_EQ(ns(s1.st_mtim), ns(s0.st_mtim));
    CHECK(ns(d1.st_mtim) > ns(d0.st_mtim));

    d0 = d1;
    s0 = s1;
    pause_a_bit();
    CHECK_ERR(mkdir(h, 0700), EEXIST);
    CHECK_ERR(unlink("/nonexistent/x"), ENOENT);
    CHECK(stat(dir, &d1) == 0);
    CHECK(fstat(fd, &s1) == 0);
    CHECK_EQ(ns(d1.st_mtim), ns(d0.st_mtim));
    CHECK_EQ(ns(s1.st_ctim), ns(s0.st_ctim));

    pause_a_bit();
    CHECK(unlink(h) == 0);
    CHECK(stat(dir, &d1) == 0);
    CHECK(fstat(fd, &s1) == 0);
    CHECK(ns(d1.st_mtim) > ns(d0.st_mtim));
    CHECK(ns(s1.st_ctim) > ns(s0.st_ctim)); /* nlink changed */

    s0 = s1;
    pause_a_bit();
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(fstat(fd, &s1) == 0);
    CHECK(ns(s1.st_mtim) > ns(s0.st_mtim));

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
