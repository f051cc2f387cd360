/* SPDX-License-Identifier: Apache-2.0 */
/* wait4/waitid: zombies, stop and continue reports, reaping. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "sentry/kernel/kernel_internal.h"

/* Does `c` match the pid selector and the __WCLONE/__WALL class the waiter asked for? */
static bool eligible(const struct thread_group *c, int idtype, int id, int options)
{
    bool clone_child = c->exit_signal != SIGCHLD;

    if (idtype == P_PID && c->pid != id)
        return false;
    if (idtype == P_PGID && c->pgid != id)
        return false;
    if (options & __WALL)
        return true;
    return (options & __WCLONE) ? clone_child : !clone_child;
}

/* Fills `res` from `c`'s exit; reaps it unless WNOWAIT. Needs k->mu. */
static void take_zombie(struct thread_group *c, int options, struct kernel_wait_result *res)
{
    int status = c->exit_status;

    res->pid = c->pid;
    res->status = status;
    res->cpu_ns = c->cpu_ns + c->children_cpu_ns;
    if (WIFEXITED(status)) {
        res->code = CLD_EXITED;
        res->sig_status = WEXITSTATUS(status);
    } else {
        res->code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
        res->sig_status = WTERMSIG(status);
    }
    if (options & WNOWAIT)
        return;
    if (c->parent != NULL)
        c->parent->children_cpu_ns += res->cpu_ns;
    thread_group_free_locked(c);
}

long kernel_wait(struct task *t, int idtype, int id, int options, struct kernel_wait_result *res)
{
    struct kernel *k = t->k;
    long ret;

    memset(res, 0, sizeof(*res));
    pthread_mutex_lock(&k->mu);
    /* The caller's namespace numbers the ids; 0 never matches a pid. */
    if (idtype == P_PGID)
        id = id == 0 ? t->tg->pgid : task_pid_from_vnr_locked(t, id);
    else if (idtype == P_PID)
        id = task_pid_from_vnr_locked(t, id);
    for (;;) {
        struct klist *pos, *tmp;
        bool any = false;

        klist_for_each_safe(pos, tmp, &t->tg->children)
        {
            struct thread_group *c = klist_entry(pos, struct thread_group, sibling);

            if (!eligible(c, idtype, id, options))
                continue;
            any = true;
            if (c->zombie && (options & WEXITED)) {
                take_zombie(c, options, res);
                ret = res->pid;
                goto out;
            }
            if (c->stop_report && c->stopped && (options & WSTOPPED)) {
                if (!(options & WNOWAIT))
                    c->stop_report = false;
                res->pid = c->pid;
                res->status = (c->stop_sig << 8) | 0x7f;
                res->code = CLD_STOPPED;
                res->sig_status = c->stop_sig;
                res->cpu_ns = c->cpu_ns;
                ret = c->pid;
                goto out;
            }
            if (c->cont_report && (options & WCONTINUED)) {
                if (!(options & WNOWAIT))
                    c->cont_report = false;
                res->pid = c->pid;
                res->status = 0xffff;
                res->code = CLD_CONTINUED;
                res->sig_status = SIGCONT;
                res->cpu_ns = c->cpu_ns;
                ret = c->pid;
                goto out;
            }
        }
        if (!any) {
            ret = -ECHILD;
            goto out;
        }
        if (options & WNOHANG) {
            ret = 0;
            goto out;
        }
        if (task_block_locked(t, NULL) == -EINTR) {
            ret = -ERESTARTSYS;
            goto out;
        }
    }
out:
    /* A child lives in the caller's namespace: its number there is never 0. */
    if (ret > 0) {
        res->pid = task_pid_vnr_locked(t, res->pid);
        ret = res->pid;
    }
    pthread_mutex_unlock(&k->mu);
    return ret;
}
