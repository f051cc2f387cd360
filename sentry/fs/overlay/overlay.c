/* SPDX-License-Identifier: Apache-2.0 */
/* overlay: merged lookups, copy-up, whiteouts and the inode ops over a lower tree and a tmpfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/overlay/overlay.h"
#include "sentry/fs/overlay/overlay_internal.h"

#define OVERLAYFS_SUPER_MAGIC 0x794c7630

static const struct inode_ops g_ovl_ops;

/* ---- the upper-side tables ---- */

struct ovl_uinfo *ovl_uinfo_find(struct ovl_sb *o, const struct inode *upper)
{
    for (struct ovl_uinfo *i = o->infos; i != NULL; i = i->next) {
        if (i->upper == upper)
            return i;
    }
    return NULL;
}

static struct ovl_uinfo *uinfo_get(struct ovl_sb *o, struct inode *upper)
{
    struct ovl_uinfo *i = ovl_uinfo_find(o, upper);

    if (i != NULL)
        return i;
    i = calloc(1, sizeof(*i));
    if (i == NULL)
        return NULL;
    i->upper = get_inode(upper);
    i->next = o->infos;
    o->infos = i;
    return i;
}

static void uinfo_free(struct ovl_uinfo *i)
{
    for (size_t k = 0; k < i->nwhiteouts; k++)
        free(i->whiteouts[k]);
    free(i->whiteouts);
    put_inode(i->upper);
    free(i);
}

/* Forgets `upper` once its last link is gone. */
static void uinfo_drop_if_dead(struct ovl_sb *o, struct inode *upper)
{
    struct stat st;

    if (upper->ops->getattr != NULL && upper->ops->getattr(upper, &st) == 0 && st.st_nlink > 0 &&
        !(S_ISDIR(st.st_mode) && st.st_nlink < 2))
        return;
    for (struct ovl_uinfo **pp = &o->infos; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->upper == upper) {
            struct ovl_uinfo *i = *pp;

            *pp = i->next;
            uinfo_free(i);
            return;
        }
    }
}

static long whiteout_index(struct ovl_uinfo *i, const char *name)
{
    for (size_t k = 0; i != NULL && k < i->nwhiteouts; k++) {
        if (strcmp(i->whiteouts[k], name) == 0)
            return (long)k;
    }
    return -1;
}

bool ovl_is_whiteout(struct ovl_sb *o, const struct inode *udir, const char *name)
{
    return whiteout_index(ovl_uinfo_find(o, udir), name) >= 0;
}

static long whiteout_add(struct ovl_sb *o, struct inode *udir, const char *name)
{
    struct ovl_uinfo *i = uinfo_get(o, udir);
    char *copy;

    if (i == NULL)
        return -ENOMEM;
    if (whiteout_index(i, name) >= 0)
        return 0;
    if (i->nwhiteouts == i->cap) {
        size_t cap = i->cap != 0 ? i->cap * 2 : 8;
        char **v = realloc(i->whiteouts, cap * sizeof(*v));

        if (v == NULL)
            return -ENOMEM;
        i->whiteouts = v;
        i->cap = cap;
    }
    if ((copy = strdup(name)) == NULL)
        return -ENOMEM;
    i->whiteouts[i->nwhiteouts++] = copy;
    return 0;
}

static void whiteout_del(struct ovl_sb *o, struct inode *udir, const char *name)
{
    struct ovl_uinfo *i = ovl_uinfo_find(o, udir);
    long k = whiteout_index(i, name);

    if (k < 0)
        return;
    free(i->whiteouts[k]);
    i->whiteouts[k] = i->whiteouts[--i->nwhiteouts];
}

static bool is_opaque(struct ovl_sb *o, const struct inode *udir)
{
    struct ovl_uinfo *i = ovl_uinfo_find(o, udir);

    return i != NULL && i->opaque;
}

/* ---- nodes ---- */

uint64_t ovl_ino(struct ovl_sb *o, const struct inode *upper, const struct inode *lower)
{
    if (lower != NULL)
        return lower->st.st_ino;
    if (upper != NULL) {
        struct ovl_uinfo *i = ovl_uinfo_find(o, upper);

        if (i != NULL && i->has_origin)
            return i->origin_ino;
        return upper->st.st_ino + OVL_UPPER_INO_BASE;
    }
    return 0;
}

