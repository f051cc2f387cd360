/* SPDX-License-Identifier: Apache-2.0 */
/* mount(2), umount2(2), pivot_root(2), chroot(2) and unshare(2) on the sentry's own file systems.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mount.h>

#include "common/common.h"
#include "sentry/fs/sys/sysfs.h"
#include "sentry/syscalls/sys_mount.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/vfs/vfs.h"

#ifndef MS_MGC_VAL
#define MS_MGC_VAL 0xC0ED0000
#define MS_MGC_MSK 0xffff0000
#endif

#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* The VFS flags mount(2)'s MS_* ask for. */
static unsigned int mnt_flags_of(unsigned long flags)
{
    return ((flags & MS_RDONLY) ? VFS_MNT_RDONLY : 0) | ((flags & MS_NOSUID) ? VFS_MNT_NOSUID : 0) |
           ((flags & MS_NODEV) ? VFS_MNT_NODEV : 0) | ((flags & MS_NOEXEC) ? VFS_MNT_NOEXEC : 0);
}

/* Copies an optional string argument (NULL stays NULL). Returns 0 or -EFAULT / -ENAMETOOLONG. */
static long copy_opt_string(struct task *t, uint64_t addr, char *buf, size_t size, char **out)
{
    long n;

    *out = NULL;
    if (addr == 0)
        return 0;
    n = task_copy_in_string(t, addr, buf, size);
    if (n < 0)
        return n;
    *out = buf;
    return 0;
}

/* Whether `p` is the root of its mount (Linux's path_mounted). */
static bool is_mounted(const struct vfs_path *p)
{
    return p->d == p->mnt->root;
}

static long do_bind(struct task *t, const struct vfs_path *at, const char *source, bool recursive)
{
    struct vfs_path src = { 0 };
    long ret;

    if (source == NULL || source[0] == '\0')
        return -EINVAL;
    ret = vfs_walk(t, AT_FDCWD, source, VFS_WALK_FOLLOW, &src);
    if (ret < 0)
        return ret;
    /* Linux's clone_mnt keeps the source mount's flags: ro needs a remount. */
    ret = vfs_mount_bind(t->fs->ns, at, &src, src.mnt->flags & ~VFS_MNT_EXPIRY_MARK, recursive);
    vfs_path_put(&src);
    return ret;
}

static long do_move(struct task *t, const struct vfs_path *at, const char *source)
{
    struct vfs_path src = { 0 };
    long ret;

    if (source == NULL || source[0] == '\0')
        return -EINVAL;
    ret = vfs_walk(t, AT_FDCWD, source, VFS_WALK_FOLLOW, &src);
    if (ret < 0)
        return ret;
    ret = is_mounted(&src) ? vfs_mount_move(t->fs->ns, src.mnt, at) : -EINVAL;
    vfs_path_put(&src);
    return ret;
}

static long do_new_mount(struct task *t, const struct vfs_path *at, const char *type,
                         const char *data, unsigned long flags)
{
    struct super_block *sb = NULL;
    long ret;

    if (type == NULL)
        return -EINVAL;
    if (type[0] == '\0')
        return -ENODEV;
    ret = sysfs_fs_new(type, data, t->fs->ns, &sb);
    if (ret < 0)
        return ret;
    ret = vfs_mount_new_at(t->fs->ns, at, sb, mnt_flags_of(flags));
    put_super_block(sb);
    return ret;
}

/* The propagation types: exactly one, with MS_REC / MS_SILENT. Every mount stays private. */
static long do_change_type(const struct vfs_path *at, unsigned long flags)
{
    unsigned long type = flags & ~(unsigned long)(MS_REC | MS_SILENT);

    if (!is_mounted(at))
        return -EINVAL;
    if (type == 0 || (type & ~(unsigned long)MS_PROPAGATION) != 0 || (type & (type - 1)) != 0)
        return -EINVAL;
    return 0;
}

