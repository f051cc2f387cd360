/* SPDX-License-Identifier: Apache-2.0 */
/* The path walk (one component at a time, symlinks, "..", mounts) and opening by path. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/anon/inotify.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"
#include "sentry/vfs/vfs_internal.h"

struct walker {
    struct vfs_fs *fs; /* Not owned. */
    struct vfs_cred cred;
    int nlinks;
    /* The walk may end at a magic link to a file without a path (vfs_open only). */
    bool want_file;
    /* owned: that file; the walk's path is then meaningless */
    struct file *file;
    /* openat2's RESOLVE_* flags; with RESOLVE_BENEATH or RESOLVE_IN_ROOT, `scope` (owned)
     * is the dirfd the walk may not leave (IN_ROOT: "/" and ".." stop there). */
    uint64_t resolve;
    struct vfs_path scope;
    struct mount *start_mnt; /* RESOLVE_NO_XDEV: the one mount the walk may use; Not owned */
};

static bool scoped(const struct walker *w)
{
    return (w->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) != 0;
}

/* The walk's "/": the task's root, or the dirfd of a scoped openat2. */
static const struct vfs_path *walk_root(const struct walker *w)
{
    return scoped(w) ? &w->scope : &w->fs->root;
}

/* RESOLVE_NO_XDEV: -EXDEV once the walk has left its starting mount. */
static long check_xdev(const struct walker *w, const struct vfs_path *cur)
{
    if ((w->resolve & RESOLVE_NO_XDEV) && w->start_mnt != NULL && cur->mnt != w->start_mnt)
        return -EXDEV;
    return 0;
}

static bool path_eq(const struct vfs_path *a, const struct vfs_path *b)
{
    return a->mnt == b->mnt && a->d == b->d;
}

/* Replaces `p` with the root of whatever is mounted on it, repeatedly. */
static void cross_mounts(struct mount_ns *ns, struct vfs_path *p)
{
    struct mount *m;

    while ((m = vfs_mount_on(ns, p->mnt, p->d)) != NULL) {
        struct vfs_path next = { .mnt = m, .d = m->root };

        vfs_path_put(p);
        vfs_path_copy(p, &next);
    }
}

/* "..": up one level, never above the task's root, across mounts. */
static long step_dotdot(struct walker *w, struct vfs_path *cur)
{
    for (;;) {
        if (scoped(w) && path_eq(cur, &w->scope)) /* RESOLVE_BENEATH may not leave it */
            return (w->resolve & RESOLVE_BENEATH) ? -EXDEV : 0;
        if (path_eq(cur, &w->fs->root))
            return 0;
        if (cur->d != cur->mnt->root) {
            struct dentry *parent = get_dentry(cur->d->parent);

            put_dentry(cur->d);
            cur->d = parent;
            break;
        }
        if (cur->mnt->parent == NULL)
            return 0;
        {
            struct vfs_path up = { .mnt = cur->mnt->parent, .d = cur->mnt->mountpoint };

            vfs_path_get(&up);
            vfs_path_put(cur);
            *cur = up;
        }
    }
    cross_mounts(w->fs->ns, cur);
    return 0;
}

static long lookup_in(struct mount_ns *ns, const struct vfs_path *dir, const char *name,
                      struct vfs_path *out)
{
    struct inode *dino = dir->d->inode;
    struct dentry *d = vfs_dentry_cached(dir->d, name);

    if (d == NULL) {
        struct inode *ino = NULL;
        long ret;

        if (!S_ISDIR(dino->st.st_mode) || dino->ops->lookup == NULL)
            return -ENOTDIR;
        if (dir->d->dead)
            return -ENOENT;
        ret = dino->ops->lookup(dino, name, &ino);
        if (ret < 0)
            return ret;
        d = vfs_dentry_add(dir->d, name, ino);
        put_inode(ino);
        if (d == NULL)
            return -ENOMEM;
    }
    out->mnt = get_mount(dir->mnt);
    out->d = d;
    if (ns != NULL)
        cross_mounts(ns, out);
    return 0;
}

long vfs_lookup_child(const struct vfs_path *dir, const char *name, struct vfs_path *out)
{
    return lookup_in(NULL, dir, name, out);
}

static long walk_components(struct walker *w, struct vfs_path *cur, const char *path,
                            bool follow_last, struct vfs_parent *parent);

/*
 * Follows the magic link `link` to the open file `f` (reference consumed):
 * `cur` jumps to the file's dentry, or, when the file has no path and the
 * link ends the walk, the walker keeps the file for vfs_open.
 */