/* Copies the attributes of the layer that holds the file into ino->st (`fetch`: asks it first). */
static long refresh_from(struct inode *ino, bool fetch)
{
    struct ovl_node *n = ovl_node_of(ino);
    struct inode *real = n->upper != NULL ? n->upper : n->lower;
    struct stat st = real->st;
    long ret = fetch ? vfs_inode_getattr(real, &st) : 0;

    if (ret < 0)
        return ret;
    st.st_ino = ovl_ino(ovl_sb_of(ino), n->upper, n->lower);
    st.st_dev = ino->sb->dev;
    ino->st = st;
    return 0;
}

static long refresh(struct inode *ino)
{
    return refresh_from(ino, /*fetch=*/true);
}

/* Creates the overlay inode of (`upper`, `lower`) at `name` in `parent` (references taken). */
static long node_new(struct super_block *sb, struct inode *parent, const char *name,
                     struct inode *upper, struct inode *lower, struct inode **out)
{
    struct ovl_node *n = calloc(1, sizeof(*n));
    struct inode *ino;
    long ret;

    if (n == NULL || (n->name = strdup(name)) == NULL) {
        free(n);
        return -ENOMEM;
    }
    ino = inode_new(sb, &g_ovl_ops, n);
    if (ino == NULL) {
        free(n->name);
        free(n);
        return -ENOMEM;
    }
    n->upper = upper != NULL ? get_inode(upper) : NULL;
    n->lower = lower != NULL ? get_inode(lower) : NULL;
    n->parent = parent != NULL ? get_inode(parent) : NULL;
    /* The layers' inodes come fresh from their lookups: no second round trip to the gofer. */
    ret = refresh_from(ino, /*fetch=*/false);
    if (ret < 0) {
        put_inode(ino);
        return ret;
    }
    *out = ino;
    return 0;
}

/* Looks `name` up in a layer directory: 0 with a reference, -ENOENT, or another error. */
static long layer_lookup(struct inode *dir, const char *name, struct inode **out)
{
    if (dir == NULL || dir->ops->lookup == NULL)
        return -ENOENT;
    return dir->ops->lookup(dir, name, out);
}

/* Whether the lower directory of `dir` has `name` (what a removal must hide with a whiteout). */
static long lower_has(struct inode *dir, const char *name, bool *has)
{
    struct inode *lc = NULL;
    long ret = layer_lookup(ovl_node_of(dir)->lower, name, &lc);

    *has = ret == 0;
    put_inode(lc);
    return ret == -ENOENT ? 0 : ret;
}

/* Finds the two layers of `name` in overlay directory `dir`. */
static long find_layers(struct inode *dir, const char *name, struct inode **uc, struct inode **lc)
{
    struct ovl_node *dn = ovl_node_of(dir);
    struct ovl_sb *o = ovl_sb_of(dir);
    long ret;

    *uc = *lc = NULL;
    ret = layer_lookup(dn->upper, name, uc);
    if (ret < 0 && ret != -ENOENT)
        return ret;
    if (*uc == NULL) {
        if (dn->upper != NULL && ovl_is_whiteout(o, dn->upper, name))
            return -ENOENT;
        ret = layer_lookup(dn->lower, name, lc);
        return ret;
    }
    if (S_ISDIR((*uc)->st.st_mode)) {
        if (is_opaque(o, *uc))
            return 0;
        ret = layer_lookup(dn->lower, name, lc);
        if (ret < 0 && ret != -ENOENT) {
            put_inode(*uc);
            *uc = NULL;
            return ret;
        }
        if (*lc != NULL && !S_ISDIR((*lc)->st.st_mode)) {
            put_inode(*lc);
            *lc = NULL;
        }
        return 0;
    }
    /* An upper non-directory hides the lower; its inode number comes from its copy-up origin. */
    return 0;
}

static long ovl_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct inode *uc = NULL, *lc = NULL;
    long ret = find_layers(dir, name, &uc, &lc);

    if (ret == 0)
        ret = node_new(dir->sb, dir, name, uc, lc, out);
    put_inode(uc);
    put_inode(lc);
    return ret;
}

