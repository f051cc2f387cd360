/* SPDX-License-Identifier: Apache-2.0 */
/* tmpfs: directories in sentry memory, regular files in memfds (mmap-able later), symlinks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "sentry/fs/pipe/pipe.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/vfs/vfs.h"

struct tmpfs_dirent {
    char *name;          /* owned */
    struct inode *inode; /* owned reference */
    uint64_t off;        /* readdir cookie, increasing in insertion order */
    struct tmpfs_dirent *next;
};

struct tmpfs_node {
    /* Directories */
    struct tmpfs_dirent *entries; /* insertion order */
    uint64_t next_off;
    uint64_t parent_ino;
    /* Regular files */
    int memfd; /* owned; -1 otherwise */
    /* Symlinks */
    char *target;
    /* FIFOs: the pipe every opener shares. */
    struct pipe *pipe;
};

static const struct inode_ops g_tmpfs_ops;

static struct tmpfs_node *node_of(struct inode *ino)
{
    return ino->priv;
}

static void now(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
}

static void touch_dir(struct inode *dir)
{
    now(&dir->st.st_mtim);
    dir->st.st_ctim = dir->st.st_mtim;
}

static struct inode *node_new(struct super_block *sb, uint32_t mode, const struct vfs_owner *o)
{
    struct tmpfs_node *n = calloc(1, sizeof(*n));
    struct inode *ino;

    if (n == NULL)
        return NULL;
    n->memfd = -1;
    n->next_off = 2;
    ino = inode_new(sb, &g_tmpfs_ops, n);
    if (ino == NULL) {
        free(n);
        return NULL;
    }
    ino->st.st_ino = sb->next_ino++;
    ino->st.st_mode = mode;
    ino->st.st_uid = o->uid;
    ino->st.st_gid = o->gid;
    ino->st.st_nlink = S_ISDIR(mode) ? 2 : 1;
    now(&ino->st.st_atim);
    ino->st.st_mtim = ino->st.st_atim;
    ino->st.st_ctim = ino->st.st_atim;
    if (S_ISREG(mode)) {
        n->memfd = memfd_create("tmpfs", MFD_CLOEXEC);
        if (n->memfd < 0) {
            put_inode(ino);
            return NULL;
        }
    }
    return ino;
}

static struct tmpfs_dirent *find(struct inode *dir, const char *name, struct tmpfs_dirent ***pp)
{
    struct tmpfs_dirent **p = &node_of(dir)->entries;

    for (; *p != NULL; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            if (pp != NULL)
                *pp = p;
            return *p;
        }
    }
    return NULL;
}

/* Adds `ino` (a new reference is taken) under `name`. */
static long add_entry(struct inode *dir, const char *name, struct inode *ino)
{
    struct tmpfs_node *dn = node_of(dir);
    struct tmpfs_dirent *e = calloc(1, sizeof(*e)), **tail;

    if (e == NULL || (e->name = strdup(name)) == NULL) {
        free(e);
        return -ENOMEM;
    }
    e->inode = get_inode(ino);
    e->off = dn->next_off++;
    for (tail = &dn->entries; *tail != NULL; tail = &(*tail)->next)
        ;
    *tail = e;
    if (S_ISDIR(ino->st.st_mode)) {
        dir->st.st_nlink++;
        node_of(ino)->parent_ino = dir->st.st_ino;
    }
    touch_dir(dir);
    return 0;
}

static void remove_entry(struct inode *dir, struct tmpfs_dirent **pp)
{
    struct tmpfs_dirent *e = *pp;

    *pp = e->next;
    if (S_ISDIR(e->inode->st.st_mode))
        dir->st.st_nlink--;
    touch_dir(dir);
    free(e->name);
    put_inode(e->inode);
    free(e);
}

static long tmpfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct tmpfs_dirent *e = find(dir, name, NULL);

    if (e == NULL)
        return -ENOENT;
    *out = get_inode(e->inode);
    return 0;
}

static long open_regular(struct inode *ino, unsigned int flags, struct file **out)
{
    struct vfs_fd_file *h = calloc(1, sizeof(*h));
    struct file *f;

    if (h == NULL)
        return -ENOMEM;
    h->fd = fcntl(node_of(ino)->memfd, F_DUPFD_CLOEXEC, 0);
    if (h->fd < 0) {
        free(h);
        return -EMFILE;
    }
    f = file_new(&g_vfs_fd_file_ops, flags, h);
    if (f == NULL) {
        close(h->fd);
        free(h);
        return -ENOMEM;
    }
    *out = f;
    return 0;
}

