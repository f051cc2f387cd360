/* SPDX-License-Identifier: Apache-2.0 */
/* Inodes, super blocks and dentries: allocation, reference counting and the dentry cache. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "sentry/vfs/vfs.h"
#include "sentry/vfs/vfs_internal.h"

/* Anonymous device numbers, like Linux's unnamed block devices (major 0). */
static uint32_t g_next_minor = 16;

struct inode *inode_new(struct super_block *sb, const struct inode_ops *ops, void *priv)
{
    struct inode *ino = calloc(1, sizeof(*ino));

    if (ino == NULL)
        return NULL;
    ino->refs = 1;
    ino->ops = ops;
    ino->sb = sb;
    ino->priv = priv;
    ino->st.st_dev = sb != NULL ? sb->dev : 0;
    ino->st.st_nlink = 1;
    ino->st.st_blksize = 4096;
    return ino;
}

struct inode *get_inode(struct inode *ino)
{
    ino->refs++;
    return ino;
}

void put_inode(struct inode *ino)
{
    if (ino == NULL || --ino->refs > 0)
        return;
    if (ino->ops->release != NULL)
        ino->ops->release(ino);
    free(ino);
}

struct super_block *super_block_new(const char *fs_name)
{
    struct super_block *sb = calloc(1, sizeof(*sb));

    if (sb == NULL)
        return NULL;
    sb->refs = 1;
    sb->fs_name = fs_name;
    sb->dev = makedev(0, g_next_minor++);
    sb->next_ino = 1;
    return sb;
}

struct super_block *get_super_block(struct super_block *sb)
{
    sb->refs++;
    return sb;
}

void put_super_block(struct super_block *sb)
{
    if (sb == NULL || --sb->refs > 0)
        return;
    put_inode(sb->root);
    if (sb->release != NULL)
        sb->release(sb);
    free(sb);
}

struct dentry *dentry_new_root(struct inode *ino)
{
    struct dentry *d = calloc(1, sizeof(*d));

    if (d == NULL)
        return NULL;
    d->name = strdup("/");
    if (d->name == NULL) {
        free(d);
        return NULL;
    }
    d->refs = 1;
    d->inode = get_inode(ino);
    return d;
}

struct dentry *get_dentry(struct dentry *d)
{
    d->refs++;
    return d;
}

static void unlink_child(struct dentry *parent, struct dentry *d)
{
    for (struct dentry **pp = &parent->first_child; *pp != NULL; pp = &(*pp)->next_sibling) {
        if (*pp == d) {
            *pp = d->next_sibling;
            d->next_sibling = NULL;
            return;
        }
    }
}

void put_dentry(struct dentry *d)
{
    while (d != NULL && --d->refs == 0) {
        struct dentry *parent = d->parent;

        if (parent != NULL && !d->dead)
            unlink_child(parent, d);
        /* Children hold a reference on us, so there are none left here. */
        put_inode(d->inode);
        free(d->name);
        free(d);
        d = parent;
    }
}

struct dentry *vfs_dentry_cached(struct dentry *dir, const char *name)
{
    for (struct dentry *c = dir->first_child; c != NULL; c = c->next_sibling) {
        if (!c->dead && strcmp(c->name, name) == 0)
            return get_dentry(c);
    }
    return NULL;
}

struct dentry *vfs_dentry_add(struct dentry *dir, const char *name, struct inode *ino)
{
    struct dentry *d = calloc(1, sizeof(*d));

    if (d == NULL)
        return NULL;
    d->name = strdup(name);
    if (d->name == NULL) {
        free(d);
        return NULL;
    }
    d->refs = 1;
    d->inode = get_inode(ino);
    d->parent = get_dentry(dir);
    d->next_sibling = dir->first_child;
    dir->first_child = d;
    return d;
}

void vfs_dentry_forget(struct dentry *dir, const char *name)
{
    for (struct dentry *c = dir->first_child; c != NULL; c = c->next_sibling) {
        if (!c->dead && strcmp(c->name, name) == 0) {
            unlink_child(dir, c);
            c->dead = true;
            return;
        }
    }
}
