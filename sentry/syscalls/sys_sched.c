/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scheduling syscalls: nice values, policies and real-time priorities,
 * sched_attr, I/O priorities, CPU affinity and getcpu, mlock and membarrier.
 * Policies and priorities are recorded and reported with Linux's checks; the
 * host schedules the stub threads, so they change nothing else.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/sys_sched.h"
#include "sentry/syscalls/syscalls_internal.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#define CAP_IPC_LOCK_  14
#define CAP_SYS_NICE_  23
#define CAP_SYS_ADMIN_ 21

#define MIN_NICE    (-20)
#define MAX_NICE    19
#define MAX_RT_PRIO 99
#define PAGE_SIZE_  4096ULL

/* Linux's check_same_owner: the caller's euid is the target's uid or euid. Needs k->mu. */
static bool same_owner_locked(const struct task *t, const struct task *p)
{
    return t->cred.euid == p->cred.euid || t->cred.euid == p->cred.uid;
}

/* Linux's can_nice: `nice` is within RLIMIT_NICE (20 - nice <= limit) or CAP_SYS_NICE. */
static bool can_nice(const struct task *t, int nice)
{
    rlim_t lim = t->tg->rlimits[RLIMIT_NICE].rlim_cur;

    return (rlim_t)(20 - nice) <= lim || task_capable(t, CAP_SYS_NICE_);
}

/* The task `pid` names (0: the caller) or NULL. Needs k->mu. */
static struct task *find_task_locked(struct task *t, int pid)
{
    return pid == 0 ? t : kernel_find_task_locked(t->k, pid);
}

/* Whether task `p` is selected by getpriority's (which, who). Needs k->mu. */
static bool prio_match_locked(struct task *t, struct task *p, int which, int who)
{
    switch (which) {
    case PRIO_PROCESS:
        return p == find_task_locked(t, who);
    case PRIO_PGRP:
        /* pgids are global inside the kernel; `who` is the caller's namespace's number. */
        return p->tg->pgid == (who == 0 ? t->tg->pgid : task_pid_from_vnr_locked(t, who)) &&
               !p->tg->zombie;
    case PRIO_USER:
        return p->cred.uid == (who == 0 ? t->cred.euid : (uint32_t)who);
    default:
        return false;
    }
}

