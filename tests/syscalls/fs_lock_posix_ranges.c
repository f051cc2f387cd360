/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX lock ranges: unlocking the middle of a lock splits it, adjacent locks of one type
 * merge, a negative l_len locks the bytes before l_start, SEEK_CUR/SEEK_END whence work, and
 * changing the type of part of a range splits it. Observed from a child with F_GETLK. */
#include "test.h"

#include <fcntl.h>

static int setlk(int fd, short type, short whence, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };
    return fcntl(fd, F_SETLK, &fl);
}

/* In a child: F_GETLK for a write lock on [start, start+len); writes the result to `out`. */
static struct flock probe(const char *path, off_t start, off_t len)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int fd = open(path, O_RDWR);
        struct flock fl = {
            .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len
        };
        if (fd < 0 || fcntl(fd, F_GETLK, &fl) != 0)
            _exit(1);
        if (write(p[1], &fl, sizeof(fl)) != sizeof(fl))
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    struct flock fl;
    CHECK_EQ(read(p[0], &fl, sizeof(fl)), (long)sizeof(fl));
    close(p[0]);
    test_wait_exit(pid, 0);
    return fl;
}

static void expect(const char *path, off_t at, short type, off_t start, off_t len)
{
    struct flock fl = probe(path, at, 1);
    CHECK_EQ(fl.l_type, type);
    if (type != F_UNLCK) {
        CHECK_EQ(fl.l_start, start);
        CHECK_EQ(fl.l_len, len);
        CHECK_EQ(fl.l_pid, getpid());
    }
}

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);

    CHECK(setlk(fd, F_WRLCK, SEEK_SET, 0, 100) == 0);
    CHECK(setlk(fd, F_UNLCK, SEEK_SET, 40, 20) == 0); /* split: [0,40) [60,100) */
    expect(f, 10, F_WRLCK, 0, 40);
    expect(f, 50, F_UNLCK, 0, 0);
    expect(f, 70, F_WRLCK, 60, 40);
    /* Filling the gap merges into one lock. */
    CHECK(setlk(fd, F_WRLCK, SEEK_SET, 40, 20) == 0);
    expect(f, 50, F_WRLCK, 0, 100);
    /* Downgrade the middle: three pieces. */
    CHECK(setlk(fd, F_RDLCK, SEEK_SET, 30, 10) == 0);
    expect(f, 35, F_RDLCK, 30, 10);
    expect(f, 5, F_WRLCK, 0, 30);
    expect(f, 45, F_WRLCK, 40, 60);
    CHECK(setlk(fd, F_UNLCK, SEEK_SET, 0, 0) == 0); /* everything */
    expect(f, 45, F_UNLCK, 0, 0);

    /* Negative length: [start+len, start). */
    CHECK(setlk(fd, F_WRLCK, SEEK_SET, 50, -10) == 0);
    expect(f, 45, F_WRLCK, 40, 10);
    expect(f, 50, F_UNLCK, 0, 0);
    CHECK_ERR(setlk(fd, F_WRLCK, SEEK_SET, 5, -10), EINVAL);
    CHECK(setlk(fd, F_UNLCK, SEEK_SET, 0, 0) == 0);

    /* SEEK_CUR and SEEK_END are resolved at lock time. */
    CHECK_EQ(lseek(fd, 200, SEEK_SET), 200);
    CHECK(setlk(fd, F_WRLCK, SEEK_CUR, 10, 5) == 0);
    expect(f, 212, F_WRLCK, 210, 5);
    CHECK(ftruncate(fd, 1000) == 0);
    CHECK(setlk(fd, F_WRLCK, SEEK_END, -100, 0) == 0); /* [900, EOF) */
    expect(f, 5000, F_WRLCK, 900, 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    /* F_GETLK in the same process reports no conflict and leaves l_type F_UNLCK. */
    struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    CHECK(fcntl(fd, F_GETLK, &q) == 0);
    CHECK_EQ(q.l_type, F_UNLCK);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