/* Creates `name` in `dir` with `mode`; the new inode is returned with a reference. */
static long make_node(struct inode *dir, const char *name, uint32_t mode, const struct vfs_owner *o,
                      struct inode **out)
{
    struct inode *ino;
    long ret;

    if (find(dir, name, NULL) != NULL)
        return -EEXIST;
    ino = node_new(dir->sb, mode, o);
    if (ino == NULL)
        return -ENOMEM;
    ret = add_entry(dir, name, ino);
    if (ret < 0) {
        put_inode(ino);
        return ret;
    }
    *out = ino;
    return 0;
}

static long tmpfs_create(struct inode *dir, const char *name, uint32_t mode,
                         const struct vfs_owner *o, unsigned int flags, struct inode **out,
                         struct file **fout)
{
    struct inode *ino = NULL;
    long ret = make_node(dir, name, mode, o, &ino);

    if (ret < 0)
        return ret;
    ret = open_regular(ino, flags, fout);
    if (ret < 0) {
        struct tmpfs_dirent **pp;

        if (find(dir, name, &pp) != NULL)
            remove_entry(dir, pp);
        put_inode(ino);
        return ret;
    }
    *out = ino;
    return 0;
}

static long tmpfs_mkdir(struct inode *dir, const char *name, uint32_t mode,
                        const struct vfs_owner *o)
{
    struct inode *ino = NULL;
    long ret = make_node(dir, name, S_IFDIR | (mode & 07777), o, &ino);

    put_inode(ino);
    return ret;
}

static long tmpfs_mknod(struct inode *dir, const char *name, uint32_t mode, uint64_t rdev,
                        const struct vfs_owner *o)
{
    struct inode *ino = NULL;
    long ret = make_node(dir, name, mode, o, &ino);

    if (ret == 0)
        ino->st.st_rdev = rdev;
    put_inode(ino);
    return ret;
}

static long tmpfs_symlink(struct inode *dir, const char *name, const char *target,
                          const struct vfs_owner *o)
{
    struct inode *ino = NULL;
    char *copy = strdup(target);
    long ret;

    if (copy == NULL)
        return -ENOMEM;
    ret = make_node(dir, name, S_IFLNK | 0777, o, &ino);
    if (ret < 0) {
        free(copy);
        return ret;
    }
    node_of(ino)->target = copy;
    ino->st.st_size = (off_t)strlen(copy);
    put_inode(ino);
    return 0;
}

static long tmpfs_link(struct inode *dir, const char *name, struct inode *target)
{
    long ret;

    if (target->sb != dir->sb)
        return -EXDEV;
    if (find(dir, name, NULL) != NULL)
        return -EEXIST;
    ret = add_entry(dir, name, target);
    if (ret == 0) {
        target->st.st_nlink++;
        now(&target->st.st_ctim);
    }
    return ret;
}

static long tmpfs_unlink(struct inode *dir, const char *name)
{
    struct tmpfs_dirent **pp = NULL;
    struct tmpfs_dirent *e = find(dir, name, &pp);

    if (e == NULL)
        return -ENOENT;
    if (S_ISDIR(e->inode->st.st_mode))
        return -EISDIR;
    e->inode->st.st_nlink--;
    now(&e->inode->st.st_ctim);
    remove_entry(dir, pp);
    return 0;
}

static long tmpfs_rmdir(struct inode *dir, const char *name)
{
    struct tmpfs_dirent **pp = NULL;
    struct tmpfs_dirent *e = find(dir, name, &pp);

    if (e == NULL)
        return -ENOENT;
    if (!S_ISDIR(e->inode->st.st_mode))
        return -ENOTDIR;
    if (node_of(e->inode)->entries != NULL)
        return -ENOTEMPTY;
    e->inode->st.st_nlink = 0;
    remove_entry(dir, pp);
    return 0;
}