/* ---- copy-up ---- */

static long copy_data(struct inode *lower, struct file *dst)
{
    struct file *src = NULL;
    char *buf = NULL;
    int64_t off = 0;
    long ret;

    if (lower->ops->open == NULL)
        return -EACCES;
    ret = lower->ops->open(lower, O_RDONLY, &src);
    if (ret < 0)
        return ret;
    buf = malloc(65536);
    if (buf == NULL || src->ops->pread == NULL || dst->ops->pwrite == NULL) {
        ret = buf == NULL ? -ENOMEM : -EIO;
        goto out;
    }
    for (;;) {
        long n = src->ops->pread(src, buf, 65536, off);

        if (n <= 0) {
            ret = n;
            break;
        }
        for (long done = 0; done < n;) {
            long w = dst->ops->pwrite(dst, buf + done, (size_t)(n - done), off + done);

            if (w <= 0) {
                ret = w < 0 ? w : -EIO;
                goto out;
            }
            done += w;
        }
        off += n;
    }
out:
    free(buf);
    put_file(src);
    return ret;
}

/* ---- extended attributes ---- */

/* Linux's overlayfs keeps its own state in these; nothing above the overlay sees them. */
#define OVL_PRIVATE_XATTR "trusted.overlay."

static bool is_private_xattr(const char *name)
{
    return strncmp(name, OVL_PRIVATE_XATTR, sizeof(OVL_PRIVATE_XATTR) - 1) == 0;
}

/* Lists the names of layer inode `real` without the private ones into `buf` (65536 bytes). */
static long list_public(struct inode *real, char *buf)
{
    long n = real->ops->listxattr != NULL ? real->ops->listxattr(real, buf, OVL_XATTR_LIST_MAX) : 0;
    size_t in = 0, out = 0;

    if (n < 0)
        return n;
    while (in < (size_t)n) {
        size_t len = strnlen(buf + in, (size_t)n - in) + 1;

        if (!is_private_xattr(buf + in)) {
            memmove(buf + out, buf + in, len);
            out += len;
        }
        in += len;
    }
    return (long)out;
}

/* Copy-up: gives `upper` every public attribute of `lower`. */
static long copy_xattrs(struct inode *lower, struct inode *upper)
{
    char *names = malloc(OVL_XATTR_LIST_MAX), *val = malloc(OVL_XATTR_SIZE_MAX);
    long n, ret = 0;

    if (names == NULL || val == NULL) {
        ret = -ENOMEM;
        goto out;
    }
    n = list_public(lower, names);
    if (n < 0) {
        ret = n;
        goto out;
    }
    for (size_t off = 0; off < (size_t)n && ret == 0; off += strlen(names + off) + 1) {
        long len = lower->ops->getxattr(lower, names + off, val, OVL_XATTR_SIZE_MAX);

        if (len == -ENODATA)
            continue; /* removed since the listing */
        ret = len < 0 ? len
                      : (upper->ops->setxattr != NULL
                             ? upper->ops->setxattr(upper, names + off, val, (size_t)len, 0)
                             : -EOPNOTSUPP);
        /* As Linux: an attribute the upper layer cannot hold is not a reason to fail. */
        if (ret == -EOPNOTSUPP)
            ret = 0;
    }
out:
    free(names);
    free(val);
    return ret;
}

/* Creates the upper copy of `lower` at `name` in upper directory `udir`; returns it. */
static long copy_object(struct inode *udir, const char *name, struct inode *lower,
                        struct inode **out)
{
    const struct inode_ops *uops = udir->ops;
    struct vfs_owner owner = { .uid = lower->st.st_uid, .gid = lower->st.st_gid };
    uint32_t mode = lower->st.st_mode;
    long ret;

