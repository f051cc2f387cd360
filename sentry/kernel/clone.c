/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fork, vfork, clone and clone3: a new task from an injected clone in the
 * caller's stub, served by a sentry thread of its own.
 *
 * The hand-over: the caller's sentry thread (the tracer of the caller's host
 * thread) makes the stub run clone(2) at the stub's clone entry. The child
 * host thread starts untraced in the stub's pause(2) loop; a new sentry
 * thread seizes it (PTRACE_SEIZE + PTRACE_INTERRUPT in ctx_attach), so each
 * host thread is traced by exactly the sentry thread that serves it, and both
 * are pinned to one vCPU. Private memory of a forked stub is the host's
 * copy-on-write copy; MAP_SHARED memory stays shared with the parent.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/kernel_internal.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

/* Namespaces and other flags the sandbox does not offer to its apps. */
#define CLONE_UNSUPPORTED                                                                          \
    (CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
     CLONE_PIDFD)
/* CLONE_PIDFD is the syscall layer's (sys_process.c clone_pidfd): it never reaches here. */

struct task *kernel_task_alloc(struct kernel *k);

static void *task_thread_main(void *arg)
{
    struct task *t = arg;
    long ret = t->k->pops->ctx_attach(t->ctx);

    if (ret < 0) {
        log_warning("sentry: task %d: attaching its host thread failed: %s", t->tid,
                    strerror((int)-ret));
        pthread_mutex_lock(&t->k->mu);
        thread_group_exit_locked(t->tg, SIGKILL);
        pthread_mutex_unlock(&t->k->mu);
        t->exited = true;
    }
    task_run_and_exit(t);
    kernel_task_free(t);
    return NULL;
}

/*
 * Linux's RLIMIT_NPROC check of copy_process: the new task would make the
 * caller's real user own more tasks than its limit allows. Every live task
 * and every zombie process of that uid counts. The root user and holders of
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN are exempt. Needs k->mu.
 */
static bool is_nproc_exceeded_locked(struct task *t)
{
    rlim_t limit = t->tg->rlimits[RLIMIT_NPROC].rlim_cur;
    uint32_t uid = t->cred.uid;
    rlim_t n = 0;
    struct klist *pos;

    if (limit == RLIM_INFINITY || uid == 0 || task_capable(t, CAP_SYS_RESOURCE) ||
        task_capable(t, CAP_SYS_ADMIN))
        return false;
    klist_for_each(pos, &t->k->tasks)
    {
        if (klist_entry(pos, struct task, k_node)->cred.uid == uid && ++n >= limit)
            return true;
    }
    klist_for_each(pos, &t->k->tgs)
    {
        const struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg->zombie && tg->zombie_uid == uid && ++n >= limit)
            return true;
    }
    return false;
}

static long validate(const struct kernel_clone_args *a)
{
    uint64_t f = a->flags;

    if ((f & CLONE_FS) && (f & (CLONE_NEWNS | CLONE_NEWUSER)))
        return -EINVAL;
    if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
        return -EINVAL;
    if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
        return -EINVAL;
    if ((f & CLONE_THREAD) && a->exit_signal != 0)
        return -EINVAL;
    if (a->exit_signal < 0 || a->exit_signal > KERNEL_NSIG)
        return -EINVAL;
    if (f & CLONE_UNSUPPORTED)
        return (f & CLONE_PIDFD) ? -EINVAL : -EPERM;
    return 0;
}

/*
 * kernel_clone once the limits let the new task be: the host clone, the new
 * task linked into its process, its sentry thread started. `*charge` is the
 * container's pids charge (pids.c): ended here, under the lock that links
 * the task (which counts itself from then on), and set to NULL; on failure
 * it is left to the caller.
 */
