/* SPDX-License-Identifier: Apache-2.0 */
/* Signal syscalls: sigaction and mask bookkeeping, sigaltstack, and signals to oneself. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"

#define SIGBIT(sig) (1ULL << ((sig)-1))
/* SIGKILL and SIGSTOP can be neither caught nor blocked. */
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/* The kernel's SS_AUTODISARM flag of sigaltstack(2). */
#define KERNEL_SS_AUTODISARM (1U << 31)

long sys_rt_sigaction(struct task *t, const struct sys_args *a)
{
    int sig = (int)a->a[0];
    struct kernel_sigaction act;
    long ret;

    if (a->a[3] != sizeof(uint64_t))
        return -EINVAL;
    if (sig < 1 || sig > KERNEL_NSIG)
        return -EINVAL;
    if (a->a[1] != 0 && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (a->a[1] != 0 && (ret = task_copy_in(t, &act, a->a[1], sizeof(act))) < 0)
        return ret;
    if (a->a[2] != 0 &&
        (ret = task_copy_out(t, a->a[2], &t->tg->actions[sig - 1], sizeof(act))) < 0)
        return ret;
    if (a->a[1] != 0) {
        act.mask &= ~UNBLOCKABLE;
        t->tg->actions[sig - 1] = act;
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
    uint64_t set, old = t->sigmask;
    long ret;

    if (a->a[3] != sizeof(uint64_t))
        return -EINVAL;
    if (a->a[1] != 0) {
        ret = task_copy_in(t, &set, a->a[1], sizeof(set));
        if (ret < 0)
            return ret;
        set &= ~UNBLOCKABLE;
        switch ((int)a->a[0]) {
        case SIG_BLOCK:
            t->sigmask |= set;
            break;
        case SIG_UNBLOCK:
            t->sigmask &= ~set;
            break;
        case SIG_SETMASK:
            t->sigmask = set;
            break;
        default:
            return -EINVAL;
        }
    }
    if (a->a[2] != 0 && (ret = task_copy_out(t, a->a[2], &old, sizeof(old))) < 0) {
        t->sigmask = old;
        return ret;
    }
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

/* Sends `sig` to the calling process itself, with si_code `code`. */
static long signal_self_code(struct task *t, int sig, int code)
{
    siginfo_t info;

    if (sig < 0 || sig > KERNEL_NSIG)
        return -EINVAL;
    if (sig == 0)
        return 0;
    memset(&info, 0, sizeof(info));
    info.si_signo = sig;
    info.si_code = code;
    info.si_pid = t->tg->pid;
    info.si_uid = 0;
    if (code == SI_TKILL)
        task_send_signal(t, &info);
    else
        task_send_group_signal(t, &info);
    return 0;
}

static long signal_self(struct task *t, int sig)
{
    return signal_self_code(t, sig, SI_USER);
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

long sys_kill(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];

    if (pid != t->tg->pid && pid != 0 && pid != -1 && pid != -t->tg->pgid)
        return -ESRCH;
    return signal_self(t, (int)a->a[1]);
}

long sys_tgkill(struct task *t, const struct sys_args *a)
{
    if ((int)a->a[0] <= 0 || (int)a->a[1] <= 0)
        return -EINVAL;
    if ((int)a->a[0] != t->tg->pid || (int)a->a[1] != t->tid)
        return -ESRCH;
    return signal_self_code(t, (int)a->a[2], SI_TKILL);
}

long sys_tkill(struct task *t, const struct sys_args *a)
{
    if ((int)a->a[0] <= 0)
        return -EINVAL;
    if ((int)a->a[0] != t->tid)
        return -ESRCH;
    return signal_self_code(t, (int)a->a[1], SI_TKILL);
}