static long tmpfs_rename(struct inode *odir, const char *oname, struct inode *ndir,
                         const char *nname, unsigned int flags)
{
    struct tmpfs_dirent **opp = NULL, **npp = NULL;
    struct tmpfs_dirent *oe = find(odir, oname, &opp);
    struct tmpfs_dirent *ne = find(ndir, nname, &npp);
    struct inode *ino;
    long ret;

    if (oe == NULL)
        return -ENOENT;
    if (oe == ne)
        return 0;
    if (flags & RENAME_EXCHANGE) {
        struct inode *tmp;

        if (ne == NULL)
            return -ENOENT;
        tmp = oe->inode;
        oe->inode = ne->inode;
        ne->inode = tmp;
        if (S_ISDIR(oe->inode->st.st_mode) != S_ISDIR(ne->inode->st.st_mode) && odir != ndir) {
            int d = S_ISDIR(ne->inode->st.st_mode) ? 1 : -1;

            ndir->st.st_nlink += d;
            odir->st.st_nlink -= d;
        }
        if (S_ISDIR(oe->inode->st.st_mode))
            node_of(oe->inode)->parent_ino = odir->st.st_ino;
        if (S_ISDIR(ne->inode->st.st_mode))
            node_of(ne->inode)->parent_ino = ndir->st.st_ino;
        touch_dir(odir);
        touch_dir(ndir);
        return 0;
    }
    if (ne != NULL) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        if (S_ISDIR(oe->inode->st.st_mode) && !S_ISDIR(ne->inode->st.st_mode))
            return -ENOTDIR;
        if (!S_ISDIR(oe->inode->st.st_mode) && S_ISDIR(ne->inode->st.st_mode))
            return -EISDIR;
        if (S_ISDIR(ne->inode->st.st_mode) && node_of(ne->inode)->entries != NULL)
            return -ENOTEMPTY;
    }
    ino = get_inode(oe->inode);
    remove_entry(odir, opp);
    if (ne != NULL) {
        find(ndir, nname, &npp);
        if (S_ISDIR(ne->inode->st.st_mode))
            ne->inode->st.st_nlink = 0;
        else
            ne->inode->st.st_nlink--;
        remove_entry(ndir, npp);
    }
    ret = add_entry(ndir, nname, ino);
    now(&ino->st.st_ctim);
    put_inode(ino);
    return ret;
}

static long tmpfs_readlink(struct inode *ino, char *buf, size_t size)
{
    const char *t = node_of(ino)->target;
    size_t len;

    if (t == NULL)
        return -EINVAL;
    len = strlen(t);
    if (len > size)
        len = size;
    memcpy(buf, t, len);
    return (long)len;
}

static long tmpfs_getattr(struct inode *ino, struct stat *st)
{
    struct tmpfs_node *n = node_of(ino);

    if (n->memfd >= 0) {
        struct stat h;

        if (fstat(n->memfd, &h) < 0)
            return -errno;
        ino->st.st_size = h.st_size;
        ino->st.st_blocks = h.st_blocks;
        ino->st.st_atim = h.st_atim;
        ino->st.st_mtim = h.st_mtim;
        if (h.st_ctim.tv_sec > ino->st.st_ctim.tv_sec ||
            (h.st_ctim.tv_sec == ino->st.st_ctim.tv_sec &&
             h.st_ctim.tv_nsec > ino->st.st_ctim.tv_nsec))
            ino->st.st_ctim = h.st_ctim;
    } else if (S_ISDIR(ino->st.st_mode)) {
        ino->st.st_size = 4096;
    }
    *st = ino->st;
    return 0;
}

static long tmpfs_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct tmpfs_node *n = node_of(ino);

    if (sa->mask & VFS_ATTR_SIZE) {
        if (n->memfd < 0)
            return S_ISDIR(ino->st.st_mode) ? -EISDIR : -EINVAL;
        if (ftruncate(n->memfd, sa->size) < 0)
            return -errno;
    }
    if (sa->mask & (VFS_ATTR_ATIME | VFS_ATTR_MTIME | VFS_ATTR_ATIME_NOW | VFS_ATTR_MTIME_NOW)) {
        struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };

        if (sa->mask & VFS_ATTR_ATIME_NOW)
            ts[0].tv_nsec = UTIME_NOW;
        else if (sa->mask & VFS_ATTR_ATIME)
            ts[0] = sa->atime;
        if (sa->mask & VFS_ATTR_MTIME_NOW)
            ts[1].tv_nsec = UTIME_NOW;
        else if (sa->mask & VFS_ATTR_MTIME)
            ts[1] = sa->mtime;
        if (n->memfd >= 0) {
            if (futimens(n->memfd, ts) < 0)
                return -errno;
        } else {
            struct timespec t;

            now(&t);
            if (ts[0].tv_nsec != UTIME_OMIT)
                ino->st.st_atim = ts[0].tv_nsec == UTIME_NOW ? t : ts[0];
            if (ts[1].tv_nsec != UTIME_OMIT)
                ino->st.st_mtim = ts[1].tv_nsec == UTIME_NOW ? t : ts[1];
        }
    }
    if (sa->mask & VFS_ATTR_MODE)
        ino->st.st_mode = (ino->st.st_mode & S_IFMT) | (sa->mode & 07777);
    if (sa->mask & VFS_ATTR_UID)
        ino->st.st_uid = sa->uid;
    if (sa->mask & VFS_ATTR_GID)
        ino->st.st_gid = sa->gid;
    now(&ino->st.st_ctim);
    return 0;
}

