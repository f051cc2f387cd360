/* SPDX-License-Identifier: Apache-2.0 */
/* copy_file_range copies between regular files with explicit or implicit offsets, stops at
 * EOF, rejects flags (EINVAL), overlapping ranges in one file (EINVAL), directories (EISDIR),
 * negative offsets (EOVERFLOW), pipes (EINVAL), wrong access modes (EBADF) and O_APPEND
 * destinations (EBADF). */
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
    static char data[20000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i % 251);
    CHECK_EQ(write(in, data, sizeof(data)), (long)sizeof(data));

    loff_t ioff = 100, ooff = 50;
    CHECK_EQ(copy_file_range(in, &ioff, out, &ooff, 5000, 0), 5000);
    CHECK_EQ(ioff, 5100);
    CHECK_EQ(ooff, 5050);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 20000);
    CHECK_EQ(lseek(out, 0, SEEK_CUR), 0);
    static char back[20000];
    CHECK_EQ(pread(out, back, 5050, 0), 5050);
    for (int i = 0; i < 50; i++)
        CHECK(back[i] == 0);
    CHECK(memcmp(back + 50, data + 100, 5000) == 0);

    /* Implicit offsets advance the file offsets; the copy stops at EOF. */
    CHECK_EQ(lseek(in, 19000, SEEK_SET), 19000);
    CHECK_EQ(lseek(out, 0, SEEK_SET), 0);
    CHECK_EQ(copy_file_range(in, NULL, out, NULL, 5000, 0), 1000);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 20000);
    CHECK_EQ(lseek(out, 0, SEEK_CUR), 1000);
    CHECK_EQ(copy_file_range(in, NULL, out, NULL, 5000, 0), 0);

    /* Same file, non-overlapping is fine; overlapping is EINVAL. */
    ioff = 0;
    ooff = 10000;
    CHECK_EQ(copy_file_range(in, &ioff, in, &ooff, 100, 0), 100);
    ioff = 0;
    ooff = 50;
    CHECK_ERR(copy_file_range(in, &ioff, in, &ooff, 100, 0), EINVAL);

    CHECK_ERR(copy_file_range(in, NULL, out, NULL, 10, 1), EINVAL);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_ERR(copy_file_range(dfd, NULL, out, NULL, 10, 0), EISDIR);
    close(dfd);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(copy_file_range(p[0], NULL, out, NULL, 10, 0), EINVAL);
    CHECK_ERR(copy_file_range(in, NULL, p[1], NULL, 10, 0), EINVAL);
    close(p[0]);
    close(p[1]);
    int wo = open(src, O_WRONLY), ro = open(dst, O_RDONLY), ap = open(dst, O_WRONLY | O_APPEND);
    CHECK(wo >= 0 && ro >= 0 && ap >= 0);
    CHECK_ERR(copy_file_range(wo, NULL, out, NULL, 10, 0), EBADF);
    CHECK_ERR(copy_file_range(in, NULL, ro, NULL, 10, 0), EBADF);
    CHECK_ERR(copy_file_range(in, NULL, ap, NULL, 10, 0), EBADF);
    /* A negative offset is EOVERFLOW here (not EINVAL as for pread). */
    ioff = -1;
    CHECK_ERR(copy_file_range(in, &ioff, out, NULL, 10, 0), EOVERFLOW);
    /* Zero length: 0. */
    CHECK_EQ(copy_file_range(in, NULL, out, NULL, 0, 0), 0);

    close(wo);
    close(ro);
    close(ap);
    close(in);
    close(out);
    CHECK(unlink(src) == 0);
    CHECK(unlink(dst) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
