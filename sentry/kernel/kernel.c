/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel object, pid namespaces, thread groups, the init process and execve. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "sentry/ipc/ipc.h"
#include "sentry/kernel/kernel_internal.h"
#include "sentry/loader/loader.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

/* Initialises a condition variable on CLOCK_MONOTONIC (deadlines are monotonic). */
static void cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
}

int kernel_new(const struct kernel_opts *opts, struct kernel **out, rt_error_t *err)
{
    struct kernel *k = xmalloc0(sizeof(*k));
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    k->pops = opts->platform;
    k->strace = opts->strace;
    k->next_pid = 1;
    k->nr_cpus = ncpu > 0 ? (unsigned int)ncpu : 1;
    snprintf(k->hostname, sizeof(k->hostname), "%s",
             opts->hostname != NULL ? opts->hostname : "localhost");
    pthread_mutex_init(&k->mu, NULL);
    cond_init_monotonic(&k->idle);
    cond_init_monotonic(&k->timer_cond);
    klist_init(&k->tgs);
    klist_init(&k->tasks);
    klist_init(&k->futex_waiters);
    klist_init(&k->timers);
    klist_init(&k->pidns_list);
    k->root_pidns = xmalloc0(sizeof(*k->root_pidns));
    k->root_pidns->k = k;
    k->root_pidns->refs = 1;
    klist_add_tail(&k->pidns_list, &k->root_pidns->k_node);
    if (k->pops->init(&opts->platform_opts, &k->plat, err) < 0) {
        free(k->root_pidns);
        free(k);
        return rt_error_wrap(err, "starting platform %s", opts->platform->name);
    }
    *out = k;
    return 0;
}

void kernel_free(struct kernel *k)
{
    struct klist *pos, *tmp;

    if (k == NULL)
        return;
    pthread_mutex_lock(&k->mu);
    k->shutting_down = true;
    pthread_cond_broadcast(&k->timer_cond);
    pthread_mutex_unlock(&k->mu);
    if (k->timer_thread_started)
        pthread_join(k->timer_thread, NULL);
    pthread_mutex_lock(&k->mu);
    klist_for_each_safe(pos, tmp, &k->tgs)
    {
        thread_group_free_locked(klist_entry(pos, struct thread_group, k_node));
    }
    /* What containers still hold, and the root. */
    klist_for_each_safe(pos, tmp, &k->pidns_list)
    {
        struct pid_ns *ns = klist_entry(pos, struct pid_ns, k_node);

        klist_del(&ns->k_node);
        free(ns->map);
        free(ns);
    }
    pthread_mutex_unlock(&k->mu);
    put_mount_ns(k->mntns);
    k->pops->fini(k->plat);
    free(k);
}

/* True when `pid` names a task, a process, a process group or a session. */
static bool pid_in_use_locked(struct kernel *k, int pid)
{
    struct klist *pos;

    klist_for_each(pos, &k->tasks)
    {
        if (klist_entry(pos, struct task, k_node)->tid == pid)
            return true;
    }
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg->pid == pid || tg->pgid == pid || tg->sid == pid)
            return true;
    }
    return false;
}

/* Drops the entries of `ns` whose number or (when `global`) global pid is `v`. */
static void pidns_forget_locked(struct pid_ns *ns, int v, bool global)
{
    for (size_t i = 0; i < ns->n_map;) {
        if ((global ? ns->map[i].global : ns->map[i].nr) == v)
            ns->map[i] = ns->map[--ns->n_map];
        else
            i++;
    }
}

int kernel_alloc_pid_locked(struct kernel *k)
{
    for (int tries = 0; tries < KERNEL_PID_MAX; tries++) {
        int pid = k->next_pid++;
        struct klist *pos;

        if (k->next_pid >= KERNEL_PID_MAX)
            k->next_pid = 300; /* Linux's RESERVED_PIDS */
        if (pid_in_use_locked(k, pid))
            continue;
        /* A child namespace's number of an earlier holder of this pid is stale now. */
        klist_for_each(pos, &k->pidns_list)
        {
            pidns_forget_locked(klist_entry(pos, struct pid_ns, k_node), pid, /*global=*/true);
        }
        return pid;
    }
    return -EAGAIN;
}

/* Whether number `nr` of the child namespace `ns` still names a pid in use. */
static bool pidns_nr_in_use_locked(struct pid_ns *ns, int nr)
{
    for (size_t i = 0; i < ns->n_map; i++) {
        if (ns->map[i].nr == nr)
            return pid_in_use_locked(ns->k, ns->map[i].global);
    }
    return false;
}

