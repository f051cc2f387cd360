/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The life of a task: the run loop (switch to the app, serve its syscalls
 * and signals), sleeping in the sentry, and the exit path (thread exit,
 * process exit, zombies, re-parenting, SIGCHLD).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "sentry/fs/devpts/devpts.h"
#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel_internal.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls.h"
#include "sentry/vfs/vfs.h"

void kernel_deadline_from_now(const struct timespec *rel, struct timespec *abs)
{
    clock_gettime(CLOCK_MONOTONIC, abs);
    abs->tv_sec += rel->tv_sec;
    abs->tv_nsec += rel->tv_nsec;
    if (abs->tv_nsec >= 1000000000L) {
        abs->tv_sec++;
        abs->tv_nsec -= 1000000000L;
    }
}

__thread struct task *g_kernel_current_task;

bool task_interrupted_locked(const struct task *t)
{
    uint64_t pending = t->pending.mask | t->tg->pending.mask;

    return t->killed || t->tg->exiting || (pending & ~t->sigmask) != 0 ||
           (t->tg->stopped && !t->tg->exiting);
}

bool task_should_interrupt(const struct task *t)
{
    uint64_t pending = __atomic_load_n(&t->pending.mask, __ATOMIC_RELAXED) |
                       __atomic_load_n(&t->tg->pending.mask, __ATOMIC_RELAXED);

    return (pending & ~t->sigmask) != 0 || __atomic_load_n(&t->killed, __ATOMIC_RELAXED) ||
           __atomic_load_n(&t->tg->exiting, __ATOMIC_RELAXED) ||
           __atomic_load_n(&t->tg->stopped, __ATOMIC_RELAXED);
}

long task_block_locked(struct task *t, const struct timespec *deadline)
{
    int ret;

    if (task_interrupted_locked(t))
        return -EINTR;
    task_set_sleeping(t, true);
    if (deadline != NULL)
        ret = pthread_cond_timedwait(&t->wake, &t->k->mu, deadline);
    else
        ret = pthread_cond_wait(&t->wake, &t->k->mu);
    task_set_sleeping(t, false);
    if (task_interrupted_locked(t))
        return -EINTR;
    return ret == ETIMEDOUT ? -ETIMEDOUT : 0;
}

void task_kick_locked(struct task *t)
{
    pthread_cond_signal(&t->wake);
    if (t->ctx != NULL && !t->exited)
        t->k->pops->ctx_interrupt(t->ctx);
}

void thread_group_wake_all_locked(struct thread_group *tg)
{
    struct klist *pos;

    klist_for_each(pos, &tg->tasks)
    {
        pthread_cond_signal(&klist_entry(pos, struct task, tg_node)->wake);
    }
}

void thread_group_exit_locked(struct thread_group *tg, int status)
{
    struct klist *pos;

    if (tg->exiting)
        return;
    tg->exiting = true;
    tg->exit_status = status;
    tg->stopped = false;
    klist_for_each(pos, &tg->tasks)
    {
        struct task *o = klist_entry(pos, struct task, tg_node);

        o->killed = true;
        task_kick_locked(o);
    }
}

void task_exit_group(struct task *t, int status)
{
    pthread_mutex_lock(&t->k->mu);
    thread_group_exit_locked(t->tg, status);
    pthread_mutex_unlock(&t->k->mu);
    t->exited = true;
}

void task_exit_thread(struct task *t, int status)
{
    t->exit_status = status;
    t->exited = true;
}

/* The SIGCHLD si_code and si_status for a process that ended with wait status `status`. */
static void exit_code_of(int status, int *code, int *sig_status)
{
    if (WIFEXITED(status)) {
        *code = CLD_EXITED;
        *sig_status = WEXITSTATUS(status);
    } else {
        *code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
        *sig_status = WTERMSIG(status);
    }
}

void thread_group_notify_parent_locked(struct thread_group *tg, int code, int status)
{
    struct thread_group *p = tg->parent;
    siginfo_t info;

    if (p == NULL)
        return;
    memset(&info, 0, sizeof(info));
    info.si_signo =
        code == CLD_EXITED || code == CLD_KILLED || code == CLD_DUMPED ? tg->exit_signal : SIGCHLD;
    info.si_code = code;
    info.si_pid = tg->pid;
    info.si_uid = 0;
    info.si_status = status;
    info.si_utime = (clock_t)(tg->cpu_ns / 10000000ULL);
    if (info.si_signo > 0 && !(p->exiting || p->zombie))
        thread_group_send_signal_locked(p, &info);
    thread_group_wake_all_locked(p);
}

/* True when `p` does not want zombies of its children (SIGCHLD ignored or SA_NOCLDWAIT). */
static bool autoreaps(const struct thread_group *p)
{
    const struct kernel_sigaction *act = &p->actions[SIGCHLD - 1];

    return act->handler == (uint64_t)(uintptr_t)SIG_IGN || (act->flags & KSA_NOCLDWAIT);
}

