// SPDX-License-Identifier: Apache-2.0
// Tests of the file systems' xattr ops and tmpfs limits: tmpfs attributes (flags, sizes,
// ERANGE, lists), the overlay (reads from the lower layer, copy-up takes the attributes along
// and leaves the lower file alone, trusted.overlay.* hidden), tmpfs size= (short write, then
// ENOSPC, statfs) and nr_inodes=, and the mount option parser.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "sentry/fs/overlay/overlay.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/vfs/vfs.h"
#include "tests/unit/tap.h"

static const struct vfs_owner g_root = { 0, 0 };

/* Creates regular file `name` in `dir`; returns the inode (a reference). */
static struct inode *make_file(struct inode *dir, const char *name)
{
    struct inode *ino = NULL;
    struct file *f = NULL;

    if (dir->ops->create(dir, name, S_IFREG | 0644, &g_root, O_RDWR, &ino, &f) < 0)
        return NULL;
    put_file(f);
    return ino;
}

static struct inode *child(struct inode *dir, const char *name)
{
    struct inode *ino = NULL;

    return dir->ops->lookup(dir, name, &ino) == 0 ? ino : NULL;
}

static void test_tmpfs(void)
{
    struct super_block *sb = tmpfs_new(0755, 0, 0);
    struct inode *f = make_file(sb->root, "f");
    char buf[64];

    tap_ok(f != NULL, "tmpfs: a file");
    tap_ok(f->ops->getxattr(f, "user.a", buf, sizeof(buf)) == -ENODATA, "tmpfs: ENODATA");
    tap_ok(f->ops->setxattr(f, "user.a", "xyz", 3, XATTR_REPLACE) == -ENODATA,
           "tmpfs: XATTR_REPLACE of a missing name");
    tap_ok(f->ops->setxattr(f, "user.a", "xyz", 3, XATTR_CREATE) == 0, "tmpfs: set");
    tap_ok(f->ops->setxattr(f, "user.a", "q", 1, XATTR_CREATE) == -EEXIST,
           "tmpfs: XATTR_CREATE of an existing name");
    tap_ok(f->ops->setxattr(f, "trusted.t", "", 0, 0) == 0, "tmpfs: an empty value");
    tap_ok(f->ops->getxattr(f, "user.a", NULL, 0) == 3, "tmpfs: size 0 probes the length");
    tap_ok(f->ops->getxattr(f, "user.a", buf, 2) == -ERANGE, "tmpfs: a small buffer is ERANGE");
    tap_ok(f->ops->getxattr(f, "user.a", buf, sizeof(buf)) == 3 && memcmp(buf, "xyz", 3) == 0,
           "tmpfs: get");
    tap_ok(f->ops->listxattr(f, NULL, 0) == 17, "tmpfs: list length (user.a, trusted.t)");
    tap_ok(f->ops->listxattr(f, buf, 16) == -ERANGE, "tmpfs: list into a small buffer");
    tap_ok(f->ops->removexattr(f, "user.a") == 0 && f->ops->removexattr(f, "user.a") == -ENODATA,
           "tmpfs: remove, then ENODATA");
    put_inode(f);
    put_super_block(sb);
}

static void test_overlay(void)
{
    struct super_block *lower = tmpfs_new(0755, 0, 0), *upper = tmpfs_new(0755, 0, 0), *ovl;
    struct inode *lf = make_file(lower->root, "f"), *of, *up;
    struct file *file = NULL;
    char buf[128];
    long n;

    lf->ops->setxattr(lf, "user.img", "image", 5, 0);
    lf->ops->setxattr(lf, "trusted.overlay.opaque", "y", 1, 0);
    ovl = overlay_new(lower, upper);
    of = child(ovl->root, "f");
    tap_ok(of != NULL, "overlay: lookup");
    tap_ok(of->ops->getxattr(of, "user.img", buf, sizeof(buf)) == 5, "overlay: reads the lower's");
    tap_ok(of->ops->getxattr(of, "trusted.overlay.opaque", buf, sizeof(buf)) == -EOPNOTSUPP,
           "overlay: its private names are EOPNOTSUPP");
    n = of->ops->listxattr(of, buf, sizeof(buf));
    tap_ok(n == 9 && strcmp(buf, "user.img") == 0, "overlay: the list hides trusted.overlay.*");
    tap_ok(of->ops->removexattr(of, "user.none") == -ENODATA && child(upper->root, "f") == NULL,
           "overlay: removing a missing name copies nothing up");
    tap_ok(of->ops->setxattr(of, "user.new", "1", 1, 0) == 0, "overlay: set (copy-up)");
    up = child(upper->root, "f");
    tap_ok(up != NULL && up->ops->getxattr(up, "user.img", buf, sizeof(buf)) == 5 &&
               memcmp(buf, "image", 5) == 0,
           "overlay: copy-up took the lower's attributes along");
    tap_ok(up != NULL && up->ops->getxattr(up, "trusted.overlay.opaque", NULL, 0) == -ENODATA,
           "overlay: ... but not the private ones");
    tap_ok(lf->ops->getxattr(lf, "user.new", NULL, 0) == -ENODATA,
           "overlay: the lower is unchanged");
    tap_ok(of->ops->removexattr(of, "user.img") == 0 &&
               lf->ops->getxattr(lf, "user.img", NULL, 0) == 5,
           "overlay: remove acts on the upper copy only");
    tap_ok(of->ops->open(of, O_RDONLY, &file) == 0, "overlay: the file still opens");
    put_file(file);
    put_inode(up);
    put_inode(of);
    put_inode(lf);
    put_super_block(ovl);
    put_super_block(lower);
    put_super_block(upper);
}

