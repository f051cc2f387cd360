/* SPDX-License-Identifier: Apache-2.0 */
/* Changing a mount namespace: bind mounts, unmounting, moving, pivot_root, copying a namespace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/vfs/vfs.h"
#include "sentry/vfs/vfs_internal.h"

/* A new mount of `sb` rooted at `root` (a dentry of sb), not yet in a namespace. */
static struct mount *mount_alloc(struct super_block *sb, struct dentry *root, unsigned int flags)
{
    struct mount *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    m->refs = 1;
    m->root = get_dentry(root);
    m->sb = get_super_block(sb);
    m->flags = flags;
    return m;
}

/* Hangs `m` (unattached) on (parent, mp) and links it into `ns`, which takes m's reference. */
static void attach(struct mount_ns *ns, struct mount *m, struct mount *parent, struct dentry *mp)
{
    m->parent = get_mount(parent);
    m->mountpoint = get_dentry(mp);
    mp->mounts++;
    m->next = ns->list;
    ns->list = m;
}

/* Takes `m` off its mount point (the caller still holds a reference to it). */
static void detach_from_parent(struct mount *m)
{
    if (m->mountpoint != NULL) {
        m->mountpoint->mounts--;
        put_dentry(m->mountpoint);
    }
    put_mount(m->parent);
    m->parent = NULL;
    m->mountpoint = NULL;
}

/* Removes `m` from the list of `ns` without dropping the list's reference. */
static bool unlink_from_ns(struct mount_ns *ns, struct mount *m)
{
    for (struct mount **pp = &ns->list; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == m) {
            *pp = m->next;
            m->next = NULL;
            return true;
        }
    }
    return false;
}

bool vfs_mount_is_attached(const struct mount_ns *ns, const struct mount *m)
{
    for (const struct mount *x = ns->list; x != NULL; x = x->next) {
        if (x == m)
            return true;
    }
    return false;
}

void vfs_path_follow_mounts(struct mount_ns *ns, struct vfs_path *p)
{
    struct mount *m;

    while ((m = vfs_mount_on(ns, p->mnt, p->d)) != NULL) {
        struct vfs_path next = { .mnt = m, .d = m->root };

        vfs_path_put(p);
        vfs_path_copy(p, &next);
    }
}

/* Whether dentry `d` is `top` or below it (in the same file system tree). */
static bool is_subdir(const struct dentry *d, const struct dentry *top)
{
    for (; d != NULL; d = d->parent) {
        if (d == top)
            return true;
    }
    return false;
}

bool vfs_path_is_reachable(const struct vfs_path *p, const struct vfs_path *from)
{
    const struct mount *m = p->mnt;
    const struct dentry *d = p->d;

    while (m != from->mnt) {
        if (m->parent == NULL)
            return false;
        d = m->mountpoint;
        m = m->parent;
    }
    return is_subdir(d, from->d);
}

/* Whether `m` is `anc` or below it in the mount tree. */
static bool is_mount_under(const struct mount *m, const struct mount *anc)
{
    for (; m != NULL; m = m->parent) {
        if (m == anc)
            return true;
    }
    return false;
}

/*
 * Copies the mounts of `ns` hanging below (src_mnt, src_root) onto `copy`,
 * recursively (MS_REC binds). The new mounts go into `ns`; `copy` and what
 * is below it (a bind onto itself or below its source) are not copied.
 */
static long copy_submounts(struct mount_ns *ns, struct mount *src_mnt, struct dentry *src_root,
                           struct mount *copy)
{
    /* Oldest first, so that stacked mounts keep their order (the list is newest first). */
    size_t n = 0, i;
    struct mount **kids;
    long ret = 0;

    for (struct mount *x = ns->list; x != NULL; x = x->next) {
        if (x->parent == src_mnt && is_subdir(x->mountpoint, src_root) && !is_mount_under(x, copy))
            n++;
    }
    if (n == 0)
        return 0;
    kids = calloc(n, sizeof(*kids));
    if (kids == NULL)
        return -ENOMEM;
    i = n;
    for (struct mount *x = ns->list; x != NULL; x = x->next) {
        if (x->parent == src_mnt && is_subdir(x->mountpoint, src_root) && !is_mount_under(x, copy))
            kids[--i] = get_mount(x);
    }
    for (i = 0; i < n; i++) {
        struct mount *k = kids[i];
        struct mount *nk = ret == 0 ? mount_alloc(k->sb, k->root, k->flags) : NULL;

        if (ret == 0 && nk == NULL)
            ret = -ENOMEM;
        if (nk != NULL) {
            attach(ns, nk, copy, k->mountpoint);
            ret = copy_submounts(ns, k, k->root, nk);
        }
        put_mount(k);
    }
    free(kids);
    return ret;
}