int kernel_alloc_pid_ns_locked(struct kernel *k, struct pid_ns *ns, int *nr)
{
    int global, local = 0;

    if (ns->dead)
        return -ENOMEM; /* Linux's alloc_pid once the namespace's init is gone */
    if (ns->parent != NULL) {
        for (int tries = 0; local == 0 && tries < KERNEL_PID_MAX; tries++) {
            int cand = ns->next_nr++ + 1;

            if (ns->next_nr >= KERNEL_PID_MAX - 1)
                ns->next_nr = 299; /* RESERVED_PIDS, as the root */
            if (!pidns_nr_in_use_locked(ns, cand))
                local = cand;
        }
        if (local == 0)
            return -EAGAIN;
        if (ns->n_map == ns->cap_map) {
            size_t cap = ns->cap_map == 0 ? 16 : ns->cap_map * 2;
            struct pid_ns_entry *m = realloc(ns->map, cap * sizeof(*m));

            if (m == NULL)
                return -ENOMEM;
            ns->map = m;
            ns->cap_map = cap;
        }
    }
    global = kernel_alloc_pid_locked(k);
    if (global < 0)
        return global;
    if (ns->parent != NULL) {
        pidns_forget_locked(ns, local, /*global=*/false);
        ns->map[ns->n_map++] = (struct pid_ns_entry){ .global = global, .nr = local };
    }
    *nr = ns->parent != NULL ? local : global;
    return global;
}

struct pid_ns *kernel_pidns_new_locked(struct kernel *k)
{
    struct pid_ns *ns = calloc(1, sizeof(*ns));

    if (ns == NULL)
        return NULL;
    ns->k = k;
    ns->parent = k->root_pidns;
    ns->refs = 1;
    klist_add_tail(&k->pidns_list, &ns->k_node);
    return ns;
}

struct pid_ns *get_pid_ns_locked(struct pid_ns *ns)
{
    if (ns != NULL)
        ns->refs++;
    return ns;
}

void put_pid_ns_locked(struct pid_ns *ns)
{
    /* The root lives as long as the kernel. */
    if (ns == NULL || --ns->refs > 0 || ns->parent == NULL)
        return;
    klist_del(&ns->k_node);
    free(ns->map);
    free(ns);
}

int pid_ns_nr_locked(const struct pid_ns *ns, int global)
{
    if (global <= 0)
        return 0;
    if (ns == NULL || ns->parent == NULL)
        return global;
    for (size_t i = 0; i < ns->n_map; i++) {
        if (ns->map[i].global == global)
            return ns->map[i].nr;
    }
    return 0;
}

int pid_ns_global_locked(const struct pid_ns *ns, int nr)
{
    if (nr <= 0)
        return 0;
    if (ns == NULL || ns->parent == NULL)
        return nr;
    for (size_t i = 0; i < ns->n_map; i++) {
        if (ns->map[i].nr == nr)
            return ns->map[i].global;
    }
    return 0;
}

bool pid_ns_sees_locked(const struct pid_ns *ns, const struct thread_group *tg)
{
    if (ns == NULL || ns->parent == NULL || tg->pidns == NULL)
        return ns == NULL || ns->parent == NULL;
    for (const struct pid_ns *o = tg->pidns; o != NULL; o = o->parent) {
        if (o == ns)
            return true;
    }
    return false;
}

int task_pid_vnr_locked(const struct task *t, int global)
{
    return pid_ns_nr_locked(task_pidns(t), global);
}

int task_pid_from_vnr_locked(const struct task *t, int nr)
{
    return pid_ns_global_locked(task_pidns(t), nr);
}

/* The namespace numbers given to the sentry are read in: the current task's, else the root. */
static struct pid_ns *current_pidns(struct kernel *k)
{
    struct task *cur = g_kernel_current_task;

    return cur != NULL && cur->k == k && cur->tg != NULL ? cur->tg->pidns : k->root_pidns;
}

int kernel_pid_vnr_locked(struct kernel *k, int global)
{
    return pid_ns_nr_locked(current_pidns(k), global);
}

struct thread_group *kernel_find_tg_locked(struct kernel *k, int pid)
{
    struct pid_ns *ns = current_pidns(k);
    struct thread_group *tg = kernel_find_tg_global_locked(k, pid_ns_global_locked(ns, pid));

    return tg != NULL && pid_ns_sees_locked(ns, tg) ? tg : NULL;
}

