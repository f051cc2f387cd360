/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pidfds: pidfd_open, pidfd_send_signal, pidfd_getfd. A pidfd names a process
 * by its pid and its thread group: thread groups are not refcounted (a group
 * is freed when reaped), so the file keeps the pointer only to compare it with
 * what the pid resolves to now; the pointer is never dereferenced unless the
 * lookup under k->mu returned it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/common.h"
#include "sentry/fs/anon/anon.h"
#include "sentry/syscalls/sys_gaps.h"
#include "sentry/syscalls/sys_vfs.h"

struct pidfd {
    struct kernel *k;              /* Not owned. */
    int pid;                       /* Immutable */
    const struct thread_group *tg; /* identity only; Not owned, never dereferenced */
};

static const struct file_ops g_pidfd_ops;

/* The thread group `p` names, or NULL once it was reaped. Needs k->mu. */
static struct thread_group *pidfd_tg_locked(const struct pidfd *p)
{
    struct thread_group *tg = kernel_find_tg_locked(p->k, p->pid);

    return tg == p->tg ? tg : NULL;
}

/* Readable once the process ended (a zombie, or reaped). */
static unsigned int pidfd_poll(struct file *f)
{
    struct pidfd *p = f->priv;
    struct thread_group *tg;
    unsigned int ev = 0;

    pthread_mutex_lock(&p->k->mu);
    tg = pidfd_tg_locked(p);
    if (tg == NULL)
        ev = POLLIN | POLLRDNORM | POLLHUP;
    else if (tg->zombie)
        ev = POLLIN | POLLRDNORM;
    pthread_mutex_unlock(&p->k->mu);
    return ev;
}

static long pidfd_fstat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IRUSR | S_IWUSR;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static void pidfd_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops g_pidfd_ops = {
    .name = "anon_inode:[pidfd]",
    .lseek = anon_noop_lseek,
    .fstat = pidfd_fstat,
    .poll = pidfd_poll,
    .release = pidfd_release,
};

long pidfd_file_pid(const struct file *f)
{
    if (f == NULL || f->ops != &g_pidfd_ops)
        return -EBADF;
    return ((const struct pidfd *)f->priv)->pid;
}

long pidfd_wait_pid(struct task *t, int fd, bool *nonblock)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, fd);
    long pid = pidfd_file_pid(f);

    if (pid >= 0)
        *nonblock = (f->flags & O_NONBLOCK) != 0;
    return pid;
}

long pidfd_install(struct task *t, int pid, unsigned int flags)
{
    struct thread_group *tg;
    struct pidfd *p;
    struct file *f;
    long ret;

    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return -ENOMEM;
    p->k = t->k;
    p->pid = pid;
    pthread_mutex_lock(&t->k->mu);
    tg = kernel_find_tg_locked(t->k, pid);
    p->tg = tg;
    pthread_mutex_unlock(&t->k->mu);
    if (tg == NULL) {
        free(p);
        return -ESRCH;
    }
    f = file_new(&g_pidfd_ops, O_RDWR | (flags & O_NONBLOCK), p);
    if (f == NULL) {
        free(p);
        return -ENOMEM;
    }
    ret = fd_table_install(t->fdt, f, 0, /*cloexec=*/true, task_nofile_limit(t));
    put_file(f);
    return ret;
}

long sys_pidfd_open(struct task *t, const struct sys_args *a)
{
    int pid = (int)a->a[0];
    unsigned int flags = (unsigned int)a->a[1];

    if ((flags & ~(unsigned int)O_NONBLOCK) != 0 || pid <= 0)
        return -EINVAL;
    return pidfd_install(t, pid, flags);
}

long sys_pidfd_send_signal(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    int sig = (int)a->a[1];
    struct thread_group *tg;
    struct pidfd *p;
    siginfo_t info;
    long ret = 0;

    if (a->a[3] != 0)
        return -EINVAL;
    if (f == NULL || f->ops != &g_pidfd_ops)
        return -EBADF;
    p = f->priv;
    if (sig < 0 || sig > KERNEL_NSIG)
        return -EINVAL;
    memset(&info, 0, sizeof(info));
    if (a->a[2] != 0) {
        if (task_copy_in(t, &info, a->a[2], sizeof(info)) < 0)
            return -EFAULT;
        if (info.si_signo != sig)
            return -EINVAL;
    } else {
        info.si_signo = sig;
        info.si_code = SI_USER;
        info.si_pid = t->tg->pid;
        info.si_uid = t->cred.uid;
    }
    pthread_mutex_lock(&t->k->mu);
    tg = pidfd_tg_locked(p);
    if (tg == NULL)
        ret = -ESRCH;
    else if (a->a[2] != 0 && tg != t->tg && (info.si_code >= 0 || info.si_code == SI_TKILL))
        ret = -EPERM; /* only the kernel may claim these codes for another process */
    else if (!kernel_may_signal_tg_locked(t, tg, sig))
        ret = -EPERM;
    else if (sig != 0 && !tg->zombie)
        thread_group_send_signal_locked(tg, &info);
    pthread_mutex_unlock(&t->k->mu);
    return ret;
}

long sys_pidfd_getfd(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    struct fd_table *fdt = NULL;
    struct thread_group *tg;
    struct file *target;
    long ret = 0;

    if (a->a[2] != 0)
        return -EINVAL;
    if (f == NULL || f->ops != &g_pidfd_ops)
        return -EBADF;
    pthread_mutex_lock(&t->k->mu);
    tg = pidfd_tg_locked(f->priv);
    if (tg == NULL || tg->zombie || klist_empty(&tg->tasks)) {
        ret = -ESRCH;
    } else {
        struct task *tt = klist_entry(tg->tasks.next, struct task, tg_node);

        /* PTRACE_MODE_ATTACH_REALCREDS, simplified: same real uid or CAP_SYS_PTRACE. */
        if (tt->cred.uid != t->cred.uid && !task_capable(t, 19 /* CAP_SYS_PTRACE */))
            ret = -EPERM;
        else if (tt->fdt == NULL)
            ret = -ESRCH; /* exiting: its files are already released */
        else
            fdt = get_fd_table(tt->fdt);
    }
    pthread_mutex_unlock(&t->k->mu);
    if (ret < 0)
        return ret;
    target = fd_table_get(fdt, (int)a->a[1]);
    put_fd_table(fdt);
    if (target == NULL)
        return -EBADF;
    ret = fd_table_install(t->fdt, target, 0, /*cloexec=*/true, task_nofile_limit(t));
    put_file(target);
    return ret;
}
