/* SPDX-License-Identifier: Apache-2.0 */
/* Process and identity syscalls: exit, ids, uname, arch_prctl, rlimits, affinity, wait. */
#include <asm/prctl.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <time.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/sys_gaps.h"
#include "sentry/syscalls/syscalls_internal.h"

/* Linux's fs.nr_open default: the highest RLIMIT_NOFILE anyone may set. */
#define NR_OPEN_MAX 1048576

long sys_exit(struct task *t, const struct sys_args *a)
{
    task_exit_thread(t, ((int)a->a[0] & 0xff) << 8);
    return 0;
}

long sys_exit_group(struct task *t, const struct sys_args *a)
{
    task_exit_group(t, ((int)a->a[0] & 0xff) << 8);
    return 0;
}

/* Pids as the caller's pid namespace numbers them (kernel.h: pid namespaces). */
long sys_getpid(struct task *t, const struct sys_args *a)
{
    return t->tg->ns_pid;
}

long sys_gettid(struct task *t, const struct sys_args *a)
{
    return t->ns_tid;
}

long sys_getppid(struct task *t, const struct sys_args *a)
{
    int ppid;

    pthread_mutex_lock(&t->k->mu);
    /* 0 for a parent outside the namespace, as for a namespace's init. */
    ppid = t->tg->parent != NULL ? task_pid_vnr_locked(t, t->tg->parent->pid) : 0;
    pthread_mutex_unlock(&t->k->mu);
    return ppid;
}

/* getuid & co., getgroups: sys_cred.c */