struct task *kernel_find_task_locked(struct kernel *k, int tid)
{
    struct pid_ns *ns = current_pidns(k);
    struct task *t = kernel_find_task_global_locked(k, pid_ns_global_locked(ns, tid));

    return t != NULL && t->tg != NULL && pid_ns_sees_locked(ns, t->tg) ? t : NULL;
}

struct thread_group *kernel_find_tg_global_locked(struct kernel *k, int pid)
{
    struct klist *pos;

    if (pid <= 0)
        return NULL;
    klist_for_each(pos, &k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);

        if (tg->pid == pid)
            return tg;
    }
    return NULL;
}

struct task *kernel_find_task_global_locked(struct kernel *k, int tid)
{
    struct klist *pos;

    if (tid <= 0)
        return NULL;
    klist_for_each(pos, &k->tasks)
    {
        struct task *t = klist_entry(pos, struct task, k_node);

        if (t->tid == tid && !t->exited)
            return t;
    }
    return NULL;
}

struct thread_group *thread_group_new_locked(struct kernel *k, struct thread_group *parent, int pid)
{
    return thread_group_new_in_locked(k, parent, parent != NULL ? parent->pidns : k->root_pidns,
                                      pid);
}

struct thread_group *thread_group_new_in_locked(struct kernel *k, struct thread_group *parent,
                                                struct pid_ns *ns, int pid)
{
    struct thread_group *tg = calloc(1, sizeof(*tg));

    if (tg == NULL)
        return NULL;
    tg->k = k;
    tg->pid = pid;
    tg->pidns = get_pid_ns_locked(ns);
    tg->ns_pid = pid_ns_nr_locked(ns, pid);
    tg->parent = parent;
    klist_init(&tg->children);
    klist_init(&tg->sibling);
    klist_init(&tg->tasks);
    tg->pgid = pid;
    tg->sid = pid;
    tg->exit_signal = SIGCHLD;
    tg->umask = 022;
    tg->dumpable = true;
    if (parent != NULL) {
        tg->pgid = parent->pgid;
        tg->sid = parent->sid;
        tg->umask = parent->umask;
        tg->personality = parent->personality;
        tg->ipcns = get_ipc_ns(parent->ipcns);
        memcpy(tg->rlimits, parent->rlimits, sizeof(tg->rlimits));
        memcpy(tg->actions, parent->actions, sizeof(tg->actions));
        klist_add_tail(&parent->children, &tg->sibling);
    } else {
        /* First light: the sandbox starts with the limits the sentry was given. */
        for (int r = 0; r < RLIM_NLIMITS; r++)
            getrlimit(r, &tg->rlimits[r]);
    }
    klist_add_tail(&k->tgs, &tg->k_node);
    return tg;
}

void thread_group_free_locked(struct thread_group *tg)
{
    kernel_timers_release_locked(tg);
    klist_del(&tg->sibling);
    klist_del(&tg->k_node);
    sigpending_free(&tg->pending);
    if (tg->pidns != NULL && tg->pidns->reaper == tg)
        tg->pidns->reaper = NULL;
    put_pid_ns_locked(tg->pidns);
    put_ipc_ns_locked(tg->ipcns);
    put_kernel_pids_locked(tg->pids);
    free(tg);
}

void task_link_locked(struct task *t, struct thread_group *tg)
{
    t->tg = tg;
    t->ns_tid = pid_ns_nr_locked(tg->pidns, t->tid);
    klist_add_tail(&tg->tasks, &t->tg_node);
    tg->nr_tasks++;
    if (t->tid == tg->pid)
        tg->leader = t;
    klist_add_tail(&t->k->tasks, &t->k_node);
    t->k->nr_threads++;
}

/* Allocates a task with its condition variable; every list node self-linked. */
struct task *kernel_task_alloc(struct kernel *k);
struct task *kernel_task_alloc(struct kernel *k)
{
    struct task *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->k = k;
    kernel_cred_init_root(&t->cred);
    klist_init(&t->tg_node);
    klist_init(&t->k_node);
    cond_init_monotonic(&t->wake);
    return t;
}

void kernel_get_mm(struct mm *mm)
{
    __atomic_add_fetch(&mm->users, 1, __ATOMIC_RELAXED);
}

struct platform_as *kernel_put_mm_keep_as(struct mm *mm)
{
    struct platform_as *as;

    if (mm == NULL || __atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL) != 0)
        return NULL;
    as = mm->as;
    mm_free(mm);
    return as;
}

void kernel_put_mm(struct kernel *k, struct mm *mm)
{
    struct platform_as *as = kernel_put_mm_keep_as(mm);

    if (as != NULL)
        k->pops->as_release(as);
}

