/* SPDX-License-Identifier: Apache-2.0 */
/* Directory and metadata syscalls: getdents64, mkdir, mknod, unlink, rmdir, rename, link,
 * symlink, chdir, getcwd, chmod, chown, utimensat, truncate, fsync. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sentry/fs/anon/inotify.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

/* ---- getdents64 ---- */

struct dirent_buf {
    char *buf;
    size_t size, used;
};

static bool fill_dirent64(void *ctx, const char *name, size_t len, uint64_t ino, int64_t next_off,
                          unsigned int type)
{
    struct dirent_buf *db = ctx;
    size_t reclen = (19 + len + 1 + 7) & ~(size_t)7;
    char *p;

    if (db->used + reclen > db->size)
        return false;
    p = db->buf + db->used;
    memset(p, 0, reclen);
    memcpy(p, &ino, 8);
    memcpy(p + 8, &next_off, 8);
    memcpy(p + 16, &(uint16_t){ (uint16_t)reclen }, 2);
    p[18] = (char)type;
    memcpy(p + 19, name, len);
    db->used += reclen;
    return true;
}

long sys_getdents64(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    cleanup_free char *buf = NULL;
    size_t size = a->a[2] > 65536 ? 65536 : a->a[2];
    struct dirent_buf db;
    int64_t pos0;
    long ret;

    if (f == NULL || (f->flags & O_PATH)) /* O_PATH fds: EBADF, as Linux's fdget */
        return -EBADF;
    if (f->ops->readdir == NULL)
        return -ENOTDIR;
    buf = malloc(size > 0 ? size : 1);
    if (buf == NULL)
        return -ENOMEM;
    db = (struct dirent_buf){ .buf = buf, .size = size };
    pos0 = f->pos;
    ret = f->ops->readdir(f, fill_dirent64, &db);
    if (ret < 0 && db.used == 0)
        return ret;
    if (db.used == 0) {
        /* Nothing fit: EINVAL when an entry was left (the buffer is too small), else EOF. */
        struct dirent_buf probe = { .buf = (char[280]){ 0 }, .size = 280 };
        int64_t pos = f->pos;

        f->ops->readdir(f, fill_dirent64, &probe);
        f->pos = pos;
        if (probe.used > 0)
            return -EINVAL;
        return 0;
    }
    ret = task_copy_out(t, a->a[1], buf, db.used);
    if (ret < 0) {
        /* Linux emits no entry into a bad buffer: the position stays where it was. */
        f->pos = pos0;
        return ret;
    }
    return (long)db.used;
}

/* ---- helpers for the parent-walking calls ---- */

static long may_change_dir(struct task *t, const struct vfs_path *dir)
{
    struct vfs_cred c;

    if (dir->mnt->flags & VFS_MNT_RDONLY)
        return -EROFS;
    vfs_task_cred(t, &c);
    return vfs_permission(&c, dir->d->inode, VFS_MAY_WRITE | VFS_MAY_EXEC);
}

/* The sticky bit: only the owner of the file or of the directory (or CAP_FOWNER) may remove. */
static long check_sticky(struct task *t, struct inode *dir, struct inode *victim)
{
    struct vfs_cred c;

    if (!(dir->st.st_mode & S_ISVTX))
        return 0;
    vfs_task_cred(t, &c);
    if (c.fsuid == victim->st.st_uid || c.fsuid == dir->st.st_uid || c.cap_fowner)
        return 0;
    return -EPERM;
}

static long parent_of(struct task *t, int dirfd, uint64_t addr, struct vfs_parent *par)
{
    char path[PATH_MAX];
    long ret = sys_copy_in_path(t, addr, path, /*empty_ok=*/false);

    if (ret < 0)
        return ret;
    return vfs_walk_parent(t, dirfd, path, par);
}