/* Reports the end of `tg` to its parent: a zombie to wait for, or gone at once. */
static void report_exit_locked(struct thread_group *tg)
{
    int code, status;

    exit_code_of(tg->exit_status, &code, &status);
    if (tg->parent == NULL && tg->reap_self) {
        thread_group_free_locked(tg);
        return;
    }
    if (tg->parent != NULL && tg->exit_signal == SIGCHLD && autoreaps(tg->parent)) {
        struct thread_group *p = tg->parent;

        thread_group_wake_all_locked(p);
        thread_group_free_locked(tg);
        return;
    }
    thread_group_notify_parent_locked(tg, code, status);
}

/* Linux's find_new_reaper: the nearest live subreaper ancestor, else its namespace's init. */
static struct thread_group *find_reaper_locked(struct thread_group *tg)
{
    struct thread_group *init = tg->pidns->reaper;

    for (struct thread_group *a = tg->parent; a != NULL; a = a->parent) {
        if (a->child_subreaper && !a->zombie && !a->exiting)
            return a;
    }
    return init != tg && !tg->pidns->dead ? init : NULL;
}

/* The last task of `tg` left: it becomes a zombie, its children get a new parent. */
static void thread_group_dead_locked(struct thread_group *tg)
{
    struct kernel *k = tg->k;
    struct thread_group *reaper = find_reaper_locked(tg);
    struct klist *pos, *tmp;

    tg->zombie = true;
    tg->stopped = false;
    kernel_timers_release_locked(tg);
    ipc_sem_exit_locked(tg);
    sigpending_free(&tg->pending);
    klist_for_each_safe(pos, tmp, &tg->children)
    {
        struct thread_group *c = klist_entry(pos, struct thread_group, sibling);
        struct klist *tp;

        /*
         * PR_SET_PDEATHSIG: the child hears of its parent's death, sent as by
         * the dying parent (Linux: SEND_SIG_NOINFO from the exiting task).
         */
        klist_for_each(tp, &c->tasks)
        {
            struct task *ct = klist_entry(tp, struct task, tg_node);

            if (ct->pdeathsig > 0) {
                siginfo_t info = { .si_signo = ct->pdeathsig, .si_code = SI_USER };

                info.si_pid = tg->pid;
                info.si_uid = tg->zombie_uid;

                task_send_signal_locked(ct, &info);
            }
        }
        klist_del(&c->sibling);
        c->parent = reaper;
        if (reaper == NULL) {
            /* The namespace's init is gone: nobody will wait; it goes when it dies. */
            c->reap_self = true;
            if (c->zombie)
                thread_group_free_locked(c);
            continue;
        }
        klist_add_tail(&reaper->children, &c->sibling);
        if (c->zombie) {
            c->exit_signal = SIGCHLD;
            report_exit_locked(c);
        }
    }
    if (tg == tg->pidns->reaper) {
        /*
         * The death of a pid namespace's init kills every other process in it
         * and in its descendants (Linux's zap_pid_ns_processes): the root's
         * init is the whole sandbox's. No process is born there any more.
         */
        tg->pidns->dead = true;
        klist_for_each(pos, &k->tgs)
        {
            struct thread_group *o = klist_entry(pos, struct thread_group, k_node);

            if (o != tg && !o->zombie && pid_ns_sees_locked(tg->pidns, o))
                thread_group_exit_locked(o, SIGKILL);
        }
        if (tg == k->init)
            return;
    }
    report_exit_locked(tg);
}

/* Unlinks `t` from its process and the kernel; the process dies with its last task. */
static void task_unlink_locked(struct task *t)
{
    struct thread_group *tg = t->tg;
    struct task *vp = t->vfork_parent;

    if (vp != NULL) {
        vp->vfork_child = NULL;
        t->vfork_parent = NULL;
        pthread_cond_signal(&vp->wake);
    }
    if (t->vfork_child != NULL) {
        t->vfork_child->vfork_parent = NULL;
        t->vfork_child = NULL;
    }
    tg->cpu_ns += task_cpu_ns(t);
    klist_del(&t->tg_node);
    klist_del(&t->k_node);
    tg->nr_tasks--;
    if (tg->leader == t)
        tg->leader = NULL;
    if (tg->execing)
        thread_group_wake_all_locked(tg);
    if (tg->nr_tasks == 0) {
        tg->zombie_uid = t->cred.uid;
        if (!tg->exiting) {
            tg->exiting = true;
            tg->exit_status = t->exit_status;
        }
        thread_group_dead_locked(tg);
    }
}

/*
 * The exit path of a task, on its own sentry thread; `t` is not freed. Like
 * Linux (exit_mm and exit_files before exit_notify), the task lets go of its
 * memory, files and fs before it leaves its process, so that a parent woken
 * by the death of the last task finds its pipes closed and its shared memory
 * detached: each task drops its references before it unlinks, so when the
 * last one unlinks every reference of the process is gone. The host context
 * goes after the unlink (releasing a host thread-group leader can wait for the
 * other host threads, e.g. an exec'ing task waiting for this one to leave);
 * the address space it runs in is released after it.
 */