static long clone_task(struct task *t, const struct kernel_clone_args *a,
                       enum platform_clone_kind kind, struct kernel_pids **charge)
{
    struct kernel *k = t->k;
    struct platform_as *nas = NULL;
    struct task *nt;
    struct thread_group *ntg = NULL;
    pthread_attr_t attr;
    pthread_t thread;
    long ret;
    int tid, nr = 0;

    nt = kernel_task_alloc(k);
    if (nt == NULL)
        return -ENOMEM;
    /* The host clone and the copy of the vma list are one step for other threads' mmaps. */
    mm_lock(t->mm);
    ret = k->pops->ctx_clone(t->ctx, kind, &nas, &nt->ctx);
    if (ret == 0 && kind == PLATFORM_CLONE_PROCESS) {
        ret = mm_fork(t->mm, nas, &nt->mm);
        if (ret < 0) {
            k->pops->ctx_release(nt->ctx);
            nt->ctx = NULL;
            k->pops->as_release(nas);
        }
    } else if (ret == 0) {
        kernel_get_mm(t->mm);
        nt->mm = t->mm;
    }
    mm_unlock(t->mm);
    if (ret < 0) {
        kernel_task_free(nt);
        return ret == -ENOMEM ? -ENOMEM : -EAGAIN;
    }
    nt->fdt = (a->flags & CLONE_FILES) ? get_fd_table(t->fdt) : fd_table_copy(t->fdt);
    if (t->fs != NULL)
        nt->fs = (a->flags & CLONE_FS) ? get_vfs_fs(t->fs) : vfs_fs_copy(t->fs);
    if (nt->fdt == NULL || (t->fs != NULL && nt->fs == NULL) ||
        (nt->fs != NULL && (a->flags & CLONE_NEWNS) && vfs_fs_unshare_ns(nt->fs) < 0)) {
        kernel_task_free(nt);
        return -ENOMEM;
    }
    nt->regs = t->regs;
    arch_set_return(&nt->regs, 0);
    if (a->stack != 0)
        nt->regs.r.rsp = a->stack + a->stack_size;
    if (a->flags & CLONE_SETTLS) {
        if (!arch_is_valid_user_base(a->tls)) {
            kernel_task_free(nt);
            return -EPERM;
        }
        nt->regs.r.fs_base = a->tls;
        nt->regs.r.fs = 0;
    }
    memcpy(nt->comm, t->comm, sizeof(nt->comm));
    nt->no_new_privs = t->no_new_privs;
    nt->cred = t->cred;
    task_sched_fork(nt, t);
    if (a->flags & CLONE_CHILD_CLEARTID)
        nt->clear_child_tid = a->child_tid;
    if (!(a->flags & CLONE_VM) || (a->flags & CLONE_VFORK)) {
        nt->altstack_sp = t->altstack_sp;
        nt->altstack_size = t->altstack_size;
        nt->altstack_flags = t->altstack_flags;
    }

    pthread_mutex_lock(&k->mu);
    if (t->killed || t->tg->exiting) {
        pthread_mutex_unlock(&k->mu);
        kernel_task_free(nt);
        return -ERESTARTNOINTR;
    }
    /* A global pid and the number the caller's namespace (the child's) knows it by. */
    tid = kernel_alloc_pid_ns_locked(k, t->tg->pidns, &nr);
    if (tid < 0) {
        pthread_mutex_unlock(&k->mu);
        kernel_task_free(nt);
        return tid;
    }
    nt->tid = tid;
    nt->sigmask = t->sigmask;
    if (kind == PLATFORM_CLONE_THREAD) {
        task_link_locked(nt, t->tg);
    } else {
        struct thread_group *parent = (a->flags & CLONE_PARENT) ? t->tg->parent : t->tg;

        if (parent == NULL) {
            pthread_mutex_unlock(&k->mu);
            kernel_task_free(nt);
            return -EINVAL; /* init has no parent to share */
        }
        ntg = thread_group_new_locked(k, parent, tid);
        if (ntg == NULL) {
            pthread_mutex_unlock(&k->mu);
            kernel_task_free(nt);
            return -ENOMEM;
        }
        /* The child inherits the caller's process state, not its parent's. */
        ntg->pgid = t->tg->pgid;
        ntg->sid = t->tg->sid;
        ntg->umask = t->tg->umask;
        ntg->personality = t->tg->personality;
        ntg->dumpable = t->tg->dumpable;
        memcpy(ntg->rlimits, t->tg->rlimits, sizeof(ntg->rlimits));
        memcpy(ntg->actions, t->tg->actions, sizeof(ntg->actions));
        ntg->exit_signal = a->exit_signal;
        ntg->pids = get_kernel_pids_locked(t->tg->pids);
        task_link_locked(nt, ntg);
    }
    kernel_pids_uncharge_locked(*charge);
    *charge = NULL;
    if (a->flags & CLONE_VFORK) {
        nt->vfork_parent = t;
        t->vfork_child = nt;
    }
    pthread_mutex_unlock(&k->mu);

