/* SPDX-License-Identifier: Apache-2.0 */
/* The stat family, access/faccessat(2), readlink(at), statfs/fstatfs. */
#include <errno.h>
#include <fcntl.h>
#include <linux/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

static long fstat_file(struct task *t, int fd, struct stat *st)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, fd);

    if (f == NULL)
        return -EBADF;
    memset(st, 0, sizeof(*st));
    if (f->ops->fstat != NULL)
        return f->ops->fstat(f, st);
    if (f->dentry != NULL)
        return vfs_inode_getattr(f->dentry->inode, st);
    return 0;
}

/* stat of `path` from `dirfd`; an empty path with AT_EMPTY_PATH is the fd itself. */
static long stat_at(struct task *t, int dirfd, uint64_t path_addr, int flags, struct stat *st)
{
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    long ret;

    ret = sys_copy_in_path(t, path_addr, path, (flags & AT_EMPTY_PATH) != 0);
    if (ret < 0)
        return ret;
    if (ret == 0 && dirfd != AT_FDCWD)
        return fstat_file(t, dirfd, st);
    ret = vfs_walk(t, dirfd, path,
                   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW) | VFS_WALK_EMPTY_PATH, &p);
    if (ret < 0)
        return ret;
    memset(st, 0, sizeof(*st));
    ret = vfs_getattr(&p, st);
    vfs_path_put(&p);
    return ret;
}

static long stat_out(struct task *t, long ret, const struct stat *st, uint64_t addr)
{
    if (ret < 0)
        return ret;
    return task_copy_out(t, addr, st, sizeof(*st));
}

long sys_fstat(struct task *t, const struct sys_args *a)
{
    struct stat st;

    return stat_out(t, fstat_file(t, (int)a->a[0], &st), &st, a->a[1]);
}

long sys_stat(struct task *t, const struct sys_args *a)
{
    struct stat st;

    return stat_out(t, stat_at(t, AT_FDCWD, a->a[0], 0, &st), &st, a->a[1]);
}

long sys_lstat(struct task *t, const struct sys_args *a)
{
    struct stat st;

    return stat_out(t, stat_at(t, AT_FDCWD, a->a[0], AT_SYMLINK_NOFOLLOW, &st), &st, a->a[1]);
}

long sys_newfstatat(struct task *t, const struct sys_args *a)
{
    int flags = (int)a->a[3];
    struct stat st;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    return stat_out(t, stat_at(t, (int)a->a[0], a->a[1], flags, &st), &st, a->a[2]);
}

long sys_statx(struct task *t, const struct sys_args *a)
{
    int flags = (int)a->a[2];
    unsigned int mask = (unsigned int)a->a[3];
    struct statx sx;
    struct stat st;
    long ret;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return -EINVAL;
    if (mask & STATX__RESERVED)
        return -EINVAL;
    ret = stat_at(t, (int)a->a[0], a->a[1], flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &st);
    if (ret < 0)
        return ret;
    memset(&sx, 0, sizeof(sx));
    sx.stx_mask = STATX_BASIC_STATS;
    sx.stx_blksize = (uint32_t)st.st_blksize;
    sx.stx_nlink = (uint32_t)st.st_nlink;
    sx.stx_uid = st.st_uid;
    sx.stx_gid = st.st_gid;
    sx.stx_mode = (uint16_t)st.st_mode;
    sx.stx_ino = st.st_ino;
    sx.stx_size = (uint64_t)st.st_size;
    sx.stx_blocks = (uint64_t)st.st_blocks;
    sx.stx_atime.tv_sec = st.st_atim.tv_sec;
    sx.stx_atime.tv_nsec = (uint32_t)st.st_atim.tv_nsec;
    sx.stx_mtime.tv_sec = st.st_mtim.tv_sec;
    sx.stx_mtime.tv_nsec = (uint32_t)st.st_mtim.tv_nsec;
    sx.stx_ctime.tv_sec = st.st_ctim.tv_sec;
    sx.stx_ctime.tv_nsec = (uint32_t)st.st_ctim.tv_nsec;
    sx.stx_rdev_major = major(st.st_rdev);
    sx.stx_rdev_minor = minor(st.st_rdev);
    sx.stx_dev_major = major(st.st_dev);
    sx.stx_dev_minor = minor(st.st_dev);
    return task_copy_out(t, a->a[4], &sx, sizeof(sx));
}