/* Creates a node with `make`: shared checks of mkdir, mknod and symlink. */
static long create_checks(struct task *t, struct vfs_parent *par)
{
    struct vfs_path child = { 0 };
    long ret;

    if (par->type != VFS_LAST_NORM)
        return -EEXIST;
    {
        struct vfs_cred c;

        vfs_task_cred(t, &c);
        ret = vfs_permission(&c, par->dir.d->inode, VFS_MAY_EXEC);
        if (ret < 0)
            return ret;
    }
    ret = vfs_lookup_child(&par->dir, par->name, &child);
    if (ret == 0) {
        vfs_path_put(&child);
        return -EEXIST;
    }
    if (ret != -ENOENT)
        return ret;
    return may_change_dir(t, &par->dir);
}

static void owner_for(struct task *t, struct inode *dir, struct vfs_owner *o)
{
    struct vfs_cred c;

    vfs_task_cred(t, &c);
    o->uid = c.fsuid;
    o->gid = (dir->st.st_mode & S_ISGID) ? (uint32_t)dir->st.st_gid : c.fsgid;
}

static long do_mkdir(struct task *t, int dirfd, uint64_t addr, uint32_t mode)
{
    struct vfs_parent par;
    struct inode *dir;
    struct vfs_owner o;
    long ret = parent_of(t, dirfd, addr, &par);

    if (ret < 0)
        return ret;
    dir = par.dir.d->inode;
    ret = create_checks(t, &par);
    if (ret == 0 && dir->ops->mkdir == NULL)
        ret = -EPERM;
    if (ret == 0) {
        owner_for(t, dir, &o);
        mode = (mode & 01777 & ~t->tg->umask) | ((dir->st.st_mode & S_ISGID) ? S_ISGID : 0);
        ret = dir->ops->mkdir(dir, par.name, mode, &o);
        if (ret == 0)
            inotify_create(dir, par.name, true);
    }
    vfs_parent_put(&par);
    return ret;
}

long sys_mkdir(struct task *t, const struct sys_args *a)
{
    return do_mkdir(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1]);
}

long sys_mkdirat(struct task *t, const struct sys_args *a)
{
    return do_mkdir(t, (int)a->a[0], a->a[1], (uint32_t)a->a[2]);
}

static long do_mknod(struct task *t, int dirfd, uint64_t addr, uint32_t mode, uint64_t dev)
{
    struct vfs_parent par;
    struct inode *dir;
    struct vfs_owner o;
    struct vfs_cred c;
    long ret;

    switch (mode & S_IFMT) {
    case 0:
        mode |= S_IFREG;
        break;
    case S_IFREG:
    case S_IFIFO:
    case S_IFSOCK:
        break;
    case S_IFCHR:
    case S_IFBLK:
        vfs_task_cred(t, &c);
        if (!c.cap_mknod)
            return -EPERM;
        break;
    default:
        return -EINVAL;
    }
    ret = parent_of(t, dirfd, addr, &par);
    if (ret < 0)
        return ret;
    dir = par.dir.d->inode;
    ret = create_checks(t, &par);
    if (ret == 0 && dir->ops->mknod == NULL)
        ret = -EPERM;
    if (ret == 0) {
        owner_for(t, dir, &o);
        mode = (mode & S_IFMT) | (mode & 07777 & ~t->tg->umask);
        ret = dir->ops->mknod(dir, par.name, mode, dev, &o);
        if (ret == 0)
            inotify_create(dir, par.name, false);
    }
    vfs_parent_put(&par);
    return ret;
}

long sys_mknod(struct task *t, const struct sys_args *a)
{
    return do_mknod(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1], a->a[2]);
}

long sys_mknodat(struct task *t, const struct sys_args *a)
{
    return do_mknod(t, (int)a->a[0], a->a[1], (uint32_t)a->a[2], a->a[3]);
}

static long do_symlink(struct task *t, uint64_t target_addr, int dirfd, uint64_t addr)
{
    char target[PATH_MAX];
    struct vfs_parent par;
    struct inode *dir;
    struct vfs_owner o;
    long ret = sys_copy_in_path(t, target_addr, target, /*empty_ok=*/false);

    if (ret < 0)
        return ret;
    ret = parent_of(t, dirfd, addr, &par);
    if (ret < 0)
        return ret;
    dir = par.dir.d->inode;
    ret = create_checks(t, &par);
    if (ret == 0 && par.trailing_slash)
        ret = -ENOENT;
    if (ret == 0 && dir->ops->symlink == NULL)
        ret = -EPERM;
    if (ret == 0) {
        owner_for(t, dir, &o);
        ret = dir->ops->symlink(dir, par.name, target, &o);
        if (ret == 0)
            inotify_create(dir, par.name, false);
    }
    vfs_parent_put(&par);
    return ret;
}

