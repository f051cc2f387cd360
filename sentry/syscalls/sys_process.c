/* SPDX-License-Identifier: Apache-2.0 */
/* Process and identity syscalls: exit, ids, uname, arch_prctl, rlimits, affinity, wait. */
#include <asm/prctl.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <time.h>
#include <errno.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

/* The sandbox's identity for first light: root in its own user namespace. */
#define SANDBOX_UID 0
#define SANDBOX_GID 0
/* Linux's fs.nr_open default: the highest RLIMIT_NOFILE anyone may set. */
#define NR_OPEN_MAX 1048576

long sys_exit(struct task *t, const struct sys_args *a)
{
    /* With one thread per process, exit(2) ends the process. */
    task_exit_group(t, ((int)a->a[0] & 0xff) << 8);
    return 0;
}

long sys_exit_group(struct task *t, const struct sys_args *a)
{
    task_exit_group(t, ((int)a->a[0] & 0xff) << 8);
    return 0;
}

long sys_getpid(struct task *t, const struct sys_args *a)
{
    return t->tg->pid;
}

long sys_gettid(struct task *t, const struct sys_args *a)
{
    return t->tid;
}

long sys_getppid(struct task *t, const struct sys_args *a)
{
    return t->tg->ppid;
}

long sys_getuid(struct task *t, const struct sys_args *a)
{
    return SANDBOX_UID;
}

long sys_geteuid(struct task *t, const struct sys_args *a)
{
    return SANDBOX_UID;
}

long sys_getgid(struct task *t, const struct sys_args *a)
{
    return SANDBOX_GID;
}

long sys_getegid(struct task *t, const struct sys_args *a)
{
    return SANDBOX_GID;
}

static long put_three_ids(struct task *t, const struct sys_args *a, unsigned int id)
{
    for (int i = 0; i < 3; i++) {
        long ret = task_copy_out(t, a->a[i], &id, sizeof(id));

        if (ret < 0)
            return ret;
    }
    return 0;
}

long sys_getresuid(struct task *t, const struct sys_args *a)
{
    return put_three_ids(t, a, SANDBOX_UID);
}

long sys_getresgid(struct task *t, const struct sys_args *a)
{
    return put_three_ids(t, a, SANDBOX_GID);
}

long sys_getgroups(struct task *t, const struct sys_args *a)
{
    /* No supplementary groups. */
    if ((int)a->a[0] < 0)
        return -EINVAL;
    return 0;
}

long sys_getpgrp(struct task *t, const struct sys_args *a)
{
    return t->tg->pgid;
}

long sys_getpgid(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];

    if (pid != 0 && pid != t->tg->pid)
        return -ESRCH;
    return t->tg->pgid;
}

long sys_getsid(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];

    if (pid != 0 && pid != t->tg->pid)
        return -ESRCH;
    return t->tg->sid;
}

long sys_uname(struct task *t, const struct sys_args *a)
{
    struct utsname u;

    memset(&u, 0, sizeof(u));
    snprintf(u.sysname, sizeof(u.sysname), "%s", KERNEL_UNAME_SYSNAME);
    snprintf(u.nodename, sizeof(u.nodename), "%s", t->k->hostname);
    snprintf(u.release, sizeof(u.release), "%s", KERNEL_UNAME_RELEASE);
    snprintf(u.version, sizeof(u.version), "%s", KERNEL_UNAME_VERSION);
    snprintf(u.machine, sizeof(u.machine), "%s", KERNEL_UNAME_MACHINE);
    snprintf(u.domainname, sizeof(u.domainname), "(none)");
    return task_copy_out(t, a->a[0], &u, sizeof(u));
}

long sys_arch_prctl(struct task *t, const struct sys_args *a)
{
    uint64_t v;

    switch ((int)a->a[0]) {
    case ARCH_SET_FS:
        if (!arch_is_valid_user_base(a->a[1]))
            return -EPERM;
        t->regs.r.fs_base = a->a[1];
        t->regs.r.fs = 0;
        return 0;
    case ARCH_SET_GS:
        if (!arch_is_valid_user_base(a->a[1]))
            return -EPERM;
        t->regs.r.gs_base = a->a[1];
        t->regs.r.gs = 0;
        return 0;
    case ARCH_GET_FS:
        v = t->regs.r.fs_base;
        return task_copy_out(t, a->a[1], &v, sizeof(v));
    case ARCH_GET_GS:
        v = t->regs.r.gs_base;
        return task_copy_out(t, a->a[1], &v, sizeof(v));
    default:
        return -EINVAL;
    }
}

long sys_set_tid_address(struct task *t, const struct sys_args *a)
{
    t->clear_child_tid = a->a[0];
    return t->tid;
}

