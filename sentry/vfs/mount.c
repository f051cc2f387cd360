/* SPDX-License-Identifier: Apache-2.0 */
/* Mounts, mount namespaces, paths, and the per-task fs context (root and cwd). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/vfs/vfs.h"
#include "sentry/vfs/vfs_internal.h"

struct mount *get_mount(struct mount *m)
{
    __atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
    return m;
}

void put_mount(struct mount *m)
{
    if (m == NULL || __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    if (m->mountpoint != NULL)
        m->mountpoint->mounts--;
    put_dentry(m->mountpoint);
    put_dentry(m->root);
    put_mount(m->parent);
    put_super_block(m->sb);
    free(m);
}

static struct mount *mount_new(struct super_block *sb, unsigned int flags)
{
    struct mount *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    m->root = dentry_new_root(sb->root);
    if (m->root == NULL) {
        free(m);
        return NULL;
    }
    m->refs = 1;
    m->sb = get_super_block(sb);
    m->flags = flags;
    return m;
}

struct mount_ns *mount_ns_new(struct super_block *sb, unsigned int flags)
{
    struct mount_ns *ns = calloc(1, sizeof(*ns));

    if (ns == NULL)
        return NULL;
    ns->root = mount_new(sb, flags);
    if (ns->root == NULL) {
        free(ns);
        return NULL;
    }
    ns->refs = 1;
    ns->list = ns->root;
    return ns;
}

struct mount_ns *get_mount_ns(struct mount_ns *ns)
{
    __atomic_add_fetch(&ns->refs, 1, __ATOMIC_RELAXED);
    return ns;
}

void put_mount_ns(struct mount_ns *ns)
{
    if (ns == NULL || __atomic_sub_fetch(&ns->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (struct mount *m = ns->list, *next; m != NULL; m = next) {
        next = m->next;
        put_mount(m);
    }
    free(ns->init_cwd);
    free(ns);
}

long vfs_mount(struct mount_ns *ns, const struct vfs_path *at, struct super_block *sb,
               unsigned int flags)
{
    struct mount *m;

    if (!S_ISDIR(at->d->inode->st.st_mode))
        return -ENOTDIR;
    m = mount_new(sb, flags);
    if (m == NULL)
        return -ENOMEM;
    m->parent = get_mount(at->mnt);
    m->mountpoint = get_dentry(at->d);
    at->d->mounts++;
    /* Newest first, so that the first match of vfs_mount_on is the top of a stack. */
    m->next = ns->list;
    ns->list = m;
    return 0;
}

struct mount *vfs_mount_on(struct mount_ns *ns, const struct mount *mnt, const struct dentry *d)
{
    if (d->mounts == 0)
        return NULL;
    for (struct mount *m = ns->list; m != NULL; m = m->next) {
        if (m->parent == mnt && m->mountpoint == d)
            return m;
    }
    return NULL;
}

void vfs_path_get(struct vfs_path *p)
{
    get_mount(p->mnt);
    get_dentry(p->d);
}

void vfs_path_put(struct vfs_path *p)
{
    if (p->d != NULL)
        put_dentry(p->d);
    if (p->mnt != NULL)
        put_mount(p->mnt);
    p->d = NULL;
    p->mnt = NULL;
}

void vfs_path_copy(struct vfs_path *dst, const struct vfs_path *src)
{
    *dst = *src;
    vfs_path_get(dst);
}

struct vfs_fs *vfs_fs_new(struct mount_ns *ns)
{
    struct vfs_fs *fs = calloc(1, sizeof(*fs));
    struct vfs_path root;

    if (fs == NULL)
        return NULL;
    fs->refs = 1;
    fs->ns = get_mount_ns(ns);
    root.mnt = ns->root;
    root.d = ns->root->root;
    vfs_path_copy(&fs->root, &root);
    vfs_path_copy(&fs->cwd, &root);
    return fs;
}

struct vfs_fs *vfs_fs_copy(const struct vfs_fs *src)
{
    struct vfs_fs *fs = calloc(1, sizeof(*fs));

    if (fs == NULL)
        return NULL;
    fs->refs = 1;
    fs->ns = get_mount_ns(src->ns);
    vfs_path_copy(&fs->root, &src->root);
    vfs_path_copy(&fs->cwd, &src->cwd);
    return fs;
}

struct vfs_fs *get_vfs_fs(struct vfs_fs *fs)
{
    __atomic_add_fetch(&fs->refs, 1, __ATOMIC_RELAXED);
    return fs;
}

void put_vfs_fs(struct vfs_fs *fs)
{
    if (fs == NULL || __atomic_sub_fetch(&fs->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    vfs_path_put(&fs->root);
    vfs_path_put(&fs->cwd);
    put_mount_ns(fs->ns);
    free(fs);
}