long sys_symlink(struct task *t, const struct sys_args *a)
{
    return do_symlink(t, a->a[0], AT_FDCWD, a->a[1]);
}

long sys_symlinkat(struct task *t, const struct sys_args *a)
{
    return do_symlink(t, a->a[0], (int)a->a[1], a->a[2]);
}

static long do_unlink(struct task *t, int dirfd, uint64_t addr, bool is_rmdir)
{
    struct vfs_parent par;
    struct vfs_path child = { 0 };
    struct inode *dir, *victim;
    struct vfs_cred c;
    long ret = parent_of(t, dirfd, addr, &par);

    if (ret < 0)
        return ret;
    dir = par.dir.d->inode;
    switch (par.type) {
    case VFS_LAST_DOT:
        ret = is_rmdir ? -EINVAL : -EISDIR;
        goto out;
    case VFS_LAST_DOTDOT:
        ret = is_rmdir ? -ENOTEMPTY : -EISDIR;
        goto out;
    case VFS_LAST_ROOT:
        ret = is_rmdir ? -EBUSY : -EISDIR;
        goto out;
    case VFS_LAST_NORM:
        break;
    }
    vfs_task_cred(t, &c);
    ret = vfs_permission(&c, dir, VFS_MAY_EXEC);
    if (ret < 0)
        goto out;
    ret = vfs_lookup_child(&par.dir, par.name, &child);
    if (ret < 0)
        goto out;
    victim = child.d->inode;
    if (child.mnt != par.dir.mnt || child.d->mounts > 0) {
        ret = -EBUSY;
        goto out;
    }
    if (is_rmdir && !S_ISDIR(victim->st.st_mode)) {
        ret = -ENOTDIR;
        goto out;
    }
    if (!is_rmdir && S_ISDIR(victim->st.st_mode)) {
        ret = -EISDIR;
        goto out;
    }
    if (!is_rmdir && par.trailing_slash) {
        ret = -ENOTDIR;
        goto out;
    }
    ret = may_change_dir(t, &par.dir);
    if (ret == 0)
        ret = check_sticky(t, dir, victim);
    if (ret < 0)
        goto out;
    if ((is_rmdir ? dir->ops->rmdir : dir->ops->unlink) == NULL) {
        ret = -EPERM;
        goto out;
    }
    ret = is_rmdir ? dir->ops->rmdir(dir, par.name) : dir->ops->unlink(dir, par.name);
    if (ret == 0) {
        vfs_dentry_forget(par.dir.d, par.name);
        if (victim->ops->getattr != NULL && !is_rmdir) {
            struct stat st;

            victim->ops->getattr(victim, &st); /* nlink and ctime changed */
        }
        inotify_remove(dir, par.name, victim);
    }
out:
    vfs_path_put(&child);
    vfs_parent_put(&par);
    return ret;
}

long sys_unlink(struct task *t, const struct sys_args *a)
{
    return do_unlink(t, AT_FDCWD, a->a[0], /*is_rmdir=*/false);
}

long sys_rmdir(struct task *t, const struct sys_args *a)
{
    return do_unlink(t, AT_FDCWD, a->a[0], /*is_rmdir=*/true);
}

long sys_unlinkat(struct task *t, const struct sys_args *a)
{
    int flags = (int)a->a[2];

    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    return do_unlink(t, (int)a->a[0], a->a[1], (flags & AT_REMOVEDIR) != 0);
}

/* Whether dentry `d` is `anc` or below it. */
static bool is_below(const struct dentry *d, const struct dentry *anc)
{
    for (; d != NULL; d = d->parent) {
        if (d == anc)
            return true;
    }
    return false;
}

