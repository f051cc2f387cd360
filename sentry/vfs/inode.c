/* SPDX-License-Identifier: Apache-2.0 */
/* Inodes, super blocks and dentries: allocation, reference counting and the dentry cache. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "sentry/vfs/vfs.h"
#include "sentry/vfs/vfs_internal.h"

/* Anonymous device numbers, like Linux's unnamed block devices (major 0). */
static uint32_t g_next_minor = 16;

/*
 * Protects every dentry's child list and the step of a dentry's count from
 * one to zero: tasks on different sentry threads walk paths at once, and a
 * lookup must never find a dentry that is being freed. Recursive because
 * releasing an inode may drop other dentries (overlay).
 */
static pthread_mutex_t g_dcache_mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

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
    __atomic_add_fetch(&ino->refs, 1, __ATOMIC_RELAXED);
    return ino;
}

void put_inode(struct inode *ino)
{
    if (ino == NULL || __atomic_sub_fetch(&ino->refs, 1, __ATOMIC_ACQ_REL) > 0)
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
    sb->dev = makedev(0, __atomic_fetch_add(&g_next_minor, 1, __ATOMIC_RELAXED));
    sb->next_ino = 1;
    return sb;
}

struct super_block *get_super_block(struct super_block *sb)
{
    __atomic_add_fetch(&sb->refs, 1, __ATOMIC_RELAXED);
    return sb;
}

void put_super_block(struct super_block *sb)
{
    if (sb == NULL || __atomic_sub_fetch(&sb->refs, 1, __ATOMIC_ACQ_REL) > 0)
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
    __atomic_add_fetch(&d->refs, 1, __ATOMIC_RELAXED);
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
    pthread_mutex_lock(&g_dcache_mu);
    while (d != NULL && __atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        struct dentry *parent = d->parent;

        if (parent != NULL && !d->dead)
            unlink_child(parent, d);
        /* Children hold a reference on us, so there are none left here. */
        put_inode(d->inode);
        free(d->name);
        free(d);
        d = parent;
    }
    pthread_mutex_unlock(&g_dcache_mu);
}

struct dentry *vfs_dentry_cached(struct dentry *dir, const char *name)
{
    struct dentry *found = NULL;

    pthread_mutex_lock(&g_dcache_mu);
    for (struct dentry *c = dir->first_child; c != NULL; c = c->next_sibling) {
        if (!c->dead && strcmp(c->name, name) == 0) {
            found = get_dentry(c);
            break;
        }
    }
    pthread_mutex_unlock(&g_dcache_mu);
    return found;
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
    pthread_mutex_lock(&g_dcache_mu);
    d->next_sibling = dir->first_child;
    dir->first_child = d;
    pthread_mutex_unlock(&g_dcache_mu);
    return d;
}

void vfs_dentry_forget(struct dentry *dir, const char *name)
{
    pthread_mutex_lock(&g_dcache_mu);
    for (struct dentry *c = dir->first_child; c != NULL; c = c->next_sibling) {
        if (!c->dead && strcmp(c->name, name) == 0) {
            unlink_child(dir, c);
            c->dead = true;
            break;
        }
    }
    pthread_mutex_unlock(&g_dcache_mu);
}