static long follow_magic(struct walker *w, struct vfs_path *cur, struct file *f, bool is_last)
{
    if (f->dentry != NULL && f->mnt != NULL) {
        vfs_path_put(cur);
        cur->mnt = get_mount(f->mnt);
        cur->d = get_dentry(f->dentry);
        put_file(f);
        return 0;
    }
    if (!is_last || !w->want_file) {
        put_file(f);
        return is_last ? -ENOENT : -ENOTDIR;
    }
    put_file(w->file);
    w->file = f;
    return 0;
}

/* Follows the symlink `link` found in directory `cur`: `cur` becomes its target. */
static long follow_link(struct walker *w, struct vfs_path *cur, struct inode *link, bool is_last)
{
    cleanup_free char *target = NULL;
    long n;

    if (++w->nlinks > VFS_MAX_SYMLINKS || (w->resolve & RESOLVE_NO_SYMLINKS))
        return -ELOOP;
    if (link->ops->get_link_file != NULL) {
        struct file *f = NULL;

        n = link->ops->get_link_file(link, &f);
        if (n < 0)
            return n;
        if (f != NULL && (w->resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH |
                                        RESOLVE_IN_ROOT))) { /* as Linux's nd_jump_link */
            put_file(f);
            return (w->resolve & RESOLVE_NO_MAGICLINKS) ? -ELOOP : -EXDEV;
        }
        if (f != NULL) {
            n = follow_magic(w, cur, f, is_last);
            return n < 0 ? n : check_xdev(w, cur);
        }
    }
    if (link->ops->readlink == NULL)
        return -EINVAL;
    target = malloc(PATH_MAX);
    if (target == NULL)
        return -ENOMEM;
    n = link->ops->readlink(link, target, PATH_MAX - 1);
    if (n < 0)
        return n;
    target[n] = '\0';
    if (n == 0)
        return -ENOENT;
    return walk_components(w, cur, target, /*follow_last=*/true, NULL);
}

/*
 * Walks `path` from `cur` (which it replaces with the result). With
 * `parent`, stops before the last component and describes it there.
 */
static long walk_components(struct walker *w, struct vfs_path *cur, const char *path,
                            bool follow_last, struct vfs_parent *parent)
{
    const char *p = path;
    bool trailing = false;

    if (*p == '/') {
        if (w->resolve & RESOLVE_BENEATH)
            return -EXDEV;
        vfs_path_put(cur);
        vfs_path_copy(cur, walk_root(w));
        if (check_xdev(w, cur) < 0)
            return -EXDEV;
    }
    for (;;) {
        const char *q, *r;
        struct vfs_path next = { 0 };
        struct inode *dino = cur->d->inode;
        size_t len;
        bool is_last;
        char name[NAME_MAX + 1];
        long ret;

        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        for (q = p; *q != '\0' && *q != '/'; q++)
            ;
        for (r = q; *r == '/'; r++)
            ;
        len = (size_t)(q - p);
        is_last = *r == '\0';
        trailing = is_last && r > q;
        if (len > NAME_MAX)
            return -ENAMETOOLONG;
        memcpy(name, p, len);
        name[len] = '\0';
        p = r;
        if (!S_ISDIR(dino->st.st_mode))
            return -ENOTDIR;
        if (parent != NULL && is_last) {
            memcpy(parent->name, name, len + 1);
            parent->type = strcmp(name, ".") == 0    ? VFS_LAST_DOT
                           : strcmp(name, "..") == 0 ? VFS_LAST_DOTDOT
                                                     : VFS_LAST_NORM;
            parent->trailing_slash = trailing;
            return 0;
        }
        ret = vfs_permission(&w->cred, dino, VFS_MAY_EXEC);
        if (ret < 0)
            return ret;
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            ret = step_dotdot(w, cur);
            if (ret == 0)
                ret = check_xdev(w, cur);
            if (ret < 0)
                return ret;
            continue;
        }
        ret = lookup_in(w->fs->ns, cur, name, &next);
        if (ret < 0)
            return ret;
        ret = check_xdev(w, &next);
        if (ret < 0) {
            vfs_path_put(&next);
            return ret;
        }
        if (S_ISLNK(next.d->inode->st.st_mode) && (!is_last || follow_last || trailing)) {
            ret = follow_link(w, cur, next.d->inode, is_last);
            vfs_path_put(&next);
            if (ret < 0)
                return ret;
            if (w->file != NULL) {
                if (!is_last || trailing)
                    return -ENOTDIR;
                return 0;
            }
            continue;
        }
        vfs_path_put(cur);
        *cur = next;
    }
    if (parent != NULL) {
        /* Nothing but slashes (and dots handled above): the last component is the root. */
        parent->type = VFS_LAST_ROOT;
        parent->name[0] = '\0';
        parent->trailing_slash = false;
        return 0;
    }
    if (trailing && !S_ISDIR(cur->d->inode->st.st_mode))
        return -ENOTDIR;
    return 0;
}