static long do_rename(struct task *t, int odirfd, uint64_t oaddr, int ndirfd, uint64_t naddr,
                      unsigned int flags)
{
    struct vfs_parent op, np;
    struct vfs_path oc = { 0 }, nc = { 0 };
    struct inode *odir, *ndir;
    struct vfs_cred c;
    long ret;

    if (flags & ~(unsigned int)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
        return -EINVAL;
    if (flags & RENAME_WHITEOUT)
        return -EINVAL;
    ret = parent_of(t, odirfd, oaddr, &op);
    if (ret < 0)
        return ret;
    ret = parent_of(t, ndirfd, naddr, &np);
    if (ret < 0) {
        vfs_parent_put(&op);
        return ret;
    }
    odir = op.dir.d->inode;
    ndir = np.dir.d->inode;
    if (op.type != VFS_LAST_NORM || np.type != VFS_LAST_NORM) {
        ret = -EBUSY;
        goto out;
    }
    if (op.dir.mnt != np.dir.mnt) {
        ret = -EXDEV;
        goto out;
    }
    vfs_task_cred(t, &c);
    ret = vfs_permission(&c, odir, VFS_MAY_EXEC);
    if (ret == 0)
        ret = vfs_permission(&c, ndir, VFS_MAY_EXEC);
    if (ret == 0)
        ret = vfs_lookup_child(&op.dir, op.name, &oc);
    if (ret < 0)
        goto out;
    ret = vfs_lookup_child(&np.dir, np.name, &nc);
    if (ret < 0 && ret != -ENOENT)
        goto out;
    if (ret == -ENOENT && (flags & RENAME_EXCHANGE))
        goto out;
    ret = 0;
    if (nc.d != NULL && (flags & RENAME_NOREPLACE)) {
        ret = -EEXIST;
        goto out;
    }
    if (oc.d->mounts > 0 || (nc.d != NULL && nc.d->mounts > 0) || oc.mnt != op.dir.mnt) {
        ret = -EBUSY;
        goto out;
    }
    if ((op.trailing_slash || np.trailing_slash) && !S_ISDIR(oc.d->inode->st.st_mode)) {
        ret = -ENOTDIR;
        goto out;
    }
    if (nc.d == oc.d || (nc.d != NULL && nc.d->inode == oc.d->inode))
        goto out; /* the same file: nothing to do, Linux returns 0 */
    if (S_ISDIR(oc.d->inode->st.st_mode) && is_below(np.dir.d, oc.d)) {
        ret = -EINVAL;
        goto out;
    }
    if (nc.d != NULL && is_below(op.dir.d, nc.d)) {
        ret = (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
        goto out;
    }
    if (nc.d != NULL && !(flags & RENAME_EXCHANGE)) {
        if (S_ISDIR(oc.d->inode->st.st_mode) && !S_ISDIR(nc.d->inode->st.st_mode)) {
            ret = -ENOTDIR;
            goto out;
        }
        if (!S_ISDIR(oc.d->inode->st.st_mode) && S_ISDIR(nc.d->inode->st.st_mode)) {
            ret = -EISDIR;
            goto out;
        }
    }
    ret = may_change_dir(t, &op.dir);
    if (ret == 0)
        ret = may_change_dir(t, &np.dir);
    if (ret == 0)
        ret = check_sticky(t, odir, oc.d->inode);
    if (ret == 0 && nc.d != NULL)
        ret = check_sticky(t, ndir, nc.d->inode);
    if (ret < 0)
        goto out;
    if (odir->ops->rename == NULL) {
        ret = -EPERM;
        goto out;
    }
    ret = odir->ops->rename(odir, op.name, ndir, np.name, flags);
    if (ret == 0) {
        inotify_move(odir, op.name, ndir, np.name, oc.d->inode);
        vfs_dentry_forget(op.dir.d, op.name);
        vfs_dentry_forget(np.dir.d, np.name);
    }
out:
    vfs_path_put(&oc);
    vfs_path_put(&nc);
    vfs_parent_put(&op);
    vfs_parent_put(&np);
    return ret;
}

long sys_rename(struct task *t, const struct sys_args *a)
{
    return do_rename(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_renameat(struct task *t, const struct sys_args *a)
{
    return do_rename(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], 0);
}

long sys_renameat2(struct task *t, const struct sys_args *a)
{
    return do_rename(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (unsigned int)a->a[4]);
}

static long do_link(struct task *t, int odirfd, uint64_t oaddr, int ndirfd, uint64_t naddr,
                    int flags)
{
    char path[PATH_MAX];
    struct vfs_path old = { 0 };
    struct vfs_parent np;
    struct inode *ndir;
    long ret;

    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    ret = sys_copy_in_path(t, oaddr, path, (flags & AT_EMPTY_PATH) != 0);
    if (ret < 0)
        return ret;
    ret = vfs_walk(t, odirfd, path,
                   ((flags & AT_SYMLINK_FOLLOW) ? VFS_WALK_FOLLOW : 0) | VFS_WALK_EMPTY_PATH, &old);
    if (ret < 0)
        return ret;
    ret = parent_of(t, ndirfd, naddr, &np);
    if (ret < 0) {
        vfs_path_put(&old);
        return ret;
    }
    ndir = np.dir.d->inode;
    ret = create_checks(t, &np);
    if (ret == 0 && np.dir.mnt != old.mnt)
        ret = -EXDEV;
    if (ret == 0 && S_ISDIR(old.d->inode->st.st_mode))
        ret = -EPERM;
    if (ret == 0 && np.trailing_slash)
        ret = -ENOENT;
    if (ret == 0 && ndir->ops->link == NULL)
        ret = -EPERM;
    if (ret == 0)
        ret = ndir->ops->link(ndir, np.name, old.d->inode);
    if (ret == 0)
        inotify_create(ndir, np.name, false);
    vfs_parent_put(&np);
    vfs_path_put(&old);
    return ret;
}

long sys_link(struct task *t, const struct sys_args *a)
{
    return do_link(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_linkat(struct task *t, const struct sys_args *a)
{
    return do_link(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (int)a->a[4]);
}

/* ---- cwd ---- */

static long set_cwd(struct task *t, struct vfs_path *p)
{
    struct vfs_cred c;
    long ret;

    if (!S_ISDIR(p->d->inode->st.st_mode))
        return -ENOTDIR;
    vfs_task_cred(t, &c);
    ret = vfs_permission(&c, p->d->inode, VFS_MAY_EXEC);
    if (ret < 0)
        return ret;
    vfs_path_put(&t->fs->cwd);
    vfs_path_copy(&t->fs->cwd, p);
    return 0;
}

long sys_chdir(struct task *t, const struct sys_args *a)
{
    char path[PATH_MAX];
    struct vfs_path p = { 0 };
    long ret = sys_copy_in_path(t, a->a[0], path, /*empty_ok=*/false);

    if (ret < 0)
        return ret;
    ret = vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW | VFS_WALK_DIRECTORY, &p);
    if (ret < 0)
        return ret;
    ret = set_cwd(t, &p);
    vfs_path_put(&p);
    return ret;
}

long sys_fchdir(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    struct vfs_path p;

    if (f == NULL)
        return -EBADF;
    if (f->dentry == NULL)
        return -ENOTDIR;
    p.mnt = f->mnt;
    p.d = f->dentry;
    return set_cwd(t, &p);
}

long sys_getcwd(struct task *t, const struct sys_args *a)
{
    char buf[PATH_MAX];
    long n, ret;

    if (t->fs == NULL) {
        n = 1;
        strcpy(buf, "/");
    } else {
        if (t->fs->cwd.d->dead)
            return -ENOENT;
        n = vfs_path_name(&t->fs->root, &t->fs->cwd, buf, sizeof(buf));
        if (n < 0)
            return n;
        /*
         * A cwd outside the root (chroot without chdir): Linux shows its path
         * from the namespace's root behind "(unreachable)", which glibc's
         * getcwd turns into ENOENT.
         */
        if (!vfs_path_is_reachable(&t->fs->cwd, &t->fs->root)) {
            static const char prefix[] = "(unreachable)";

            if ((size_t)n + sizeof(prefix) > sizeof(buf))
                return -ENAMETOOLONG;
            memmove(buf + sizeof(prefix) - 1, buf, (size_t)n + 1);
            memcpy(buf, prefix, sizeof(prefix) - 1);
            n += (long)sizeof(prefix) - 1;
        }
    }
    if (a->a[1] < (uint64_t)n + 1)
        return -ERANGE;
    ret = task_copy_out(t, a->a[0], buf, (size_t)n + 1);
    return ret < 0 ? ret : n + 1;
}

/* ---- attributes ---- */

static long walk_for_attr(struct task *t, int dirfd, uint64_t addr, bool follow, bool empty_ok,
                          struct vfs_path *p)
{
    char path[PATH_MAX];
    long ret = sys_copy_in_path(t, addr, path, empty_ok);

    if (ret < 0)
        return ret;
    return vfs_walk(t, dirfd, path, (follow ? VFS_WALK_FOLLOW : 0) | VFS_WALK_EMPTY_PATH, p);
}

static long file_path(struct task *t, int fd, struct vfs_path *p)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, fd);

    if (f == NULL)
        return -EBADF;
    if (f->dentry == NULL)
        return -EBADF;
    p->mnt = get_mount(f->mnt);
    p->d = get_dentry(f->dentry);
    return 0;
}

static long setattr_path(struct task *t, struct vfs_path *p, struct vfs_setattr *sa)
{
    struct inode *ino = p->d->inode;
    struct vfs_cred c;

    vfs_task_cred(t, &c);
    if (p->mnt->flags & VFS_MNT_RDONLY)
        return -EROFS;
    if (sa->mask & VFS_ATTR_MODE) {
        if (!vfs_is_owner(&c, ino))
            return -EPERM;
        /* Linux clears S_ISGID when the caller is not in the file's group (without CAP_FSETID). */
        if (c.fsgid != ino->st.st_gid && !c.cap_fsetid)
            sa->mode &= ~(uint32_t)S_ISGID;
    }
    if (sa->mask & (VFS_ATTR_UID | VFS_ATTR_GID)) {
        if ((sa->mask & VFS_ATTR_UID) && sa->uid != ino->st.st_uid && !c.cap_chown)
            return -EPERM;
        if ((sa->mask & VFS_ATTR_GID) && sa->gid != ino->st.st_gid && !c.cap_chown &&
            !(c.fsuid == ino->st.st_uid && sa->gid == c.fsgid))
            return -EPERM;
    }
    if (ino->ops->setattr == NULL)
        return -EPERM;
    {
        long ret = ino->ops->setattr(ino, sa);

        if (ret == 0)
            inotify_dentry(p->d, IN_ATTRIB);
        return ret;
    }
}

static long chmod_path(struct task *t, struct vfs_path *p, uint32_t mode)
{
    struct vfs_setattr sa = { .mask = VFS_ATTR_MODE, .mode = mode & 07777 };
    long ret = setattr_path(t, p, &sa);

    vfs_path_put(p);
    return ret;
}

long sys_chmod(struct task *t, const struct sys_args *a)
{
    struct vfs_path p = { 0 };
    long ret = walk_for_attr(t, AT_FDCWD, a->a[0], true, false, &p);

    return ret < 0 ? ret : chmod_path(t, &p, (uint32_t)a->a[1]);
}

long sys_fchmod(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    struct vfs_path p = { 0 };
    long ret;

    if (f == NULL || (f->flags & O_PATH)) /* O_PATH fds: EBADF, as Linux's fdget */
        return -EBADF;
    ret = file_path(t, (int)a->a[0], &p);

    return ret < 0 ? ret : chmod_path(t, &p, (uint32_t)a->a[1]);
}

long sys_fchmodat(struct task *t, const struct sys_args *a)
{
    struct vfs_path p = { 0 };
    long ret = walk_for_attr(t, (int)a->a[0], a->a[1], true, false, &p);

    return ret < 0 ? ret : chmod_path(t, &p, (uint32_t)a->a[2]);
}

static long chown_path(struct task *t, struct vfs_path *p, uint32_t uid, uint32_t gid)
{
    struct vfs_setattr sa = { 0 };
    long ret;

    if (uid != (uint32_t)-1) {
        sa.mask |= VFS_ATTR_UID;
        sa.uid = uid;
    }
    if (gid != (uint32_t)-1) {
        sa.mask |= VFS_ATTR_GID;
        sa.gid = gid;
    }
    /* chown clears the set-id bits of a regular file (not of directories). */
    if (sa.mask != 0 && S_ISREG(p->d->inode->st.st_mode) &&
        (p->d->inode->st.st_mode & (S_ISUID | S_ISGID))) {
        sa.mask |= VFS_ATTR_MODE;
        sa.mode = p->d->inode->st.st_mode & 07777 & ~(uint32_t)S_ISUID;
        if (p->d->inode->st.st_mode & S_IXGRP)
            sa.mode &= ~(uint32_t)S_ISGID;
    }
    ret = sa.mask != 0 ? setattr_path(t, p, &sa) : 0;
    vfs_path_put(p);
    return ret;
}

long sys_chown(struct task *t, const struct sys_args *a)
{
    struct vfs_path p = { 0 };
    long ret = walk_for_attr(t, AT_FDCWD, a->a[0], true, false, &p);

    return ret < 0 ? ret : chown_path(t, &p, (uint32_t)a->a[1], (uint32_t)a->a[2]);
}

long sys_lchown(struct task *t, const struct sys_args *a)
{
    struct vfs_path p = { 0 };
    long ret = walk_for_attr(t, AT_FDCWD, a->a[0], false, false, &p);

    return ret < 0 ? ret : chown_path(t, &p, (uint32_t)a->a[1], (uint32_t)a->a[2]);
}

long sys_fchown(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    struct vfs_path p = { 0 };
    long ret;

    if (f == NULL || (f->flags & O_PATH)) /* O_PATH fds: EBADF, as Linux's fdget */
        return -EBADF;
    ret = file_path(t, (int)a->a[0], &p);

    return ret < 0 ? ret : chown_path(t, &p, (uint32_t)a->a[1], (uint32_t)a->a[2]);
}

long sys_fchownat(struct task *t, const struct sys_args *a)
{
    int flags = (int)a->a[4];
    struct vfs_path p = { 0 };
    long ret;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    ret = walk_for_attr(t, (int)a->a[0], a->a[1], !(flags & AT_SYMLINK_NOFOLLOW),
                        (flags & AT_EMPTY_PATH) != 0, &p);
    return ret < 0 ? ret : chown_path(t, &p, (uint32_t)a->a[2], (uint32_t)a->a[3]);
}

long sys_utimensat(struct task *t, const struct sys_args *a)
{
    int dirfd = (int)a->a[0], flags = (int)a->a[3];
    struct timespec ts[2];
    struct vfs_setattr sa = { 0 };
    struct vfs_path p = { 0 };
    struct vfs_cred c;
    long ret;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if (a->a[2] != 0) {
        ret = task_copy_in(t, ts, a->a[2], sizeof(ts));
        if (ret < 0)
            return ret;
        for (int i = 0; i < 2; i++) {
            if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
                (ts[i].tv_nsec < 0 || ts[i].tv_nsec > 999999999))
                return -EINVAL;
        }
    } else {
        ts[0].tv_nsec = UTIME_NOW;
        ts[1].tv_nsec = UTIME_NOW;
    }
    if (a->a[1] == 0) {
        /* futimens: the fd itself (Linux's NULL-path extension). */
        if (dirfd == AT_FDCWD)
            return -EFAULT;
        ret = file_path(t, dirfd, &p);
    } else {
        ret = walk_for_attr(t, dirfd, a->a[1], !(flags & AT_SYMLINK_NOFOLLOW),
                            (flags & AT_EMPTY_PATH) != 0, &p);
    }
    if (ret < 0)
        return ret;
    if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT) {
        vfs_path_put(&p);
        return 0;
    }
    vfs_task_cred(t, &c);
    if (p.mnt->flags & VFS_MNT_RDONLY) {
        ret = -EROFS;
    } else if (!vfs_is_owner(&c, p.d->inode)) {
        /* Setting "now" needs write access; explicit times need ownership. */
        bool both_now = (ts[0].tv_nsec == UTIME_NOW || ts[0].tv_nsec == UTIME_OMIT) &&
                        (ts[1].tv_nsec == UTIME_NOW || ts[1].tv_nsec == UTIME_OMIT);

        ret = both_now ? vfs_permission(&c, p.d->inode, VFS_MAY_WRITE) : -EPERM;
    }
    if (ret == 0) {
        if (ts[0].tv_nsec == UTIME_NOW)
            sa.mask |= VFS_ATTR_ATIME_NOW;
        else if (ts[0].tv_nsec != UTIME_OMIT)
            sa.mask |= VFS_ATTR_ATIME;
        if (ts[1].tv_nsec == UTIME_NOW)
            sa.mask |= VFS_ATTR_MTIME_NOW;
        else if (ts[1].tv_nsec != UTIME_OMIT)
            sa.mask |= VFS_ATTR_MTIME;
        sa.atime = ts[0];
        sa.mtime = ts[1];
        ret = p.d->inode->ops->setattr != NULL ? p.d->inode->ops->setattr(p.d->inode, &sa) : -EPERM;
        if (ret == 0)
            inotify_dentry(p.d, IN_ATTRIB);
    }
    vfs_path_put(&p);
    return ret;
}

