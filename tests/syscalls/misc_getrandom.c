/* SPDX-License-Identifier: Apache-2.0 */
/* getrandom fills the buffer (up to 256 bytes never short), successive calls differ, flags
 * are validated and bad buffers give EFAULT. */
#include "test.h"

#include <sys/random.h>
#include <sys/syscall.h>

int main(void)
{
    unsigned char a[256], b[256];
    CHECK_EQ(getrandom(a, sizeof(a), 0), 256);
    CHECK_EQ(getrandom(b, sizeof(b), 0), 256);
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    CHECK_EQ(getrandom(a, sizeof(a), GRND_NONBLOCK), 256);
    CHECK_EQ(getrandom(a, sizeof(a), GRND_RANDOM | GRND_NONBLOCK) > 0, 1);
    CHECK_EQ(getrandom(a, 0, 0), 0);

    /* Byte values are spread out: 4096 bytes should hit most of the 256 values. */
    static unsigned char big[4096];
    CHECK_EQ(getrandom(big, sizeof(big), 0), (long)sizeof(big));
    int seen[256] = { 0 }, distinct = 0;
    for (size_t i = 0; i < sizeof(big); i++)
        if (!seen[big[i]]++)
            distinct++;
    CHECK(distinct > 200);

    CHECK_ERR(getrandom(a, sizeof(a), 0x100), EINVAL);
    CHECK_ERR(getrandom(a, sizeof(a), GRND_RANDOM | GRND_INSECURE), EINVAL);
    CHECK_ERR(syscall(SYS_getrandom, (void *)8, 16, 0), EFAULT);
    TEST_OK();
}
