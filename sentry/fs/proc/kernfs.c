/* SPDX-License-Identifier: Apache-2.0 */
/* kernfs: inodes made on lookup from entry tables; file contents synthesized at open. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sentry/fs/proc/kernfs.h"

struct kfs_node {
    const struct kfs_entry *e; /* Not owned (static tables). */
    struct kfs_ctx c;
};

struct kfs_sb {
    uint64_t magic;
};

/* A regular file's snapshot, taken at open. */
struct kfs_buf {
    char *data; /* owned */
    size_t len;
};

struct kfs_dir_file {
    struct inode *ino; /* owned reference */
};

static const struct inode_ops g_kfs_inode_ops;

const struct kfs_ctx *kfs_inode_ctx(const struct inode *ino)
{
    return &((const struct kfs_node *)ino->priv)->c;
}

/* A stable inode number for (parent, name): an FNV-1a hash. */
static uint64_t ino_of(uint64_t parent, const char *name)
{
    uint64_t h = 1469598103934665603ULL ^ parent;

    for (const char *p = name; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    return (h & 0x7fffffffffffULL) | 2;
}

static struct inode *node_new(struct super_block *sb, uint64_t ino_nr, const struct kfs_entry *e,
                              const struct kfs_ctx *c)
{
    struct kfs_node *n = calloc(1, sizeof(*n));
    struct inode *ino;

    if (n == NULL)
        return NULL;
    n->e = e;
    n->c = *c;
    ino = inode_new(sb, &g_kfs_inode_ops, n);
    if (ino == NULL) {
        free(n);
        return NULL;
    }
    ino->st.st_ino = ino_nr;
    ino->st.st_mode = e->mode;
    ino->st.st_nlink = S_ISDIR(e->mode) ? 2 : 1;
    ino->st.st_rdev = e->rdev;
    ino->st.st_blksize = 4096;
    clock_gettime(CLOCK_REALTIME, &ino->st.st_mtim);
    ino->st.st_atim = ino->st.st_ctim = ino->st.st_mtim;
    return ino;
}

static long kfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct kfs_node *n = dir->priv;
    const struct kfs_entry *e = NULL;
    struct kfs_ctx c = n->c;

    for (const struct kfs_entry *it = n->e->children; it != NULL && it->name != NULL; it++) {
        if (strcmp(it->name, name) == 0) {
            e = it;
            break;
        }
    }
    if (e == NULL) {
        long ret;

        if (n->e->dyn == NULL || n->e->dyn->lookup == NULL)
            return -ENOENT;
        ret = n->e->dyn->lookup(&n->c, name, &e, &c);
        if (ret < 0)
            return ret;
    }
    *out = node_new(dir->sb, ino_of(dir->st.st_ino, name), e, &c);
    return *out == NULL ? -ENOMEM : 0;
}

static long kfs_readlink(struct inode *ino, char *buf, size_t size)
{
    struct kfs_node *n = ino->priv;
    char target[4096];
    size_t len;
    long ret;

    if (n->e->link == NULL)
        return -EINVAL;
    ret = n->e->link(&n->c, target, sizeof(target));
    if (ret < 0)
        return ret;
    len = strlen(target);
    if (len > size)
        len = size;
    memcpy(buf, target, len);
    return (long)len;
}

static long kfs_get_link_file(struct inode *ino, struct file **out)
{
    struct kfs_node *n = ino->priv;

    *out = NULL;
    if (n->e->link_file == NULL)
        return 0;
    return n->e->link_file(&n->c, out);
}

/* ---- regular files ---- */

static long buf_pread(struct file *f, void *out, size_t len, int64_t off)
{
    struct kfs_buf *b = f->priv;

    if (off < 0)
        return -EINVAL;
    if ((uint64_t)off >= b->len)
        return 0;
    if (len > b->len - (size_t)off)
        len = b->len - (size_t)off;
    memcpy(out, b->data + off, len);
    return (long)len;
}

