/* SPDX-License-Identifier: Apache-2.0 */
/* Signal syscalls: sigaction and mask bookkeeping, sigaltstack, and signals to oneself. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

/* SIGKILL and SIGSTOP can be neither caught nor blocked. */
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/* The kernel's SS_AUTODISARM flag of sigaltstack(2). */
#define KERNEL_SS_AUTODISARM (1U << 31)

long sys_rt_sigaction(struct task *t, const struct sys_args *a)
{
    int sig = (int)a->a[0];
    struct kernel_sigaction act, old;
    long ret;

    if (a->a[3] != sizeof(uint64_t))
        return -EINVAL;
    if (sig < 1 || sig > KERNEL_NSIG)
        return -EINVAL;
    if (a->a[1] != 0 && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (a->a[1] != 0 && (ret = task_copy_in(t, &act, a->a[1], sizeof(act))) < 0)
        return ret;
    pthread_mutex_lock(&t->k->mu);
    old = t->tg->actions[sig - 1];
    if (a->a[1] != 0) {
        act.mask &= ~UNBLOCKABLE;
        t->tg->actions[sig - 1] = act;
    }
    pthread_mutex_unlock(&t->k->mu);
    if (a->a[2] != 0 && (ret = task_copy_out(t, a->a[2], &old, sizeof(old))) < 0)
        return ret;
    if (a->a[1] != 0) {
        /* POSIX: making a signal ignored discards it if pending, blocked or not. */
        if (act.handler == (uint64_t)(uintptr_t)SIG_IGN ||
            (act.handler == (uint64_t)(uintptr_t)SIG_DFL &&
             (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH)))
            task_discard_signal(t, sig);
    }
    return 0;
}

long sys_rt_sigprocmask(struct task *t, const struct sys_args *a)
{
    uint64_t set, old = t->sigmask, mask = t->sigmask;
    long ret;

    if (a->a[3] != sizeof(uint64_t))
        return -EINVAL;
    if (a->a[1] != 0) {
        ret = task_copy_in(t, &set, a->a[1], sizeof(set));
        if (ret < 0)
            return ret;
        switch ((int)a->a[0]) {
        case SIG_BLOCK:
            mask |= set;
            break;
        case SIG_UNBLOCK:
            mask &= ~set;
            break;
        case SIG_SETMASK:
            mask = set;
            break;
        default:
            return -EINVAL;
        }
    }
    if (a->a[2] != 0 && (ret = task_copy_out(t, a->a[2], &old, sizeof(old))) < 0)
        return ret;
    if (a->a[1] != 0)
        task_set_sigmask(t, mask);
    return 0;
}

/* Linux's MINSIGSTKSZ for the sigaltstack size check (the kernel's constant, not glibc's sysconf).
 */
#define KERNEL_MINSIGSTKSZ 2048

/* True when the app's stack pointer lies on its alternate signal stack. */
static bool on_altstack(const struct task *t)
{
    uint64_t sp = t->regs.r.rsp;

    return t->altstack_size != 0 && sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

long sys_sigaltstack(struct task *t, const struct sys_args *a)
{
    stack_t ss, old = {
        .ss_sp = (void *)(uintptr_t)t->altstack_sp,
        .ss_size = t->altstack_size,
        .ss_flags = t->altstack_size == 0 ? SS_DISABLE
                                          : (on_altstack(t) ? SS_ONSTACK : 0) | t->altstack_flags,
    };
    long ret;

    if (a->a[0] != 0) {
        int mode;

        ret = task_copy_in(t, &ss, a->a[0], sizeof(ss));
        if (ret < 0)
            return ret;
        mode = ss.ss_flags & ~(int)KERNEL_SS_AUTODISARM;
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
            return -EINVAL;
        if (on_altstack(t))
            return -EPERM;
        if (mode == SS_DISABLE) {
            t->altstack_sp = 0;
            t->altstack_size = 0;
            t->altstack_flags = 0;
        } else {
            /* SS_ONSTACK is accepted as 0 for compatibility, as Linux does. */
            if (ss.ss_size < KERNEL_MINSIGSTKSZ)
                return -ENOMEM;
            t->altstack_sp = (uintptr_t)ss.ss_sp;
            t->altstack_size = ss.ss_size;
            t->altstack_flags = ss.ss_flags & (int)KERNEL_SS_AUTODISARM;
        }
    }
    if (a->a[1] != 0 && (ret = task_copy_out(t, a->a[1], &old, sizeof(old))) < 0)
        return ret;
    return 0;
}

long sys_rt_sigreturn(struct task *t, const struct sys_args *a)
{
    long ret = task_sigreturn(t);

    if (ret < 0) {
        siginfo_t segv = { .si_signo = SIGSEGV, .si_code = SI_KERNEL };

        /* A bad frame kills with SIGSEGV, as on Linux. */
        task_force_signal(t, &segv);
        t->regs_replaced = true;
    }
    return 0;
}

long sys_rt_sigpending(struct task *t, const struct sys_args *a)
{
    uint64_t set = task_pending_signals(t) & t->sigmask;

    if (a->a[1] > sizeof(uint64_t))
        return -EINVAL;
    return task_copy_out(t, a->a[0], &set, a->a[1]);
}

/* Fills the siginfo of kill(2)/tgkill(2) from the caller. */
static void user_info(struct task *t, int sig, int code, siginfo_t *info)
{
    memset(info, 0, sizeof(*info));
    info->si_signo = sig;
    info->si_code = code;
    info->si_pid = t->tg->pid;
    info->si_uid = t->cred.uid;
}

/*
 * Sends `info` to every process kill(2)'s `pid` selects, those the caller may
 * signal (kernel_may_signal_tg_locked). As Linux: a process group fails with
 * EPERM only when no member could be signalled; pid -1 skips refusals.
 */
static long kill_locked(struct task *t, int pid, const siginfo_t *info)
{
    struct kernel *k = t->k;
    struct klist *pos;
    bool found = false, sent = false;
    int sig = info->si_signo;
    /* The group as a global pid (0: not in the caller's pid namespace, matches nothing). */
    int pgrp = pid == 0 ? t->tg->pgid : pid < -1 ? task_pid_from_vnr_locked(t, -pid) : 0;

    if (pid > 0) {
        struct thread_group *tg = kernel_find_tg_locked(k, pid);

        if (tg == NULL)
            return -ESRCH;
        if (!kernel_may_signal_tg_locked(t, tg, sig))
            return -EPERM;
        if (sig != 0 && !tg->zombie)
            thread_group_send_signal_locked(tg, info);
        return 0;
    }
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);
        bool match;

        if (tg->zombie)
            continue;
        /* -1: every process the caller's namespace numbers, but its init (pid 1) and itself. */
        if (pid == -1)
            match = task_pid_vnr_locked(t, tg->pid) > 1 && tg != t->tg;
        else
            match = pgrp != 0 && tg->pgid == pgrp;
        if (!match)
            continue;
        found = true;
        if (!kernel_may_signal_tg_locked(t, tg, sig))
            continue;
        sent = true;
        if (sig != 0)
            thread_group_send_signal_locked(tg, info);
    }
    if (!found)
        return -ESRCH;
    return sent || pid == -1 ? 0 : -EPERM;
}