static long do_access(struct task *t, int dirfd, uint64_t path_addr, int mode, int flags)
{
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    struct vfs_cred c;
    int mask = 0;
    long ret;

    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    ret = sys_copy_in_path(t, path_addr, path, (flags & AT_EMPTY_PATH) != 0);
    if (ret < 0)
        return ret;
    ret = vfs_walk(t, dirfd, path,
                   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW) | VFS_WALK_EMPTY_PATH, &p);
    if (ret < 0)
        return ret;
    /* access(2) checks with the real ids unless AT_EACCESS. */
    if (flags & AT_EACCESS)
        vfs_task_cred(t, &c);
    else
        vfs_task_access_cred(t, &c);
    if (mode & R_OK)
        mask |= VFS_MAY_READ;
    if (mode & X_OK)
        mask |= VFS_MAY_EXEC;
    if (mode & W_OK) {
        mask |= VFS_MAY_WRITE;
        if ((p.mnt->flags & VFS_MNT_RDONLY) &&
            (S_ISREG(p.d->inode->st.st_mode) || S_ISDIR(p.d->inode->st.st_mode) ||
             S_ISLNK(p.d->inode->st.st_mode)))
            ret = -EROFS;
    }
    if (ret == 0 && mask != 0)
        ret = vfs_permission(&c, p.d->inode, mask);
    vfs_path_put(&p);
    return ret;
}

long sys_access(struct task *t, const struct sys_args *a)
{
    return do_access(t, AT_FDCWD, a->a[0], (int)a->a[1], 0);
}

long sys_faccessat(struct task *t, const struct sys_args *a)
{
    return do_access(t, (int)a->a[0], a->a[1], (int)a->a[2], 0);
}

long sys_faccessat2(struct task *t, const struct sys_args *a)
{
    if (a->a[3] & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    return do_access(t, (int)a->a[0], a->a[1], (int)a->a[2], (int)a->a[3]);
}

static long do_readlink(struct task *t, int dirfd, uint64_t path_addr, uint64_t buf, int size)
{
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    cleanup_free char *target = NULL;
    struct inode *ino;
    long ret;

    if (size <= 0)
        return -EINVAL;
    ret = sys_copy_in_path(t, path_addr, path, /*empty_ok=*/true);
    if (ret < 0)
        return ret;
    ret = vfs_walk(t, dirfd, path, VFS_WALK_EMPTY_PATH, &p);
    if (ret < 0)
        return ret == -ENOTDIR && path[0] == '\0' ? -ENOENT : ret;
    ino = p.d->inode;
    if (!S_ISLNK(ino->st.st_mode) || ino->ops->readlink == NULL) {
        vfs_path_put(&p);
        return path[0] == '\0' ? -ENOENT : -EINVAL;
    }
    target = malloc(PATH_MAX);
    if (target == NULL) {
        vfs_path_put(&p);
        return -ENOMEM;
    }
    ret = ino->ops->readlink(ino, target, (size_t)size < PATH_MAX ? (size_t)size : PATH_MAX);
    vfs_path_put(&p);
    if (ret < 0)
        return ret;
    {
        long n = task_copy_out(t, buf, target, (size_t)ret);

        return n < 0 ? n : ret;
    }
}

long sys_readlink(struct task *t, const struct sys_args *a)
{
    return do_readlink(t, AT_FDCWD, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_readlinkat(struct task *t, const struct sys_args *a)
{
    return do_readlink(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}

static long statfs_inode(struct task *t, struct inode *ino, uint64_t addr)
{
    struct statfs sf;
    long ret;

    memset(&sf, 0, sizeof(sf));
    if (ino->ops->statfs == NULL) {
        sf.f_bsize = 4096;
        sf.f_namelen = 255;
        sf.f_frsize = 4096;
    } else if ((ret = ino->ops->statfs(ino, &sf)) < 0) {
        return ret;
    }
    return task_copy_out(t, addr, &sf, sizeof(sf));
}

long sys_statfs(struct task *t, const struct sys_args *a)
{
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    long ret = sys_copy_in_path(t, a->a[0], path, /*empty_ok=*/false);

    if (ret < 0)
        return ret;
    ret = vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW, &p);
    if (ret < 0)
        return ret;
    ret = statfs_inode(t, p.d->inode, a->a[1]);
    vfs_path_put(&p);
    return ret;
}

long sys_fstatfs(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    struct statfs sf;

    if (f == NULL)
        return -EBADF;
    if (f->dentry != NULL)
        return statfs_inode(t, f->dentry->inode, a->a[1]);
    /* Anonymous files (pipes, stdio) live on Linux's pipefs / anon inodes. */
    memset(&sf, 0, sizeof(sf));
    sf.f_type = 0x50495045; /* PIPEFS_MAGIC */
    sf.f_bsize = 4096;
    sf.f_frsize = 4096;
    sf.f_namelen = 255;
    return task_copy_out(t, a->a[1], &sf, sizeof(sf));
}
