/* SPDX-License-Identifier: Apache-2.0 */
/* Signals: pending sets, default actions, signal frames on the app stack, and sigreturn. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"

#define SIGBIT(sig) (1ULL << ((sig)-1))
/* Signals the CPU raises for the current instruction: delivered before any other. */
#define SYNCHRONOUS_MASK                                                                    \
    (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGFPE) | \
     SIGBIT(SIGSYS))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/* Linux's sigaction flags we act on. */
#define KSA_ONSTACK    0x08000000ULL
#define KSA_RESTART    0x10000000ULL
#define KSA_NODEFER    0x40000000ULL
#define KSA_RESETHAND  0x80000000ULL
#define KSA_RESTORER   0x04000000ULL
#define KSS_AUTODISARM (1U << 31)

enum sig_default {
    SIG_DEFAULT_TERM,
    SIG_DEFAULT_CORE,
    SIG_DEFAULT_IGNORE,
    SIG_DEFAULT_STOP,
    SIG_DEFAULT_CONT,
};

/* signal(7)'s table of default actions. */
static enum sig_default default_action(int sig)
{
    switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
        return SIG_DEFAULT_CORE;
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
        return SIG_DEFAULT_IGNORE;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return SIG_DEFAULT_STOP;
    case SIGCONT:
        return SIG_DEFAULT_CONT;
    default:
        return SIG_DEFAULT_TERM;
    }
}

static bool is_ignored(const struct task *t, int sig)
{
    uint64_t h = t->tg->actions[sig - 1].handler;

    if (h == (uint64_t)(uintptr_t)SIG_IGN)
        return true;
    return h == (uint64_t)(uintptr_t)SIG_DFL &&
           (default_action(sig) == SIG_DEFAULT_IGNORE || default_action(sig) == SIG_DEFAULT_CONT);
}

/* Queues `info` in the pending set `*pending` / `infos`. */
static void queue_signal(struct task *t, uint64_t *pending, siginfo_t *infos, const siginfo_t *info)
{
    int sig = info->si_signo;

    if (sig < 1 || sig > KERNEL_NSIG)
        return;
    /* An ignored signal is discarded when sent, unless blocked (it may be unignored later). */
    if (is_ignored(t, sig) && !(t->sigmask & SIGBIT(sig)))
        return;
    if (*pending & SIGBIT(sig))
        return; /* not queued twice (real-time queueing comes with sigqueue) */
    *pending |= SIGBIT(sig);
    infos[sig - 1] = *info;
}

void task_send_signal(struct task *t, const siginfo_t *info)
{
    queue_signal(t, &t->pending, t->pending_info, info);
}

void task_send_group_signal(struct task *t, const siginfo_t *info)
{
    queue_signal(t, &t->tg->pending, t->tg->pending_info, info);
}

void task_discard_signal(struct task *t, int sig)
{
    if (sig < 1 || sig > KERNEL_NSIG)
        return;
    t->pending &= ~SIGBIT(sig);
    t->tg->pending &= ~SIGBIT(sig);
}

uint64_t task_pending_signals(const struct task *t)
{
    return t->pending | t->tg->pending;
}

void task_force_signal(struct task *t, const siginfo_t *info)
{
    int sig = info->si_signo;
    struct kernel_sigaction *act = &t->tg->actions[sig - 1];

    if (act->handler == (uint64_t)(uintptr_t)SIG_IGN || (t->sigmask & SIGBIT(sig))) {
        act->handler = (uint64_t)(uintptr_t)SIG_DFL;
        t->sigmask &= ~SIGBIT(sig);
    }
    t->pending |= SIGBIT(sig);
    t->pending_info[sig - 1] = *info;
}

/* True when the CPU raised `info` for the faulting instruction. */
static bool is_synchronous(const siginfo_t *info, int sig)
{
    return (SIGBIT(sig) & SYNCHRONOUS_MASK) && info->si_code > 0;
}

