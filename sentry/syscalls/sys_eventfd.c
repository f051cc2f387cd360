/* SPDX-License-Identifier: Apache-2.0 */
/* eventfd(2) and eventfd2(2). */
#include <errno.h>
#include <sys/eventfd.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

static long do_eventfd(struct task *t, unsigned int initval, int flags)
{
    struct file *f;
    long ret;

    if (flags & ~(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE))
        return -EINVAL;
    f = eventfd_file_new(initval, flags);
    if (f == NULL)
        return -ENOMEM;
    ret = fd_table_install(t->fdt, f, 0, (flags & EFD_CLOEXEC) != 0, task_nofile_limit(t));
    put_file(f);
    return ret;
}

long sys_eventfd(struct task *t, const struct sys_args *a)
{
    return do_eventfd(t, (unsigned int)a->a[0], 0);
}

long sys_eventfd2(struct task *t, const struct sys_args *a)
{
    return do_eventfd(t, (unsigned int)a->a[0], (int)a->a[1]);
}