long sys_mount(struct task *t, const struct sys_args *a)
{
    unsigned long flags = a->a[3];
    char target[PATH_MAX];
    cleanup_free char *sbuf = malloc(PATH_MAX), *tbuf = malloc(256), *dbuf = malloc(4096);
    char *source, *type, *data;
    struct vfs_path at = { 0 };
    long ret;

    if (sbuf == NULL || tbuf == NULL || dbuf == NULL)
        return -ENOMEM;
    if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
        flags &= ~(unsigned long)MS_MGC_MSK;
    ret = copy_opt_string(t, a->a[2], tbuf, 256, &type);
    if (ret == 0)
        ret = copy_opt_string(t, a->a[0], sbuf, PATH_MAX, &source);
    if (ret == 0) {
        /* Linux copies one page of data and cuts it there. */
        ret = copy_opt_string(t, a->a[4], dbuf, 4096, &data);
        if (ret == -ENAMETOOLONG) {
            data = dbuf;
            ret = 0;
        }
    }
    if (ret == -ENAMETOOLONG)
        ret = type != NULL || a->a[2] == 0 ? -ENAMETOOLONG : -ENODEV;
    if (ret < 0)
        return ret;
    ret = sys_copy_in_path(t, a->a[1], target, /*empty_ok=*/false);
    if (ret < 0)
        return ret;
    if (t->fs == NULL)
        return -ENOENT;
    ret = vfs_walk(t, AT_FDCWD, target, VFS_WALK_FOLLOW, &at);
    if (ret < 0)
        return ret;
    if (!task_capable(t, CAP_SYS_ADMIN)) {
        ret = -EPERM;
        goto out;
    }
    /* Mounts go on top of what is mounted there already (lock_mount). */
    vfs_path_follow_mounts(t->fs->ns, &at);
    if ((flags & (MS_REMOUNT | MS_BIND)) == (MS_REMOUNT | MS_BIND) || (flags & MS_REMOUNT)) {
        /* Both set the mount's flags; a plain remount would change the superblock's too. */
        if (!is_mounted(&at) || !vfs_mount_is_attached(t->fs->ns, at.mnt))
            ret = -EINVAL;
        else
            at.mnt->flags = mnt_flags_of(flags);
    } else if (flags & MS_BIND) {
        ret = do_bind(t, &at, source, (flags & MS_REC) != 0);
    } else if (flags & MS_PROPAGATION) {
        ret = do_change_type(&at, flags);
    } else if (flags & MS_MOVE) {
        ret = do_move(t, &at, source);
    } else {
        ret = do_new_mount(t, &at, type, data, flags);
    }
out:
    vfs_path_put(&at);
    return ret;
}

/*
 * The first umount2(MNT_EXPIRE) of an unused mount marks it (EAGAIN); a
 * second one unmounts it. Remounting clears the mark; using the mount in
 * between does not (Linux clears it then).
 */
static long expire_mark(struct mount_ns *ns, struct mount *m)
{
    if (vfs_mount_is_busy(ns, m, /*holders=*/1))
        return -EBUSY;
    m->flags |= VFS_MNT_EXPIRY_MARK;
    return -EAGAIN;
}

