/* SPDX-License-Identifier: Apache-2.0 */
/* sendfile: copies file data to a file, pipe or socket; with an offset pointer it updates
 * *offset and leaves the file offset alone, without one it advances the file offset; it stops
 * at EOF (returning 0 there), refuses a pipe source for a file destination (EINVAL), and
 * rejects bad fds (EBADF) and a non-readable source (EBADF). */
#include "test.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

int main(void)
{
    char dir[64], src[96], dst[96];
    test_mkdtemp(dir);
    snprintf(src, sizeof(src), "%s/src", dir);
    snprintf(dst, sizeof(dst), "%s/dst", dir);
    int in = open(src, O_RDWR | O_CREAT, 0600);
    int out = open(dst, O_RDWR | O_CREAT, 0600);
    CHECK(in >= 0 && out >= 0);
    static char data[100000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7 + 3);
    CHECK_EQ(write(in, data, sizeof(data)), (long)sizeof(data));

    /* With an offset pointer. */
    CHECK_EQ(lseek(in, 5, SEEK_SET), 5);
    off_t off = 1000;
    CHECK_EQ(sendfile(out, in, &off, 50000), 50000);
    CHECK_EQ(off, 51000);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 5);
    CHECK_EQ(lseek(out, 0, SEEK_CUR), 50000);
    static char back[100000];
    CHECK_EQ(pread(out, back, 50000, 0), 50000);
    CHECK(memcmp(back, data + 1000, 50000) == 0);

    /* Without: uses and advances the file offset; short at EOF, then 0. */
    CHECK_EQ(lseek(in, 90000, SEEK_SET), 90000);
    CHECK_EQ(sendfile(out, in, NULL, 20000), 10000);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 100000);
    CHECK_EQ(sendfile(out, in, NULL, 20000), 0);
    off = 200000;
    CHECK_EQ(sendfile(out, in, &off, 10), 0);

    /* To a pipe and to a socket. */
    int p[2];
    CHECK(pipe(p) == 0);
    off = 0;
    CHECK_EQ(sendfile(p[1], in, &off, 1000), 1000);
    CHECK_EQ(read(p[0], back, sizeof(back)), 1000);
    CHECK(memcmp(back, data, 1000) == 0);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    off = 10;
    CHECK_EQ(sendfile(sv[0], in, &off, 100), 100);
    CHECK_EQ(read(sv[1], back, sizeof(back)), 100);
    CHECK(memcmp(back, data + 10, 100) == 0);
    /* From a pipe to a regular file: EINVAL (the data stays in the pipe). */
    CHECK_EQ(write(p[1], "pipe", 4), 4);
    CHECK_ERR(sendfile(out, p[0], NULL, 4), EINVAL);
    CHECK_EQ(read(p[0], back, sizeof(back)), 4);

    int wo = open(src, O_WRONLY);
    CHECK(wo >= 0);
    CHECK_ERR(sendfile(out, wo, NULL, 10), EBADF);
    int ro = open(dst, O_RDONLY);
    CHECK(ro >= 0);
    CHECK_ERR(sendfile(ro, in, NULL, 10), EBADF);
    CHECK_ERR(sendfile(-1, in, NULL, 10), EBADF);
    off = -1;
    CHECK_ERR(sendfile(out, in, &off, 10), EINVAL);
    /* O_APPEND destination: EINVAL. */
    int ap = open(dst, O_WRONLY | O_APPEND);
    CHECK(ap >= 0);
    off = 0;
    CHECK_ERR(sendfile(ap, in, &off, 10), EINVAL);

    close(ap);
    close(wo);
    close(ro);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
    close(in);
    close(out);
    CHECK(unlink(src) == 0);
    CHECK(unlink(dst) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
