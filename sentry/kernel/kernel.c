/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel object and the creation of the init process. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/loader/loader.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

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
    if (k->pops->init(&opts->platform_opts, &k->plat, err) < 0) {
        free(k);
        return rt_error_wrap(err, "starting platform %s", opts->platform->name);
    }
    *out = k;
    return 0;
}

void kernel_free(struct kernel *k)
{
    if (k == NULL)
        return;
    k->pops->fini(k->plat);
    free(k);
}

static struct thread_group *thread_group_new(struct kernel *k)
{
    struct thread_group *tg = xmalloc0(sizeof(*tg));

    tg->refs = 1;
    tg->pid = k->next_pid++;
    tg->ppid = 0;
    tg->pgid = tg->pid;
    tg->sid = tg->pid;
    tg->umask = 022;
    tg->dumpable = true;
    /* First light: the sandbox starts with the limits the sentry was given. */
    for (int r = 0; r < RLIM_NLIMITS; r++)
        getrlimit(r, &tg->rlimits[r]);
    return tg;
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
    struct task *t = xmalloc0(sizeof(*t));
    long ret;

    t->k = k;
    t->tg = thread_group_new(k);
    t->tid = t->tg->pid;
    {
        const char *base = strrchr(args->host_path, '/');

        snprintf(t->comm, sizeof(t->comm), "%s", base != NULL ? base + 1 : args->host_path);
    }
    if (k->pops->as_new(k->plat, &t->as, &t->ctx, err) < 0) {
        kernel_task_free(t);
        return rt_error_wrap(err, "creating the init address space");
    }
    ret = mm_new(k->pops, t->as, &t->mm);
    if (ret == 0 && (t->fdt = fd_table_new()) == NULL)
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
    *out = t;
    return 0;
}

void kernel_task_free(struct task *t)
{
    if (t == NULL)
        return;
    put_fd_table(t->fdt);
    mm_free(t->mm);
    if (t->ctx != NULL)
        t->k->pops->ctx_release(t->ctx);
    if (t->as != NULL)
        t->k->pops->as_release(t->as);
    if (t->tg != NULL && --t->tg->refs == 0)
        free(t->tg);
    free(t);
}

unsigned long task_nofile_limit(const struct task *t)
{
    rlim_t cur = t->tg->rlimits[RLIMIT_NOFILE].rlim_cur;

    return cur > INT32_MAX ? INT32_MAX : (unsigned long)cur;
}

long kernel_task_exec(struct task *t, const char *host_path, char *const argv[], char *const envp[])
{
    struct task nt = *t;
    cleanup_error rt_error_t err = NULL;
    const char *base;
    long ret;

    nt.as = NULL;
    nt.ctx = NULL;
    nt.mm = NULL;
    if (t->k->pops->as_new(t->k->plat, &nt.as, &nt.ctx, &err) < 0) {
        log_warning("sentry: execve: %s", rt_error_msg(err));
        return -ENOMEM;
    }
    ret = mm_new(t->k->pops, nt.as, &nt.mm);
    if (ret == 0)
        ret = t->k->pops->ctx_get_regs(nt.ctx, &nt.regs);
    if (ret == 0)
        ret = loader_exec_host_path(&nt, host_path, argv, envp);
    if (ret < 0) {
        mm_free(nt.mm);
        t->k->pops->ctx_release(nt.ctx);
        t->k->pops->as_release(nt.as);
        return ret;
    }
    /* Point of no return: the old image goes. */
    mm_free(t->mm);
    t->k->pops->ctx_release(t->ctx);
    t->k->pops->as_release(t->as);
    t->as = nt.as;
    t->ctx = nt.ctx;
    t->mm = nt.mm;
    t->regs = nt.regs;
    fd_table_close_on_exec(t->fdt);
    /* Caught signals revert to SIG_DFL; ignored ones stay ignored. */
    for (int i = 0; i < KERNEL_NSIG; i++) {
        struct kernel_sigaction *act = &t->tg->actions[i];

        if (act->handler != (uint64_t)(uintptr_t)SIG_IGN)
            memset(act, 0, sizeof(*act));
    }
    t->altstack_sp = 0;
    t->altstack_size = 0;
    t->altstack_flags = 0;
    t->clear_child_tid = 0;
    t->robust_list = 0;
    base = strrchr(host_path, '/');
    snprintf(t->comm, sizeof(t->comm), "%s", base != NULL ? base + 1 : host_path);
    return 0;
}
