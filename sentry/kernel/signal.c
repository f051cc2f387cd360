/* SPDX-License-Identifier: Apache-2.0 */
/* Signals: default actions and what happens to host signals that reach an app thread. */
#include <signal.h>
#include <string.h>

#include "sentry/kernel/kernel.h"

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

/* True when the CPU raised `info` for the faulting instruction (it cannot be ignored or blocked).
 */
static bool is_synchronous(const siginfo_t *info, int sig)
{
    return (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) &&
           info->si_code > 0;
}

void task_handle_host_signal(struct task *t, const struct platform_event *ev)
{
    int sig = ev->signo;
    const struct kernel_sigaction *act;
    bool sync = is_synchronous(&ev->info, sig);
    char regs[512];

    if (sig < 1 || sig > KERNEL_NSIG)
        return;
    act = &t->tg->actions[sig - 1];
    if (!sync) {
        if (act->handler == (uint64_t)(uintptr_t)SIG_IGN)
            return;
        if (act->handler == (uint64_t)(uintptr_t)SIG_DFL) {
            switch (default_action(sig)) {
            case SIG_DEFAULT_IGNORE:
            case SIG_DEFAULT_CONT:
                return;
            case SIG_DEFAULT_STOP:
                sentry_info("sentry: task %d: job-control stop (%s) not implemented; ignored",
                            t->tid, strsignal(sig));
                return;
            default:
                task_exit_group(t, sig);
                return;
            }
        }
        if (t->sigmask & (1ULL << (sig - 1))) {
            sentry_info("sentry: task %d: blocked %s dropped (no pending queue yet)", t->tid,
                        strsignal(sig));
            return;
        }
        log_warning("sentry: task %d: %s has a handler, but delivering signals to handlers is "
                    "not implemented yet; terminating",
                    t->tid, strsignal(sig));
        task_exit_group(t, sig);
        return;
    }
    /* A fault. Without signal frames the only thing we can do is what SIG_DFL does. */
    arch_regs_format(&t->regs, regs, sizeof(regs));
    if (act->handler != (uint64_t)(uintptr_t)SIG_DFL)
        log_warning("sentry: task %d: %s with a handler installed: signal delivery not "
                    "implemented yet; terminating",
                    t->tid, strsignal(sig));
    sentry_info("sentry: task %d: fatal %s at %p (%s)", t->tid, strsignal(sig), ev->info.si_addr,
                regs);
    task_exit_group(t, sig);
}
