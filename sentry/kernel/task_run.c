/* SPDX-License-Identifier: Apache-2.0 */
/* The run loop of a task: switch to the app, serve its syscalls and signals, until it exits. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sentry/kernel/kernel.h"
#include "sentry/syscalls/syscalls.h"

void task_exit_group(struct task *t, int status)
{
    if (!t->tg->exiting) {
        t->tg->exiting = true;
        t->tg->exit_status = status;
    }
    t->exited = true;
}

int kernel_task_run(struct task *t)
{
    struct platform_event ev;

    while (!t->exited) {
        long ret;

        if (task_pending_signals(t) & ~t->sigmask) {
            task_deliver_signals(t);
            if (t->exited)
                break;
        }
        ret = t->k->pops->ctx_switch(t->ctx, &t->regs, &ev);

        if (ret < 0) {
            log_error("sentry: task %d: platform switch failed: %s", t->tid, strerror((int)-ret));
            task_exit_group(t, SIGKILL);
            break;
        }
        switch (ev.kind) {
        case PLATFORM_EVENT_SYSCALL:
            syscall_dispatch(t);
            break;
        case PLATFORM_EVENT_SIGNAL:
            task_handle_host_signal(t, &ev);
            break;
        case PLATFORM_EVENT_DEAD:
            log_warning("sentry: task %d: host thread died (signal %d)", t->tid, ev.signo);
            task_exit_group(t, ev.signo > 0 ? ev.signo : SIGKILL);
            break;
        }
    }
    return t->tg->exit_status;
}
