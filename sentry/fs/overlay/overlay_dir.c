/* SPDX-License-Identifier: Apache-2.0 */
/* overlay directories: listing a layer, the merged listing (whiteouts, opaque dirs) and readdir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/overlay/overlay_internal.h"

void ovl_dirents_free(struct ovl_dirents *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].name);
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}

const struct ovl_dirent *ovl_dirents_find(const struct ovl_dirents *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->v[i].name, name) == 0)
            return &d->v[i];
    }
    return NULL;
}

static long dirents_add(struct ovl_dirents *d, const char *name, size_t len, uint64_t ino,
                        unsigned int type)
{
    char *copy;

    if (d->n == d->cap) {
        size_t cap = d->cap != 0 ? d->cap * 2 : 16;
        struct ovl_dirent *v = realloc(d->v, cap * sizeof(*v));

        if (v == NULL)
            return -ENOMEM;
        d->v = v;
        d->cap = cap;
    }
    copy = strndup(name, len);
    if (copy == NULL)
        return -ENOMEM;
    d->v[d->n++] = (struct ovl_dirent){ .name = copy, .ino = ino, .type = type };
    return 0;
}

struct list_ctx {
    struct ovl_dirents *out;
    long err;
};

static bool list_fill(void *ctx, const char *name, size_t len, uint64_t ino, int64_t next_off,
                      unsigned int type)
{
    struct list_ctx *lc = ctx;

    (void)next_off;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return true;
    lc->err = dirents_add(lc->out, name, len, ino, type);
    return lc->err == 0;
}

long ovl_list_layer_dir(struct inode *dir, struct ovl_dirents *out)
{
    struct list_ctx lc = { .out = out };
    struct file *f = NULL;
    long ret;

    if (dir->ops->open == NULL)
        return -EACCES;
    ret = dir->ops->open(dir, O_RDONLY | O_DIRECTORY, &f);
    if (ret < 0)
        return ret;
    if (f->ops->readdir == NULL) {
        put_file(f);
        return -ENOTDIR;
    }
    /* Layer directory files find their inode through the dentry: give them a private one. */
    if (f->dentry == NULL && (f->dentry = dentry_new_root(dir)) == NULL) {
        put_file(f);
        return -ENOMEM;
    }
    for (;;) {
        int64_t pos = f->pos;

        ret = f->ops->readdir(f, list_fill, &lc);
        if (ret < 0 || lc.err < 0 || f->pos == pos)
            break;
    }
    put_file(f);
    if (ret == 0)
        ret = lc.err;
    if (ret < 0)
        ovl_dirents_free(out);
    return ret;
}

long ovl_list_merged(struct inode *dir, struct ovl_dirents *out)
{
    struct ovl_node *n = ovl_node_of(dir);
    struct ovl_sb *o = ovl_sb_of(dir);
    struct ovl_dirents up = { 0 }, low = { 0 };
    long ret = 0;

    if (n->upper != NULL && (ret = ovl_list_layer_dir(n->upper, &up)) < 0)
        return ret;
    if (n->lower != NULL && (ret = ovl_list_layer_dir(n->lower, &low)) < 0)
        goto out;
    for (size_t i = 0; i < up.n && ret == 0; i++) {
        const struct ovl_dirent *e = &up.v[i];
        const struct ovl_dirent *l = ovl_dirents_find(&low, e->name);
        struct ovl_uinfo *info = NULL;
        struct inode *uc = NULL;
        uint64_t ino = e->ino + OVL_UPPER_INO_BASE;

        /* The inode number stat shows: the copy-up origin's, a merged dir's lower one. */
        if (n->upper->ops->lookup(n->upper, e->name, &uc) == 0) {
            info = ovl_uinfo_find(o, uc);
            if (info != NULL && info->has_origin)
                ino = info->origin_ino;
            else if (l != NULL && e->type == DT_DIR && l->type == DT_DIR &&
                     (info == NULL || !info->opaque))
                ino = l->ino;
            put_inode(uc);
        }
        ret = dirents_add(out, e->name, strlen(e->name), ino, e->type);
    }
    for (size_t i = 0; i < low.n && ret == 0; i++) {
        const struct ovl_dirent *e = &low.v[i];

        if (ovl_dirents_find(&up, e->name) != NULL ||
            (n->upper != NULL && ovl_is_whiteout(o, n->upper, e->name)))
            continue;
        ret = dirents_add(out, e->name, strlen(e->name), e->ino, e->type);
    }
out:
    ovl_dirents_free(&up);
    ovl_dirents_free(&low);
    if (ret < 0)
        ovl_dirents_free(out);
    return ret;
}

/* An open overlay directory: a snapshot of the merged listing taken at offset 0. */
struct ovl_dir_file {
    struct ovl_dirents ents;
    bool listed;
};

static long dir_readdir(struct file *f, vfs_filldir_fn fill, void *ctx)
{
    struct inode *dir = file_inode(f);
    struct ovl_dir_file *df = f->priv;

    if (f->pos == 0 || !df->listed) {
        ovl_dirents_free(&df->ents);
        df->listed = false;
        long ret = ovl_list_merged(dir, &df->ents);

        if (ret < 0)
            return ret;
        df->listed = true;
    }
    if (f->pos == 0) {
        if (!fill(ctx, ".", 1, dir->st.st_ino, 1, DT_DIR))
            return 0;
        f->pos = 1;
    }
    if (f->pos == 1) {
        struct dentry *p = f->dentry->parent != NULL ? f->dentry->parent : f->dentry;

        if (!fill(ctx, "..", 2, p->inode->st.st_ino, 2, DT_DIR))
            return 0;
        f->pos = 2;
    }
    while (f->pos >= 2 && (size_t)(f->pos - 2) < df->ents.n) {
        const struct ovl_dirent *e = &df->ents.v[f->pos - 2];

        if (!fill(ctx, e->name, strlen(e->name), e->ino, f->pos + 1, e->type))
            return 0;
        f->pos++;
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

static void dir_release(struct file *f)
{
    struct ovl_dir_file *df = f->priv;

    ovl_dirents_free(&df->ents);
    free(df);
}

static const struct file_ops g_ovl_dir_file_ops = {
    .name = "overlay-dir",
    .lseek = dir_lseek,
    .fstat = dir_fstat,
    .readdir = dir_readdir,
    .release = dir_release,
};

long ovl_dir_open(struct inode *dir, unsigned int flags, struct file **out)
{
    struct ovl_dir_file *df = calloc(1, sizeof(*df));

    (void)dir;
    if (df == NULL)
        return -ENOMEM;
    *out = file_new(&g_ovl_dir_file_ops, flags, df);
    if (*out == NULL) {
        free(df);
        return -ENOMEM;
    }
    return 0;
}