long sys_umount2(struct task *t, const struct sys_args *a)
{
    unsigned int flags = (unsigned int)a->a[1];
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    long ret;

    if (flags & ~(unsigned int)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    ret = sys_copy_in_path(t, a->a[0], path, /*empty_ok=*/false);
    if (ret < 0)
        return ret;
    if (t->fs == NULL)
        return -ENOENT;
    ret = vfs_walk(t, AT_FDCWD, path, (flags & UMOUNT_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW, &p);
    if (ret < 0)
        return ret;
    /* The last component is the topmost mount there, even "." (LOOKUP_MOUNTPOINT). */
    vfs_path_follow_mounts(t->fs->ns, &p);
    if (!task_capable(t, CAP_SYS_ADMIN))
        ret = -EPERM;
    else if (!is_mounted(&p) || !vfs_mount_is_attached(t->fs->ns, p.mnt))
        ret = -EINVAL;
    else if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        ret = -EINVAL;
    else if (p.mnt == t->fs->root.mnt && !(flags & MNT_DETACH))
        ret = -EBUSY;
    else if ((flags & MNT_EXPIRE) && !(p.mnt->flags & VFS_MNT_EXPIRY_MARK))
        ret = expire_mark(t->fs->ns, p.mnt);
    else
        ret = vfs_umount(t->fs->ns, p.mnt, (flags & MNT_DETACH) != 0, /*holders=*/1);
    vfs_path_put(&p);
    return ret;
}

/* Moves every root and cwd of `ns` that is `old` to `new` (Linux's chroot_fs_refs). Needs k->mu. */
static void chroot_fs_refs_locked(struct kernel *k, struct mount_ns *ns, const struct vfs_path *old,
                                  const struct vfs_path *new)
{
    struct klist *pos;

    klist_for_each(pos, &k->tasks)
    {
        struct task *o = klist_entry(pos, struct task, k_node);
        struct vfs_fs *fs = o->fs;

        if (fs == NULL || fs->ns != ns)
            continue;
        if (fs->root.mnt == old->mnt && fs->root.d == old->d) {
            vfs_path_put(&fs->root);
            vfs_path_copy(&fs->root, new);
        }
        if (fs->cwd.mnt == old->mnt && fs->cwd.d == old->d) {
            vfs_path_put(&fs->cwd);
            vfs_path_copy(&fs->cwd, new);
        }
    }
}

long sys_pivot_root(struct task *t, const struct sys_args *a)
{
    char new_name[PATH_MAX], old_name[PATH_MAX];
    struct vfs_path new_root = { 0 }, put_old = { 0 }, root = { 0 };
    long ret;

    if (!task_capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    ret = sys_copy_in_path(t, a->a[0], new_name, /*empty_ok=*/false);
    if (ret < 0)
        return ret;
    ret = sys_copy_in_path(t, a->a[1], old_name, /*empty_ok=*/false);
    if (ret < 0)
        return ret;
    if (t->fs == NULL)
        return -ENOENT;
    ret = vfs_walk(t, AT_FDCWD, new_name, VFS_WALK_FOLLOW | VFS_WALK_DIRECTORY, &new_root);
    if (ret < 0)
        return ret;
    ret = vfs_walk(t, AT_FDCWD, old_name, VFS_WALK_FOLLOW | VFS_WALK_DIRECTORY, &put_old);
    if (ret < 0)
        goto out;
    /* The old root goes on top of whatever is mounted at put_old (lock_mount). */
    vfs_path_follow_mounts(t->fs->ns, &put_old);
    vfs_path_copy(&root, &t->fs->root);
    pthread_mutex_lock(&t->k->mu);
    ret = vfs_pivot_root(t->fs->ns, &root, &new_root, &put_old);
    if (ret == 0)
        chroot_fs_refs_locked(t->k, t->fs->ns, &root, &new_root);
    pthread_mutex_unlock(&t->k->mu);
out:
    vfs_path_put(&root);
    vfs_path_put(&put_old);
    vfs_path_put(&new_root);
    return ret;
}

long sys_chroot(struct task *t, const struct sys_args *a)
{
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    struct vfs_cred c;
    long ret = sys_copy_in_path(t, a->a[0], path, /*empty_ok=*/false);

    if (ret < 0)
        return ret;
    if (t->fs == NULL)
        return -ENOENT;
    ret = vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW | VFS_WALK_DIRECTORY, &p);
    if (ret < 0)
        return ret;
    vfs_task_cred(t, &c);
    ret = vfs_permission(&c, p.d->inode, VFS_MAY_EXEC);
    if (ret == 0 && !task_capable(t, CAP_SYS_CHROOT))
        ret = -EPERM;
    if (ret == 0) {
        struct vfs_path old;

        pthread_mutex_lock(&t->k->mu);
        old = t->fs->root;
        t->fs->root = p;
        pthread_mutex_unlock(&t->k->mu);
        p = old;
    }
    vfs_path_put(&p);
    return ret;
}

#define UNSHARE_KNOWN                                                                            \
    (CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES |            \
     CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID | \
     CLONE_NEWCGROUP | CLONE_NEWTIME)
#define UNSHARE_UNSUPPORTED                                                                        \
    (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | \
     CLONE_NEWTIME)

long sys_unshare(struct task *t, const struct sys_args *a)
{
    unsigned long flags = a->a[0];
    struct vfs_fs *fs = NULL;
    struct fd_table *fdt = NULL;
    bool single;

    if (flags & ~(unsigned long)UNSHARE_KNOWN)
        return -EINVAL;
    if (flags & CLONE_NEWNS)
        flags |= CLONE_FS;
    pthread_mutex_lock(&t->k->mu);
    single = t->tg->nr_tasks == 1;
    pthread_mutex_unlock(&t->k->mu);
    /* Only a single-threaded process may unshare its threads, handlers or memory. */
    if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && !single)
        return -EINVAL;
    /* The sandbox offers one of each of these namespaces (clone refuses them too). */
    if (flags & UNSHARE_UNSUPPORTED)
        return -EPERM;
    if ((flags & CLONE_NEWNS) && !task_capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    /* A private copy whether or not it was shared: the same for the caller. */
    if ((flags & CLONE_FS) && t->fs != NULL) {
        fs = vfs_fs_copy(t->fs);
        if (fs == NULL)
            return -ENOMEM;
        if ((flags & CLONE_NEWNS) && vfs_fs_unshare_ns(fs) < 0) {
            put_vfs_fs(fs);
            return -ENOMEM;
        }
    }
    if ((flags & CLONE_FILES) && t->fdt != NULL) {
        fdt = fd_table_copy(t->fdt);
        if (fdt == NULL) {
            put_vfs_fs(fs);
            return -ENOMEM;
        }
    }
    /* Swapped under k->mu: /proc reads them under it. */
    pthread_mutex_lock(&t->k->mu);
    if (fs != NULL) {
        struct vfs_fs *old = t->fs;

        t->fs = fs;
        fs = old;
    }
    if (fdt != NULL) {
        struct fd_table *old = t->fdt;

        t->fdt = fdt;
        fdt = old;
    }
    pthread_mutex_unlock(&t->k->mu);
    put_vfs_fs(fs);
    if (fdt != NULL)
        put_fd_table(fdt);
    return 0;
}
