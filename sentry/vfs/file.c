/* SPDX-License-Identifier: Apache-2.0 */
/* File descriptions: allocation and reference counting. */
#include <fcntl.h>
#include <stdlib.h>

#include "sentry/fs/anon/inotify.h"
#include "sentry/vfs/locks.h"
#include "sentry/vfs/vfs.h"

struct file *file_new(const struct file_ops *ops, unsigned int flags, void *priv)
{
    struct file *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return NULL;
    f->refs = 1;
    f->ops = ops;
    f->flags = flags;
    f->priv = priv;
    return f;
}

struct file *get_file(struct file *f)
{
    __atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
    return f;
}

void put_file(struct file *f)
{
    if (f == NULL || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    inotify_file(f, file_is_writable(f) ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
    vfs_locks_file_release(f);
    if (f->ops->release != NULL)
        f->ops->release(f);
    put_dentry(f->dentry);
    put_mount(f->mnt);
    free(f);
}

/* An O_PATH file is neither (Linux's FMODE_PATH has no FMODE_READ/FMODE_WRITE): EBADF. */
bool file_is_readable(const struct file *f)
{
    return !(f->flags & O_PATH) &&
           ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_ACCMODE) == O_RDWR);
}

bool file_is_writable(const struct file *f)
{
    return !(f->flags & O_PATH) &&
           ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_ACCMODE) == O_RDWR);
}

struct inode *file_inode(const struct file *f)
{
    return f->dentry != NULL ? f->dentry->inode : NULL;
}

int vfs_file_host_fd(struct file *f)
{
    return f->ops->host_fd != NULL ? f->ops->host_fd(f) : -1;
}
