/* SPDX-License-Identifier: Apache-2.0 */
/* Scheduling policies: sched_setscheduler/getscheduler/getparam for the fair and real-time
 * policies with their priority ranges, SCHED_RESET_ON_FORK across fork, sched_setattr and
 * sched_getattr (sizes, flags, nice), sched_rr_get_interval, ioprio_set/get, and membarrier's
 * query and registration rules. */
#include "test.h"

#include <linux/membarrier.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

struct attr {
    unsigned int size;
    unsigned int policy;
    unsigned long long flags;
    int nice;
    unsigned int priority;
    unsigned long long runtime, deadline, period;
    unsigned int util_min, util_max;
};

static long setattr(pid_t pid, struct attr *a, unsigned int flags)
{
    return syscall(SYS_sched_setattr, pid, a, flags);
}

static long getattr(pid_t pid, struct attr *a, unsigned int size, unsigned int flags)
{
    return syscall(SYS_sched_getattr, pid, a, size, flags);
}

#define IOPRIO_PRIO_VALUE(c, d) (((c) << 13) | (d))

static int fair_and_attr(void)
{
    struct sched_param sp = { 0 };
    struct attr a;

    /* The fair policies take priority 0 only. */
    CHECK(sched_setscheduler(0, SCHED_BATCH, &sp) == 0);
    CHECK_EQ(sched_getscheduler(0), SCHED_BATCH);
    sp.sched_priority = 1;
    CHECK_ERR(sched_setscheduler(0, SCHED_BATCH, &sp), EINVAL);
    CHECK_ERR(sched_setscheduler(0, 42, &sp), EINVAL);
    CHECK_ERR(sched_setscheduler(-1, SCHED_OTHER, &sp), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
    CHECK_ERR(sched_setscheduler(0x3ffffff0, SCHED_OTHER, &sp), ESRCH);
    sp.sched_priority = 0;
    CHECK(sched_setscheduler(0, SCHED_IDLE, &sp) == 0);
    CHECK_EQ(sched_getscheduler(0), SCHED_IDLE);

    /* sched_getattr reports policy and nice. */
    CHECK(setpriority(PRIO_PROCESS, 0, 3) == 0);
    memset(&a, 0xff, sizeof(a));
    CHECK(getattr(0, &a, sizeof(a), 0) == 0);
    CHECK_EQ(a.size, sizeof(a));
    CHECK_EQ(a.policy, SCHED_IDLE);
    CHECK_EQ(a.nice, 3);
    CHECK_EQ(a.priority, 0);
    CHECK_ERR(getattr(0, &a, 47, 0), EINVAL);
    CHECK_ERR(getattr(0, &a, sizeof(a), 1), EINVAL);
    CHECK_ERR(getattr(0, NULL, sizeof(a), 0), EINVAL);
    /* An older, smaller struct gets only its own size. */
    struct attr small;
    memset(&small, 0xab, sizeof(small));
    CHECK(getattr(0, &small, 48, 0) == 0);
    CHECK_EQ(small.size, 48);
    CHECK_EQ(small.util_min, 0xabababab);

    /* sched_setattr: back to SCHED_OTHER with a higher nice value. */
    memset(&a, 0, sizeof(a));
    a.size = sizeof(a);
    a.policy = SCHED_OTHER;
    a.nice = 7;
    CHECK(setattr(0, &a, 0) == 0);
    CHECK_EQ(sched_getscheduler(0), SCHED_OTHER);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 7);
    /* Nice values are clamped; a flags argument is EINVAL; unknown sched_flags too. */
    a.nice = 100;
    CHECK(setattr(0, &a, 0) == 0);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 19);
    CHECK_ERR(setattr(0, &a, 1), EINVAL);
    a.flags = 1ULL << 40;
    CHECK_ERR(setattr(0, &a, 0), EINVAL);
    a.flags = 0;
    /* A size too small is E2BIG and reports the kernel's size. */
    a.size = 20;
    CHECK_ERR(setattr(0, &a, 0), E2BIG);
    CHECK(a.size >= 48);
    /* A larger struct must have a zero tail. */
    struct {
        struct attr a;
        char tail[8];
    } big;
    memset(&big, 0, sizeof(big));
    big.a.size = sizeof(big);
    big.a.policy = SCHED_BATCH;
    big.a.nice = 19;
    CHECK(setattr(0, &big.a, 0) == 0);
    CHECK_EQ(sched_getscheduler(0), SCHED_BATCH);
    big.tail[3] = 1;
    CHECK_ERR(setattr(0, &big.a, 0), E2BIG);
    /* KEEP_POLICY keeps SCHED_BATCH. */
    memset(&a, 0, sizeof(a));
    a.size = sizeof(a);
    a.policy = SCHED_IDLE;
    a.nice = 19;
    a.flags = 0x08; /* SCHED_FLAG_KEEP_POLICY */
    CHECK(setattr(0, &a, 0) == 0);
    CHECK_EQ(sched_getscheduler(0), SCHED_BATCH);

    struct timespec ts;
    CHECK(sched_rr_get_interval(0, &ts) == 0);
    CHECK_ERR(sched_rr_get_interval(-1, &ts), EINVAL);
    CHECK_ERR(sched_rr_get_interval(0x3ffffff0, &ts), ESRCH);
    return 0;
}

