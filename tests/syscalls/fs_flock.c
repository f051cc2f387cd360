/* SPDX-License-Identifier: Apache-2.0 */
/* flock: LOCK_EX on one open file blocks LOCK_SH/LOCK_EX|LOCK_NB on another (EWOULDBLOCK),
 * shared locks coexist, converting a lock works, LOCK_UN releases, bad operations are EINVAL,
 * and flock and POSIX locks do not interact. */
#include "test.h"

#include <fcntl.h>
#include <sys/file.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int a = open(f, O_RDWR | O_CREAT, 0600);
    int b = open(f, O_RDONLY);
    CHECK(a >= 0 && b >= 0);

    CHECK(flock(a, LOCK_EX) == 0);
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    /* Re-locking the same description is a no-op / conversion. */
    CHECK(flock(a, LOCK_EX | LOCK_NB) == 0);
    CHECK(flock(a, LOCK_SH) == 0); /* downgrade */
    CHECK(flock(b, LOCK_SH | LOCK_NB) == 0);
    CHECK_ERR(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK); /* b shares it */
    CHECK(flock(b, LOCK_UN) == 0);
    CHECK(flock(a, LOCK_EX | LOCK_NB) == 0);

    /* POSIX locks are independent from flock locks. */
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
    CHECK(fcntl(b, F_SETLK, &fl) == 0);

    CHECK_ERR(flock(a, 0), EINVAL);
    CHECK_ERR(flock(a, LOCK_SH | LOCK_EX), EINVAL);
    CHECK_ERR(flock(a, 16), EINVAL);
    /* LOCK_MAND (32) is no longer supported: since 5.17 Linux warns once and returns 0
     * without doing anything. */
    CHECK(flock(a, 32 | LOCK_SH) == 0);
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK); /* a still holds LOCK_EX */
    CHECK_ERR(flock(-1, LOCK_SH), EBADF);
    /* flock works on read-only fds and directories, but not on O_PATH fds (EBADF). */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(flock(dfd, LOCK_EX | LOCK_NB) == 0);
    close(dfd);
    int pfd = open(f, O_PATH);
    CHECK(pfd >= 0);
    CHECK_ERR(flock(pfd, LOCK_SH), EBADF);
    close(pfd);

    /* Closing a releases its lock. */
    close(a);
    CHECK(flock(b, LOCK_EX | LOCK_NB) == 0);
    close(b);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