static long truncate_inode(struct inode *ino, int64_t len)
{
    struct vfs_setattr sa = { .mask = VFS_ATTR_SIZE, .size = len };

    if (ino->ops->setattr == NULL)
        return -EINVAL;
    return ino->ops->setattr(ino, &sa);
}

long sys_truncate(struct task *t, const struct sys_args *a)
{
    struct vfs_path p = { 0 };
    struct vfs_cred c;
    long ret;

    if ((int64_t)a->a[1] < 0)
        return -EINVAL;
    ret = walk_for_attr(t, AT_FDCWD, a->a[0], true, false, &p);
    if (ret < 0)
        return ret;
    vfs_task_cred(t, &c);
    if (S_ISDIR(p.d->inode->st.st_mode))
        ret = -EISDIR;
    else if (!S_ISREG(p.d->inode->st.st_mode))
        ret = -EINVAL;
    else if (p.mnt->flags & VFS_MNT_RDONLY)
        ret = -EROFS;
    else
        ret = vfs_permission(&c, p.d->inode, VFS_MAY_WRITE);
    if (ret == 0)
        ret = truncate_inode(p.d->inode, (int64_t)a->a[1]);
    if (ret == 0)
        inotify_dentry(p.d, IN_MODIFY);
    vfs_path_put(&p);
    return ret;
}

long sys_ftruncate(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    struct inode *ino;

    if (f == NULL || (f->flags & O_PATH)) /* O_PATH fds: EBADF, as Linux's fdget */
        return -EBADF;
    if ((int64_t)a->a[1] < 0)
        return -EINVAL;
    ino = file_inode(f);
    if (ino == NULL || !S_ISREG(ino->st.st_mode) || !file_is_writable(f))
        return -EINVAL;
    if (f->flags & O_APPEND)
        return -EPERM;
    return truncate_inode(ino, (int64_t)a->a[1]);
}

static long do_fsync(struct task *t, int fd, bool datasync)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, fd);

    if (f == NULL)
        return -EBADF;
    if (f->ops->fsync != NULL)
        return f->ops->fsync(f, datasync);
    return f->dentry != NULL ? 0 : -EINVAL;
}

long sys_fsync(struct task *t, const struct sys_args *a)
{
    return do_fsync(t, (int)a->a[0], /*datasync=*/false);
}

long sys_fdatasync(struct task *t, const struct sys_args *a)
{
    return do_fsync(t, (int)a->a[0], /*datasync=*/true);
}