/* Sets `start` to where a walk of `path` from `dirfd` begins. */
static long walk_start(struct task *t, int dirfd, const char *path, bool empty_ok,
                       struct vfs_path *start, bool scoped_start)
{
    struct file *f;

    if (t->fs == NULL)
        return -ENOENT;
    if (path[0] == '\0' && !empty_ok)
        return -ENOENT;
    if (path[0] == '/' && !scoped_start) {
        vfs_path_copy(start, &t->fs->root);
        return 0;
    }
    if (dirfd == AT_FDCWD) {
        vfs_path_copy(start, &t->fs->cwd);
        return 0;
    }
    f = fd_table_get(t->fdt, dirfd);
    if (f == NULL)
        return -EBADF;
    if (f->dentry == NULL || (path[0] != '\0' && !S_ISDIR(f->dentry->inode->st.st_mode))) {
        put_file(f);
        return -ENOTDIR;
    }
    start->mnt = get_mount(f->mnt);
    start->d = get_dentry(f->dentry);
    put_file(f);
    return 0;
}

/*
 * vfs_walk; with `file` non-NULL, a walk ending at a magic link to a file
 * without a path sets `*file` (owned) instead of `*out`.
 */
/*
 * Starts walker `w` (its `resolve` set) at `cur` for `path` from `dirfd`, or
 * from `from` when non-NULL (a dangling symlink's directory: never scoped).
 */
static long walker_start(struct task *t, struct walker *w, int dirfd, const struct vfs_path *from,
                         const char *path, bool empty_ok, struct vfs_path *cur)
{
    long ret = 0;

    if (from != NULL)
        vfs_path_copy(cur, from);
    else
        ret = walk_start(t, dirfd, path, empty_ok, cur, scoped(w));
    if (ret < 0)
        return ret;
    if (scoped(w))
        vfs_path_copy(&w->scope, cur);
    w->start_mnt = cur->mnt;
    vfs_task_cred(t, &w->cred);
    return 0;
}

static long walk_full(struct task *t, int dirfd, const struct vfs_path *from, const char *path,
                      unsigned int flags, uint64_t resolve, struct vfs_path *out,
                      struct file **file)
{
    struct walker w = { .fs = t->fs, .want_file = file != NULL, .resolve = resolve };
    struct vfs_path cur = { 0 };
    long ret;

    ret = walker_start(t, &w, dirfd, from, path, (flags & VFS_WALK_EMPTY_PATH) != 0, &cur);
    if (ret < 0)
        return ret;
    ret = walk_components(&w, &cur, path, (flags & VFS_WALK_FOLLOW) != 0, NULL);
    vfs_path_put(&w.scope);
    if (ret == 0 && w.file != NULL) {
        vfs_path_put(&cur);
        if (flags & VFS_WALK_DIRECTORY) {
            put_file(w.file);
            return -ENOTDIR;
        }
        *file = w.file;
        return 0;
    }
    put_file(w.file);
    if (ret == 0 && (flags & VFS_WALK_DIRECTORY) && !S_ISDIR(cur.d->inode->st.st_mode))
        ret = -ENOTDIR;
    if (ret < 0) {
        vfs_path_put(&cur);
        return ret;
    }
    *out = cur;
    return 0;
}

long vfs_walk(struct task *t, int dirfd, const char *path, unsigned int flags, struct vfs_path *out)
{
    return walk_full(t, dirfd, NULL, path, flags, 0, out, NULL);
}