long sys_set_robust_list(struct task *t, const struct sys_args *a)
{
    /* sizeof(struct robust_list_head) on x86-64. */
    if (a->a[1] != 24)
        return -EINVAL;
    t->robust_list = a->a[0];
    return 0;
}

/* Reads and/or sets one limit of `t`'s process, as prlimit64 does. */
static long do_prlimit(struct task *t, unsigned int res, uint64_t new_addr, uint64_t old_addr)
{
    struct rlimit nl, *cur;
    long ret;

    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    cur = &t->tg->rlimits[res];
    if (new_addr != 0) {
        ret = task_copy_in(t, &nl, new_addr, sizeof(nl));
        if (ret < 0)
            return ret;
        if (nl.rlim_cur > nl.rlim_max)
            return -EINVAL;
        if (res == RLIMIT_NOFILE && nl.rlim_max > NR_OPEN_MAX)
            return -EPERM;
    }
    if (old_addr != 0 && (ret = task_copy_out(t, old_addr, cur, sizeof(*cur))) < 0)
        return ret;
    /* The sandbox's root holds CAP_SYS_RESOURCE in its namespace: raising hard limits is allowed.
     */
    if (new_addr != 0)
        *cur = nl;
    return 0;
}

long sys_prlimit64(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];

    if (pid != 0 && pid != t->tg->pid)
        return -ESRCH;
    return do_prlimit(t, (unsigned int)a->a[1], a->a[2], a->a[3]);
}

long sys_getrlimit(struct task *t, const struct sys_args *a)
{
    return do_prlimit(t, (unsigned int)a->a[0], 0, a->a[1]);
}

long sys_setrlimit(struct task *t, const struct sys_args *a)
{
    return do_prlimit(t, (unsigned int)a->a[0], a->a[1], 0);
}

long sys_sched_getaffinity(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    size_t len = a->a[1];
    /* Linux's cpumask_size(): whole longs covering nr_cpu_ids. */
    size_t mask_size = ((t->k->nr_cpus + 63) / 64) * sizeof(uint64_t);
    uint64_t mask[16];
    long ret;

    if (pid != 0 && pid != t->tg->pid)
        return -ESRCH;
    if (len * 8 < t->k->nr_cpus || (len & (sizeof(unsigned long) - 1)))
        return -EINVAL;
    if (mask_size > sizeof(mask))
        mask_size = sizeof(mask);
    memset(mask, 0, sizeof(mask));
    for (unsigned int c = 0; c < t->k->nr_cpus && c < 64 * ARRAY_SIZE(mask); c++)
        mask[c / 64] |= 1ULL << (c % 64);
    if (len > mask_size)
        len = mask_size;
    ret = task_copy_out(t, a->a[2], mask, len);
    return ret < 0 ? ret : (long)len;
}

long sys_sched_yield(struct task *t, const struct sys_args *a)
{
    return 0;
}

long sys_getcpu(struct task *t, const struct sys_args *a)
{
    unsigned int zero = 0;
    long ret;

    if (a->a[0] != 0 && (ret = task_copy_out(t, a->a[0], &zero, sizeof(zero))) < 0)
        return ret;
    if (a->a[1] != 0 && (ret = task_copy_out(t, a->a[1], &zero, sizeof(zero))) < 0)
        return ret;
    return 0;
}

long sys_wait4(struct task *t, const struct sys_args *a)
{
    int options = (int)a->a[2];

    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    /* No process can have children yet (there is no fork). */
    return -ECHILD;
}

