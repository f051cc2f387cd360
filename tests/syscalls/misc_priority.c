/* SPDX-License-Identifier: Apache-2.0 */
/* getpriority/setpriority: nice values clamp to [-20, 19], the raw syscall returns 20 - nice,
 * lowering the nice value needs CAP_SYS_NICE (EACCES otherwise), bad `which` gives EINVAL and
 * missing processes ESRCH. */
#include "test.h"

#include <sys/resource.h>
#include <sys/syscall.h>

static int run(void)
{
    errno = 0;
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 0);
    CHECK_EQ(errno, 0);
    /* The raw syscall avoids negative returns: it reports 20 - nice. */
    CHECK_EQ(syscall(SYS_getpriority, PRIO_PROCESS, 0), 20);

    CHECK(setpriority(PRIO_PROCESS, 0, 5) == 0);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 5);
    CHECK_EQ(nice(2), 7);
    /* Clamped at the top. */
    CHECK(setpriority(PRIO_PROCESS, 0, 100) == 0);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 19);
    CHECK_EQ(syscall(SYS_getpriority, PRIO_PROCESS, 0), 1);
    if (test_has_cap(CAP_SYS_NICE)) {
        /* ... and at the bottom. */
        CHECK(setpriority(PRIO_PROCESS, 0, -100) == 0);
        CHECK_EQ(getpriority(PRIO_PROCESS, 0), -20);
        CHECK_EQ(syscall(SYS_getpriority, PRIO_PROCESS, 0), 40);
        CHECK(setpriority(PRIO_PROCESS, 0, 2) == 0);
    } else {
        CHECK_ERR(setpriority(PRIO_PROCESS, 0, 10), EACCES);
        CHECK_EQ(getpriority(PRIO_PROCESS, 0), 19);
    }

    /* Process group: we are the group leader of a fresh group. Raising is always allowed. */
    CHECK(setpgid(0, 0) == 0);
    int base = getpriority(PRIO_PROCESS, 0);
    int want = base < 19 ? base + 1 : 19;
    CHECK(setpriority(PRIO_PGRP, 0, want) == 0);
    CHECK_EQ(getpriority(PRIO_PGRP, 0), want);
    CHECK_EQ(getpriority(PRIO_PROCESS, getpid()), want);

    /* A child inherits the nice value. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(getpriority(PRIO_PROCESS, 0) == want ? 0 : 1);
    test_wait_exit(child, 0);

    CHECK_ERR(getpriority(42, 0), EINVAL);
    CHECK_ERR(setpriority(42, 0, 0), EINVAL);
    CHECK_ERR(getpriority(PRIO_PROCESS, 0x3ffffff0), ESRCH);
    CHECK_ERR(setpriority(PRIO_PROCESS, 0x3ffffff0, 0), ESRCH);
    return 0;
}

int main(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(run());
    test_wait_exit(child, 0);
    TEST_OK();
}