    if (S_ISREG(mode)) {
        struct file *f = NULL;

        ret = uops->create(udir, name, mode, &owner, O_RDWR, out, &f);
        if (ret < 0)
            return ret;
        ret = copy_data(lower, f);
        put_file(f);
    } else {
        if (S_ISDIR(mode)) {
            ret = uops->mkdir(udir, name, mode & 07777, &owner);
        } else if (S_ISLNK(mode)) {
            char target[4097];
            long len = lower->ops->readlink != NULL
                           ? lower->ops->readlink(lower, target, sizeof(target) - 1)
                           : -EINVAL;

            if (len < 0)
                return len;
            target[len] = '\0';
            ret = uops->symlink(udir, name, target, &owner);
        } else {
            ret = uops->mknod(udir, name, mode, lower->st.st_rdev, &owner);
        }
        if (ret < 0)
            return ret;
        ret = uops->lookup(udir, name, out);
        if (ret < 0)
            return ret;
    }
    if (ret == 0) {
        /* create/mkdir applied the mode; the owner of symlinks and the times follow. */
        struct vfs_setattr sa = {
            .mask = VFS_ATTR_MODE | VFS_ATTR_UID | VFS_ATTR_GID | VFS_ATTR_ATIME | VFS_ATTR_MTIME,
            .mode = mode & 07777,
            .uid = lower->st.st_uid,
            .gid = lower->st.st_gid,
            .atime = lower->st.st_atim,
            .mtime = lower->st.st_mtim,
        };

        if (S_ISLNK(mode))
            sa.mask &= ~VFS_ATTR_MODE;
        /*
         * tmpfs keeps a regular file's times in its memfd (futimens), which
         * the sandbox's seccomp filter does not allow yet: a copied-up file
         * gets the copy-up time as its mtime, as Linux's overlayfs would
         * not do. Every other kind keeps its times.
         */
        if (S_ISREG(mode))
            sa.mask &= ~(VFS_ATTR_ATIME | VFS_ATTR_MTIME);
        ret = copy_xattrs(lower, *out);
        if (ret == 0 && (*out)->ops->setattr != NULL)
            ret = (*out)->ops->setattr(*out, &sa);
    }
    if (ret < 0) {
        S_ISDIR(mode) ? uops->rmdir(udir, name) : uops->unlink(udir, name);
        put_inode(*out);
        *out = NULL;
    }
    return ret;
}

/* Makes sure `ino` (an overlay inode) has an upper copy, copying its parents up first. */
static long copy_up(struct inode *ino)
{
    struct ovl_node *n = ovl_node_of(ino);
    struct ovl_sb *o = ovl_sb_of(ino);
    struct inode *up = NULL, *udir;
    struct ovl_uinfo *info;
    long ret;

    if (n->upper != NULL)
        return 0;
    if (n->parent == NULL || n->lower == NULL)
        return -EIO;
    ret = copy_up(n->parent);
    if (ret < 0)
        return ret;
    /* A lower file removed since it was looked up (an open fd's) is not brought back. */
    udir = ovl_node_of(n->parent)->upper;
    if (ovl_is_whiteout(o, udir, n->name))
        return -ENOENT;
    if (layer_lookup(udir, n->name, &up) == 0) {
        put_inode(up);
        return -ENOENT;
    }
    up = NULL;
    ret = vfs_inode_getattr(n->lower, &(struct stat){ 0 });
    if (ret < 0)
        return ret;
    ret = copy_object(udir, n->name, n->lower, &up);
    if (ret < 0)
        return ret;
    info = uinfo_get(o, up);
    if (info == NULL) {
        put_inode(up);
        return -ENOMEM;
    }
    info->origin_ino = n->lower->st.st_ino;
    info->has_origin = true;
    n->upper = up;
    refresh(n->parent);
    return refresh(ino);
}

/* ---- inode ops ---- */

/* The upper directory of `dir` after copy-up, for making `name` in it. */
static long upper_dir_for_create(struct inode *dir, const char *name, struct inode **udir)
{
    long ret = copy_up(dir);

    if (ret < 0)
        return ret;
    *udir = ovl_node_of(dir)->upper;
    (void)name;
    return 0;
}