long sys_waitid(struct task *t, const struct sys_args *a)
{
    int which = (int)a->a[0];
    int options = (int)a->a[3];

    if (which != P_ALL && which != P_PID && which != P_PGID && which != P_PIDFD)
        return -EINVAL;
    if (options &
        ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    return -ECHILD;
}

/* prctl(2) options that are plain per-task or per-process state. */
long sys_prctl(struct task *t, const struct sys_args *a)
{
    char name[sizeof(t->comm)];
    long ret;

    switch ((int)a->a[0]) {
    case PR_SET_NAME:
        ret = task_copy_in_string(t, a->a[1], name, sizeof(name));
        if (ret == -EFAULT)
            return ret;
        /* Longer names are truncated, not refused. */
        memcpy(t->comm, name, sizeof(name));
        t->comm[sizeof(t->comm) - 1] = '\0';
        return 0;
    case PR_GET_NAME:
        return task_copy_out(t, a->a[1], t->comm, sizeof(t->comm));
    case PR_SET_PDEATHSIG:
        if (a->a[1] > KERNEL_NSIG)
            return -EINVAL;
        t->pdeathsig = (int)a->a[1];
        return 0;
    case PR_GET_PDEATHSIG:
        return task_copy_out(t, a->a[1], &t->pdeathsig, sizeof(t->pdeathsig));
    case PR_GET_DUMPABLE:
        return t->tg->dumpable;
    case PR_SET_DUMPABLE:
        if (a->a[1] > 1)
            return -EINVAL;
        t->tg->dumpable = a->a[1] == 1;
        return 0;
    case PR_SET_CHILD_SUBREAPER:
        t->tg->child_subreaper = a->a[1] != 0;
        return 0;
    case PR_GET_CHILD_SUBREAPER: {
        int v = t->tg->child_subreaper;

        return task_copy_out(t, a->a[1], &v, sizeof(v));
    }
    case PR_SET_NO_NEW_PRIVS:
        if (a->a[1] != 1 || a->a[2] != 0 || a->a[3] != 0 || a->a[4] != 0)
            return -EINVAL;
        t->no_new_privs = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        if (a->a[1] != 0 || a->a[2] != 0 || a->a[3] != 0 || a->a[4] != 0)
            return -EINVAL;
        return t->no_new_privs;
    case PR_GET_SECCOMP:
        return 0;
    case PR_CAPBSET_READ:
        /* The sandbox's root keeps the full bounding set (CAP_LAST_CAP is 40). */
        return a->a[1] <= 40 ? 1 : -EINVAL;
    case PR_GET_TIMERSLACK:
        return 50000;
    default:
        return -EINVAL;
    }
}

long sys_personality(struct task *t, const struct sys_args *a)
{
    unsigned long old = t->tg->personality;

    if ((unsigned int)a->a[0] != 0xffffffffU)
        t->tg->personality = (unsigned int)a->a[0];
    return (long)old;
}

long sys_sched_setaffinity(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    uint64_t mask[16];
    size_t len = a->a[1] > sizeof(mask) ? sizeof(mask) : a->a[1];
    bool any = false;
    long ret;

    if (pid != 0 && pid != t->tg->pid)
        return -ESRCH;
    memset(mask, 0, sizeof(mask));
    ret = task_copy_in(t, mask, a->a[2], len);
    if (ret < 0)
        return ret;
    for (unsigned int c = 0; c < t->k->nr_cpus && c < 64 * ARRAY_SIZE(mask); c++)
        any |= (mask[c / 64] >> (c % 64)) & 1;
    /* The sentry places threads itself (same vCPU as their server); the mask is accepted. */
    return any ? 0 : -EINVAL;
}

/* The CPU time of `t`, from its host thread (attributed to user time). */
static uint64_t task_cpu_ns(struct task *t)
{
    uint64_t ns = 0;

    if (t->k->pops->ctx_cpu_time(t->ctx, &ns) < 0)
        return 0;
    return ns;
}

long sys_getrusage(struct task *t, const struct sys_args *a)
{
    int who = (int)a->a[0];
    struct rusage ru;
    uint64_t ns;

    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
        return -EINVAL;
    memset(&ru, 0, sizeof(ru));
    if (who != RUSAGE_CHILDREN) {
        ns = task_cpu_ns(t);
        ru.ru_utime.tv_sec = (time_t)(ns / 1000000000ULL);
        ru.ru_utime.tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000);
    }
    return task_copy_out(t, a->a[1], &ru, sizeof(ru));
}

long sys_times(struct task *t, const struct sys_args *a)
{
    struct timespec now;
    struct tms tm;
    long ret;

    memset(&tm, 0, sizeof(tm));
    tm.tms_utime = (clock_t)(task_cpu_ns(t) / (1000000000ULL / 100));
    if (a->a[0] != 0 && (ret = task_copy_out(t, a->a[0], &tm, sizeof(tm))) < 0)
        return ret;
    clock_gettime(CLOCK_BOOTTIME, &now);
    /* Clock ticks (USER_HZ = 100) since boot. */
    return (long)(now.tv_sec * 100 + now.tv_nsec / 10000000);
}

long sys_sysinfo(struct task *t, const struct sys_args *a)
{
    struct sysinfo si, host;
    struct timespec now;

    if (sysinfo(&host) < 0)
        return -errno;
    clock_gettime(CLOCK_BOOTTIME, &now);
    memset(&si, 0, sizeof(si));
    si.uptime = now.tv_sec;
    /* First light: the memory figures are the host's; the sandbox's own accounting comes later. */
    si.totalram = host.totalram;
    si.freeram = host.freeram;
    si.bufferram = host.bufferram;
    si.totalswap = 0;
    si.freeswap = 0;
    si.procs = 1;
    si.totalhigh = 0;
    si.freehigh = 0;
    si.mem_unit = host.mem_unit;
    return task_copy_out(t, a->a[0], &si, sizeof(si));
}