static long walk_parent(struct task *t, int dirfd, const struct vfs_path *from, const char *path,
                        uint64_t resolve, struct vfs_parent *out)
{
    struct walker w = { .fs = t->fs, .resolve = resolve };
    long ret;

    memset(out, 0, sizeof(*out));
    ret = walker_start(t, &w, dirfd, from, path, /*empty_ok=*/false, &out->dir);
    if (ret < 0)
        return ret;
    ret = walk_components(&w, &out->dir, path, /*follow_last=*/false, out);
    /* A parent walk ending in ".." leaves the last step to its caller: check it here. */
    if (ret == 0 && out->type == VFS_LAST_DOTDOT && (resolve & RESOLVE_BENEATH) &&
        path_eq(&out->dir, &w.scope))
        ret = -EXDEV;
    vfs_path_put(&w.scope);
    if (ret < 0)
        vfs_path_put(&out->dir);
    return ret;
}

long vfs_walk_parent(struct task *t, int dirfd, const char *path, struct vfs_parent *out)
{
    return walk_parent(t, dirfd, NULL, path, 0, out);
}

void vfs_parent_put(struct vfs_parent *p)
{
    vfs_path_put(&p->dir);
}

long vfs_path_name(const struct vfs_path *root, const struct vfs_path *p, char *buf, size_t size)
{
    struct vfs_path cur = *p;
    size_t pos = size - 1;

    if (size < 2)
        return -ERANGE;
    buf[pos] = '\0';
    while (!path_eq(&cur, root)) {
        size_t len;

        if (cur.d == cur.mnt->root) {
            if (cur.mnt->parent == NULL)
                break; /* outside the root (a chroot escaped by fchdir): Linux shows the path */
            cur.d = cur.mnt->mountpoint;
            cur.mnt = cur.mnt->parent;
            continue;
        }
        len = strlen(cur.d->name);
        if (len + 1 > pos)
            return -ENAMETOOLONG;
        pos -= len;
        memcpy(buf + pos, cur.d->name, len);
        buf[--pos] = '/';
        cur.d = cur.d->parent;
    }
    if (pos == size - 1)
        buf[--pos] = '/';
    memmove(buf, buf + pos, size - pos);
    return (long)(size - 1 - pos);
}

long vfs_inode_getattr(struct inode *ino, struct stat *st)
{
    long ret = 0;

    if (ino->ops->getattr != NULL)
        ret = ino->ops->getattr(ino, st);
    else
        *st = ino->st;
    if (ret == 0)
        st->st_dev = ino->sb->dev;
    return ret;
}

long vfs_getattr(const struct vfs_path *p, struct stat *st)
{
    return vfs_inode_getattr(p->d->inode, st);
}

/* Checks may_open: the file type against the flags, permissions, read-only mounts. */
static long may_open(const struct vfs_cred *c, const struct vfs_path *p, unsigned int flags)
{
    struct inode *ino = p->d->inode;
    int acc = 0;

    if (flags & O_PATH)
        return 0;
    /* Access mode 3 (ioctl-only use) needs both permissions, as Linux's ACC_MODE. */
    if ((flags & O_ACCMODE) != O_WRONLY)
        acc |= VFS_MAY_READ;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
        acc |= VFS_MAY_WRITE;
    if (S_ISLNK(ino->st.st_mode))
        return -ELOOP;
    if (S_ISDIR(ino->st.st_mode) && (acc & VFS_MAY_WRITE))
        return -EISDIR;
    if ((flags & O_DIRECTORY) && !S_ISDIR(ino->st.st_mode))
        return -ENOTDIR;
    if ((S_ISCHR(ino->st.st_mode) || S_ISBLK(ino->st.st_mode)) && (p->mnt->flags & VFS_MNT_NODEV))
        return -EACCES;
    if ((acc & VFS_MAY_WRITE) && S_ISREG(ino->st.st_mode) && (p->mnt->flags & VFS_MNT_RDONLY))
        return -EROFS;
    return vfs_permission(c, ino, acc);
}

/* An O_PATH file: the path only. */
static long path_file_fstat(struct file *f, struct stat *st)
{
    return vfs_inode_getattr(f->dentry->inode, st);
}

static const struct file_ops g_path_file_ops = {
    .name = "path",
    .fstat = path_file_fstat,
};

long vfs_open_path(const struct vfs_path *p, unsigned int flags, struct file **out)
{
    struct inode *ino = p->d->inode;
    struct file *f = NULL;
    long ret;

    if (flags & O_PATH) {
        f = file_new(&g_path_file_ops, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW), NULL);
        if (f == NULL)
            return -ENOMEM;
    } else {
        /* Access mode 3 allows neither read nor write: the fs opens it read-only. */
        bool no_access = (flags & O_ACCMODE) == O_ACCMODE;

        if (ino->ops->open == NULL)
            return S_ISDIR(ino->st.st_mode) ? -EACCES : -ENXIO;
        ret = ino->ops->open(ino, no_access ? (flags & ~(unsigned int)O_ACCMODE) : flags, &f);
        if (ret < 0)
            return ret;
        if (no_access)
            f->flags |= O_ACCMODE;
    }
    if (f->dentry == NULL) {
        f->mnt = get_mount(p->mnt);
        f->dentry = get_dentry(p->d);
    }
    *out = f;
    return 0;
}

