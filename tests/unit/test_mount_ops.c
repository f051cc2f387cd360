// SPDX-License-Identifier: Apache-2.0
// Tests of sentry/vfs/mount_ops.c over tmpfs: binds (MS_REC, onto itself), umount, a copied
// namespace, pivot_root.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

static struct task *fake_task(struct mount_ns *ns)
{
    struct task *t = calloc(1, sizeof(*t));

    t->k = calloc(1, sizeof(*t->k));
    t->tg = calloc(1, sizeof(*t->tg));
    t->tg->umask = 022;
    t->k->mntns = ns;
    t->fdt = fd_table_new();
    vfs_task_fs_init(t);
    return t;
}

static long mkdir_at(struct task *t, const char *path)
{
    struct vfs_parent par;
    struct vfs_owner o = { 0, 0 };
    struct inode *dir;
    long ret = vfs_walk_parent(t, AT_FDCWD, path, &par);

    if (ret < 0)
        return ret;
    dir = par.dir.d->inode;
    ret = dir->ops->mkdir(dir, par.name, 0755, &o);
    vfs_parent_put(&par);
    return ret;
}

/* The super block `path` is on, or NULL. */
static struct super_block *sb_at(struct task *t, const char *path)
{
    struct vfs_path p = { 0 };
    struct super_block *sb;

    if (vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW, &p) < 0)
        return NULL;
    sb = p.mnt->sb;
    vfs_path_put(&p);
    return sb;
}

static size_t count_mounts(const struct mount_ns *ns)
{
    size_t n = 0;

    for (const struct mount *m = ns->list; m != NULL; m = m->next)
        n++;
    return n;
}

static long walk(struct task *t, const char *path, struct vfs_path *p)
{
    return vfs_walk(t, AT_FDCWD, path, VFS_WALK_FOLLOW, p);
}

int main(void)
{
    struct super_block *root = tmpfs_new(0755, 0, 0), *sub = tmpfs_new(0755, 0, 0);
    struct super_block *other = tmpfs_new(0755, 0, 0), *nr = tmpfs_new(0755, 0, 0);
    struct mount_ns *ns = mount_ns_new(root, 0);
    struct task *t = fake_task(ns);
    struct vfs_path a = { 0 }, b = { 0 }, p = { 0 }, q = { 0 };

    tap_ok(mkdir_at(t, "/a") == 0 && mkdir_at(t, "/b") == 0 && mkdir_at(t, "/c") == 0 &&
               mkdir_at(t, "/a/sub") == 0 && mkdir_at(t, "/new") == 0,
           "directories");
    tap_ok(vfs_mount_at(ns, "/a/sub", sub, 0) == 0, "a tmpfs at /a/sub");

    /* MS_REC copies /a/sub's mount; a plain bind does not. */
    walk(t, "/a", &a);
    walk(t, "/b", &b);
    tap_ok(vfs_mount_bind(ns, &b, &a, 0, /*recursive=*/true) == 0, "recursive bind /a on /b");
    tap_ok(sb_at(t, "/b/sub") == sub, "/b/sub is the tmpfs mounted at /a/sub");
    walk(t, "/c", &p);
    tap_ok(vfs_mount_bind(ns, &p, &a, 0, /*recursive=*/false) == 0, "plain bind /a on /c");
    vfs_path_put(&p);
    tap_ok(sb_at(t, "/c/sub") == root, "/c/sub is the root's directory");

    /* A recursive bind onto itself (readonlyPaths) copies the tree once. */
    {
        size_t before = count_mounts(ns);

        tap_ok(vfs_mount_bind(ns, &a, &a, VFS_MNT_RDONLY, /*recursive=*/true) == 0,
               "recursive bind of /a onto itself");
        tap_ok(((long)count_mounts(ns)) == ((long)before + 2), "... adds /a and /a/sub once");
    }
    vfs_path_put(&a);
    vfs_path_put(&b);

    /* umount: busy with a submount unless lazy; the submount goes with it. */
    walk(t, "/b", &p);
    tap_ok((vfs_umount(ns, p.mnt, /*lazy=*/false, 1)) == (-EBUSY),
           "umount /b with a submount: EBUSY");
    tap_ok((vfs_umount(ns, p.mnt, /*lazy=*/true, 1)) == (0), "lazy umount /b");
    vfs_path_put(&p);
    tap_ok(sb_at(t, "/b/sub") == NULL, "/b/sub is gone with it");
    tap_ok((vfs_umount(ns, ns->root, false, 1)) == (-EINVAL), "the namespace's root: EINVAL");

    /* A copied namespace: mounts made in it stay there. */
    {
        struct vfs_fs *old = t->fs, *copy = vfs_fs_copy(old);

        tap_ok(copy != NULL && vfs_fs_unshare_ns(copy) == 0, "vfs_fs_unshare_ns");
        tap_ok(copy->ns != ns && copy->ns->origin == ns, "a new namespace, its origin the old");
        tap_ok(((long)count_mounts(copy->ns)) == ((long)count_mounts(ns)), "... with every mount");
        tap_ok(vfs_mount_at(copy->ns, "/c", other, 0) == 0, "a mount in the copy");
        tap_ok(sb_at(t, "/c") == root, "... the original does not see");
        t->fs = copy;
        tap_ok(sb_at(t, "/c") == other && sb_at(t, "/a/sub") == sub, "... the copy does");
        t->fs = old;
        put_vfs_fs(copy);
    }

    /* pivot_root: the root moves to /new/old, /new becomes the root. */
    tap_ok(vfs_mount_at(ns, "/new", nr, 0) == 0 && mkdir_at(t, "/new/old") == 0, "new root");
    walk(t, "/new", &p);
    walk(t, "/new/old", &q);
    tap_ok(vfs_pivot_root(ns, &t->fs->root, &t->fs->root, &q) == -EBUSY,
           "pivot_root onto the root's own mount: EBUSY");
    tap_ok((vfs_pivot_root(ns, &t->fs->root, &p, &q)) == (0), "pivot_root(/new, /new/old)");
    tap_ok(ns->root->sb == nr, "the namespace's root is the new root");
    vfs_path_put(&t->fs->root);
    vfs_path_copy(&t->fs->root, &p);
    vfs_path_put(&p);
    vfs_path_put(&q);
    tap_ok(sb_at(t, "/old") == root && sb_at(t, "/old/a/sub") == sub, "the old root is at /old");

    put_vfs_fs(t->fs);
    put_fd_table(t->fdt);
    put_mount_ns(ns);
    free(t->tg);
    free(t->k);
    free(t);
    put_super_block(root);
    put_super_block(sub);
    put_super_block(other);
    put_super_block(nr);
    return tap_done();
}