/* After `name` was made in upper directory `udir`: no longer hidden; directories opaque. */
static long made_in_upper(struct inode *dir, struct inode *udir, const char *name, struct inode *uc)
{
    struct ovl_sb *o = ovl_sb_of(dir);

    whiteout_del(o, udir, name);
    if (uc != NULL && S_ISDIR(uc->st.st_mode)) {
        struct ovl_uinfo *i = uinfo_get(o, uc);

        if (i == NULL)
            return -ENOMEM;
        i->opaque = true;
    }
    return refresh(dir);
}

static long ovl_create(struct inode *dir, const char *name, uint32_t mode,
                       const struct vfs_owner *owner, unsigned int flags, struct inode **out,
                       struct file **fout)
{
    struct inode *udir = NULL, *uc = NULL;
    long ret = upper_dir_for_create(dir, name, &udir);

    if (ret < 0)
        return ret;
    if (udir->ops->create == NULL)
        return -EPERM;
    ret = udir->ops->create(udir, name, mode, owner, flags, &uc, fout);
    if (ret < 0)
        return ret;
    made_in_upper(dir, udir, name, uc);
    ret = node_new(dir->sb, dir, name, uc, NULL, out);
    put_inode(uc);
    if (ret < 0) {
        put_file(*fout);
        *fout = NULL;
        udir->ops->unlink(udir, name);
    }
    return ret;
}

/* Runs one of the upper's make-a-name ops, then marks what it made. */
static long after_make(struct inode *dir, struct inode *udir, const char *name, long ret)
{
    struct inode *uc = NULL;

    if (ret < 0)
        return ret;
    if (udir->ops->lookup(udir, name, &uc) == 0) {
        ret = made_in_upper(dir, udir, name, uc);
        put_inode(uc);
    }
    return ret;
}

static long ovl_mkdir(struct inode *dir, const char *name, uint32_t mode,
                      const struct vfs_owner *owner)
{
    struct inode *udir = NULL;
    long ret = upper_dir_for_create(dir, name, &udir);

    if (ret < 0)
        return ret;
    return after_make(dir, udir, name, udir->ops->mkdir(udir, name, mode, owner));
}

static long ovl_mknod(struct inode *dir, const char *name, uint32_t mode, uint64_t rdev,
                      const struct vfs_owner *owner)
{
    struct inode *udir = NULL;
    long ret = upper_dir_for_create(dir, name, &udir);

    if (ret < 0)
        return ret;
    return after_make(dir, udir, name, udir->ops->mknod(udir, name, mode, rdev, owner));
}

static long ovl_symlink(struct inode *dir, const char *name, const char *target,
                        const struct vfs_owner *owner)
{
    struct inode *udir = NULL;
    long ret = upper_dir_for_create(dir, name, &udir);

    if (ret < 0)
        return ret;
    return after_make(dir, udir, name, udir->ops->symlink(udir, name, target, owner));
}

static long ovl_link(struct inode *dir, const char *name, struct inode *target)
{
    struct inode *udir = NULL;
    long ret;

    if (target->sb != dir->sb)
        return -EXDEV;
    ret = copy_up(target);
    if (ret == 0)
        ret = upper_dir_for_create(dir, name, &udir);
    if (ret < 0)
        return ret;
    ret = udir->ops->link(udir, name, ovl_node_of(target)->upper);
    if (ret == 0) {
        whiteout_del(ovl_sb_of(dir), udir, name);
        refresh(target);
        ret = refresh(dir);
    }
    return ret;
}

/* Removes `name` (known to exist) from the merged dir: the upper entry, then hides the lower. */
static long remove_name(struct inode *dir, const char *name, struct inode *uc, bool is_dir)
{
    struct ovl_sb *o = ovl_sb_of(dir);
    struct inode *udir;
    bool hide = false;
    long ret = lower_has(dir, name, &hide);

    if (ret < 0)
        return ret;
    ret = copy_up(dir);
    if (ret < 0)
        return ret;
    udir = ovl_node_of(dir)->upper;
    if (hide) {
        /* The whiteout first: a failure leaves the name visible, never half removed. */
        ret = whiteout_add(o, udir, name);
        if (ret < 0)
            return ret;
    }
    if (uc != NULL) {
        ret = is_dir ? udir->ops->rmdir(udir, name) : udir->ops->unlink(udir, name);
        if (ret < 0) {
            if (hide)
                whiteout_del(o, udir, name);
            return ret;
        }
        uinfo_drop_if_dead(o, uc);
    }
    return refresh(dir);
}