static long truncate_on_open(struct inode *ino)
{
    struct vfs_setattr sa = { .mask = VFS_ATTR_SIZE, .size = 0 };

    if (!S_ISREG(ino->st.st_mode))
        return 0;
    if (ino->ops->setattr == NULL)
        return -EPERM;
    return ino->ops->setattr(ino, &sa);
}

/*
 * Opens the file a magic link stood for when it has no path (Linux reopens
 * the object's inode): a pipe gets a new end as a FIFO open would; other
 * pathless files (sockets, anon inodes, the host's stdio) cannot be opened.
 */
static long reopen_pathless(struct file *target, unsigned int flags, struct file **out)
{
    if (flags & O_DIRECTORY)
        return -ENOTDIR;
    if (flags & O_PATH)
        return -ENXIO;
    /*
     * A pipe end's priv is its pipe (sentry/fs/pipe/pipe.c). Unlike a FIFO,
     * Linux never waits for the other end of an anonymous pipe: open without
     * blocking (vfs_open sets the real status flags afterwards). Deviation: a
     * write end whose pipe has no reader left is ENXIO here, not an open end.
     */
    if (pipe_is_pipe(target))
        return pipe_fifo_open(target->priv, flags | O_NONBLOCK, out);
    return -ENXIO;
}

/* Opens an existing file: walks `path` (`walk_flags`), checks and opens it. */
static long open_existing(struct task *t, const struct vfs_cred *c, int dirfd,
                          const struct vfs_path *from, const char *path, unsigned int flags,
                          unsigned int walk_flags, uint64_t resolve, struct file **out)
{
    struct vfs_path p = { 0 };
    struct file *target = NULL;
    long ret;

    ret = walk_full(t, dirfd, from, path, walk_flags, resolve, &p, &target);
    if (ret < 0)
        return ret;
    if (target != NULL) {
        ret = reopen_pathless(target, flags, out);
        put_file(target);
        return ret;
    }
    /* As Linux's do_open, before may_open: an existing directory under O_CREAT is EISDIR,
     * and O_DIRECTORY's ENOTDIR wins over the ELOOP of an unfollowed symlink. */
    if ((flags & O_CREAT) && !(flags & O_PATH) && S_ISDIR(p.d->inode->st.st_mode))
        ret = -EISDIR;
    else if ((flags & O_DIRECTORY) && !S_ISDIR(p.d->inode->st.st_mode))
        ret = -ENOTDIR;
    if (ret == 0)
        ret = may_open(c, &p, flags);
    if (ret == 0 && (flags & O_TRUNC) && !(flags & O_PATH))
        ret = truncate_on_open(p.d->inode);
    if (ret == 0)
        ret = vfs_open_path(&p, flags, out);
    vfs_path_put(&p);
    return ret;
}