long sys_getpgrp(struct task *t, const struct sys_args *a)
{
    long ret;

    pthread_mutex_lock(&t->k->mu);
    ret = task_pid_vnr_locked(t, t->tg->pgid);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

/* getpgid/getsid: the group or session of `pid` (0: the caller). */
static long get_pgid_or_sid(struct task *t, int pid, bool sid)
{
    struct thread_group *tg;
    long ret;

    if (pid < 0)
        return -ESRCH;
    pthread_mutex_lock(&t->k->mu);
    tg = pid == 0 ? t->tg : kernel_find_tg_locked(t->k, pid);
    ret = tg == NULL ? -ESRCH : task_pid_vnr_locked(t, sid ? tg->sid : tg->pgid);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_getpgid(struct task *t, const struct sys_args *a)
{
    return get_pgid_or_sid(t, (int)a->a[0], /*sid=*/false);
}

long sys_getsid(struct task *t, const struct sys_args *a)
{
    return get_pgid_or_sid(t, (int)a->a[0], /*sid=*/true);
}

/* True when some process other than `self` is in process group `pgid` of session `sid`. */
static bool pgrp_exists_locked(struct kernel *k, int pgid, int sid)
{
    struct klist *pos;

    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *o = klist_entry(pos, struct thread_group, k_node);

        if (o->pgid == pgid && o->sid == sid && !o->zombie)
            return true;
    }
    return false;
}

long sys_setpgid(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0], pgid = (int)a->a[1];
    struct thread_group *tg;
    long ret = 0;

    if (pgid < 0)
        return -EINVAL;
    pthread_mutex_lock(&t->k->mu);
    tg = pid == 0 ? t->tg : kernel_find_tg_locked(t->k, pid);
    /* The group's number in the caller's namespace, as a global pid (0: none, EPERM below). */
    if (pgid != 0)
        pgid = task_pid_from_vnr_locked(t, pgid);
    else if (tg != NULL)
        pgid = tg->pid;
    if (tg == NULL || tg->zombie || (tg != t->tg && tg->parent != t->tg))
        ret = -ESRCH;
    else if (tg != t->tg && tg->sid != t->tg->sid)
        ret = -EPERM;
    else if (tg->sid == tg->pid)
        ret = -EPERM; /* a session leader stays where it is */
    else if (pgid != tg->pid && !pgrp_exists_locked(t->k, pgid, t->tg->sid))
        ret = -EPERM;
    /* Linux also refuses a child that has exec'd (EACCES); exec is not tracked per child yet. */
    if (ret == 0)
        tg->pgid = pgid;
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_setsid(struct task *t, const struct sys_args *a)
{
    struct thread_group *tg = t->tg;
    long ret;

    pthread_mutex_lock(&t->k->mu);
    if (tg->pgid == tg->pid || pgrp_exists_locked(t->k, tg->pid, tg->sid)) {
        ret = -EPERM;
    } else {
        tg->sid = tg->pid;
        tg->pgid = tg->pid;
        ret = tg->ns_pid;
    }
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_uname(struct task *t, const struct sys_args *a)
{
    struct utsname u;

    memset(&u, 0, sizeof(u));
    snprintf(u.sysname, sizeof(u.sysname), "%s", KERNEL_UNAME_SYSNAME);
    pthread_mutex_lock(&t->k->mu);
    snprintf(u.nodename, sizeof(u.nodename), "%s", t->k->hostname);
    pthread_mutex_unlock(&t->k->mu);
    snprintf(u.release, sizeof(u.release), "%s", KERNEL_UNAME_RELEASE);
    snprintf(u.version, sizeof(u.version), "%s", KERNEL_UNAME_VERSION);
    snprintf(u.machine, sizeof(u.machine), "%s", KERNEL_UNAME_MACHINE);
    snprintf(u.domainname, sizeof(u.domainname), "(none)");
    return task_copy_out(t, a->a[0], &u, sizeof(u));
}

/*
 * sethostname(name, len): the sandbox's hostname (uname's nodename,
 * /proc/sys/kernel/hostname), shared by the pod's containers as their UTS
 * namespace is. Linux's checks in its order: EPERM without CAP_SYS_ADMIN,
 * EINVAL for a len outside 0..64, EFAULT.
 */
long sys_sethostname(struct task *t, const struct sys_args *a)
{
    char name[sizeof(t->k->hostname)];
    int len = (int)a->a[1];
    long ret;

    if (!task_capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    if (len < 0 || (size_t)len >= sizeof(name))
        return -EINVAL;
    ret = task_copy_in(t, name, a->a[0], (size_t)len);
    if (ret < 0)
        return ret;
    name[len] = '\0';
    pthread_mutex_lock(&t->k->mu);
    memcpy(t->k->hostname, name, (size_t)len + 1);
    pthread_mutex_unlock(&t->k->mu);
    return 0;
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
    return t->ns_tid;
}

long sys_set_robust_list(struct task *t, const struct sys_args *a)
{
    /* sizeof(struct robust_list_head) on x86-64. */
    if (a->a[1] != 24)
        return -EINVAL;
    t->robust_list = a->a[0];
    return 0;
}

/*
 * Whether `t` may read or change the limits of `target`'s process: as Linux's
 * check_prlimit_permission, the caller's real, effective and saved ids must all
 * match the target's real uid and gid, or the caller holds CAP_SYS_RESOURCE.
 */
static bool prlimit_permitted(const struct task *t, const struct task *target)
{
    const struct kernel_cred *c = &t->cred, *tc = &target->cred;

    if (t->tg == target->tg)
        return true;
    if (c->uid == tc->uid && c->uid == tc->euid && c->uid == tc->suid && c->gid == tc->gid &&
        c->gid == tc->egid && c->gid == tc->sgid)
        return true;
    return task_capable(t, CAP_SYS_RESOURCE);
}

/*
 * Reads and/or sets one limit of the process of thread `pid` (0: the caller's), as
 * prlimit64 does. Limits are read and written under k->mu so that another
 * process's prlimit never sees half an update.
 */
static long do_prlimit(struct task *t, int pid, unsigned int res, uint64_t new_addr,
                       uint64_t old_addr)
{
    struct rlimit nl, old;
    struct task *target = t;
    long ret = 0;

    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (new_addr != 0) {
        ret = task_copy_in(t, &nl, new_addr, sizeof(nl));
        if (ret < 0)
            return ret;
        if (nl.rlim_cur > nl.rlim_max)
            return -EINVAL;
        if (res == RLIMIT_NOFILE && nl.rlim_max > NR_OPEN_MAX)
            return -EPERM;
    }
    pthread_mutex_lock(&t->k->mu);
    if (pid != 0 && pid != t->tid) {
        /* Any thread's id names its process, as in Linux. */
        target = kernel_find_task_locked(t->k, pid);
        if (target == NULL)
            ret = -ESRCH;
        else if (!prlimit_permitted(t, target))
            ret = -EPERM;
    }
    if (ret == 0) {
        struct rlimit *cur = &target->tg->rlimits[res];

        old = *cur;
        /* Raising a hard limit needs CAP_SYS_RESOURCE. */
        if (new_addr != 0 && nl.rlim_max > cur->rlim_max && !task_capable(t, CAP_SYS_RESOURCE))
            ret = -EPERM;
        else if (new_addr != 0)
            *cur = nl;
    }
    pthread_mutex_unlock(&t->k->mu);
    if (ret == 0 && old_addr != 0)
        ret = task_copy_out(t, old_addr, &old, sizeof(old));
    return ret;
}

long sys_prlimit64(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];

    if (pid < 0)
        return -ESRCH;
    return do_prlimit(t, pid, (unsigned int)a->a[1], a->a[2], a->a[3]);
}

long sys_getrlimit(struct task *t, const struct sys_args *a)
{
    /* Unlike prlimit64's, getrlimit's pointer is not optional. */
    if (a->a[1] == 0)
        return (unsigned int)a->a[0] >= RLIM_NLIMITS ? -EINVAL : -EFAULT;
    return do_prlimit(t, 0, (unsigned int)a->a[0], 0, a->a[1]);
}

long sys_setrlimit(struct task *t, const struct sys_args *a)
{
    if (a->a[1] == 0)
        return -EFAULT;
    return do_prlimit(t, 0, (unsigned int)a->a[0], a->a[1], 0);
}

/* Fills a struct rusage with a CPU time of `ns` (user time) and a nonzero max RSS. */
static void fill_rusage(struct rusage *ru, uint64_t ns)
{
    memset(ru, 0, sizeof(*ru));
    ru->ru_utime.tv_sec = (time_t)(ns / 1000000000ULL);
    ru->ru_utime.tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000);
    /* The stubs' memory is not accounted yet: report a plausible small RSS in KiB. */
    ru->ru_maxrss = 1024;
}

long sys_wait4(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    int options = (int)a->a[2];
    struct kernel_wait_result res;
    int idtype, id;
    long ret;

    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    if (pid < -1) {
        idtype = P_PGID;
        id = -pid;
    } else if (pid == -1) {
        idtype = P_ALL;
        id = 0;
    } else if (pid == 0) {
        idtype = P_PGID;
        id = 0; /* the caller's group (kernel_wait) */
    } else {
        idtype = P_PID;
        id = pid;
    }
    options = (options & ~WUNTRACED) | WEXITED | ((options & WUNTRACED) ? WSTOPPED : 0);
    ret = kernel_wait(t, idtype, id, options, &res);
    if (ret <= 0)
        return ret;
    if (a->a[1] != 0 && task_copy_out(t, a->a[1], &res.status, sizeof(res.status)) < 0)
        return -EFAULT;
    if (a->a[3] != 0) {
        struct rusage ru;

        fill_rusage(&ru, res.cpu_ns);
        if (task_copy_out(t, a->a[3], &ru, sizeof(ru)) < 0)
            return -EFAULT;
    }
    return ret;
}

long sys_waitid(struct task *t, const struct sys_args *a)
{
    int which = (int)a->a[0];
    int id = (int)a->a[1];
    int options = (int)a->a[3];
    struct kernel_wait_result res;
    bool pidfd_nonblock = false;
    siginfo_t si;
    long ret;

    if (which != P_ALL && which != P_PID && which != P_PGID && which != P_PIDFD)
        return -EINVAL;
    if (options &
        ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    if (which == P_PIDFD) {
        ret = pidfd_wait_pid(t, id, &pidfd_nonblock);
        if (ret < 0)
            return ret;
        which = P_PID;
        id = (int)ret;
        /* A PIDFD_NONBLOCK pidfd: EAGAIN instead of waiting (sys_pidfd.c). */
        pidfd_nonblock = pidfd_nonblock && !(options & WNOHANG);
        if (pidfd_nonblock)
            options |= WNOHANG;
    }
    if (which == P_PID && id <= 0)
        return -EINVAL;
    if (which == P_PGID) {
        /* 0: the caller's group (kernel_wait). */
        if (id < 0)
            return -EINVAL;
    }
    ret = kernel_wait(t, which, id, options, &res);
    if (ret < 0)
        return ret;
    if (ret == 0 && pidfd_nonblock)
        return -EAGAIN;
    memset(&si, 0, sizeof(si));
    if (ret > 0) {
        si.si_signo = SIGCHLD;
        si.si_code = res.code;
        si.si_pid = res.pid;
        si.si_uid = 0;
        si.si_status = res.sig_status;
    }
    if (a->a[2] != 0 && task_copy_out(t, a->a[2], &si, sizeof(si)) < 0)
        return -EFAULT;
    if (a->a[4] != 0) {
        struct rusage ru;

        fill_rusage(&ru, ret > 0 ? res.cpu_ns : 0);
        if (ret == 0)
            memset(&ru, 0, sizeof(ru));
        if (task_copy_out(t, a->a[4], &ru, sizeof(ru)) < 0)
            return -EFAULT;
    }
    return 0;
}

/*
 * kernel_clone with CLONE_PIDFD: the parent gets a pidfd of the child at
 * `pidfd_addr` (an int). The address is checked first, so a bad one fails the
 * call before any child exists, as Linux writes it before the child runs.
 */
static long clone_pidfd(struct task *t, struct kernel_clone_args *ca, uint64_t pidfd_addr)
{
    long pid, fd;
    int v;

    if (!(ca->flags & CLONE_PIDFD))
        return kernel_clone(t, ca);
    /* Linux: a pidfd names a process, not a thread; CLONE_DETACHED is its old alias. */
    if (ca->flags & (CLONE_THREAD | CLONE_DETACHED))
        return -EINVAL;
    if (mm_writable_prefix(t->mm, pidfd_addr, sizeof(v)) < sizeof(v))
        return -EFAULT;
    ca->flags &= ~(uint64_t)CLONE_PIDFD;
    pid = kernel_clone(t, ca);
    if (pid <= 0)
        return pid;
    /* The child may already have exited: until the parent reaps it, it is there. */
    fd = pidfd_install(t, (int)pid, 0);
    v = fd < 0 ? -1 : (int)fd;
    if (task_copy_out(t, pidfd_addr, &v, sizeof(v)) < 0 && fd >= 0)
        log_debug("sentry: task %d: CLONE_PIDFD: the pidfd's address went away", t->tid);
    if (fd < 0)
        log_warning("sentry: task %d: CLONE_PIDFD: no pidfd for child %ld: %s", t->tid, pid,
                    strerror((int)-fd));
    return pid;
}

long sys_clone(struct task *t, const struct sys_args *a)
{
    /* x86-64 order: flags, stack, parent_tid, child_tid, tls. */
    struct kernel_clone_args ca = {
        .flags = a->a[0] & ~0xffULL,
        .exit_signal = (int)(a->a[0] & 0xff),
        .stack = a->a[1],
        .parent_tid = a->a[2],
        .child_tid = a->a[3],
        .tls = a->a[4],
    };

    /* clone(2) ignores CLONE_DETACHED and an exit signal with CLONE_THREAD. */
    ca.flags &= ~(uint64_t)CLONE_DETACHED;
    if (ca.flags & CLONE_THREAD)
        ca.exit_signal = 0;
    /* clone(2) writes the pidfd where the parent's tid would go: not both. */
    if ((ca.flags & CLONE_PIDFD) && (ca.flags & CLONE_PARENT_SETTID))
        return -EINVAL;
    return clone_pidfd(t, &ca, ca.parent_tid);
}

long sys_fork(struct task *t, const struct sys_args *a)
{
    struct kernel_clone_args ca = { .exit_signal = SIGCHLD };

    return kernel_clone(t, &ca);
}

long sys_vfork(struct task *t, const struct sys_args *a)
{
    struct kernel_clone_args ca = { .flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD };

    return kernel_clone(t, &ca);
}

/* struct clone_args of clone3(2), as of Linux 5.7 (88 bytes). */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

long sys_clone3(struct task *t, const struct sys_args *a)
{
    struct clone3_args c;
    struct kernel_clone_args ca;
    size_t size = a->a[1];
    long ret;

    memset(&c, 0, sizeof(c));
    if (size < 64 || size > 4096)
        return -EINVAL;
    ret = task_copy_in(t, &c, a->a[0], size < sizeof(c) ? size : sizeof(c));
    if (ret < 0)
        return ret;
    if (size > sizeof(c)) {
        /* Unknown trailing fields must be zero (Linux: E2BIG otherwise). */
        uint8_t rest[64];

        for (size_t off = sizeof(c); off < size; off += sizeof(rest)) {
            size_t n = size - off < sizeof(rest) ? size - off : sizeof(rest);

            if (task_copy_in(t, rest, a->a[0] + off, n) < 0)
                return -EFAULT;
            for (size_t i = 0; i < n; i++) {
                if (rest[i] != 0)
                    return -E2BIG;
            }
        }
    }
    if (c.exit_signal > KERNEL_NSIG || (c.exit_signal & ~0xffULL) != 0)
        return -EINVAL;
    if ((c.stack == 0) != (c.stack_size == 0))
        return -EINVAL;
    if (c.set_tid != 0 || c.set_tid_size != 0)
        return -EINVAL;
    if (c.flags & (CLONE_DETACHED | 0xffULL))
        return -EINVAL;
    if (c.flags >> 32)
        return -EINVAL; /* CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP: not offered */
    ca = (struct kernel_clone_args){
        .flags = c.flags,
        .exit_signal = (int)c.exit_signal,
        .stack = c.stack,
        .stack_size = c.stack_size,
        .parent_tid = c.parent_tid,
        .child_tid = c.child_tid,
        .tls = c.tls,
    };
    return clone_pidfd(t, &ca, c.pidfd);
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
        platform_ctx_set_name(t->k->pops, t->ctx, t->comm);
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
    case PR_GET_TIMERSLACK:
        return 50000;
    default:
        /* Capabilities, keepcaps and securebits: sys_cred.c. */
        ret = sys_prctl_cred(t, a);
        return ret == -ENOSYS ? -EINVAL : ret;
    }
}

long sys_personality(struct task *t, const struct sys_args *a)
{
    unsigned long old = t->tg->personality;

    if ((unsigned int)a->a[0] != 0xffffffffU)
        t->tg->personality = (unsigned int)a->a[0];
    return (long)old;
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
    } else {
        pthread_mutex_lock(&t->k->mu);
        ns = t->tg->children_cpu_ns;
        pthread_mutex_unlock(&t->k->mu);
    }
    ru.ru_utime.tv_sec = (time_t)(ns / 1000000000ULL);
    ru.ru_utime.tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000);
    ru.ru_maxrss = 1024;
    return task_copy_out(t, a->a[1], &ru, sizeof(ru));
}

long sys_times(struct task *t, const struct sys_args *a)
{
    struct timespec now;
    struct tms tm;
    long ret;

    memset(&tm, 0, sizeof(tm));
    tm.tms_utime = (clock_t)(task_cpu_ns(t) / (1000000000ULL / 100));
    pthread_mutex_lock(&t->k->mu);
    tm.tms_cutime = (clock_t)(t->tg->children_cpu_ns / (1000000000ULL / 100));
    pthread_mutex_unlock(&t->k->mu);
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