static int realtime(void)
{
    struct sched_param sp = { .sched_priority = 0 };

    if (!test_has_cap(CAP_SYS_NICE)) {
        sp.sched_priority = 10;
        /* Without CAP_SYS_NICE, RLIMIT_RTPRIO (0 by default) forbids real-time policies. */
        struct rlimit rl;
        CHECK(getrlimit(RLIMIT_RTPRIO, &rl) == 0);
        if (rl.rlim_cur == 0)
            CHECK_ERR(sched_setscheduler(0, SCHED_FIFO, &sp), EPERM);
        return 0;
    }
    CHECK_ERR(sched_setscheduler(0, SCHED_FIFO, &sp), EINVAL);
    sp.sched_priority = 100;
    CHECK_ERR(sched_setscheduler(0, SCHED_RR, &sp), EINVAL);
    sp.sched_priority = 10;
    CHECK(sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) == 0);
    CHECK_EQ(sched_getscheduler(0), SCHED_RR | SCHED_RESET_ON_FORK);
    struct sched_param got = { .sched_priority = -1 };
    CHECK(sched_getparam(0, &got) == 0);
    CHECK_EQ(got.sched_priority, 10);
    struct timespec ts;
    CHECK(sched_rr_get_interval(0, &ts) == 0);
    CHECK(ts.tv_sec > 0 || ts.tv_nsec > 0);
    sp.sched_priority = 20;
    CHECK(sched_setparam(0, &sp) == 0);
    CHECK(sched_getparam(0, &got) == 0);
    CHECK_EQ(got.sched_priority, 20);
    struct attr a;
    CHECK(getattr(0, &a, sizeof(a), 0) == 0);
    CHECK_EQ(a.policy, SCHED_RR);
    CHECK_EQ(a.priority, 20);
    CHECK_EQ(a.flags & 1, 1); /* SCHED_FLAG_RESET_ON_FORK */

    /* The child of a reset-on-fork task starts as SCHED_OTHER, priority 0. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sched_param c = { .sched_priority = -1 };
        sched_getparam(0, &c);
        _exit(sched_getscheduler(0) == SCHED_OTHER && c.sched_priority == 0 ? 0 : 1);
    }
    test_wait_exit(child, 0);

    /* FIFO reports a zero time slice. */
    sp.sched_priority = 5;
    CHECK(sched_setscheduler(0, SCHED_FIFO, &sp) == 0);
    CHECK(sched_rr_get_interval(0, &ts) == 0);
    CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0);
    sp.sched_priority = 0;
    CHECK(sched_setscheduler(0, SCHED_OTHER, &sp) == 0);
    return 0;
}

static int ioprio(void)
{
    int be3 = IOPRIO_PRIO_VALUE(2, 3);
    CHECK(syscall(SYS_ioprio_set, 1, 0, be3) == 0);
    CHECK_EQ(syscall(SYS_ioprio_get, 1, 0), be3);
    CHECK_EQ(syscall(SYS_ioprio_get, 1, getpid()), be3);
    CHECK(syscall(SYS_ioprio_set, 1, 0, IOPRIO_PRIO_VALUE(3, 0)) == 0);
    CHECK_EQ(syscall(SYS_ioprio_get, 1, 0), IOPRIO_PRIO_VALUE(3, 0));
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, IOPRIO_PRIO_VALUE(0, 1)), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, IOPRIO_PRIO_VALUE(5, 0)), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_set, 9, 0, be3), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_get, 9, 0), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_get, 1, 0x3ffffff0), ESRCH);
    /* A child inherits it. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(syscall(SYS_ioprio_get, 1, 0) == IOPRIO_PRIO_VALUE(3, 0) ? 0 : 1);
    test_wait_exit(child, 0);
    return 0;
}

static int membarrier_rules(void)
{
    long q = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    CHECK(q > 0);
    CHECK(q & MEMBARRIER_CMD_PRIVATE_EXPEDITED);
    CHECK(q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
    /* Private expedited barriers need a registration first. */
    CHECK_ERR(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), EPERM);
    CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0);
    CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0);
    if (q & MEMBARRIER_CMD_GLOBAL)
        CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0);
    CHECK_ERR(syscall(SYS_membarrier, 1 << 20, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 4, 0), EINVAL);
    return 0;
}

int main(void)
{
    /* Each part in a child of its own: they change the scheduling of the caller. */
    int (*parts[])(void) = { fair_and_attr, realtime, ioprio, membarrier_rules };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0)
            _exit(parts[i]());
        test_wait_exit(child, 0);
    }
    TEST_OK();
}
