/* SPDX-License-Identifier: Apache-2.0 */
/* personality(0xffffffff) queries PER_LINUX and flags round-trip; capget probes the version
 * (writing back v3 on a bad one), and effective capabilities are a subset of permitted ones. */
#include "test.h"

#include <linux/capability.h>
#include <sys/personality.h>
#include <sys/syscall.h>

int main(void)
{
    int pers = personality(0xffffffff);
    CHECK_EQ(pers & PER_MASK, PER_LINUX);
    /* Setting ADDR_NO_RANDOMIZE and back returns the previous value each time. */
    CHECK_EQ(personality(pers | ADDR_NO_RANDOMIZE), pers);
    CHECK_EQ(personality(0xffffffff), pers | ADDR_NO_RANDOMIZE);
    CHECK_EQ(personality(pers), pers | ADDR_NO_RANDOMIZE);
    CHECK_EQ(personality(0xffffffff), pers);

    /* Probe: a bad version with NULL data succeeds and writes back the preferred version. */
    struct __user_cap_header_struct hdr = { .version = 0x12345678, .pid = 0 };
    CHECK(syscall(SYS_capget, &hdr, NULL) == 0);
    CHECK_EQ(hdr.version, _LINUX_CAPABILITY_VERSION_3);
    /* With a data pointer, a bad version is EINVAL (and the version is still written back). */
    struct __user_cap_data_struct data[2];
    hdr.version = 0x12345678;
    CHECK_ERR(syscall(SYS_capget, &hdr, data), EINVAL);
    CHECK_EQ(hdr.version, _LINUX_CAPABILITY_VERSION_3);

    memset(data, 0, sizeof(data));
    CHECK(syscall(SYS_capget, &hdr, data) == 0);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(data[i].effective & ~data[i].permitted, 0);
    /* Same answer for our own pid. */
    struct __user_cap_data_struct d2[2];
    hdr.pid = getpid();
    CHECK(syscall(SYS_capget, &hdr, d2) == 0);
    CHECK_EQ(d2[0].effective, data[0].effective);
    CHECK_EQ(d2[1].permitted, data[1].permitted);
    hdr.pid = 0x3ffffff0;
    CHECK_ERR(syscall(SYS_capget, &hdr, d2), ESRCH);

    /* Root holds some capabilities (which ones depends on how the tests are run). */
    if (geteuid() == 0)
        CHECK(data[0].effective != 0 || data[1].effective != 0);
    TEST_OK();
}
