/* SPDX-License-Identifier: Apache-2.0 */
/* pipe(2) and pipe2(2). */
#include <errno.h>
#include <fcntl.h>

#include "sentry/fs/pipe/pipe.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

static long do_pipe2(struct task *t, uint64_t addr, unsigned int flags)
{
    struct file *rd = NULL, *wr = NULL;
    int fds[2];
    long ret;

    if (flags & ~(unsigned int)(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_EXCL))
        return -EINVAL;
    if (flags & O_EXCL) /* O_NOTIFICATION_PIPE: needs CONFIG_WATCH_QUEUE */
        return -EINVAL;
    ret = pipe_create(flags, &rd, &wr);
    if (ret < 0)
        return ret;
    ret = fd_table_install(t->fdt, rd, 0, (flags & O_CLOEXEC) != 0, task_nofile_limit(t));
    if (ret >= 0) {
        fds[0] = (int)ret;
        ret = fd_table_install(t->fdt, wr, 0, (flags & O_CLOEXEC) != 0, task_nofile_limit(t));
        if (ret < 0)
            fd_table_close(t->fdt, fds[0]);
        else
            fds[1] = (int)ret;
    }
    put_file(rd);
    put_file(wr);
    if (ret < 0)
        return ret;
    ret = task_copy_out(t, addr, fds, sizeof(fds));
    if (ret < 0) {
        fd_table_close(t->fdt, fds[0]);
        fd_table_close(t->fdt, fds[1]);
        return ret;
    }
    return 0;
}

long sys_pipe(struct task *t, const struct sys_args *a)
{
    return do_pipe2(t, a->a[0], 0);
}

long sys_pipe2(struct task *t, const struct sys_args *a)
{
    return do_pipe2(t, a->a[0], (unsigned int)a->a[1]);
}