void task_handle_host_signal(struct task *t, const struct platform_event *ev)
{
    siginfo_t info = ev->info;

    if (ev->signo < 1 || ev->signo > KERNEL_NSIG)
        return;
    info.si_signo = ev->signo;
    if (is_synchronous(&ev->info, ev->signo)) {
        task_force_signal(t, &info);
        return;
    }
    /* A signal from outside (the terminal, a host kill): it comes from no sandbox process. */
    if (info.si_code <= 0) {
        info.si_code = SI_KERNEL;
        info.si_pid = 0;
        info.si_uid = 0;
    }
    task_send_signal(t, &info);
}

/* Picks the next deliverable signal: synchronous ones first, then the lowest number. */
static int next_signal(const struct task *t)
{
    uint64_t ready = task_pending_signals(t) & ~t->sigmask;

    if (ready & SYNCHRONOUS_MASK)
        ready &= SYNCHRONOUS_MASK;
    return ready ? __builtin_ctzll(ready) + 1 : 0;
}

static bool on_altstack(const struct task *t, uint64_t sp)
{
    return t->altstack_size != 0 && sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

/* Builds a frame for `sig` and points the registers at its handler. Returns 0 or -Exxx. */
static long setup_frame(struct task *t, int sig, const siginfo_t *info)
{
    struct kernel_sigaction *act = &t->tg->actions[sig - 1];
    struct arch_sigframe_args args = {
        .signo = sig,
        .info = info,
        .handler = act->handler,
        .restorer = act->restorer,
        .old_mask = t->sigmask,
        .sp = t->regs.r.rsp,
        .saved_altstack = {
            .ss_sp = (void *)(uintptr_t)t->altstack_sp,
            .ss_size = t->altstack_size,
            .ss_flags = t->altstack_size == 0 ? SS_DISABLE : t->altstack_flags,
        },
        .xfeatures = arch_xcr0(),
    };
    cleanup_free void *xstate = malloc(ARCH_XSTATE_MAX);
    cleanup_free void *frame = NULL;
    size_t len;
    uintptr_t addr;
    long ret;

    if (xstate == NULL)
        return -ENOMEM;
    /* x86-64 has no default restorer in the kernel: without SA_RESTORER the frame is bad. */
    if (!(act->flags & KSA_RESTORER))
        return -EFAULT;
    ret = t->k->pops->ctx_get_fpstate(t->ctx, xstate, ARCH_XSTATE_MAX);
    if (ret < 0)
        return ret;
    if ((size_t)ret > ARCH_XSTATE_MAX)
        return -ENOMEM;
    args.xstate = xstate;
    args.xstate_size = (size_t)ret;
    if (on_altstack(t, t->regs.r.rsp))
        args.saved_altstack.ss_flags = SS_ONSTACK;
    if ((act->flags & KSA_ONSTACK) && t->altstack_size != 0 && !on_altstack(t, t->regs.r.rsp)) {
        args.sp = t->altstack_sp + t->altstack_size;
        args.on_new_stack = true;
    }
    ret = arch_sigframe_build(&t->regs, &args, &frame, &len, &addr);
    if (ret < 0)
        return ret;
    /* A frame that would run off the alternate stack is a bad frame, as on Linux. */
    if (args.on_new_stack && addr < t->altstack_sp)
        return -EFAULT;
    ret = task_copy_out(t, addr, frame, len);
    if (ret < 0)
        return ret;
    if (args.on_new_stack && (t->altstack_flags & KSS_AUTODISARM)) {
        t->altstack_sp = 0;
        t->altstack_size = 0;
        t->altstack_flags = 0;
    }
    t->sigmask |= act->mask;
    if (!(act->flags & KSA_NODEFER))
        t->sigmask |= SIGBIT(sig);
    t->sigmask &= ~UNBLOCKABLE;
    /* SA_RESETHAND: only the handler is reset; sigaction still reports the flags. */
    if (act->flags & KSA_RESETHAND)
        act->handler = (uint64_t)(uintptr_t)SIG_DFL;
    return 0;
}

void task_deliver_signals(struct task *t)
{
    int sig;

    while (!t->exited && (sig = next_signal(t)) != 0) {
        const struct kernel_sigaction *act = &t->tg->actions[sig - 1];
        struct arch_regs saved = t->regs;
        siginfo_t info;

        /* Thread-directed first, then the process's copy (each is delivered once). */
        if (t->pending & SIGBIT(sig)) {
            info = t->pending_info[sig - 1];
            t->pending &= ~SIGBIT(sig);
        } else {
            info = t->tg->pending_info[sig - 1];
            t->tg->pending &= ~SIGBIT(sig);
        }
        if (act->handler == (uint64_t)(uintptr_t)SIG_IGN)
            continue;
        if (act->handler == (uint64_t)(uintptr_t)SIG_DFL) {
            switch (default_action(sig)) {
            case SIG_DEFAULT_IGNORE:
            case SIG_DEFAULT_CONT:
                continue;
            case SIG_DEFAULT_STOP:
                sentry_info("sentry: task %d: job-control stop (%s) not implemented; ignored",
                            t->tid, strsignal(sig));
                continue;
            default:
                if (is_synchronous(&info, sig)) {
                    char regs[512];

                    arch_regs_format(&t->regs, regs, sizeof(regs));
                    sentry_info("sentry: task %d: fatal %s at %p (%s)", t->tid, strsignal(sig),
                                info.si_addr, regs);
                }
                task_exit_group(t, sig);
                return;
            }
        }
        if (setup_frame(t, sig, &info) < 0) {
            siginfo_t segv = { .si_signo = SIGSEGV, .si_code = SI_KERNEL };

            t->regs = saved;
            sentry_info("sentry: task %d: cannot build a frame for %s; forcing SIGSEGV", t->tid,
                        strsignal(sig));
            if (sig == SIGSEGV) {
                task_exit_group(t, SIGSEGV);
                return;
            }
            task_force_signal(t, &segv);
        }
    }
}

long task_sigreturn(struct task *t)
{
    struct arch_sigreturn_state st;
    size_t hdr = arch_sigframe_header_size();
    cleanup_free char *frame = malloc(hdr);
    cleanup_free char *xstate = NULL;
    struct arch_regs regs = t->regs;
    long ret, size, n;

    if (frame == NULL)
        return -ENOMEM;
    /* The handler's `ret` popped pretcode: the frame starts 8 bytes below the stack pointer. */
    ret = task_copy_in(t, frame, t->regs.r.rsp - 8, hdr);
    if (ret < 0)
        return ret;
    ret = arch_sigreturn_parse(&regs, frame, hdr, &st);
    if (ret < 0)
        return ret;
    if (st.fpstate != 0) {
        xstate = malloc(ARCH_XSTATE_MAX);
        if (xstate == NULL)
            return -ENOMEM;
        /* The current state's size is the size the platform will accept back. */
        size = t->k->pops->ctx_get_fpstate(t->ctx, xstate, ARCH_XSTATE_MAX);
        if (size < 0)
            return size;
        n = task_copy_in_partial(t, xstate, st.fpstate, (size_t)size + sizeof(uint32_t));
        if (n < 0)
            return n;
        ret = arch_fpstate_from_frame(xstate, (size_t)n, (size_t)size);
        if (ret < 0)
            return ret;
        ret = t->k->pops->ctx_set_fpstate(t->ctx, xstate, (size_t)ret);
        if (ret < 0)
            return -EFAULT;
    }
    t->regs = regs;
    t->sigmask = st.mask & ~UNBLOCKABLE;
    /* Linux's restore_altstack: errors are ignored. */
    if (!on_altstack(t, t->regs.r.rsp)) {
        if (st.altstack.ss_flags & SS_DISABLE) {
            t->altstack_sp = 0;
            t->altstack_size = 0;
            t->altstack_flags = 0;
        } else if (st.altstack.ss_size >= 2048) {
            t->altstack_sp = (uintptr_t)st.altstack.ss_sp;
            t->altstack_size = st.altstack.ss_size;
            t->altstack_flags = st.altstack.ss_flags & (int)KSS_AUTODISARM;
        }
    }
    t->regs_replaced = true;
    return 0;
}
