/* SPDX-License-Identifier: Apache-2.0 */
/* /dev/null reads EOF and swallows writes, /dev/zero reads zeroes, /dev/full fails writes with
 * ENOSPC and reads zeroes, /dev/urandom fills whole buffers with changing bytes. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int all_zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int main(void)
{
    unsigned char buf[4096];
    struct stat st;

    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0);
    CHECK(fstat(null, &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(major(st.st_rdev), 1);
    CHECK_EQ(minor(st.st_rdev), 3);
    CHECK_EQ(read(null, buf, sizeof(buf)), 0);
    CHECK_EQ(write(null, buf, sizeof(buf)), (long)sizeof(buf));
    CHECK_EQ(lseek(null, 100, SEEK_SET), 0);

    int zero = open("/dev/zero", O_RDWR);
    CHECK(zero >= 0);
    memset(buf, 0xaa, sizeof(buf));
    CHECK_EQ(read(zero, buf, sizeof(buf)), (long)sizeof(buf));
    CHECK(all_zero(buf, sizeof(buf)));
    CHECK_EQ(write(zero, buf, 100), 100);

    int full = open("/dev/full", O_RDWR);
    CHECK(full >= 0);
    CHECK_ERR(write(full, "x", 1), ENOSPC);
    memset(buf, 0xaa, sizeof(buf));
    CHECK_EQ(read(full, buf, 512), 512);
    CHECK(all_zero(buf, 512));

    int ur = open("/dev/urandom", O_RDONLY);
    CHECK(ur >= 0);
    unsigned char a[256], b[256];
    CHECK_EQ(read(ur, a, sizeof(a)), (long)sizeof(a));
    CHECK_EQ(read(ur, b, sizeof(b)), (long)sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    CHECK(!all_zero(a, sizeof(a)));
    /* Large reads are served in full. */
    static unsigned char large[1 << 20];
    CHECK_EQ(read(ur, large, sizeof(large)), (long)sizeof(large));

    close(null);
    close(zero);
    close(full);
    close(ur);
    TEST_OK();
}