    /* Before the child runs: the tid words clone was asked to fill (one namespace for both). */
    if (a->flags & CLONE_PARENT_SETTID)
        task_copy_out(t, a->parent_tid, &nr, sizeof(nr));
    if (a->flags & CLONE_CHILD_SETTID)
        mm_copy_out(nt->mm, a->child_tid, &nr, sizeof(nr));

    nt->own_thread = true;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    ret = pthread_create(&thread, &attr, task_thread_main, nt);
    pthread_attr_destroy(&attr);
    if (ret != 0) {
        /* The task never ran: it leaves as if killed before its first instruction. */
        pthread_mutex_lock(&k->mu);
        nt->killed = true;
        pthread_mutex_unlock(&k->mu);
        nt->exited = true;
        task_run_and_exit(nt);
        kernel_task_free(nt);
        return -EAGAIN;
    }
    if (a->flags & CLONE_VFORK) {
        /* Only SIGKILL ends the wait early (Linux: killable, not interruptible). */
        pthread_mutex_lock(&k->mu);
        while (t->vfork_child != NULL && !t->killed && !t->tg->exiting)
            pthread_cond_wait(&t->wake, &k->mu);
        if (t->vfork_child != NULL) {
            t->vfork_child->vfork_parent = NULL;
            t->vfork_child = NULL;
        }
        pthread_mutex_unlock(&k->mu);
    }
    return nr;
}

long kernel_clone(struct task *t, const struct kernel_clone_args *a)
{
    struct kernel *k = t->k;
    struct kernel_pids *charge = NULL;
    enum platform_clone_kind kind;
    long ret;

    ret = validate(a);
    if (ret < 0)
        return ret;
    /* A mount namespace of its own (a copy of the caller's), as unshare(CLONE_NEWNS). */
    if ((a->flags & CLONE_NEWNS) && !task_capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    kind = (a->flags & CLONE_THREAD) ? PLATFORM_CLONE_THREAD
           : (a->flags & CLONE_VM)   ? PLATFORM_CLONE_VM
                                     : PLATFORM_CLONE_PROCESS;
    /*
     * Before the host clone: a host thread made and then dropped would take
     * its stub with it. The container's pids limit (the pids cgroup's
     * EAGAIN) holds a place for the new task until it is linked, so
     * concurrent clones cannot pass it together.
     */
    pthread_mutex_lock(&k->mu);
    ret = is_nproc_exceeded_locked(t) ? -EAGAIN : kernel_pids_charge_locked(k, t->tg->pids);
    if (ret == 0)
        charge = t->tg->pids;
    pthread_mutex_unlock(&k->mu);
    if (ret < 0)
        return ret;
    ret = clone_task(t, a, kind, &charge);
    if (charge != NULL) {
        pthread_mutex_lock(&k->mu);
        kernel_pids_uncharge_locked(charge);
        pthread_mutex_unlock(&k->mu);
    }
    return ret;
}
