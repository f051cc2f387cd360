/* SPDX-License-Identifier: Apache-2.0 */
/* splice moves data file -> pipe -> file with offsets that are updated (file offsets left
 * alone); one side must be a pipe (EINVAL otherwise), offsets on a pipe are ESPIPE, an empty
 * pipe with SPLICE_F_NONBLOCK gives EAGAIN, and splicing at EOF returns 0. */
#include "test.h"

#include <fcntl.h>

int main(void)
{
    char dir[64], src[96], dst[96];
    test_mkdtemp(dir);
    snprintf(src, sizeof(src), "%s/src", dir);
    snprintf(dst, sizeof(dst), "%s/dst", dir);
    int in = open(src, O_RDWR | O_CREAT, 0600);
    int out = open(dst, O_RDWR | O_CREAT, 0600);
    CHECK(in >= 0 && out >= 0);
    char data[8192];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)('a' + i % 26);
    CHECK_EQ(write(in, data, sizeof(data)), (long)sizeof(data));
    int p[2];
    CHECK(pipe(p) == 0);

    loff_t off = 100;
    CHECK_EQ(splice(in, &off, p[1], NULL, 1000, 0), 1000);
    CHECK_EQ(off, 1100);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 8192);
    loff_t woff = 10;
    CHECK_EQ(splice(p[0], NULL, out, &woff, 1000, 0), 1000);
    CHECK_EQ(woff, 1010);
    CHECK_EQ(lseek(out, 0, SEEK_CUR), 0);
    char back[1000];
    CHECK_EQ(pread(out, back, sizeof(back), 10), 1000);
    CHECK(memcmp(back, data + 100, 1000) == 0);

    /* NULL offset on a file uses and advances the file offset. */
    CHECK_EQ(lseek(in, 8000, SEEK_SET), 8000);
    CHECK_EQ(splice(in, NULL, p[1], NULL, 1000, 0), 192);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 8192);
    CHECK_EQ(splice(in, NULL, p[1], NULL, 1000, 0), 0); /* EOF */
    CHECK_EQ(splice(p[0], NULL, out, NULL, 1000, 0), 192);
    CHECK_EQ(lseek(out, 0, SEEK_CUR), 192);

    CHECK_ERR(splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK), EAGAIN);
    CHECK_ERR(splice(in, NULL, out, NULL, 10, 0), EINVAL);
    off = 0;
    CHECK_ERR(splice(p[0], &off, out, NULL, 10, 0), ESPIPE);
    CHECK_ERR(splice(in, NULL, p[1], &off, 10, 0), ESPIPE);
    CHECK_ERR(splice(in, NULL, p[0], NULL, 10, 0), EBADF); /* read end as output */
    CHECK_ERR(splice(-1, NULL, p[1], NULL, 10, 0), EBADF);
    off = -5;
    CHECK_ERR(splice(in, &off, p[1], NULL, 10, 0), EINVAL);
    /* Zero length is a no-op. */
    CHECK_EQ(splice(in, NULL, p[1], NULL, 0, 0), 0);

    /* pipe -> pipe. */
    int q[2];
    CHECK(pipe(q) == 0);
    CHECK_EQ(write(p[1], "hello", 5), 5);
    CHECK_EQ(splice(p[0], NULL, q[1], NULL, 100, 0), 5);
    char c[8];
    CHECK_EQ(read(q[0], c, sizeof(c)), 5);
    CHECK(memcmp(c, "hello", 5) == 0);
    /* Splicing a pipe into itself: EINVAL. */
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_ERR(splice(p[0], NULL, p[1], NULL, 1, 0), EINVAL);

    close(q[0]);
    close(q[1]);
    close(p[0]);
    close(p[1]);
    close(in);
    close(out);
    CHECK(unlink(src) == 0);
    CHECK(unlink(dst) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