/* Gives the app its stdio: host fds dup'ed into sentry-owned host files. */
static int install_stdio(struct task *t, const int stdio[3], rt_error_t *err)
{
    for (int i = 0; i < 3; i++) {
        int flags, fd;
        struct file *f;
        long ret;

        if (stdio[i] < 0)
            continue;
        fd = fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
            return rt_make_error(err, errno, "dup stdio fd %d", stdio[i]);
        flags = fcntl(fd, F_GETFL);
        f = vfs_host_file_new(fd, flags < 0 ? O_RDWR : (unsigned int)flags & ~O_NONBLOCK);
        if (f == NULL)
            return rt_make_error(err, ENOMEM, "stdio file");
        ret = fd_table_install_at(t->fdt, i, f, /*cloexec=*/false, task_nofile_limit(t));
        put_file(f);
        if (ret < 0)
            return rt_make_error(err, (int)-ret, "install fd %d", i);
    }
    return 0;
}

int kernel_start_init(struct kernel *k, const struct kernel_exec_args *args, struct task **out,
                      rt_error_t *err)
{
    struct task *t = kernel_task_alloc(k);
    struct platform_as *as = NULL;
    struct thread_group *tg;
    long ret;

    if (t == NULL)
        return rt_make_error(err, ENOMEM, "allocating the init task");
    pthread_mutex_lock(&k->mu);
    t->tid = kernel_alloc_pid_locked(k);
    tg = thread_group_new_locked(k, NULL, t->tid);
    if (tg != NULL) {
        t->tg = tg;
        k->init = tg;
        k->root_pidns->reaper = tg;
    }
    pthread_mutex_unlock(&k->mu);
    if (tg == NULL) {
        kernel_task_free(t);
        return rt_make_error(err, ENOMEM, "allocating the init process");
    }
    {
        const char *base = strrchr(args->host_path, '/');

        snprintf(t->comm, sizeof(t->comm), "%s", base != NULL ? base + 1 : args->host_path);
    }
    if (k->pops->as_new(k->plat, &as, &t->ctx, err) < 0) {
        kernel_task_free(t);
        return rt_error_wrap(err, "creating the init address space");
    }
    platform_ctx_set_name(k->pops, t->ctx, t->comm);
    ret = mm_new(k->pops, as, &t->mm);
    if (ret < 0) {
        k->pops->ctx_release(t->ctx);
        t->ctx = NULL;
        k->pops->as_release(as);
        kernel_task_free(t);
        return rt_make_error(err, (int)-ret, "setting up the init task");
    }
    if ((t->fdt = fd_table_new()) == NULL)
        ret = -ENOMEM;
    if (ret == 0)
        ret = k->pops->ctx_get_regs(t->ctx, &t->regs);
    if (ret < 0) {
        kernel_task_free(t);
        return rt_make_error(err, (int)-ret, "setting up the init task");
    }
    if (install_stdio(t, args->stdio, err) < 0) {
        kernel_task_free(t);
        return rt_error_wrap(err, "setting up stdio");
    }
    ret = loader_exec_host_path(t, args->host_path, args->argv, args->envp);
    if (ret < 0) {
        kernel_task_free(t);
        return rt_make_error(err, (int)-ret, "loading `%s`", args->host_path);
    }
    platform_as_set_argv(k->pops, t->mm->as, args->argv);
    pthread_mutex_lock(&k->mu);
    task_link_locked(t, tg);
    pthread_mutex_unlock(&k->mu);
    *out = t;
    return 0;
}

void kernel_task_free(struct task *t)
{
    struct kernel *k;

    if (t == NULL)
        return;
    k = t->k;
    put_fd_table(t->fdt);
    put_vfs_fs(t->fs);
    if (t->ctx != NULL)
        k->pops->ctx_release(t->ctx);
    kernel_put_mm(k, t->mm);
    /* A process that never ran (a failed start) is not anyone's child: drop it here. */
    if (t->tg != NULL && klist_empty(&t->tg_node) && t->tg->nr_tasks == 0 && !t->tg->zombie) {
        pthread_mutex_lock(&k->mu);
        if (k->init == t->tg)
            k->init = NULL;
        thread_group_free_locked(t->tg);
        pthread_mutex_unlock(&k->mu);
    }
    sigpending_free(&t->pending);
    pthread_cond_destroy(&t->wake);
    free(t);
}