static long ovl_unlink(struct inode *dir, const char *name)
{
    struct inode *uc = NULL, *lc = NULL;
    long ret = find_layers(dir, name, &uc, &lc);

    if (ret < 0)
        return ret;
    if (S_ISDIR((uc != NULL ? uc : lc)->st.st_mode))
        ret = -EISDIR;
    else
        ret = remove_name(dir, name, uc, /*is_dir=*/false);
    put_inode(uc);
    put_inode(lc);
    return ret;
}

/* Whether the merged directory `ino` (an overlay inode) has no entries. */
static long merged_is_empty(struct inode *ino)
{
    struct ovl_dirents ents = { 0 };
    long ret = ovl_list_merged(ino, &ents);

    if (ret < 0)
        return ret;
    ret = ents.n == 0 ? 0 : -ENOTEMPTY;
    ovl_dirents_free(&ents);
    return ret;
}

/* Builds the overlay inode of `name` in `dir` (for emptiness checks of a child directory). */
static long child_node(struct inode *dir, const char *name, struct inode **out)
{
    return ovl_lookup(dir, name, out);
}

static long ovl_rmdir(struct inode *dir, const char *name)
{
    struct inode *child = NULL;
    struct ovl_node *cn;
    long ret = child_node(dir, name, &child);

    if (ret < 0)
        return ret;
    cn = ovl_node_of(child);
    if (!S_ISDIR(child->st.st_mode))
        ret = -ENOTDIR;
    else
        ret = merged_is_empty(child);
    if (ret == 0) {
        /* Whiteouts inside it are the overlay's, not tmpfs entries: drop them with it. */
        ret = remove_name(dir, name, cn->upper, /*is_dir=*/true);
    }
    put_inode(child);
    return ret;
}

static bool has_lower_dir(struct inode *ino)
{
    struct ovl_node *n = ovl_node_of(ino);

    return S_ISDIR(ino->st.st_mode) && n->lower != NULL;
}

static long ovl_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
                       unsigned int flags)
{
    struct ovl_sb *o = ovl_sb_of(odir);
    struct inode *src = NULL, *dst = NULL, *oudir, *nudir;
    bool hide_old = false;
    long ret = child_node(odir, oname, &src);

    if (ret < 0)
        return ret;
    ret = child_node(ndir, nname, &dst);
    if (ret == -ENOENT)
        ret = 0;
    if (ret < 0)
        goto out;
    if (dst != NULL && ovl_node_of(src)->upper != NULL &&
        ovl_node_of(src)->upper == ovl_node_of(dst)->upper)
        goto out; /* two links to one file: nothing to do */
    /* Without redirect_dir, a directory with a lower part cannot move (Linux: EXDEV). */
    if (has_lower_dir(src) || ((flags & RENAME_EXCHANGE) && dst != NULL && has_lower_dir(dst))) {
        ret = -EXDEV;
        goto out;
    }
    if (dst != NULL && !(flags & RENAME_EXCHANGE)) {
        if (flags & RENAME_NOREPLACE) {
            ret = -EEXIST;
            goto out;
        }
        if (S_ISDIR(src->st.st_mode) != S_ISDIR(dst->st.st_mode)) {
            ret = S_ISDIR(src->st.st_mode) ? -ENOTDIR : -EISDIR;
            goto out;
        }
        if (S_ISDIR(dst->st.st_mode) && (ret = merged_is_empty(dst)) < 0)
            goto out;
    }
    if ((flags & RENAME_EXCHANGE) && dst == NULL) {
        ret = -ENOENT;
        goto out;
    }
    ret = lower_has(odir, oname, &hide_old);
    if (ret == 0)
        ret = copy_up(src);
    if (ret == 0 && dst != NULL && (flags & RENAME_EXCHANGE))
        ret = copy_up(dst);
    if (ret == 0)
        ret = copy_up(ndir);
    if (ret < 0)
        goto out;
    oudir = ovl_node_of(odir)->upper;
    nudir = ovl_node_of(ndir)->upper;
    if (dst != NULL && !(flags & RENAME_EXCHANGE) && ovl_node_of(dst)->upper == NULL) {
        /* The target is lower only: the moved file hides it from now on. */
        ret = oudir->ops->rename(oudir, oname, nudir, nname, RENAME_NOREPLACE);
    } else {
        ret = oudir->ops->rename(oudir, oname, nudir, nname, flags);
    }
    if (ret < 0)
        goto out;
    whiteout_del(o, nudir, nname);
    if (dst != NULL && !(flags & RENAME_EXCHANGE) && ovl_node_of(dst)->upper != NULL)
        uinfo_drop_if_dead(o, ovl_node_of(dst)->upper);
    if (S_ISDIR(src->st.st_mode) && !(flags & RENAME_EXCHANGE)) {
        /* A moved upper directory must not show a lower directory at its new path. */
        struct ovl_uinfo *i = uinfo_get(o, ovl_node_of(src)->upper);

        if (i != NULL)
            i->opaque = true;
    }
    if (hide_old && !(flags & RENAME_EXCHANGE))
        ret = whiteout_add(o, oudir, oname);
    refresh(odir);
    refresh(ndir);
out:
    put_inode(src);
    put_inode(dst);
    return ret;
}