/* Directory files: ".", "..", then the entries in insertion order. */
static long dir_readdir(struct file *f, vfs_filldir_fn fill, void *ctx)
{
    struct inode *dir = file_inode(f);
    struct tmpfs_node *n = node_of(dir);

    if (f->pos == 0) {
        if (!fill(ctx, ".", 1, dir->st.st_ino, 1, DT_DIR))
            return 0;
        f->pos = 1;
    }
    if (f->pos == 1) {
        uint64_t pino = n->parent_ino != 0 ? n->parent_ino : dir->st.st_ino;

        if (!fill(ctx, "..", 2, pino, 2, DT_DIR))
            return 0;
        f->pos = 2;
    }
    for (struct tmpfs_dirent *e = n->entries; e != NULL; e = e->next) {
        if ((int64_t)e->off < f->pos)
            continue;
        if (!fill(ctx, e->name, strlen(e->name), e->inode->st.st_ino, (int64_t)e->off + 1,
                  IFTODT(e->inode->st.st_mode)))
            return 0;
        f->pos = (int64_t)e->off + 1;
    }
    return 0;
}

static long dir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence == SEEK_SET && off >= 0) {
        f->pos = off;
        return off;
    }
    if (whence == SEEK_CUR && f->pos + off >= 0) {
        f->pos += off;
        return f->pos;
    }
    return -EINVAL;
}

static long dir_fstat(struct file *f, struct stat *st)
{
    return vfs_inode_getattr(file_inode(f), st);
}

static const struct file_ops g_tmpfs_dir_file_ops = {
    .name = "tmpfs-dir",
    .lseek = dir_lseek,
    .fstat = dir_fstat,
    .readdir = dir_readdir,
};

static long tmpfs_open(struct inode *ino, unsigned int flags, struct file **out)
{
    struct tmpfs_node *n = node_of(ino);

    if (S_ISREG(ino->st.st_mode))
        return open_regular(ino, flags, out);
    if (S_ISDIR(ino->st.st_mode)) {
        *out = file_new(&g_tmpfs_dir_file_ops, flags, NULL);
        return *out != NULL ? 0 : -ENOMEM;
    }
    if (S_ISFIFO(ino->st.st_mode)) {
        if (n->pipe == NULL && (n->pipe = pipe_new()) == NULL)
            return -ENOMEM;
        return pipe_fifo_open(n->pipe, flags, out);
    }
    return -ENXIO;
}

static long tmpfs_statfs(struct inode *ino, struct statfs *sf)
{
    (void)ino;
    memset(sf, 0, sizeof(*sf));
    sf->f_type = TMPFS_MAGIC;
    sf->f_bsize = 4096;
    sf->f_frsize = 4096;
    sf->f_namelen = 255;
    sf->f_blocks = 1 << 20;
    sf->f_bfree = 1 << 20;
    sf->f_bavail = 1 << 20;
    sf->f_files = 1 << 20;
    sf->f_ffree = 1 << 20;
    return 0;
}

static void tmpfs_release(struct inode *ino)
{
    struct tmpfs_node *n = node_of(ino);

    while (n->entries != NULL) {
        struct tmpfs_dirent *e = n->entries;

        n->entries = e->next;
        free(e->name);
        put_inode(e->inode);
        free(e);
    }
    if (n->memfd >= 0)
        close(n->memfd);
    if (n->pipe != NULL)
        put_pipe(n->pipe);
    free(n->target);
    free(n);
}

static const struct inode_ops g_tmpfs_ops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .mkdir = tmpfs_mkdir,
    .mknod = tmpfs_mknod,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .readlink = tmpfs_readlink,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .open = tmpfs_open,
    .statfs = tmpfs_statfs,
    .release = tmpfs_release,
};

struct super_block *tmpfs_new(uint32_t mode, uint32_t uid, uint32_t gid)
{
    struct super_block *sb = super_block_new("tmpfs");
    struct vfs_owner o = { .uid = uid, .gid = gid };

    if (sb == NULL)
        return NULL;
    sb->root = node_new(sb, S_IFDIR | (mode & 07777), &o);
    if (sb->root == NULL) {
        put_super_block(sb);
        return NULL;
    }
    return sb;
}
