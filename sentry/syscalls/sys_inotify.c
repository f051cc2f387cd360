/* SPDX-License-Identifier: Apache-2.0 */
/* inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch (sentry/fs/anon/inotify.c). */
#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "common/common.h"
#include "sentry/fs/anon/inotify.h"
#include "sentry/syscalls/sys_gaps.h"
#include "sentry/syscalls/sys_vfs.h"

static long do_init(struct task *t, int flags)
{
    struct file *f;
    long ret;

    if ((flags & ~(IN_NONBLOCK | IN_CLOEXEC)) != 0)
        return -EINVAL;
    f = inotify_file_new(flags);
    if (f == NULL)
        return -ENOMEM;
    ret = fd_table_install(t->fdt, f, 0, (flags & IN_CLOEXEC) != 0, task_nofile_limit(t));
    put_file(f);
    return ret;
}

long sys_inotify_init(struct task *t, const struct sys_args *a)
{
    (void)a;
    return do_init(t, 0);
}

long sys_inotify_init1(struct task *t, const struct sys_args *a)
{
    return do_init(t, (int)a->a[0]);
}

long sys_inotify_add_watch(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    uint32_t mask = (uint32_t)a->a[2];
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    struct vfs_cred c;
    long ret;

    if ((mask & IN_MASK_ADD) != 0 && (mask & IN_MASK_CREATE) != 0)
        return -EINVAL;
    if ((mask & IN_ALL_EVENTS) == 0)
        return -EINVAL;
    if (f == NULL)
        return -EBADF;
    if (!is_inotify_file(f))
        return -EINVAL;
    ret = sys_copy_in_path(t, a->a[1], path, false);
    if (ret < 0)
        return ret;
    ret = vfs_walk(t, AT_FDCWD, path,
                   ((mask & IN_DONT_FOLLOW) ? 0 : VFS_WALK_FOLLOW) |
                       ((mask & IN_ONLYDIR) ? VFS_WALK_DIRECTORY : 0),
                   &p);
    if (ret < 0)
        return ret;
    vfs_task_cred(t, &c);
    ret = vfs_permission(&c, p.d->inode, VFS_MAY_READ);
    if (ret == 0 && (mask & IN_ONLYDIR) && !S_ISDIR(p.d->inode->st.st_mode))
        ret = -ENOTDIR;
    if (ret == 0)
        ret = inotify_file_add_watch(f, p.d->inode, mask);
    vfs_path_put(&p);
    return ret;
}

long sys_inotify_rm_watch(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);

    if (f == NULL)
        return -EBADF;
    if (!is_inotify_file(f))
        return -EINVAL;
    return inotify_file_rm_watch(f, (int)a->a[1]);
}