static long ovl_readlink(struct inode *ino, char *buf, size_t size)
{
    struct ovl_node *n = ovl_node_of(ino);
    struct inode *real = n->upper != NULL ? n->upper : n->lower;

    if (real->ops->readlink == NULL)
        return -EINVAL;
    return real->ops->readlink(real, buf, size);
}

static long ovl_getattr(struct inode *ino, struct stat *st)
{
    long ret = refresh(ino);

    if (ret == 0)
        *st = ino->st;
    return ret;
}

static long ovl_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct inode *up;
    long ret = copy_up(ino);

    if (ret < 0)
        return ret;
    up = ovl_node_of(ino)->upper;
    if (up->ops->setattr == NULL)
        return -EPERM;
    ret = up->ops->setattr(up, sa);
    if (ret == 0)
        ret = refresh(ino);
    return ret;
}

static long ovl_open(struct inode *ino, unsigned int flags, struct file **out)
{
    struct ovl_node *n = ovl_node_of(ino);
    struct inode *real;
    long ret;

    if (S_ISDIR(ino->st.st_mode))
        return ovl_dir_open(ino, flags, out);
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) {
        ret = copy_up(ino);
        if (ret < 0)
            return ret;
    }
    real = n->upper != NULL ? n->upper : n->lower;
    if (real->ops->open == NULL)
        return -ENXIO;
    /* The layer's own file: it finds the overlay inode through the dentry the VFS gives it. */
    return real->ops->open(real, flags, out);
}

static long ovl_statfs(struct inode *ino, struct statfs *sf)
{
    struct inode *uroot = ovl_sb_of(ino)->upper->root;
    long ret = uroot->ops->statfs != NULL ? uroot->ops->statfs(uroot, sf) : 0;

    if (ret == 0)
        sf->f_type = OVERLAYFS_SUPER_MAGIC;
    return ret;
}

static struct inode *real_of(struct inode *ino)
{
    struct ovl_node *n = ovl_node_of(ino);

    return n->upper != NULL ? n->upper : n->lower;
}

/* Linux's overlayfs answers EOPNOTSUPP for its private names (ovl_own_xattr_handler). */
static long ovl_getxattr(struct inode *ino, const char *name, void *buf, size_t size)
{
    struct inode *real = real_of(ino);

    if (is_private_xattr(name))
        return -EOPNOTSUPP;
    if (real->ops->getxattr == NULL)
        return -ENODATA;
    return real->ops->getxattr(real, name, buf, size);
}

static long ovl_listxattr(struct inode *ino, char *buf, size_t size)
{
    char *all = malloc(OVL_XATTR_LIST_MAX);
    long n;

    if (all == NULL)
        return -ENOMEM;
    n = list_public(real_of(ino), all);
    if (n > 0 && size != 0) {
        if ((size_t)n > size)
            n = -ERANGE;
        else
            memcpy(buf, all, (size_t)n);
    }
    free(all);
    return n;
}

