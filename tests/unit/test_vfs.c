// SPDX-License-Identifier: Apache-2.0
// Tests of the sentry VFS over tmpfs: the path walk, symlinks, "..", mounts, create/unlink/rename.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sentry/fs/pipe/pipe.h"
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

static long symlink_at(struct task *t, const char *path, const char *target)
{
    struct vfs_parent par;
    struct vfs_owner o = { 0, 0 };
    long ret = vfs_walk_parent(t, AT_FDCWD, path, &par);

    if (ret < 0)
        return ret;
    ret = par.dir.d->inode->ops->symlink(par.dir.d->inode, par.name, target, &o);
    vfs_parent_put(&par);
    return ret;
}

static long walk_ret(struct task *t, const char *path, unsigned int flags)
{
    struct vfs_path p = { 0 };
    long ret = vfs_walk(t, AT_FDCWD, path, flags, &p);

    vfs_path_put(&p);
    return ret;
}

int main(void)
{
    struct super_block *root = tmpfs_new(0755, 0, 0), *sub = tmpfs_new(01777, 0, 0);
    struct mount_ns *ns = mount_ns_new(root, 0);
    struct task *t = fake_task(ns);
    struct file *f = NULL, *rd = NULL, *wr = NULL;
    struct vfs_path p = { 0 };
    char buf[64];
    long ret;

    tap_ok(mkdir_at(t, "/a") == 0 && mkdir_at(t, "/a/b") == 0 && mkdir_at(t, "/tmp") == 0, "mkdir");
    tap_ok(mkdir_at(t, "/a") == -EEXIST, "mkdir existing: EEXIST");
    tap_ok(vfs_mount_at(ns, "/tmp", sub, 0) == 0, "mount tmpfs at /tmp");
    ret = vfs_open(t, AT_FDCWD, "/tmp/x", O_CREAT | O_RDWR, 0644, &f);
    tap_ok(ret == 0, "create in the mounted tmpfs (%ld)", ret);
    if (f != NULL) {
        tap_ok(f->ops->write(f, "hello", 5) == 5, "write");
        tap_ok(f->ops->pread(f, buf, sizeof(buf), 0) == 5 && memcmp(buf, "hello", 5) == 0,
               "read back");
        tap_ok(vfs_file_host_fd(f) >= 0, "regular tmpfs files have a host fd (memfd)");
        put_file(f);
    }
    tap_ok(walk_ret(t, "/tmp/x", 0) == 0, "walk to the new file");
    tap_ok(walk_ret(t, "/tmp/x/", 0) == -ENOTDIR, "trailing slash on a file: ENOTDIR");
    tap_ok(walk_ret(t, "/tmp/x/y", 0) == -ENOTDIR, "file as a directory: ENOTDIR");
    tap_ok(walk_ret(t, "/nope", 0) == -ENOENT, "missing: ENOENT");
    tap_ok(walk_ret(t, "/../../a/./b/..", VFS_WALK_DIRECTORY) == 0, ".. clamped at the root");
    ret = vfs_walk(t, AT_FDCWD, "/tmp/..", 0, &p);
    tap_ok(ret == 0 && p.mnt == ns->root && p.d == ns->root->root, ".. leaves a mount upward");
    vfs_path_put(&p);
    tap_ok(symlink_at(t, "/l", "a/b") == 0, "symlink");
    ret = vfs_walk(t, AT_FDCWD, "/l", VFS_WALK_FOLLOW, &p);
    tap_ok(ret == 0 && S_ISDIR(p.d->inode->st.st_mode), "follow a relative symlink");
    vfs_path_put(&p);
    ret = vfs_walk(t, AT_FDCWD, "/l", 0, &p);
    tap_ok(ret == 0 && S_ISLNK(p.d->inode->st.st_mode), "nofollow stops at the link");
    vfs_path_put(&p);
    tap_ok(symlink_at(t, "/loop", "/loop") == 0 && walk_ret(t, "/loop", VFS_WALK_FOLLOW) == -ELOOP,
           "a self loop: ELOOP");
    {
        char longname[300];

        memset(longname, 'x', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        tap_ok(walk_ret(t, longname, 0) == -ENAMETOOLONG, "component over NAME_MAX");
    }
    ret = vfs_walk(t, AT_FDCWD, "/a/b", 0, &p);
    if (ret == 0) {
        char name[256];

        tap_ok(vfs_path_name(&t->fs->root, &p, name, sizeof(name)) == 4 &&
                   strcmp(name, "/a/b") == 0,
               "path name of a dentry (%s)", name);
        vfs_path_put(&p);
    }
    tap_ok(pipe_create(0, &rd, &wr) == 0, "pipe");
    if (rd != NULL && wr != NULL) {
        tap_ok(wr->ops->write(wr, "ab", 2) == 2, "pipe write");
        tap_ok(rd->ops->read(rd, buf, sizeof(buf)) == 2, "pipe read");
        rd->flags |= O_NONBLOCK;
        tap_ok(rd->ops->read(rd, buf, sizeof(buf)) == -EAGAIN, "empty nonblocking pipe: EAGAIN");
        put_file(wr);
        tap_ok(rd->ops->read(rd, buf, sizeof(buf)) == 0, "no writers: EOF");
        put_file(rd);
    }
    put_vfs_fs(t->fs);
    put_fd_table(t->fdt);
    put_mount_ns(ns);
    put_super_block(root);
    put_super_block(sub);
    free(t->tg);
    free(t->k);
    free(t);
    return tap_done();
}