unsigned long task_nofile_limit(const struct task *t)
{
    rlim_t cur = t->tg->rlimits[RLIMIT_NOFILE].rlim_cur;

    return cur > INT32_MAX ? INT32_MAX : (unsigned long)cur;
}

uint64_t task_cpu_ns(struct task *t)
{
    uint64_t ns = 0;

    if (t->ctx == NULL || t->k->pops->ctx_cpu_time(t->ctx, &ns) < 0)
        return 0;
    return ns;
}

/*
 * Linux's de_thread: every other task of the process leaves (silently), and
 * the caller waits for them. Returns 0, or -EINTR-class when the caller was
 * itself killed meanwhile (another exec or exit_group won).
 */
static long kill_other_threads(struct task *t)
{
    struct thread_group *tg = t->tg;
    struct klist *pos;
    long ret = 0;

    pthread_mutex_lock(&t->k->mu);
    if (tg->exiting || tg->execing || t->killed) {
        pthread_mutex_unlock(&t->k->mu);
        return -ERESTARTNOINTR;
    }
    tg->execing = true;
    klist_for_each(pos, &tg->tasks)
    {
        struct task *o = klist_entry(pos, struct task, tg_node);

        if (o != t) {
            o->killed = true;
            task_kick_locked(o);
        }
    }
    while (tg->nr_tasks > 1)
        pthread_cond_wait(&t->wake, &t->k->mu);
    tg->execing = false;
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long kernel_task_exec(struct task *t, const char *host_path, char *const argv[], char *const envp[])
{
    struct kernel *k = t->k;
    struct task nt = *t;
    cleanup_error rt_error_t err = NULL;
    struct platform_as *nas = NULL;
    struct platform_ctx *old_ctx;
    struct mm *old_mm;
    struct task *parent;
    const char *base;
    long ret;

    nt.ctx = NULL;
    nt.mm = NULL;
    if (k->pops->as_new(k->plat, &nas, &nt.ctx, &err) < 0) {
        log_warning("sentry: execve: %s", rt_error_msg(err));
        return -ENOMEM;
    }
    ret = mm_new(k->pops, nas, &nt.mm);
    if (ret < 0) {
        k->pops->ctx_release(nt.ctx);
        k->pops->as_release(nas);
        return ret;
    }
    ret = k->pops->ctx_get_regs(nt.ctx, &nt.regs);
    if (ret == 0)
        ret = loader_exec_host_path(&nt, host_path, argv, envp);
    if (ret == 0)
        ret = kill_other_threads(t);
    if (ret < 0) {
        k->pops->ctx_release(nt.ctx);
        kernel_put_mm(k, nt.mm);
        return ret;
    }
    /* Point of no return: the old image goes. */
    old_ctx = t->ctx;
    old_mm = t->mm;
    pthread_mutex_lock(&k->mu);
    t->ctx = nt.ctx;
    t->mm = nt.mm;
    t->regs = nt.regs;
    /* A non-leader takes over the process's pid (Linux's de_thread). */
    if (t->tid != t->tg->pid) {
        t->tid = t->tg->pid;
        t->ns_tid = t->tg->ns_pid;
        t->tg->leader = t;
    }
    parent = t->vfork_parent;
    if (parent != NULL) {
        parent->vfork_child = NULL;
        t->vfork_parent = NULL;
        pthread_cond_signal(&parent->wake);
    }
    /* Caught signals revert to SIG_DFL; ignored ones stay ignored. */
    for (int i = 0; i < KERNEL_NSIG; i++) {
        struct kernel_sigaction *act = &t->tg->actions[i];

        if (act->handler != (uint64_t)(uintptr_t)SIG_IGN)
            memset(act, 0, sizeof(*act));
    }
    /* POSIX timers and memory locks do not survive execve (interval timers do). */
    kernel_posix_timers_release_locked(t->tg);
    kernel_mlock_release_locked(t->tg);
    pthread_mutex_unlock(&k->mu);
    k->pops->ctx_release(old_ctx);
    kernel_put_mm(k, old_mm);
    fd_table_close_on_exec(t->fdt);
    t->altstack_sp = 0;
    t->altstack_size = 0;
    t->altstack_flags = 0;
    t->clear_child_tid = 0;
    t->robust_list = 0;
    kernel_task_cred_exec(t);
    base = strrchr(host_path, '/');
    snprintf(t->comm, sizeof(t->comm), "%s", base != NULL ? base + 1 : host_path);
    platform_ctx_set_name(k->pops, t->ctx, t->comm);
    platform_as_set_argv(k->pops, t->mm->as, argv);
    return 0;
}
