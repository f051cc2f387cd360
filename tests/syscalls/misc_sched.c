/* SPDX-License-Identifier: Apache-2.0 */
/* sched_getaffinity includes the CPU getcpu reports, pinning to one CPU moves us there,
 * small masks give EINVAL, sched_yield succeeds, and the default policy is SCHED_OTHER. */
#include "test.h"

#include <sched.h>
#include <sys/syscall.h>

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
    int n = CPU_COUNT(&set);
    CHECK(n >= 1);
    unsigned cpu = 0, node = 0;
    CHECK(getcpu(&cpu, &node) == 0);
    CHECK(CPU_ISSET(cpu, &set));
    /* The raw syscall returns the number of bytes written (a multiple of 8). */
    long r = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
    CHECK(r > 0 && r % 8 == 0 && r <= (long)sizeof(set));
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL);

    /* Pin to the last allowed CPU. */
    int target = -1;
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set))
            target = i;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(target, &one);
    CHECK(sched_setaffinity(0, sizeof(one), &one) == 0);
    CHECK(sched_yield() == 0);
    CHECK(getcpu(&cpu, &node) == 0);
    CHECK_EQ(cpu, target);
    cpu_set_t got;
    CHECK(sched_getaffinity(0, sizeof(got), &got) == 0);
    CHECK_EQ(CPU_COUNT(&got), 1);
    CHECK(CPU_ISSET(target, &got));
    /* A forked child inherits the mask. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        cpu_set_t c;
        sched_getaffinity(0, sizeof(c), &c);
        _exit(CPU_COUNT(&c) == 1 && CPU_ISSET(target, &c) ? 0 : 1);
    }
    test_wait_exit(child, 0);

    /* An empty mask is EINVAL. */
    cpu_set_t empty;
    CPU_ZERO(&empty);
    CHECK_ERR(sched_setaffinity(0, sizeof(empty), &empty), EINVAL);
    CHECK_ERR(sched_getaffinity(0x3ffffff0, sizeof(got), &got), ESRCH);
    CHECK(sched_setaffinity(0, sizeof(set), &set) == 0);

    CHECK_EQ(sched_getscheduler(0), SCHED_OTHER);
    struct sched_param sp = { .sched_priority = 5 };
    CHECK(sched_getparam(0, &sp) == 0);
    CHECK_EQ(sp.sched_priority, 0);
    CHECK_EQ(sched_get_priority_min(SCHED_OTHER), 0);
    CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
    CHECK_EQ(sched_get_priority_min(SCHED_FIFO), 1);
    CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99);
    CHECK_ERR(sched_get_priority_max(42), EINVAL);
    sp.sched_priority = 1;
    CHECK_ERR(sched_setscheduler(0, SCHED_OTHER, &sp), EINVAL);
    CHECK_ERR(sched_getscheduler(-1), EINVAL);
    TEST_OK();
}