static void task_exit(struct task *t)
{
    struct kernel *k = t->k;
    struct platform_as *as;
    struct fd_table *fdt;
    struct vfs_fs *fs;
    struct mm *mm;
    int leader_sid;

    kernel_futex_exit(t);
    pthread_mutex_lock(&k->mu);
    t->exited = true;
    /* Detached under the lock: /proc reads them under it. */
    mm = t->mm;
    t->mm = NULL;
    fdt = t->fdt;
    t->fdt = NULL;
    fs = t->fs;
    t->fs = NULL;
    pthread_mutex_unlock(&k->mu);
    put_fd_table(fdt);
    put_vfs_fs(fs);
    as = kernel_put_mm_keep_as(mm);
    pthread_mutex_lock(&k->mu);
    /* Read before the unlink: the process may be reaped (freed) by it. */
    leader_sid = t->tg->nr_tasks == 1 && t->tg->sid == t->tg->pid ? t->tg->sid : 0;
    task_unlink_locked(t);
    /* The process may be gone already (reaped at once); nothing of it is ours any more. */
    t->tg = NULL;
    pthread_mutex_unlock(&k->mu);
    /* A session leader's death releases the session's terminal (Linux's disassociate_ctty). */
    if (leader_sid > 0)
        devpts_session_leader_exit(k, leader_sid);
    /* Host work without the lock: the thread exits and is reaped, memory goes. */
    if (t->ctx != NULL)
        k->pops->ctx_release(t->ctx);
    t->ctx = NULL;
    if (as != NULL)
        k->pops->as_release(as);
    pthread_mutex_lock(&k->mu);
    k->nr_threads--;
    pthread_cond_broadcast(&k->idle);
    pthread_mutex_unlock(&k->mu);
}

/* True when something other than a syscall needs the task's attention before it runs. */
static inline bool needs_attention(const struct task *t)
{
    uint64_t pending = __atomic_load_n(&t->pending.mask, __ATOMIC_RELAXED) |
                       __atomic_load_n(&t->tg->pending.mask, __ATOMIC_RELAXED);

    return (pending & ~t->sigmask) != 0 || t->in_syscall ||
           __atomic_load_n(&t->killed, __ATOMIC_RELAXED) ||
           __atomic_load_n(&t->tg->stopped, __ATOMIC_RELAXED) || t->has_saved_sigmask;
}

void task_run_and_exit(struct task *t)
{
    struct platform_event ev;

    g_kernel_current_task = t;
    while (!t->exited) {
        long ret;

        if (needs_attention(t)) {
            task_prepare_return(t);
            if (t->exited)
                break;
        }
        __atomic_store_n(&t->in_app, true, __ATOMIC_RELAXED);
        ret = t->k->pops->ctx_switch(t->ctx, &t->regs, &ev);
        __atomic_store_n(&t->in_app, false, __ATOMIC_RELAXED);
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
        case PLATFORM_EVENT_INTERRUPT:
            break;
        case PLATFORM_EVENT_DEAD:
            pthread_mutex_lock(&t->k->mu);
            if (!t->killed && !t->tg->exiting) {
                log_warning("sentry: task %d: host thread died (signal %d)", t->tid, ev.signo);
                thread_group_exit_locked(t->tg, ev.signo > 0 ? ev.signo : SIGKILL);
            }
            pthread_mutex_unlock(&t->k->mu);
            t->exited = true;
            break;
        }
    }
    task_exit(t);
}

/* Sends SIGKILL to every live process but `except`. Needs k->mu. */
static void kill_all_but_locked(struct kernel *k, struct thread_group *except)
{
    siginfo_t info;
    struct klist *pos;

    memset(&info, 0, sizeof(info));
    info.si_signo = SIGKILL;
    info.si_code = SI_KERNEL;
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg != except && !tg->zombie && tg->nr_tasks > 0)
            thread_group_send_signal_locked(tg, &info);
    }
}

int kernel_task_run(struct task *t)
{
    struct kernel *k = t->k;
    struct thread_group *init = t->tg;
    int status;

    task_run_and_exit(t);
    pthread_mutex_lock(&k->mu);
    /* Other threads of init may still run; its process ends with the last. */
    while (init->nr_tasks > 0)
        pthread_cond_wait(&k->idle, &k->mu);
    /*
     * As when a pid namespace's init dies in Linux (zap_pid_ns_processes):
     * every other process of the sandbox is killed, then waited for.
     */
    kill_all_but_locked(k, init);
    while (k->nr_threads > 0)
        pthread_cond_wait(&k->idle, &k->mu);
    status = init->exit_status;
    pthread_mutex_unlock(&k->mu);
    return status;
}