static long buf_read(struct file *f, void *out, size_t len)
{
    long n = buf_pread(f, out, len, f->pos);

    if (n > 0)
        f->pos += n;
    return n;
}

static long buf_lseek(struct file *f, int64_t off, int whence)
{
    struct kfs_buf *b = f->priv;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : (int64_t)b->len;

    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return -EINVAL;
    if (base + off < 0)
        return -EINVAL;
    f->pos = base + off;
    return f->pos;
}

static long buf_write(struct file *f, const void *buf, size_t len)
{
    (void)f;
    (void)buf;
    (void)len;
    return -EIO;
}

static unsigned int buf_poll(struct file *f)
{
    (void)f;
    return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

static void buf_release(struct file *f)
{
    struct kfs_buf *b = f->priv;

    free(b->data);
    free(b);
}

static const struct file_ops g_kfs_buf_ops = {
    .name = "kernfs",
    .read = buf_read,
    .pread = buf_pread,
    .write = buf_write,
    .lseek = buf_lseek,
    .poll = buf_poll,
    .release = buf_release,
};

static unsigned int buf_poll_ro(struct file *f)
{
    (void)f;
    return POLLIN | POLLRDNORM;
}

/* kfs_snapshot_file_new's files: the same, with no write at all. */
static const struct file_ops g_kfs_ro_buf_ops = {
    .name = "snapshot",
    .read = buf_read,
    .pread = buf_pread,
    .lseek = buf_lseek,
    .poll = buf_poll_ro,
    .release = buf_release,
};

long kfs_snapshot_file_new(char *data, size_t len, unsigned int flags, struct file **out)
{
    struct kfs_buf *b = calloc(1, sizeof(*b));

    if (b == NULL) {
        free(data);
        return -ENOMEM;
    }
    b->data = data;
    b->len = len;
    *out = file_new(&g_kfs_ro_buf_ops, flags & ~(unsigned int)(O_CREAT | O_EXCL | O_TRUNC), b);
    if (*out == NULL) {
        free(data);
        free(b);
        return -ENOMEM;
    }
    return 0;
}

static long open_file(struct kfs_node *n, unsigned int flags, struct file **out)
{
    struct kfs_buf *b = calloc(1, sizeof(*b));
    FILE *fp;
    long ret;

    if (b == NULL)
        return -ENOMEM;
    /* Writing is not supported: /proc/sys refuses it at open, other files at write (EIO). */
    if ((flags & O_ACCMODE) != O_RDONLY && n->e->sysctl) {
        free(b);
        return -EACCES;
    }
    fp = open_memstream(&b->data, &b->len);
    if (fp == NULL) {
        free(b);
        return -ENOMEM;
    }
    ret = n->e->show(&n->c, fp);
    if (fclose(fp) != 0 && ret == 0)
        ret = -ENOMEM;
    if (ret < 0) {
        free(b->data);
        free(b);
        return ret;
    }
    *out = file_new(&g_kfs_buf_ops, flags & ~(unsigned int)(O_CREAT | O_EXCL | O_TRUNC), b);
    if (*out == NULL) {
        free(b->data);
        free(b);
        return -ENOMEM;
    }
    return 0;
}

/* ---- directories ---- */

struct fill_ctx {
    struct file *f;
    vfs_filldir_fn fill;
    void *arg;
    int64_t index; /* of the entry being emitted */
    uint64_t dir_ino;
    bool full;
};

static bool emit(void *arg, const char *name, unsigned int d_type)
{
    struct fill_ctx *fc = arg;
    int64_t idx = fc->index++;

    if (fc->full)
        return false;
    if (idx < fc->f->pos)
        return true;
    if (!fc->fill(fc->arg, name, strlen(name), ino_of(fc->dir_ino, name), idx + 1, d_type)) {
        fc->full = true;
        return false;
    }
    fc->f->pos = idx + 1;
    return true;
}

static unsigned int dtype_of(uint32_t mode)
{
    return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : S_ISCHR(mode) ? DT_CHR : DT_REG;
}

static long dir_readdir(struct file *f, vfs_filldir_fn fill, void *arg)
{
    struct kfs_dir_file *d = f->priv;
    struct kfs_node *n = d->ino->priv;
    struct fill_ctx fc = { .f = f, .fill = fill, .arg = arg, .dir_ino = d->ino->st.st_ino };

    if (!emit(&fc, ".", DT_DIR) || !emit(&fc, "..", DT_DIR))
        return 0;
    for (const struct kfs_entry *it = n->e->children; it != NULL && it->name != NULL; it++) {
        if (!emit(&fc, it->name, dtype_of(it->mode)))
            return 0;
    }
    if (n->e->dyn != NULL && n->e->dyn->list != NULL)
        return n->e->dyn->list(&n->c, emit, &fc);
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

static void dir_release(struct file *f)
{
    struct kfs_dir_file *d = f->priv;

    put_inode(d->ino);
    free(d);
}

static const struct file_ops g_kfs_dir_ops = {
    .name = "kernfs-dir",
    .lseek = dir_lseek,
    .readdir = dir_readdir,
    .release = dir_release,
};

static long kfs_open(struct inode *ino, unsigned int flags, struct file **out)
{
    struct kfs_node *n = ino->priv;

    if (S_ISDIR(n->e->mode)) {
        struct kfs_dir_file *d = calloc(1, sizeof(*d));

        if (d == NULL)
            return -ENOMEM;
        if ((flags & O_ACCMODE) != O_RDONLY) {
            free(d);
            return -EISDIR;
        }
        d->ino = get_inode(ino);
        *out = file_new(&g_kfs_dir_ops, flags & ~(unsigned int)(O_CREAT | O_EXCL), d);
        if (*out == NULL) {
            put_inode(ino);
            free(d);
            return -ENOMEM;
        }
        return 0;
    }
    if (S_ISCHR(n->e->mode)) {
        if (n->e->open != NULL)
            return n->e->open(n->e, flags, out);
        *out = file_new(n->e->fops, flags & ~(unsigned int)(O_CREAT | O_EXCL | O_TRUNC), NULL);
        return *out == NULL ? -ENOMEM : 0;
    }
    if (S_ISREG(n->e->mode) && n->e->show != NULL)
        return open_file(n, flags, out);
    return -ENXIO;
}

static long kfs_statfs(struct inode *ino, struct statfs *sf)
{
    struct kfs_sb *s = ino->sb->priv;

    memset(sf, 0, sizeof(*sf));
    sf->f_type = (typeof(sf->f_type))s->magic;
    sf->f_bsize = 4096;
    sf->f_namelen = 255;
    sf->f_frsize = 4096;
    return 0;
}

static void kfs_release(struct inode *ino)
{
    free(ino->priv);
}

static const struct inode_ops g_kfs_inode_ops = {
    .lookup = kfs_lookup,
    .readlink = kfs_readlink,
    .get_link_file = kfs_get_link_file,
    .open = kfs_open,
    .statfs = kfs_statfs,
    .release = kfs_release,
};

static void sb_release(struct super_block *sb)
{
    free(sb->priv);
}

struct super_block *kfs_new(const char *fs_name, uint64_t magic, const struct kfs_entry *root)
{
    struct super_block *sb = super_block_new(fs_name);
    struct kfs_sb *s = calloc(1, sizeof(*s));
    struct kfs_ctx c = { .pid = 0, .tid = 0, .fd = -1 };

    if (sb == NULL || s == NULL) {
        free(s);
        if (sb != NULL)
            put_super_block(sb);
        return NULL;
    }
    s->magic = magic;
    sb->priv = s;
    sb->release = sb_release;
    sb->root = node_new(sb, 1, root, &c);
    if (sb->root == NULL) {
        put_super_block(sb);
        return NULL;
    }
    return sb;
}
