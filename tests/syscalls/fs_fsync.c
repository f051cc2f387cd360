/* SPDX-License-Identifier: Apache-2.0 */
/* fsync/fdatasync/syncfs/sync/sync_file_range succeed on files and directories (also read-only
 * fds), fail with EINVAL on pipes and sockets, and EBADF on bad fds; sync_file_range validates
 * flags and ranges. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "data", 4), 4);
    CHECK(fsync(fd) == 0);
    CHECK(fdatasync(fd) == 0);
    CHECK(syncfs(fd) == 0);
    sync();
    CHECK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0);
    CHECK(sync_file_range(fd, 0, 4,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                              SYNC_FILE_RANGE_WAIT_AFTER) == 0);
    CHECK_ERR(sync_file_range(fd, 0, 0, 0x100), EINVAL);
    CHECK_ERR(sync_file_range(fd, -1, 0, SYNC_FILE_RANGE_WRITE), EINVAL);
    CHECK_ERR(sync_file_range(fd, 0, -1, SYNC_FILE_RANGE_WRITE), EINVAL);

    int rfd = open(f, O_RDONLY);
    CHECK(rfd >= 0);
    CHECK(fsync(rfd) == 0);
    CHECK(fdatasync(rfd) == 0);
    close(rfd);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(fsync(dfd) == 0);
    CHECK(syncfs(dfd) == 0);
    close(dfd);

    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(fsync(p[0]), EINVAL);
    CHECK_ERR(fdatasync(p[1]), EINVAL);
    CHECK_ERR(sync_file_range(p[0], 0, 0, SYNC_FILE_RANGE_WRITE), ESPIPE);
    CHECK(syncfs(p[0]) == 0); /* syncs pipefs: fine */
    close(p[0]);
    close(p[1]);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_ERR(fsync(sv[0]), EINVAL);
    close(sv[0]);
    close(sv[1]);
    /* /dev/null: character devices accept fsync? Linux: EINVAL (no fsync op). */
    int nfd = open("/dev/null", O_WRONLY);
    CHECK(nfd >= 0);
    CHECK_ERR(fsync(nfd), EINVAL);
    close(nfd);

    CHECK_ERR(fsync(-1), EBADF);
    CHECK_ERR(syncfs(-1), EBADF);
    CHECK_ERR(fdatasync(999), EBADF);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