/* O_CREAT: finds or creates the last component. */
static long open_create(struct task *t, const struct vfs_cred *c, int dirfd,
                        const struct vfs_path *from, const char *path, unsigned int flags,
                        uint32_t mode, uint64_t resolve, int depth, struct file **out)
{
    struct vfs_parent par;
    struct vfs_path child = { 0 };
    struct inode *dino, *ino = NULL;
    struct vfs_owner owner = { .uid = c->fsuid, .gid = c->fsgid };
    struct file *f = NULL;
    long ret;

    ret = walk_parent(t, dirfd, from, path, resolve, &par);
    if (ret < 0)
        return ret;
    dino = par.dir.d->inode;
    if (par.type != VFS_LAST_NORM || par.trailing_slash) {
        ret = -EISDIR;
        goto out;
    }
    ret = vfs_permission(c, dino, VFS_MAY_EXEC);
    if (ret < 0)
        goto out;
    ret = lookup_in(t->fs->ns, &par.dir, par.name, &child);
    if (ret == 0 && (resolve & RESOLVE_NO_XDEV) && child.mnt != par.dir.mnt) {
        vfs_path_put(&child);
        ret = -EXDEV;
        goto out;
    }
    if (ret == 0) {
        struct inode *link = S_ISLNK(child.d->inode->st.st_mode) ? get_inode(child.d->inode) : NULL;
        cleanup_free char *target = NULL;

        vfs_path_put(&child);
        if ((flags & O_EXCL) || (link != NULL && (flags & O_NOFOLLOW))) {
            put_inode(link);
            ret = (flags & O_EXCL) ? -EEXIST : -ELOOP;
            goto out;
        }
        /* Exists (possibly through a symlink): an ordinary open of the full path. */
        ret = open_existing(t, c, dirfd, from, path, flags, VFS_WALK_FOLLOW, resolve, out);
        /*
         * A dangling symlink: Linux creates its target, the link's text walked from
         * its directory (not in scoped openat2 walks: ENOENT stays).
         */
        if (ret == -ENOENT && link != NULL && link->ops->readlink != NULL &&
            !(resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) &&
            (target = malloc(PATH_MAX)) != NULL) {
            long n = link->ops->readlink(link, target, PATH_MAX - 1);

            if (n > 0) {
                target[n] = '\0';
                ret = depth >= VFS_MAX_SYMLINKS ? -ELOOP
                                                : open_create(t, c, dirfd, &par.dir, target, flags,
                                                              mode, resolve, depth + 1, out);
            }
        }
        put_inode(link);
        goto out;
    }
    if (ret != -ENOENT)
        goto out;
    if (par.dir.mnt->flags & VFS_MNT_RDONLY) {
        ret = -EROFS;
        goto out;
    }
    ret = vfs_permission(c, dino, VFS_MAY_WRITE | VFS_MAY_EXEC);
    if (ret < 0)
        goto out;
    if (dino->ops->create == NULL) {
        ret = -EACCES;
        goto out;
    }
    if (dino->st.st_mode & S_ISGID)
        owner.gid = dino->st.st_gid;
    mode = (mode & 07777 & ~t->tg->umask) | S_IFREG;
    ret = dino->ops->create(dino, par.name, mode, &owner, flags, &ino, &f);
    if (ret < 0)
        goto out;
    {
        struct dentry *d = vfs_dentry_add(par.dir.d, par.name, ino);

        put_inode(ino);
        if (d == NULL) {
            put_file(f);
            ret = -ENOMEM;
            goto out;
        }
        f->mnt = get_mount(par.dir.mnt);
        f->dentry = d;
        inotify_create(dino, par.name, false);
    }
    *out = f;
out:
    vfs_parent_put(&par);
    return ret;
}

long vfs_open(struct task *t, int dirfd, const char *path, unsigned int flags, uint32_t mode,
              struct file **out)
{
    return vfs_open_resolve(t, dirfd, path, flags, mode, 0, out);
}

long vfs_open_resolve(struct task *t, int dirfd, const char *path, unsigned int flags,
                      uint32_t mode, uint64_t resolve, struct file **out)
{
    struct vfs_cred c;
    struct file *f = NULL;
    long ret;

    vfs_task_cred(t, &c);
    if ((flags & O_CREAT) && !(flags & O_PATH)) {
        ret = open_create(t, &c, dirfd, NULL, path, flags, mode, resolve, 0, &f);
    } else {
        ret = open_existing(t, &c, dirfd, NULL, path, flags,
                            (flags & O_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW, resolve, &f);
    }
    if (ret < 0)
        return ret;
    if (!(flags & O_PATH))
        f->flags = (flags & ~(unsigned int)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) |
                   O_LARGEFILE;
    inotify_file(f, IN_OPEN);
    *out = f;
    return 0;
}

long vfs_open_exec(struct task *t, const char *path, struct file **out)
{
    struct vfs_cred c;
    struct vfs_path p = { 0 };
    struct inode *ino;
    long ret;

    vfs_task_cred(t, &c);
    ret = vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW, &p);
    if (ret < 0)
        return ret;
    ino = p.d->inode;
    if (!S_ISREG(ino->st.st_mode) || (p.mnt->flags & VFS_MNT_NOEXEC))
        ret = -EACCES;
    if (ret == 0)
        ret = vfs_permission(&c, ino, VFS_MAY_EXEC);
    if (ret == 0)
        ret = vfs_open_path(&p, O_RDONLY, out);
    vfs_path_put(&p);
    if (ret == 0 && vfs_file_host_fd(*out) < 0) {
        put_file(*out);
        ret = -EACCES;
    }
    return ret;
}
