/* SPDX-License-Identifier: Apache-2.0 */
/* Signals: pending sets, default actions, signal frames on the app stack, and sigreturn. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/kernel_internal.h"
#include "sentry/mm/mm.h"

/* Signals the CPU raises for the current instruction: delivered before any other. */
#define SYNCHRONOUS_MASK                                                                    \
    (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGFPE) | \
     SIGBIT(SIGSYS))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define STOP_MASK   (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
/* Linux's sigaction flags we act on. */
#define KSA_ONSTACK    0x08000000ULL
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

static bool handler_ignores(const struct thread_group *tg, int sig)
{
    uint64_t h = tg->actions[sig - 1].handler;

    if (h == (uint64_t)(uintptr_t)SIG_IGN)
        return true;
    return h == (uint64_t)(uintptr_t)SIG_DFL &&
           (default_action(sig) == SIG_DEFAULT_IGNORE || default_action(sig) == SIG_DEFAULT_CONT);
}

void sigpending_free(struct sigpending *sp)
{
    while (sp->head != NULL) {
        struct sigq_entry *e = sp->head;

        sp->head = e->next;
        free(e);
    }
    __atomic_store_n(&sp->mask, 0, __ATOMIC_RELAXED);
}

/* Queues `info` in `sp`: standard signals once, real-time ones as often as sent. */
static void sigpending_add(struct sigpending *sp, const siginfo_t *info)
{
    int sig = info->si_signo;
    struct sigq_entry *e, **pp;

    if ((sp->mask & SIGBIT(sig)) && sig < KERNEL_SIGRTMIN)
        return;
    e = calloc(1, sizeof(*e));
    if (e == NULL)
        return; /* Linux drops real-time signals past the queue limit too */
    e->info = *info;
    for (pp = &sp->head; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = e;
    __atomic_store_n(&sp->mask, sp->mask | SIGBIT(sig), __ATOMIC_RELAXED);
}

/* Removes the first entry of `sig` from `sp` into `info`. Returns true if there was one. */
static bool sigpending_take(struct sigpending *sp, int sig, siginfo_t *info)
{
    bool more = false, found = false;

    for (struct sigq_entry **pp = &sp->head; *pp != NULL;) {
        struct sigq_entry *e = *pp;

        if (e->info.si_signo != sig) {
            pp = &e->next;
            continue;
        }
        if (found) {
            more = true;
            break;
        }
        found = true;
        if (info != NULL)
            *info = e->info;
        *pp = e->next;
        free(e);
    }
    if (!more)
        __atomic_store_n(&sp->mask, sp->mask & ~SIGBIT(sig), __ATOMIC_RELAXED);
    return found;
}

static void sigpending_discard(struct sigpending *sp, int sig)
{
    while (sp->mask & SIGBIT(sig))
        sigpending_take(sp, sig, NULL);
}

/* Discards `sig` everywhere in `tg` (its queue and every task's). */
static void discard_group_locked(struct thread_group *tg, int sig)
{
    struct klist *pos;

    sigpending_discard(&tg->pending, sig);
    klist_for_each(pos, &tg->tasks)
    {
        sigpending_discard(&klist_entry(pos, struct task, tg_node)->pending, sig);
    }
}

/* The parent of `tg` wants CLD_STOPPED/CLD_CONTINUED reports (no SA_NOCLDSTOP). */
static bool parent_wants_stop_reports(const struct thread_group *tg)
{
    return tg->parent != NULL && !(tg->parent->actions[SIGCHLD - 1].flags & KSA_NOCLDSTOP);
}

/* True when the CPU raised `info` for the faulting instruction. */
static bool is_synchronous(const siginfo_t *info, int sig)
{
    return (SIGBIT(sig) & SYNCHRONOUS_MASK) && info->si_code > 0;
}

/* True when a process sent `info` with kill, tgkill or sigqueue. */
static bool sent_by_user(const siginfo_t *info)
{
    return info->si_code == SI_USER || info->si_code == SI_TKILL || info->si_code == SI_QUEUE;
}

/*
 * Linux's SIGNAL_UNKILLABLE for init (pid 1): a signal whose default action
 * would end or stop it is ignored when it comes from inside the sandbox; from
 * outside (the control socket's kill, which reports pid 0, as from an ancestor
 * pid namespace) only SIGKILL and SIGSTOP keep their default action. The
 * CPU's faults of init and (unlike Linux) signals init sends itself keep
 * theirs too. SIGKILL and SIGSTOP from the sentry itself (no user sender)
 * still apply. A blocked signal stays pending (sigwaitinfo).
 */
static bool init_ignores(const struct thread_group *tg, const siginfo_t *info, int sig)
{
    /* Every pid namespace's init (a pod member's own namespace too); si_pid is in its numbers. */
    if (tg->pidns == NULL || tg != tg->pidns->reaper || is_synchronous(info, sig))
        return false;
    /* init's own kill of itself (runsc-c do's programs are pid 1 and rely on it). */
    if (sent_by_user(info) && info->si_pid == tg->ns_pid)
        return false;
    /*
     * From outside (pid 0: `runsc-c kill`, the waiter), as from an ancestor pid
     * namespace on Linux: only SIGKILL and SIGSTOP get through, so `docker stop`
     * of an init without a SIGTERM handler escalates to SIGKILL as under runc.
     */
    if (sent_by_user(info) && info->si_pid == 0)
        return sig != SIGKILL && sig != SIGSTOP;
    if (sig == SIGKILL || sig == SIGSTOP)
        return sent_by_user(info);
    return true;
}

/*
 * What sending `sig` does at once, before any delivery (Linux's
 * prepare_signal): SIGKILL kills, SIGCONT resumes and cancels stops, a stop
 * signal cancels a pending SIGCONT. Returns false when the signal is dropped.
 */
static bool prepare_signal_locked(struct thread_group *tg, const struct task *target,
                                  const siginfo_t *info)
{
    int sig = info->si_signo;

    if (tg->exiting || tg->zombie)
        return sig != SIGKILL ? false : false;
    if (sig == SIGKILL) {
        if (init_ignores(tg, info, SIGKILL))
            return false;
        thread_group_exit_locked(tg, SIGKILL);
        return false;
    }
    if (SIGBIT(sig) & STOP_MASK) {
        discard_group_locked(tg, SIGCONT);
    } else if (sig == SIGCONT) {
        for (int s = 1; s <= KERNEL_NSIG; s++) {
            if (SIGBIT(s) & STOP_MASK)
                discard_group_locked(tg, s);
        }
        if (tg->stopped) {
            tg->stopped = false;
            tg->stop_report = false;
            tg->cont_report = true;
            if (parent_wants_stop_reports(tg))
                thread_group_notify_parent_locked(tg, CLD_CONTINUED, SIGCONT);
            else if (tg->parent != NULL)
                thread_group_wake_all_locked(tg->parent);
            thread_group_wake_all_locked(tg);
        }
    }
    /* An ignored signal is discarded when sent, unless blocked (it may be unignored later). */
    if (handler_ignores(tg, sig) && (target == NULL || !(target->sigmask & SIGBIT(sig))))
        return false;
    return true;
}

/*
 * The senders of signals that name them (kill, tkill, sigqueue, SIGCHLD) put
 * their global pid in si_pid; the queued copy has the receiver's
 * namespace's number of it, 0 for a sender outside that namespace (Linux's
 * send_signal_locked and do_notify_parent).
 */
static const siginfo_t *info_for_ns(const siginfo_t *info, const struct thread_group *tg,
                                    siginfo_t *copy)
{
    bool names_sender = sent_by_user(info) || (info->si_signo == SIGCHLD && info->si_code > 0);

    if (!names_sender || info->si_pid == 0 || tg->pidns == NULL || tg->pidns->parent == NULL)
        return info;
    *copy = *info;
    copy->si_pid = pid_ns_nr_locked(tg->pidns, info->si_pid);
    return copy;
}

void task_send_signal_locked(struct task *t, const siginfo_t *info)
{
    int sig = info->si_signo;
    siginfo_t copy;

    if (sig < 1 || sig > KERNEL_NSIG || t->exited)
        return;
    info = info_for_ns(info, t->tg, &copy);
    if (!prepare_signal_locked(t->tg, t, info))
        return;
    sigpending_add(&t->pending, info);
    if (!(t->sigmask & SIGBIT(sig)))
        task_kick_locked(t);
}

void thread_group_send_signal_locked(struct thread_group *tg, const siginfo_t *info)
{
    int sig = info->si_signo;
    struct task *taker = NULL;
    struct klist *pos;
    siginfo_t copy;

    if (sig < 1 || sig > KERNEL_NSIG)
        return;
    info = info_for_ns(info, tg, &copy);
    klist_for_each(pos, &tg->tasks)
    {
        struct task *o = klist_entry(pos, struct task, tg_node);

        if (!(o->sigmask & SIGBIT(sig)) && !o->exited) {
            taker = o;
            break;
        }
    }
    if (!prepare_signal_locked(tg, taker != NULL ? taker : tg->leader, info))
        return;
    sigpending_add(&tg->pending, info);
    if (taker != NULL)
        task_kick_locked(taker);
}

void task_send_signal(struct task *t, const siginfo_t *info)
{
    pthread_mutex_lock(&t->k->mu);
    task_send_signal_locked(t, info);
    pthread_mutex_unlock(&t->k->mu);
}

void task_send_group_signal(struct task *t, const siginfo_t *info)
{
    pthread_mutex_lock(&t->k->mu);
    thread_group_send_signal_locked(t->tg, info);
    pthread_mutex_unlock(&t->k->mu);
}

void task_discard_signal(struct task *t, int sig)
{
    if (sig < 1 || sig > KERNEL_NSIG)
        return;
    pthread_mutex_lock(&t->k->mu);
    discard_group_locked(t->tg, sig);
    pthread_mutex_unlock(&t->k->mu);
}

uint64_t task_pending_signals(const struct task *t)
{
    return __atomic_load_n(&t->pending.mask, __ATOMIC_RELAXED) |
           __atomic_load_n(&t->tg->pending.mask, __ATOMIC_RELAXED);
}

void task_set_sigmask(struct task *t, uint64_t mask)
{
    uint64_t blocked;
    struct klist *pos;

    pthread_mutex_lock(&t->k->mu);
    t->sigmask = mask & ~UNBLOCKABLE;
    /* Process-directed signals this thread now blocks go to a thread that does not. */
    blocked = t->tg->pending.mask & t->sigmask;
    if (blocked != 0) {
        klist_for_each(pos, &t->tg->tasks)
        {
            struct task *o = klist_entry(pos, struct task, tg_node);

            if (o != t && (blocked & ~o->sigmask))
                task_kick_locked(o);
        }
    }
    pthread_mutex_unlock(&t->k->mu);
}

void task_force_signal(struct task *t, const siginfo_t *info)
{
    int sig = info->si_signo;
    struct kernel_sigaction *act = &t->tg->actions[sig - 1];

    pthread_mutex_lock(&t->k->mu);
    if (act->handler == (uint64_t)(uintptr_t)SIG_IGN || (t->sigmask & SIGBIT(sig))) {
        act->handler = (uint64_t)(uintptr_t)SIG_DFL;
        t->sigmask &= ~SIGBIT(sig);
    }
    sigpending_discard(&t->pending, sig);
    sigpending_add(&t->pending, info);
    pthread_mutex_unlock(&t->k->mu);
}

int task_dequeue_signal_locked(struct task *t, uint64_t set, siginfo_t *info)
{
    uint64_t ready = t->pending.mask & set;
    struct sigpending *sp = &t->pending;
    int sig;

    if (ready == 0) {
        ready = t->tg->pending.mask & set;
        sp = &t->tg->pending;
    }
    if (ready == 0)
        return 0;
    if (ready & SYNCHRONOUS_MASK)
        ready &= SYNCHRONOUS_MASK;
    sig = __builtin_ctzll(ready) + 1;
    if (!sigpending_take(sp, sig, info)) {
        memset(info, 0, sizeof(*info));
        info->si_signo = sig;
    }
    kernel_timer_signal_dequeued_locked(t->tg, info);
    return sig;
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
        .old_mask = t->has_saved_sigmask ? t->saved_sigmask : t->sigmask,
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

/*
 * A syscall returned a restart code and `handler` (true: a handler frame is
 * about to be built for a signal with `flags`) decides what the app sees:
 * EINTR, or the syscall again (restart_syscall(2) for RESTARTBLOCK).
 */
static void fix_restart(struct task *t, bool handler, uint64_t flags)
{
    long rax = (long)t->regs.r.rax;
    bool restart;

    t->in_syscall = false;
    switch (rax) {
    case -ERESTARTNOINTR:
        restart = true;
        break;
    case -ERESTARTSYS:
        restart = !handler || (flags & KSA_RESTART);
        break;
    case -ERESTARTNOHAND:
    case -ERESTART_RESTARTBLOCK:
        restart = !handler;
        break;
    default:
        return;
    }
    if (!restart) {
        t->regs.r.rax = (uint64_t)-EINTR;
        return;
    }
    t->regs.r.rax = rax == -ERESTART_RESTARTBLOCK ? 219 /* restart_syscall */ : t->regs.r.orig_rax;
    t->regs.r.rip -= 2; /* back onto the syscall instruction */
}

/* Job control: a stop signal's default action stops the whole process. */
static void group_stop_locked(struct task *t, int sig)
{
    struct thread_group *tg = t->tg;
    struct klist *pos;

    if (tg->stopped || tg->exiting)
        return;
    tg->stopped = true;
    tg->stop_sig = sig;
    tg->stop_report = true;
    tg->cont_report = false;
    if (parent_wants_stop_reports(tg))
        thread_group_notify_parent_locked(tg, CLD_STOPPED, sig);
    else if (tg->parent != NULL)
        thread_group_wake_all_locked(tg->parent);
    klist_for_each(pos, &tg->tasks)
    {
        struct task *o = klist_entry(pos, struct task, tg_node);

        if (o != t)
            task_kick_locked(o);
    }
}

void task_prepare_return(struct task *t)
{
    struct kernel *k = t->k;

    pthread_mutex_lock(&k->mu);
    for (;;) {
        struct kernel_sigaction *act;
        struct arch_regs saved;
        siginfo_t info;
        int sig;

        if (t->killed || t->tg->exiting) {
            t->exited = true;
            break;
        }
        if (t->tg->stopped) {
            pthread_cond_wait(&t->wake, &k->mu);
            continue;
        }
        sig = task_dequeue_signal_locked(t, ~t->sigmask, &info);
        if (sig == 0)
            break;
        act = &t->tg->actions[sig - 1];
        if (act->handler == (uint64_t)(uintptr_t)SIG_IGN)
            continue;
        if (act->handler == (uint64_t)(uintptr_t)SIG_DFL) {
            enum sig_default d = default_action(sig);

            if ((d == SIG_DEFAULT_TERM || d == SIG_DEFAULT_CORE || d == SIG_DEFAULT_STOP) &&
                init_ignores(t->tg, &info, sig))
                continue;
            switch (d) {
            case SIG_DEFAULT_IGNORE:
            case SIG_DEFAULT_CONT:
                continue;
            case SIG_DEFAULT_STOP:
                group_stop_locked(t, sig);
                continue;
            default:
                if (is_synchronous(&info, sig)) {
                    char regs[512];

                    arch_regs_format(&t->regs, regs, sizeof(regs));
                    sentry_info("sentry: task %d: fatal %s at %p (%s)", t->tid, strsignal(sig),
                                info.si_addr, regs);
                }
                /* No core is dumped (as with RLIMIT_CORE 0): the status has no 0x80 bit. */
                thread_group_exit_locked(t->tg, sig);
                t->exited = true;
                goto out;
            }
        }
        if (t->in_syscall)
            fix_restart(t, /*handler=*/true, act->flags);
        saved = t->regs;
        if (setup_frame(t, sig, &info) < 0) {
            siginfo_t segv = { .si_signo = SIGSEGV, .si_code = SI_KERNEL };

            t->regs = saved;
            sentry_info("sentry: task %d: cannot build a frame for %s; forcing SIGSEGV", t->tid,
                        strsignal(sig));
            if (sig == SIGSEGV) {
                thread_group_exit_locked(t->tg, SIGSEGV);
                t->exited = true;
                goto out;
            }
            t->tg->actions[SIGSEGV - 1].handler = (uint64_t)(uintptr_t)SIG_DFL;
            t->sigmask &= ~SIGBIT(SIGSEGV);
            sigpending_add(&t->pending, &segv);
            continue;
        }
        t->has_saved_sigmask = false;
    }
    if (t->in_syscall)
        fix_restart(t, /*handler=*/false, 0);
    if (t->has_saved_sigmask) {
        /* sigsuspend and friends: no handler ran, the old mask comes back now. */
        t->sigmask = t->saved_sigmask;
        t->has_saved_sigmask = false;
    }
out:
    pthread_mutex_unlock(&k->mu);
}

void task_deliver_signals(struct task *t)
{
    task_prepare_return(t);
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
    pthread_mutex_lock(&t->k->mu);
    t->sigmask = st.mask & ~UNBLOCKABLE;
    pthread_mutex_unlock(&t->k->mu);
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