/* setxattr, or removexattr when `remove`: on the upper copy, made first. */
static long change_xattr(struct inode *ino, const char *name, const void *value, size_t size,
                         int flags, bool remove)
{
    struct inode *up;
    long ret;

    if (is_private_xattr(name))
        return -EOPNOTSUPP;
    /* Removing a name the file does not have changes nothing: no copy-up (as ovl_xattr_set). */
    if (remove && ovl_node_of(ino)->upper == NULL) {
        ret = ovl_getxattr(ino, name, NULL, 0);
        if (ret < 0)
            return ret;
    }
    ret = copy_up(ino);
    if (ret < 0)
        return ret;
    up = ovl_node_of(ino)->upper;
    if (remove)
        ret = up->ops->removexattr != NULL ? up->ops->removexattr(up, name) : -ENODATA;
    else
        ret = up->ops->setxattr != NULL ? up->ops->setxattr(up, name, value, size, flags)
                                        : -EOPNOTSUPP;
    if (ret == 0)
        refresh(ino);
    return ret;
}

static long ovl_setxattr(struct inode *ino, const char *name, const void *value, size_t size,
                         int flags)
{
    return change_xattr(ino, name, value, size, flags, /*remove=*/false);
}

static long ovl_removexattr(struct inode *ino, const char *name)
{
    return change_xattr(ino, name, NULL, 0, 0, /*remove=*/true);
}

static void ovl_release(struct inode *ino)
{
    struct ovl_node *n = ovl_node_of(ino);

    put_inode(n->upper);
    put_inode(n->lower);
    put_inode(n->parent);
    free(n->name);
    free(n);
}

static const struct inode_ops g_ovl_ops = {
    .lookup = ovl_lookup,
    .create = ovl_create,
    .mkdir = ovl_mkdir,
    .mknod = ovl_mknod,
    .symlink = ovl_symlink,
    .link = ovl_link,
    .unlink = ovl_unlink,
    .rmdir = ovl_rmdir,
    .rename = ovl_rename,
    .readlink = ovl_readlink,
    .getattr = ovl_getattr,
    .setattr = ovl_setattr,
    .open = ovl_open,
    .statfs = ovl_statfs,
    .getxattr = ovl_getxattr,
    .setxattr = ovl_setxattr,
    .listxattr = ovl_listxattr,
    .removexattr = ovl_removexattr,
    .release = ovl_release,
};

static void ovl_sb_release(struct super_block *sb)
{
    struct ovl_sb *o = sb->priv;

    while (o->infos != NULL) {
        struct ovl_uinfo *i = o->infos;

        o->infos = i->next;
        uinfo_free(i);
    }
    put_super_block(o->lower);
    put_super_block(o->upper);
    free(o);
}

struct super_block *overlay_new(struct super_block *lower, struct super_block *upper)
{
    struct super_block *sb = super_block_new("overlay");
    struct ovl_sb *o = calloc(1, sizeof(*o));
    struct inode *lroot = lower->root, *uroot = upper->root;
    struct stat st;

    if (sb == NULL || o == NULL) {
        free(o);
        put_super_block(sb);
        return NULL;
    }
    o->lower = get_super_block(lower);
    o->upper = get_super_block(upper);
    sb->priv = o;
    sb->release = ovl_sb_release;
    /* The merged root looks like the lower root: its mode, owner and times go up. */
    if (vfs_inode_getattr(lroot, &st) == 0 && uroot->ops->setattr != NULL) {
        struct vfs_setattr sa = {
            .mask = VFS_ATTR_MODE | VFS_ATTR_UID | VFS_ATTR_GID | VFS_ATTR_ATIME | VFS_ATTR_MTIME,
            .mode = st.st_mode & 07777,
            .uid = st.st_uid,
            .gid = st.st_gid,
            .atime = st.st_atim,
            .mtime = st.st_mtim,
        };

        uroot->ops->setattr(uroot, &sa);
    }
    if (node_new(sb, NULL, "/", uroot, lroot, &sb->root) < 0) {
        put_super_block(sb);
        return NULL;
    }
    return sb;
}