long sys_kill(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0], sig = (int)a->a[1];
    siginfo_t info;
    long ret;

    if (sig < 0 || sig > KERNEL_NSIG)
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    user_info(t, sig, SI_USER, &info);
    pthread_mutex_lock(&t->k->mu);
    ret = kill_locked(t, pid, &info);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

/* Sends `info` to thread `tid` (of process `tgid` when > 0). */
static long send_to_thread(struct task *t, int tgid, int tid, const siginfo_t *info)
{
    struct task *target;
    long ret = 0;

    pthread_mutex_lock(&t->k->mu);
    target = kernel_find_task_locked(t->k, tid);
    if (target == NULL || (tgid > 0 && target->tg->pid != task_pid_from_vnr_locked(t, tgid)))
        ret = -ESRCH;
    else if (!kernel_may_signal_locked(t, target, info->si_signo))
        ret = -EPERM;
    else if (info->si_signo != 0)
        task_send_signal_locked(target, info);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_tgkill(struct task *t, const struct sys_args *a)
{
    int sig = (int)a->a[2];
    siginfo_t info;

    if ((int)a->a[0] <= 0 || (int)a->a[1] <= 0)
        return -EINVAL;
    if (sig < 0 || sig > KERNEL_NSIG)
        return -EINVAL;
    user_info(t, sig, SI_TKILL, &info);
    return send_to_thread(t, (int)a->a[0], (int)a->a[1], &info);
}

long sys_tkill(struct task *t, const struct sys_args *a)
{
    int sig = (int)a->a[1];
    siginfo_t info;

    if ((int)a->a[0] <= 0)
        return -EINVAL;
    if (sig < 0 || sig > KERNEL_NSIG)
        return -EINVAL;
    user_info(t, sig, SI_TKILL, &info);
    return send_to_thread(t, 0, (int)a->a[0], &info);
}

/* Copies in a siginfo for rt_(tg)sigqueueinfo and applies Linux's rules on si_code. */
static long queue_info(struct task *t, int sig, uint64_t addr, siginfo_t *info)
{
    long ret;

    if (sig < 0 || sig > KERNEL_NSIG)
        return -EINVAL;
    ret = task_copy_in(t, info, addr, sizeof(*info));
    if (ret < 0)
        return ret;
    /* Only the kernel may claim SI_USER / positive codes, or SI_TKILL for another process. */
    if (info->si_code >= 0 || info->si_code == SI_TKILL)
        return -EPERM;
    info->si_signo = sig;
    return 0;
}

long sys_rt_sigqueueinfo(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    siginfo_t info;
    long ret = queue_info(t, (int)a->a[1], a->a[2], &info);

    if (ret < 0)
        return ret;
    if (pid <= 0)
        return -ESRCH;
    pthread_mutex_lock(&t->k->mu);
    ret = kill_locked(t, pid, &info);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_rt_tgsigqueueinfo(struct task *t, const struct sys_args *a)
{
    siginfo_t info;
    long ret;

    if ((int)a->a[0] <= 0 || (int)a->a[1] <= 0)
        return -EINVAL;
    ret = queue_info(t, (int)a->a[2], a->a[3], &info);
    if (ret < 0)
        return ret;
    return send_to_thread(t, (int)a->a[0], (int)a->a[1], &info);
}

/* Sleeps until a signal is delivered (the caller set up the mask). Returns -ERESTARTNOHAND. */
static long wait_for_signal(struct task *t)
{
    pthread_mutex_lock(&t->k->mu);
    while (task_block_locked(t, NULL) != -EINTR)
        ;
    pthread_mutex_unlock(&t->k->mu);
    return -ERESTARTNOHAND;
}

long sys_pause(struct task *t, const struct sys_args *a)
{
    return wait_for_signal(t);
}

long sys_rt_sigsuspend(struct task *t, const struct sys_args *a)
{
    uint64_t mask;
    long ret;

    if (a->a[1] != sizeof(uint64_t))
        return -EINVAL;
    ret = task_copy_in(t, &mask, a->a[0], sizeof(mask));
    if (ret < 0)
        return ret;
    pthread_mutex_lock(&t->k->mu);
    t->saved_sigmask = t->sigmask;
    t->has_saved_sigmask = true;
    t->sigmask = mask & ~UNBLOCKABLE;
    pthread_mutex_unlock(&t->k->mu);
    return wait_for_signal(t);
}

long sys_rt_sigtimedwait(struct task *t, const struct sys_args *a)
{
    uint64_t set;
    struct timespec ts, deadline;
    bool timed = a->a[2] != 0;
    siginfo_t info;
    long ret;
    int sig;

    if (a->a[3] != sizeof(uint64_t))
        return -EINVAL;
    ret = task_copy_in(t, &set, a->a[0], sizeof(set));
    if (ret < 0)
        return ret;
    if (timed) {
        ret = task_copy_in(t, &ts, a->a[2], sizeof(ts));
        if (ret < 0)
            return ret;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
            return -EINVAL;
        kernel_deadline_from_now(&ts, &deadline);
    }
    set &= ~UNBLOCKABLE;
    pthread_mutex_lock(&t->k->mu);
    for (;;) {
        sig = task_dequeue_signal_locked(t, set, &info);
        if (sig != 0)
            break;
        /* The waited-for signals count as unblocked while we wait (Linux's real_blocked). */
        {
            uint64_t saved = t->sigmask;

            t->sigmask &= ~set;
            ret = task_block_locked(t, timed ? &deadline : NULL);
            t->sigmask = saved;
        }
        if (ret == -ETIMEDOUT || (timed && ts.tv_sec == 0 && ts.tv_nsec == 0)) {
            sig = task_dequeue_signal_locked(t, set, &info);
            if (sig == 0) {
                pthread_mutex_unlock(&t->k->mu);
                return -EAGAIN;
            }
            break;
        }
        if (ret == -EINTR) {
            sig = task_dequeue_signal_locked(t, set, &info);
            if (sig != 0)
                break;
            if (task_interrupted_locked(t)) {
                pthread_mutex_unlock(&t->k->mu);
                return -EINTR;
            }
        }
    }
    pthread_mutex_unlock(&t->k->mu);
    if (a->a[1] != 0 && (ret = task_copy_out(t, a->a[1], &info, sizeof(info))) < 0)
        return ret;
    return sig;
}
