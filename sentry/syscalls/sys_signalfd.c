/* SPDX-License-Identifier: Apache-2.0 */
/* signalfd(2) and signalfd4(2). */
#include <errno.h>
#include <sys/signalfd.h>

#include "sentry/fs/anon/anon.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

static long do_signalfd(struct task *t, int fd, uint64_t mask_addr, uint64_t size, int flags)
{
    uint64_t mask;
    struct file *f;
    long ret;

    if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
        return -EINVAL;
    if (size != sizeof(uint64_t))
        return -EINVAL;
    ret = task_copy_in(t, &mask, mask_addr, sizeof(mask));
    if (ret < 0)
        return ret;
    mask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    if (fd != -1) {
        cleanup_file_ref struct file *old = fd_table_get(t->fdt, fd);

        if (old == NULL)
            return -EBADF;
        if (!is_signalfd_file(old))
            return -EINVAL;
        signalfd_file_set_mask(old, mask);
        return fd;
    }
    f = signalfd_file_new(t, mask, flags);
    if (f == NULL)
        return -ENOMEM;
    ret = fd_table_install(t->fdt, f, 0, (flags & SFD_CLOEXEC) != 0, task_nofile_limit(t));
    put_file(f);
    return ret;
}

long sys_signalfd(struct task *t, const struct sys_args *a)
{
    return do_signalfd(t, (int)a->a[0], a->a[1], a->a[2], 0);
}

long sys_signalfd4(struct task *t, const struct sys_args *a)
{
    return do_signalfd(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}