static void test_limits(void)
{
    struct tmpfs_opts o = { .mode = 01777 };
    struct super_block *sb;
    struct inode *f;
    struct file *file = NULL;
    struct statfs sf;
    static char data[40000];

    tap_ok(tmpfs_opts_parse(&o, "size=64k") == 1 && o.size_bytes == 65536, "parse size=64k");
    tap_ok(tmpfs_opts_parse(&o, "nr_inodes=3") == 1 && o.nr_inodes == 3, "parse nr_inodes=3");
    tap_ok(tmpfs_opts_parse(&o, "size=1m") == 1 && o.size_bytes == 1 << 20, "parse size=1m");
    tap_ok(tmpfs_opts_parse(&o, "size=10%") == 1 && o.size_bytes > 0, "parse size=10%%");
    tap_ok(tmpfs_opts_parse(&o, "mode=0700") == 1 && o.mode == 0700, "parse mode=0700");
    tap_ok(tmpfs_opts_parse(&o, "uid=12") == 1 && o.uid == 12, "parse uid=12");
    tap_ok(tmpfs_opts_parse(&o, "size=12q") == -EINVAL, "size=12q is EINVAL");
    tap_ok(tmpfs_opts_parse(&o, "mode=9") == -EINVAL, "mode=9 is EINVAL");
    tap_ok(tmpfs_opts_parse(&o, "nosuid") == 0 && tmpfs_opts_parse(&o, "huge=never") == 0,
           "other options are not tmpfs's");
    o = (struct tmpfs_opts){ .mode = 0755, .size_bytes = 65536, .nr_inodes = 3 };
    sb = tmpfs_new_opts(&o);
    tap_ok(sb->root->ops->statfs(sb->root, &sf) == 0 && sf.f_blocks == 16 && sf.f_bfree == 16 &&
               sf.f_files == 3 && sf.f_ffree == 2,
           "statfs: 16 blocks free, 2 of 3 inodes");
    f = make_file(sb->root, "a");
    tap_ok(f != NULL && f->ops->open(f, O_WRONLY, &file) == 0, "a file in the limited tmpfs");
    tap_ok(file->ops->write(file, data, sizeof(data)) == (long)sizeof(data), "write 40000 bytes");
    tap_ok(file->ops->write(file, data, sizeof(data)) == 65536 - (long)sizeof(data),
           "the next write is short: it ends at 64 KiB");
    tap_ok(file->ops->write(file, data, 1) == -ENOSPC, "then ENOSPC");
    tap_ok(sb->root->ops->statfs(sb->root, &sf) == 0 && sf.f_bfree == 0, "statfs: full");
    {
        struct vfs_setattr sa = { .mask = VFS_ATTR_SIZE, .size = 4096 };

        tap_ok(f->ops->setattr(f, &sa) == 0 && file->ops->write(file, data, 1) == -ENOSPC &&
                   file->ops->pwrite(file, data, 100, 0) == 100,
               "truncate frees pages: a write into them works");
    }
    {
        struct inode *b = make_file(sb->root, "b"), *c = NULL;
        struct file *cf = NULL;

        tap_ok(b != NULL, "the second file (3 inodes with the root)");
        tap_ok(sb->root->ops->create(sb->root, "c", S_IFREG | 0644, &g_root, O_RDWR, &c, &cf) ==
                   -ENOSPC,
               "the third is ENOSPC (nr_inodes)");
        put_inode(b);
    }
    put_file(file);
    put_inode(f);
    put_super_block(sb);
}

int main(void)
{
    test_tmpfs();
    test_overlay();
    test_limits();
    return tap_done();
}