long vfs_mount_bind(struct mount_ns *ns, const struct vfs_path *at, const struct vfs_path *src,
                    unsigned int flags, bool recursive)
{
    struct mount *m;

    if (S_ISDIR(at->d->inode->st.st_mode) != S_ISDIR(src->d->inode->st.st_mode))
        return -ENOTDIR;
    if (!vfs_mount_is_attached(ns, src->mnt) || !vfs_mount_is_attached(ns, at->mnt))
        return -EINVAL;
    m = mount_alloc(src->mnt->sb, src->d, flags);
    if (m == NULL)
        return -ENOMEM;
    attach(ns, m, at->mnt, at->d);
    if (recursive)
        return copy_submounts(ns, src->mnt, src->d, m);
    return 0;
}

long vfs_mount_new_at(struct mount_ns *ns, const struct vfs_path *at, struct super_block *sb,
                      unsigned int flags)
{
    struct mount *m;

    if (S_ISDIR(at->d->inode->st.st_mode) != S_ISDIR(sb->root->st.st_mode))
        return -ENOTDIR;
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return -ENOMEM;
    m->root = dentry_new_root(sb->root);
    if (m->root == NULL) {
        free(m);
        return -ENOMEM;
    }
    m->refs = 1;
    m->sb = get_super_block(sb);
    m->flags = flags;
    attach(ns, m, at->mnt, at->d);
    return 0;
}

/* Whether any mount of `ns` sits on a dentry of `m`. */
static bool has_submounts(const struct mount_ns *ns, const struct mount *m)
{
    for (const struct mount *x = ns->list; x != NULL; x = x->next) {
        if (x->parent == m)
            return true;
    }
    return false;
}

bool vfs_mount_is_busy(const struct mount_ns *ns, const struct mount *m, int holders)
{
    /* The list's reference, the caller's holders; anything more is a user (cwd, open file). */
    return has_submounts(ns, m) || __atomic_load_n(&m->refs, __ATOMIC_ACQUIRE) > 1 + holders;
}

long vfs_umount(struct mount_ns *ns, struct mount *m, bool lazy, int holders)
{
    bool again = true;

    if (m == ns->root || !vfs_mount_is_attached(ns, m))
        return -EINVAL;
    if (!lazy && vfs_mount_is_busy(ns, m, holders))
        return -EBUSY;
    /* Everything below `m` goes with it (umount_tree). */
    while (again) {
        again = false;
        for (struct mount *x = ns->list; x != NULL; x = x->next) {
            if (is_mount_under(x, m)) {
                unlink_from_ns(ns, x);
                put_mount(x);
                again = true;
                break;
            }
        }
    }
    return 0;
}

long vfs_mount_move(struct mount_ns *ns, struct mount *m, const struct vfs_path *at)
{
    if (m == ns->root || !vfs_mount_is_attached(ns, m) || !vfs_mount_is_attached(ns, at->mnt))
        return -EINVAL;
    if (S_ISDIR(at->d->inode->st.st_mode) != S_ISDIR(m->root->inode->st.st_mode))
        return -ENOTDIR;
    /* Linux: moving a mount below itself is ELOOP. */
    if (is_mount_under(at->mnt, m))
        return -ELOOP;
    get_mount(m);
    detach_from_parent(m);
    m->parent = get_mount(at->mnt);
    m->mountpoint = get_dentry(at->d);
    at->d->mounts++;
    /* Newest first: it is now the top of whatever stack it joined. */
    unlink_from_ns(ns, m);
    m->next = ns->list;
    ns->list = m;
    put_mount(m);
    return 0;
}