long sys_getpriority(struct task *t, const struct sys_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1];
    struct klist *pos;
    long ret = -ESRCH;

    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
        return -EINVAL;
    if (who < 0)
        return -ESRCH;
    pthread_mutex_lock(&t->k->mu);
    klist_for_each(pos, &t->k->tasks)
    {
        struct task *p = klist_entry(pos, struct task, k_node);

        /* The raw syscall reports 20 - nice (1..40), the highest priority of the matches. */
        if (!p->exited && prio_match_locked(t, p, which, who) && 20 - p->sched.nice > ret)
            ret = 20 - p->sched.nice;
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_setpriority(struct task *t, const struct sys_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1], nice = (int)a->a[2];
    struct klist *pos;
    long ret = -ESRCH;

    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
        return -EINVAL;
    if (who < 0)
        return -ESRCH;
    if (nice < MIN_NICE)
        nice = MIN_NICE;
    if (nice > MAX_NICE)
        nice = MAX_NICE;
    pthread_mutex_lock(&t->k->mu);
    klist_for_each(pos, &t->k->tasks)
    {
        struct task *p = klist_entry(pos, struct task, k_node);

        if (p->exited || !prio_match_locked(t, p, which, who))
            continue;
        /* Linux's set_one_prio: EPERM for another user's task, EACCES for lowering. */
        if (!same_owner_locked(t, p) && !task_capable(t, CAP_SYS_NICE_)) {
            ret = -EPERM;
            continue;
        }
        if (nice < p->sched.nice && !can_nice(t, nice)) {
            ret = -EACCES;
            continue;
        }
        if (ret == -ESRCH)
            ret = 0;
        p->sched.nice = nice;
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

static bool valid_policy(int policy)
{
    return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR ||
           policy == SCHED_BATCH || policy == SCHED_IDLE;
}

static bool is_rt(int policy)
{
    return policy == SCHED_FIFO || policy == SCHED_RR;
}

/*
 * Linux's __sched_setscheduler for `p`: the range checks, then without
 * CAP_SYS_NICE the RLIMIT_RTPRIO / RLIMIT_NICE / owner / reset-on-fork rules.
 * `nice` is applied for the fair policies when `set_nice`. Needs k->mu.
 */
static long setscheduler_locked(struct task *t, struct task *p, int policy, int prio,
                                bool reset_on_fork, bool set_nice, int nice)
{
    if (!valid_policy(policy))
        return -EINVAL;
    if (prio < 0 || prio > MAX_RT_PRIO || is_rt(policy) != (prio != 0))
        return -EINVAL;
    if (!task_capable(t, CAP_SYS_NICE_)) {
        rlim_t rtlim = t->tg->rlimits[RLIMIT_RTPRIO].rlim_cur;

        if (set_nice && nice < p->sched.nice && !can_nice(p, nice))
            return -EPERM;
        if (is_rt(policy)) {
            /* Raising the priority (or entering an RT policy) needs RLIMIT_RTPRIO. */
            if (policy != p->sched.policy && rtlim == 0)
                return -EPERM;
            if (prio > p->sched.rt_priority && (rlim_t)prio > rtlim)
                return -EPERM;
        }
        /* Leaving SCHED_IDLE needs the right to the current nice value. */
        if (p->sched.policy == SCHED_IDLE && policy != SCHED_IDLE && !can_nice(p, p->sched.nice))
            return -EPERM;
        if (!same_owner_locked(t, p))
            return -EPERM;
        if (p->sched.reset_on_fork && !reset_on_fork)
            return -EPERM;
    }
    p->sched.policy = policy;
    p->sched.rt_priority = prio;
    p->sched.reset_on_fork = reset_on_fork;
    if (set_nice && !is_rt(policy)) {
        p->sched.nice = nice < MIN_NICE ? MIN_NICE : nice > MAX_NICE ? MAX_NICE : nice;
    }
    return 0;
}

/* sched_setscheduler (policy >= 0) and sched_setparam (policy -1: keep it). */
static long do_setscheduler(struct task *t, int pid, int policy, uint64_t uparam)
{
    struct sched_param sp;
    struct task *p;
    bool reset = false;
    long ret;

    if (uparam == 0 || pid < 0)
        return -EINVAL;
    ret = task_copy_in(t, &sp, uparam, sizeof(sp));
    if (ret < 0)
        return ret;
    if (policy >= 0) {
        reset = (policy & SCHED_RESET_ON_FORK) != 0;
        policy &= ~SCHED_RESET_ON_FORK;
        if (!valid_policy(policy))
            return -EINVAL;
    }
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    if (p == NULL) {
        ret = -ESRCH;
    } else {
        if (policy < 0) {
            policy = p->sched.policy;
            reset = p->sched.reset_on_fork;
        }
        ret = setscheduler_locked(t, p, policy, sp.sched_priority, reset, false, 0);
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_sched_setscheduler(struct task *t, const struct sys_args *a)
{
    if ((int)a->a[1] < 0)
        return -EINVAL;
    return do_setscheduler(t, (int)a->a[0], (int)a->a[1], a->a[2]);
}

long sys_sched_setparam(struct task *t, const struct sys_args *a)
{
    return do_setscheduler(t, (int)a->a[0], -1, a->a[1]);
}

long sys_sched_getscheduler(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    struct task *p;
    long ret;

    if (pid < 0)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    ret = p == NULL ? -ESRCH : p->sched.policy | (p->sched.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_sched_getparam(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    struct sched_param sp = { 0 };
    struct task *p;

    if (pid < 0 || a->a[1] == 0)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    if (p != NULL)
        sp.sched_priority = p->sched.rt_priority;
    pthread_mutex_unlock(&t->k->mu);
    if (p == NULL)
        return -ESRCH;
    return task_copy_out(t, a->a[1], &sp, sizeof(sp));
}

long sys_sched_get_priority_max(struct task *t, const struct sys_args *a)
{
    int policy = (int)a->a[0];

    (void)t;
    if (is_rt(policy))
        return MAX_RT_PRIO;
    return valid_policy(policy) || policy == SCHED_DEADLINE ? 0 : -EINVAL;
}

long sys_sched_get_priority_min(struct task *t, const struct sys_args *a)
{
    int policy = (int)a->a[0];

    (void)t;
    if (is_rt(policy))
        return 1;
    return valid_policy(policy) || policy == SCHED_DEADLINE ? 0 : -EINVAL;
}

long sys_sched_rr_get_interval(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    struct timespec ts = { 0, 0 };
    struct task *p;

    if (pid < 0)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    /* Linux: SCHED_RR's 100 ms time slice, 0 for SCHED_FIFO; the fair class reports its slice
     * (here one 4 ms tick); SCHED_IDLE likewise. */
    if (p != NULL) {
        if (p->sched.policy == SCHED_RR)
            ts.tv_nsec = 100000000L;
        else if (p->sched.policy != SCHED_FIFO)
            ts.tv_nsec = 4000000L;
    }
    pthread_mutex_unlock(&t->k->mu);
    if (p == NULL)
        return -ESRCH;
    return task_copy_out(t, a->a[1], &ts, sizeof(ts));
}

/* struct sched_attr (SCHED_ATTR_SIZE_VER1, 56 bytes). */
struct kernel_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};
#define SCHED_ATTR_SIZE_VER0      48
#define SCHED_FLAG_RESET_ON_FORK_ 0x01
#define SCHED_FLAG_KEEP_POLICY_   0x08
#define SCHED_FLAG_KEEP_PARAMS_   0x10
#define SCHED_FLAG_ALL_           0x7f

long sys_sched_setattr(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    struct kernel_sched_attr attr;
    uint32_t size;
    struct task *p;
    long ret;

    if (a->a[1] == 0 || pid < 0 || (unsigned int)a->a[2] != 0)
        return -EINVAL;
    ret = task_copy_in(t, &size, a->a[1], sizeof(size));
    if (ret < 0)
        return ret;
    if (size == 0)
        size = SCHED_ATTR_SIZE_VER0;
    if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE_)
        goto too_big;
    memset(&attr, 0, sizeof(attr));
    ret = task_copy_in(t, &attr, a->a[1], size < sizeof(attr) ? size : sizeof(attr));
    if (ret < 0)
        return ret;
    /* Linux's copy_struct_from_user: a larger struct's tail must be zero. */
    for (uint64_t off = sizeof(attr); off < size; off++) {
        uint8_t b;

        ret = task_copy_in(t, &b, a->a[1] + off, 1);
        if (ret < 0)
            return ret;
        if (b != 0)
            goto too_big;
    }
    if (attr.sched_flags & ~(uint64_t)SCHED_FLAG_ALL_)
        return -EINVAL;
    if (attr.sched_policy == SCHED_DEADLINE || (attr.sched_flags & 0x60))
        return -EINVAL; /* SCHED_DEADLINE and utilization clamps are not offered */
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    if (p == NULL) {
        ret = -ESRCH;
    } else {
        int policy =
            (attr.sched_flags & SCHED_FLAG_KEEP_POLICY_) ? p->sched.policy : (int)attr.sched_policy;
        int prio = (attr.sched_flags & SCHED_FLAG_KEEP_PARAMS_) ? p->sched.rt_priority
                                                                : (int)attr.sched_priority;

        if (attr.sched_priority > MAX_RT_PRIO)
            ret = -EINVAL;
        else
            ret = setscheduler_locked(
                t, p, policy, prio, (attr.sched_flags & SCHED_FLAG_RESET_ON_FORK_) != 0,
                !(attr.sched_flags & SCHED_FLAG_KEEP_PARAMS_), attr.sched_nice);
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;

too_big:
    size = sizeof(attr);
    task_copy_out(t, a->a[1], &size, sizeof(size));
    return -E2BIG;
}

long sys_sched_getattr(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    unsigned int usize = (unsigned int)a->a[2];
    struct kernel_sched_attr attr;
    struct task *p;

    if (a->a[1] == 0 || pid < 0 || usize < SCHED_ATTR_SIZE_VER0 || usize > PAGE_SIZE_ ||
        (unsigned int)a->a[3] != 0)
        return -EINVAL;
    memset(&attr, 0, sizeof(attr));
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    if (p != NULL) {
        attr.sched_policy = (uint32_t)p->sched.policy;
        attr.sched_flags = p->sched.reset_on_fork ? SCHED_FLAG_RESET_ON_FORK_ : 0;
        attr.sched_priority = (uint32_t)p->sched.rt_priority;
        if (!is_rt(p->sched.policy))
            attr.sched_nice = p->sched.nice;
        attr.sched_util_max = 1024;
    }
    pthread_mutex_unlock(&t->k->mu);
    if (p == NULL)
        return -ESRCH;
    attr.size = usize < sizeof(attr) ? usize : (uint32_t)sizeof(attr);
    return task_copy_out(t, a->a[1], &attr, attr.size);
}

/* ---- I/O priorities ---- */

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP    2
#define IOPRIO_WHO_USER    3
#define IOPRIO_CLASS_NONE  0
#define IOPRIO_CLASS_RT    1
#define IOPRIO_CLASS_BE    2
#define IOPRIO_CLASS_IDLE  3
#define IOPRIO_CLASS(p)    (((p) >> 13) & 7)
#define IOPRIO_DATA(p)     ((p)&0x1fff)

/* Linux's ioprio_best: the higher class wins (NONE counts as BE), else the lower level. */
static int ioprio_best(int a, int b)
{
    int ac = IOPRIO_CLASS(a) == IOPRIO_CLASS_NONE ? IOPRIO_CLASS_BE : IOPRIO_CLASS(a);
    int bc = IOPRIO_CLASS(b) == IOPRIO_CLASS_NONE ? IOPRIO_CLASS_BE : IOPRIO_CLASS(b);

    if (ac == bc)
        return a < b ? a : b;
    return ac > bc ? b : a;
}

long sys_ioprio_set(struct task *t, const struct sys_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1], prio = (int)a->a[2];
    struct klist *pos;
    long ret = -ESRCH;

    switch (IOPRIO_CLASS(prio)) {
    case IOPRIO_CLASS_RT:
        if (!task_capable(t, CAP_SYS_NICE_) && !task_capable(t, CAP_SYS_ADMIN_))
            return -EPERM;
        /* fallthrough */
    case IOPRIO_CLASS_BE:
    case IOPRIO_CLASS_IDLE:
        /* The data is a level (3 bits) and a hint above it, which Linux accepts. */
        break;
    case IOPRIO_CLASS_NONE:
        if (IOPRIO_DATA(prio) & 7)
            return -EINVAL;
        break;
    default:
        return -EINVAL;
    }
    if (which != IOPRIO_WHO_PROCESS && which != IOPRIO_WHO_PGRP && which != IOPRIO_WHO_USER)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    klist_for_each(pos, &t->k->tasks)
    {
        struct task *p = klist_entry(pos, struct task, k_node);

        /* IOPRIO_WHO_PROCESS/PGRP/USER are PRIO_PROCESS/PGRP/USER + 1. */
        if (p->exited || !prio_match_locked(t, p, which - 1, who))
            continue;
        if (!same_owner_locked(t, p) && !task_capable(t, CAP_SYS_NICE_)) {
            ret = -EPERM;
            continue;
        }
        p->sched.ioprio = prio;
        if (ret == -ESRCH)
            ret = 0;
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_ioprio_get(struct task *t, const struct sys_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1];
    struct klist *pos;
    long ret = -ESRCH;

    if (which != IOPRIO_WHO_PROCESS && which != IOPRIO_WHO_PGRP && which != IOPRIO_WHO_USER)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    klist_for_each(pos, &t->k->tasks)
    {
        struct task *p = klist_entry(pos, struct task, k_node);

        if (p->exited || !prio_match_locked(t, p, which - 1, who))
            continue;
        ret = ret == -ESRCH ? p->sched.ioprio : ioprio_best((int)ret, p->sched.ioprio);
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

/* ---- CPU affinity ---- */

/* The CPUs of `p` in the sandbox's view (an empty recorded mask means all of them). */
static void task_affinity(const struct task *p, uint64_t mask[16])
{
    unsigned int n = p->k->nr_cpus;
    bool any = false;

    for (int i = 0; i < 16; i++)
        any |= p->sched.affinity[i] != 0;
    if (any) {
        memcpy(mask, p->sched.affinity, sizeof(p->sched.affinity));
        return;
    }
    memset(mask, 0, 16 * sizeof(uint64_t));
    for (unsigned int c = 0; c < n && c < 1024; c++)
        mask[c / 64] |= 1ULL << (c % 64);
}

long sys_sched_getaffinity(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    size_t len = a->a[1];
    /* Linux's cpumask_size(): whole longs covering nr_cpu_ids. */
    size_t mask_size = ((t->k->nr_cpus + 63) / 64) * sizeof(uint64_t);
    uint64_t mask[16];
    struct task *p;
    long ret;

    if (len * 8 < t->k->nr_cpus || (len & (sizeof(unsigned long) - 1)))
        return -EINVAL;
    if (pid < 0)
        return -ESRCH;
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    if (p != NULL)
        task_affinity(p, mask);
    pthread_mutex_unlock(&t->k->mu);
    if (p == NULL)
        return -ESRCH;
    if (mask_size > sizeof(mask))
        mask_size = sizeof(mask);
    if (len > mask_size)
        len = mask_size;
    ret = task_copy_out(t, a->a[2], mask, len);
    return ret < 0 ? ret : (long)len;
}

/*
 * Pins the host thread of a single-threaded process to the host CPUs of the
 * same numbers, so that the vDSO's getcpu (the host's) agrees with the mask.
 * The stub's host pid is its only thread then; other processes' masks are
 * only recorded. Best effort: the host may refuse. Needs k->mu.
 */
static void pin_host_locked(struct task *p, const uint64_t mask[16])
{
    cpu_set_t set;
    pid_t host;

    if (p->tg->nr_tasks != 1 || p->ctx == NULL || p->k->pops->ctx_host_pid == NULL)
        return;
    host = p->k->pops->ctx_host_pid(p->ctx);
    if (host <= 0)
        return;
    CPU_ZERO(&set);
    for (unsigned int c = 0; c < p->k->nr_cpus && c < CPU_SETSIZE; c++) {
        if ((mask[c / 64] >> (c % 64)) & 1)
            CPU_SET(c, &set);
    }
    sched_setaffinity(host, sizeof(set), &set);
}

long sys_sched_setaffinity(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    uint64_t mask[16];
    size_t len = a->a[1] > sizeof(mask) ? sizeof(mask) : a->a[1];
    bool any = false;
    struct task *p;
    long ret;

    memset(mask, 0, sizeof(mask));
    ret = task_copy_in(t, mask, a->a[2], len);
    if (ret < 0)
        return ret;
    /* Only the CPUs the sandbox shows count; none of them left is EINVAL. */
    for (unsigned int c = 0; c < 1024; c++) {
        if (c >= t->k->nr_cpus)
            mask[c / 64] &= ~(1ULL << (c % 64));
        else
            any |= (mask[c / 64] >> (c % 64)) & 1;
    }
    if (pid < 0)
        return -ESRCH;
    pthread_mutex_lock(&t->k->mu);
    p = find_task_locked(t, pid);
    if (p == NULL)
        ret = -ESRCH;
    else if (!same_owner_locked(t, p) && !task_capable(t, CAP_SYS_NICE_))
        ret = -EPERM;
    else if (!any)
        ret = -EINVAL;
    else
        memcpy(p->sched.affinity, mask, sizeof(mask));
    if (ret == 0)
        pin_host_locked(p, mask);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_sched_yield(struct task *t, const struct sys_args *a)
{
    (void)t;
    (void)a;
    return 0;
}

long sys_getcpu(struct task *t, const struct sys_args *a)
{
    unsigned int cpu = 0, node = 0;
    uint64_t mask[16];
    long ret;

    /* The lowest CPU the task may run on: consistent with sched_getaffinity. */
    pthread_mutex_lock(&t->k->mu);
    task_affinity(t, mask);
    pthread_mutex_unlock(&t->k->mu);
    for (unsigned int c = 0; c < 1024; c++) {
        if ((mask[c / 64] >> (c % 64)) & 1) {
            cpu = c;
            break;
        }
    }
    if (a->a[0] != 0 && (ret = task_copy_out(t, a->a[0], &cpu, sizeof(cpu))) < 0)
        return ret;
    if (a->a[1] != 0 && (ret = task_copy_out(t, a->a[1], &node, sizeof(node))) < 0)
        return ret;
    return 0;
}

/* ---- mlock ---- */

/* Page-aligns [addr, addr + len) as Linux does. Returns -EINVAL on overflow. */
static long page_range(uint64_t addr, uint64_t len, uint64_t *start, uint64_t *end)
{
    uint64_t s = addr & ~(PAGE_SIZE_ - 1);
    uint64_t e;

    if (__builtin_add_overflow(addr, len, &e) || e > UINT64_MAX - PAGE_SIZE_)
        return -EINVAL;
    e = (e + PAGE_SIZE_ - 1) & ~(PAGE_SIZE_ - 1);
    *start = s;
    *end = len == 0 ? s : e;
    return 0;
}

long sys_mlock(struct task *t, const struct sys_args *a)
{
    uint64_t s, e;
    long ret = page_range(a->a[0], a->a[1], &s, &e);

    return ret < 0 ? ret : kernel_mlock(t, s, e, /*lock=*/true);
}

long sys_mlock2(struct task *t, const struct sys_args *a)
{
    uint64_t s, e;
    long ret;

    if (a->a[2] & ~(uint64_t)MLOCK_ONFAULT)
        return -EINVAL;
    ret = page_range(a->a[0], a->a[1], &s, &e);
    return ret < 0 ? ret : kernel_mlock(t, s, e, /*lock=*/true);
}

long sys_munlock(struct task *t, const struct sys_args *a)
{
    uint64_t s, e;
    long ret = page_range(a->a[0], a->a[1], &s, &e);

    return ret < 0 ? ret : kernel_mlock(t, s, e, /*lock=*/false);
}

long sys_mlockall(struct task *t, const struct sys_args *a)
{
    int flags = (int)a->a[0];

    if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return -EINVAL;
    return kernel_mlockall(t, flags);
}

long sys_munlockall(struct task *t, const struct sys_args *a)
{
    (void)a;
    kernel_munlockall(t);
    return 0;
}

/* ---- membarrier ---- */

#define MB_GLOBAL                      (1 << 0)
#define MB_GLOBAL_EXPEDITED            (1 << 1)
#define MB_REGISTER_GLOBAL_EXPEDITED   (1 << 2)
#define MB_PRIVATE_EXPEDITED           (1 << 3)
#define MB_REGISTER_PRIVATE_EXPEDITED  (1 << 4)
#define MB_PRIVATE_EXPEDITED_SYNC_CORE (1 << 5)
#define MB_REGISTER_PRIVATE_SYNC_CORE  (1 << 6)
#define MB_GET_REGISTRATIONS           (1 << 9)
#define MB_SUPPORTED                                                                         \
    (MB_GLOBAL | MB_GLOBAL_EXPEDITED | MB_REGISTER_GLOBAL_EXPEDITED | MB_PRIVATE_EXPEDITED | \
     MB_REGISTER_PRIVATE_EXPEDITED | MB_PRIVATE_EXPEDITED_SYNC_CORE |                        \
     MB_REGISTER_PRIVATE_SYNC_CORE | MB_GET_REGISTRATIONS)

long sys_membarrier(struct task *t, const struct sys_args *a)
{
    int cmd = (int)a->a[0];
    unsigned int flags = (unsigned int)a->a[1];
    unsigned int *reg = &t->tg->membarrier_registered;
    long ret = 0;

    if (flags != 0)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    switch (cmd) {
    case 0: /* MEMBARRIER_CMD_QUERY */
        ret = MB_SUPPORTED;
        break;
    case MB_GLOBAL:
    case MB_GLOBAL_EXPEDITED:
        break;
    case MB_REGISTER_GLOBAL_EXPEDITED:
    case MB_REGISTER_PRIVATE_EXPEDITED:
    case MB_REGISTER_PRIVATE_SYNC_CORE:
        *reg |= (unsigned int)cmd;
        break;
    case MB_PRIVATE_EXPEDITED:
        if (!(*reg & MB_REGISTER_PRIVATE_EXPEDITED))
            ret = -EPERM;
        break;
    case MB_PRIVATE_EXPEDITED_SYNC_CORE:
        if (!(*reg & MB_REGISTER_PRIVATE_SYNC_CORE))
            ret = -EPERM;
        break;
    case MB_GET_REGISTRATIONS:
        ret = *reg;
        break;
    default:
        ret = -EINVAL;
        break;
    }
    pthread_mutex_unlock(&t->k->mu);
    /* The sentry's own barrier; the app's other threads get none from the host (see the
     * table's note). */
    atomic_thread_fence(memory_order_seq_cst);
    return ret;
}