long vfs_pivot_root(struct mount_ns *ns, const struct vfs_path *root,
                    const struct vfs_path *new_root, const struct vfs_path *put_old)
{
    struct mount *rm = root->mnt, *nm = new_root->mnt, *om = put_old->mnt;
    struct mount *root_parent;
    struct dentry *root_mp;

    if (!vfs_mount_is_attached(ns, rm) || !vfs_mount_is_attached(ns, nm) ||
        !vfs_mount_is_attached(ns, om))
        return -EINVAL;
    if (new_root->d->dead)
        return -ENOENT;
    if (nm == rm || om == rm)
        return -EBUSY;
    /*
     * The namespace's root mount stands on Linux's rootfs, which the sandbox
     * does not show: a parentless root mount counts as attached.
     */
    if (root->d != rm->root || new_root->d != nm->root || nm->parent == NULL)
        return -EINVAL;
    if (!vfs_path_is_reachable(put_old, new_root) || !vfs_path_is_reachable(new_root, root))
        return -EINVAL;
    get_mount(rm);
    get_mount(nm);
    /* The new root leaves its mount point; the old root takes its place's parent and mount point.
     */
    root_parent = rm->parent != NULL ? get_mount(rm->parent) : NULL;
    root_mp = rm->mountpoint != NULL ? get_dentry(rm->mountpoint) : NULL;
    detach_from_parent(nm);
    detach_from_parent(rm);
    rm->parent = get_mount(om);
    rm->mountpoint = get_dentry(put_old->d);
    put_old->d->mounts++;
    if (root_parent != NULL) {
        nm->parent = root_parent;
        nm->mountpoint = root_mp;
        root_mp->mounts++;
    }
    if (ns->root == rm)
        ns->root = nm;
    /* Newest first: the old root is now mounted on top of put_old. */
    unlink_from_ns(ns, rm);
    rm->next = ns->list;
    ns->list = rm;
    put_mount(rm);
    put_mount(nm);
    return 0;
}

/* The copy in `to` (index-aligned with `from`) of mount `m`, or NULL. */
static struct mount *mapped(struct mount **from, struct mount **to, size_t n, const struct mount *m)
{
    for (size_t i = 0; i < n; i++) {
        if (from[i] == m)
            return to[i];
    }
    return NULL;
}

/* Moves path `p` (a path of the old namespace) to the matching mount of the copy. */
static void remap_path(struct vfs_path *p, struct mount **from, struct mount **to, size_t n)
{
    struct mount *m = mapped(from, to, n, p->mnt);

    if (m != NULL) {
        put_mount(p->mnt);
        p->mnt = get_mount(m);
    }
}

long vfs_fs_unshare_ns(struct vfs_fs *fs)
{
    struct mount_ns *old = fs->ns, *ns;
    struct mount **from, **to;
    size_t n = 0, i = 0;
    long ret = 0;

    for (struct mount *m = old->list; m != NULL; m = m->next)
        n++;
    from = calloc(n + 1, sizeof(*from));
    to = calloc(n + 1, sizeof(*to));
    ns = calloc(1, sizeof(*ns));
    if (from == NULL || to == NULL || ns == NULL) {
        ret = -ENOMEM;
        goto out;
    }
    ns->refs = 1;
    ns->origin = old->origin != NULL ? old->origin : old;
    if (old->init_cwd != NULL && (ns->init_cwd = strdup(old->init_cwd)) == NULL) {
        ret = -ENOMEM;
        goto out;
    }
    for (struct mount *m = old->list; m != NULL; m = m->next, i++) {
        from[i] = m;
        to[i] = mount_alloc(m->sb, m->root, m->flags);
        if (to[i] == NULL) {
            ret = -ENOMEM;
            goto out;
        }
    }
    /* Same order as the original (newest first); parents once every copy exists. */
    for (i = n; i-- > 0;) {
        struct mount *m = from[i], *c = to[i];

        if (m->parent != NULL) {
            struct mount *p = mapped(from, to, n, m->parent);

            if (p != NULL) {
                c->parent = get_mount(p);
                c->mountpoint = get_dentry(m->mountpoint);
                m->mountpoint->mounts++;
            }
        }
        c->next = ns->list;
        ns->list = c;
    }
    ns->root = mapped(from, to, n, old->root);
    remap_path(&fs->root, from, to, n);
    remap_path(&fs->cwd, from, to, n);
    fs->ns = ns;
    ns = NULL;
    put_mount_ns(old);
out:
    if (ns != NULL) {
        /* Copies not yet in the list are freed one by one. */
        bool listed = ns->list != NULL;

        for (i = 0; !listed && to != NULL && i < n; i++)
            put_mount(to[i]);
        put_mount_ns(ns);
    }
    free(from);
    free(to);
    return ret;
}
