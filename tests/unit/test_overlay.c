// SPDX-License-Identifier: Apache-2.0
// Tests of the overlay file system over a tmpfs lower: merged lookups and readdir, copy-up,
// whiteouts, opaque directories, renames and links, and a lower layer left unchanged.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sentry/fs/overlay/overlay.h"
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
    /* Root with every capability, as the container's init is by default. */
    kernel_cred_init_root(&t->cred);
    t->k->mntns = ns;
    t->fdt = fd_table_new();
    vfs_task_fs_init(t);
    return t;
}

static void free_task(struct task *t)
{
    put_vfs_fs(t->fs);
    put_fd_table(t->fdt);
    free(t->tg);
    free(t->k);
    free(t);
}

/* Runs a directory op on the parent of `path` the way sys_dir.c does. */
enum op { OP_MKDIR, OP_UNLINK, OP_RMDIR, OP_SYMLINK, OP_MKFIFO };

static long dir_op(struct task *t, enum op op, const char *path, const char *arg)
{
    struct vfs_parent par;
    struct vfs_owner o = { 0, 0 };
    struct inode *dir;
    long ret = vfs_walk_parent(t, AT_FDCWD, path, &par);

    if (ret < 0)
        return ret;
    dir = par.dir.d->inode;
    switch (op) {
    case OP_MKDIR:
        ret = dir->ops->mkdir(dir, par.name, 0755, &o);
        break;
    case OP_UNLINK:
        ret = dir->ops->unlink(dir, par.name);
        break;
    case OP_RMDIR:
        ret = dir->ops->rmdir(dir, par.name);
        break;
    case OP_SYMLINK:
        ret = dir->ops->symlink(dir, par.name, arg, &o);
        break;
    case OP_MKFIFO:
        ret = dir->ops->mknod(dir, par.name, S_IFIFO | 0644, 0, &o);
        break;
    }
    if (ret == 0)
        vfs_dentry_forget(par.dir.d, par.name);
    vfs_parent_put(&par);
    return ret;
}

static long rename_at(struct task *t, const char *from, const char *to, unsigned int flags)
{
    struct vfs_parent op, np;
    long ret = vfs_walk_parent(t, AT_FDCWD, from, &op);

    if (ret < 0)
        return ret;
    ret = vfs_walk_parent(t, AT_FDCWD, to, &np);
    if (ret < 0) {
        vfs_parent_put(&op);
        return ret;
    }
    ret = op.dir.d->inode->ops->rename(op.dir.d->inode, op.name, np.dir.d->inode, np.name, flags);
    if (ret == 0) {
        vfs_dentry_forget(op.dir.d, op.name);
        vfs_dentry_forget(np.dir.d, np.name);
    }
    vfs_parent_put(&op);
    vfs_parent_put(&np);
    return ret;
}

static long link_at(struct task *t, const char *from, const char *to)
{
    struct vfs_path old = { 0 };
    struct vfs_parent np;
    long ret = vfs_walk(t, AT_FDCWD, from, 0, &old);

    if (ret < 0)
        return ret;
    ret = vfs_walk_parent(t, AT_FDCWD, to, &np);
    if (ret == 0) {
        ret = np.dir.d->inode->ops->link(np.dir.d->inode, np.name, old.d->inode);
        vfs_parent_put(&np);
    }
    vfs_path_put(&old);
    return ret;
}

static long write_file(struct task *t, const char *path, unsigned int flags, const char *data)
{
    struct file *f = NULL;
    long ret = vfs_open(t, AT_FDCWD, path, O_WRONLY | flags, 0644, &f);

    if (ret < 0)
        return ret;
    ret = f->ops->write(f, data, strlen(data));
    put_file(f);
    return ret;
}

/* Reads the whole file into buf (NUL-terminated). Returns the length or -Exxx. */
static long read_file(struct task *t, const char *path, char *buf, size_t size)
{
    struct file *f = NULL;
    long ret = vfs_open(t, AT_FDCWD, path, O_RDONLY, 0, &f);

    if (ret < 0)
        return ret;
    ret = f->ops->pread(f, buf, size - 1, 0);
    buf[ret > 0 ? ret : 0] = '\0';
    put_file(f);
    return ret;
}

static long stat_at(struct task *t, const char *path, bool follow, struct stat *st)
{
    struct vfs_path p = { 0 };
    long ret = vfs_walk(t, AT_FDCWD, path, follow ? VFS_WALK_FOLLOW : 0, &p);

    if (ret == 0)
        ret = vfs_getattr(&p, st);
    vfs_path_put(&p);
    return ret;
}

struct names {
    char buf[2048];
    size_t len;
};

static bool collect(void *ctx, const char *name, size_t len, uint64_t ino, int64_t next_off,
                    unsigned int type)
{
    struct names *n = ctx;

    (void)ino;
    (void)next_off;
    (void)type;
    if ((len == 1 && name[0] == '.') || (len == 2 && memcmp(name, "..", 2) == 0))
        return true;
    if (n->len + len + 2 >= sizeof(n->buf))
        return false;
    memcpy(n->buf + n->len, name, len);
    n->len += len;
    n->buf[n->len++] = ' ';
    n->buf[n->len] = '\0';
    return true;
}

struct find_ino {
    const char *name;
    uint64_t ino;
};

static bool find_ino_fill(void *ctx, const char *name, size_t len, uint64_t ino, int64_t next_off,
                          unsigned int type)
{
    struct find_ino *fi = ctx;

    (void)next_off;
    (void)type;
    if (strlen(fi->name) == len && memcmp(fi->name, name, len) == 0)
        fi->ino = ino;
    return true;
}

/* Returns the d_ino readdir of `dir` gives for `name`, or 0. */
static uint64_t dirent_ino(struct task *t, const char *dir, const char *name)
{
    struct find_ino fi = { .name = name };
    struct file *f = NULL;

    if (vfs_open(t, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY, 0, &f) < 0)
        return 0;
    for (;;) {
        int64_t pos = f->pos;

        if (f->ops->readdir(f, find_ino_fill, &fi) < 0 || f->pos == pos)
            break;
    }
    put_file(f);
    return fi.ino;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists `path` as space-separated sorted names in `out`. Returns 0 or -Exxx. */
static long list_dir(struct task *t, const char *path, char *out, size_t size)
{
    struct names n = { .len = 0 };
    struct file *f = NULL;
    char *v[128], *save = NULL;
    size_t k = 0;
    long ret = vfs_open(t, AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0, &f);

    if (ret < 0)
        return ret;
    n.buf[0] = '\0';
    for (;;) {
        int64_t pos = f->pos;

        ret = f->ops->readdir(f, collect, &n);
        if (ret < 0 || f->pos == pos)
            break;
    }
    put_file(f);
    for (char *s = strtok_r(n.buf, " ", &save); s != NULL && k < 128;
         s = strtok_r(NULL, " ", &save))
        v[k++] = s;
    qsort(v, k, sizeof(v[0]), cmp_str);
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        if (i > 0)
            strncat(out, " ", size - strlen(out) - 1);
        strncat(out, v[i], size - strlen(out) - 1);
    }
    return ret;
}

/* Appends a description of every file under `path` (names, modes, sizes, contents) to `out`. */
static void snapshot(struct task *t, const char *path, char *out, size_t size)
{
    char names[1024], *save = NULL;
    struct stat st;

    if (stat_at(t, path, false, &st) < 0)
        return;
    snprintf(out + strlen(out), size - strlen(out), "%s %o %u:%u %ld %ld;", path, st.st_mode,
             st.st_uid, st.st_gid, (long)st.st_size, (long)st.st_mtim.tv_sec);
    if (S_ISREG(st.st_mode)) {
        char data[256];

        read_file(t, path, data, sizeof(data));
        snprintf(out + strlen(out), size - strlen(out), "[%s]", data);
    } else if (S_ISDIR(st.st_mode) && list_dir(t, path, names, sizeof(names)) == 0) {
        for (char *s = strtok_r(names, " ", &save); s != NULL; s = strtok_r(NULL, " ", &save)) {
            char child[512];

            snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") == 0 ? "" : path, s);
            snapshot(t, child, out, size);
        }
    }
}

/* The lower tree: /etc/{passwd,hosts}, /bin/sh (0755), /data/{a,b}, /data/sub/c, /lnk -> etc,
 * /empty, /keep. */
static void populate(struct task *t)
{
    tap_ok(dir_op(t, OP_MKDIR, "/etc", NULL) == 0 && dir_op(t, OP_MKDIR, "/bin", NULL) == 0 &&
               dir_op(t, OP_MKDIR, "/data", NULL) == 0 &&
               dir_op(t, OP_MKDIR, "/data/sub", NULL) == 0 &&
               dir_op(t, OP_MKDIR, "/empty", NULL) == 0 && dir_op(t, OP_MKDIR, "/keep", NULL) == 0,
           "lower: directories");
    tap_ok(write_file(t, "/etc/passwd", O_CREAT, "root:x:0:0\n") == 11 &&
               write_file(t, "/etc/hosts", O_CREAT, "127.0.0.1 localhost\n") == 20 &&
               write_file(t, "/bin/sh", O_CREAT, "#!shell") == 7 &&
               write_file(t, "/data/a", O_CREAT, "aaa") == 3 &&
               write_file(t, "/data/b", O_CREAT, "bbb") == 3 &&
               write_file(t, "/data/sub/c", O_CREAT, "ccc") == 3 &&
               write_file(t, "/keep/k", O_CREAT, "kkk") == 3,
           "lower: files");
    tap_ok(dir_op(t, OP_SYMLINK, "/lnk", "etc") == 0, "lower: symlink");
    {
        struct vfs_path p = { 0 };
        struct vfs_setattr sa = {
            .mask = VFS_ATTR_MODE | VFS_ATTR_UID | VFS_ATTR_GID, .mode = 04755, .uid = 12, .gid = 34
        };

        tap_ok(vfs_walk(t, AT_FDCWD, "/bin/sh", 0, &p) == 0 &&
                   p.d->inode->ops->setattr(p.d->inode, &sa) == 0,
               "lower: /bin/sh 04755 owned by 12:34");
        vfs_path_put(&p);
    }
}

int main(void)
{
    struct super_block *lower = tmpfs_new(0755, 0, 0), *upper = tmpfs_new(0700, 0, 0), *ovl;
    struct mount_ns *lns = mount_ns_new(lower, 0), *ons;
    struct task *lt = fake_task(lns), *t;
    static char before[16384], after[16384];
    char buf[512];
    struct stat st, st2;
    struct file *f = NULL;
    long ret;

    populate(lt);
    snapshot(lt, "/", before, sizeof(before));
    ovl = overlay_new(lower, upper);
    tap_ok(ovl != NULL, "overlay_new");
    ons = mount_ns_new(ovl, 0);
    t = fake_task(ons);

    /* Lookups and reads pass through to the lower layer. */
    tap_ok(read_file(t, "/etc/passwd", buf, sizeof(buf)) == 11 && strcmp(buf, "root:x:0:0\n") == 0,
           "read a lower file");
    ret = stat_at(t, "/", false, &st);
    tap_ok(ret == 0 && (st.st_mode & 07777) == 0755,
           "the merged root has the lower root's mode (%o)", st.st_mode);
    tap_ok(stat_at(t, "/lnk/hosts", true, &st) == 0 && S_ISREG(st.st_mode),
           "a lower symlink is followed");
    tap_ok(list_dir(t, "/", buf, sizeof(buf)) == 0 &&
               strcmp(buf, "bin data empty etc keep lnk") == 0,
           "readdir of the lower root (%s)", buf);
    tap_ok(stat_at(t, "/nope", false, &st) == -ENOENT, "missing: ENOENT");

    /* Copy-up on open for writing keeps contents, mode, owner and the inode number. */
    tap_ok(stat_at(t, "/bin/sh", false, &st) == 0, "stat a lower file");
    tap_ok(write_file(t, "/bin/sh", O_APPEND, " -c") == 3, "append to a lower file");
    tap_ok(read_file(t, "/bin/sh", buf, sizeof(buf)) == 10 && strcmp(buf, "#!shell -c") == 0,
           "copy-up kept the old contents (%s)", buf);
    ret = stat_at(t, "/bin/sh", false, &st2);
    tap_ok(ret == 0 && (st2.st_mode & 07777) == 04755 && st2.st_uid == 12 && st2.st_gid == 34,
           "copy-up kept mode and owner (%o %u:%u)", st2.st_mode, st2.st_uid, st2.st_gid);
    tap_ok(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev, "st_ino and st_dev survive copy-up");
    tap_ok(st2.st_dev == ovl->dev, "st_dev is the overlay's");
    tap_ok(dirent_ino(t, "/bin", "sh") == st2.st_ino,
           "readdir's d_ino of a copied-up file is st_ino");

    /* O_TRUNC and setattr copy up. */
    tap_ok(write_file(t, "/etc/hosts", O_TRUNC, "::1\n") == 4 &&
               read_file(t, "/etc/hosts", buf, sizeof(buf)) == 4 && strcmp(buf, "::1\n") == 0,
           "O_TRUNC on a lower file");
    {
        struct vfs_path p = { 0 };
        struct vfs_setattr sa = { .mask = VFS_ATTR_MODE, .mode = 0600 };

        ret = stat_at(t, "/data/a", false, &st2);
        if (ret == 0)
            ret = vfs_walk(t, AT_FDCWD, "/data/a", 0, &p);
        if (ret == 0)
            ret = p.d->inode->ops->setattr(p.d->inode, &sa);
        vfs_path_put(&p);
        tap_ok(ret == 0 && stat_at(t, "/data/a", false, &st) == 0 && (st.st_mode & 07777) == 0600,
               "chmod of a lower file (%ld)", ret);
        tap_ok(read_file(t, "/data/a", buf, sizeof(buf)) == 3 && strcmp(buf, "aaa") == 0,
               "chmod copy-up kept the data");
        sa = (struct vfs_setattr){ .mask = VFS_ATTR_MODE, .mode = 0711 };
        ret = stat_at(t, "/keep", false, &st2);
        if (ret == 0)
            ret = vfs_walk(t, AT_FDCWD, "/keep", 0, &p);
        if (ret == 0)
            ret = p.d->inode->ops->setattr(p.d->inode, &sa);
        vfs_path_put(&p);
        tap_ok(ret == 0 && stat_at(t, "/keep", false, &st) == 0 && (st.st_mode & 07777) == 0711,
               "chmod of a lower directory copies it up alone");
        tap_ok(st.st_mtim.tv_sec == st2.st_mtim.tv_sec && st.st_mtim.tv_nsec == st2.st_mtim.tv_nsec,
               "a copied-up directory kept its mtime");
        tap_ok(list_dir(t, "/keep", buf, sizeof(buf)) == 0 && strcmp(buf, "k") == 0,
               "a copied-up directory still shows its lower entries (%s)", buf);
    }

    /* Create, mkdir, symlink, fifo all over the tree. */
    tap_ok(write_file(t, "/etc/new", O_CREAT, "new") == 3, "create in a lower directory");
    tap_ok(dir_op(t, OP_MKDIR, "/data/sub/deep", NULL) == 0 &&
               write_file(t, "/data/sub/deep/f", O_CREAT, "deep") == 4,
           "mkdir and create two levels below lower directories");
    tap_ok(dir_op(t, OP_SYMLINK, "/etc/l2", "passwd") == 0 &&
               read_file(t, "/etc/l2", buf, sizeof(buf)) == 11,
           "symlink to a lower file");
    tap_ok(dir_op(t, OP_MKFIFO, "/data/fifo", NULL) == 0 &&
               stat_at(t, "/data/fifo", false, &st) == 0 && S_ISFIFO(st.st_mode),
           "mkfifo");
    tap_ok(list_dir(t, "/etc", buf, sizeof(buf)) == 0 && strcmp(buf, "hosts l2 new passwd") == 0,
           "merged readdir: upper and lower names once each (%s)", buf);
    tap_ok(stat_at(t, "/etc/new", false, &st) == 0 && st.st_ino >= (1ULL << 47),
           "upper-only files get inode numbers above the lower's");
    tap_ok(dirent_ino(t, "/etc", "new") == st.st_ino && dirent_ino(t, "/", "etc") != 0,
           "readdir's d_ino of an upper-only file is st_ino");

    /* Deletes: whiteouts. */
    tap_ok(dir_op(t, OP_UNLINK, "/data/b", NULL) == 0, "unlink a lower file");
    tap_ok(stat_at(t, "/data/b", false, &st) == -ENOENT, "the whiteout hides it");
    tap_ok(dir_op(t, OP_UNLINK, "/data/b", NULL) == -ENOENT, "unlink again: ENOENT");
    tap_ok(list_dir(t, "/data", buf, sizeof(buf)) == 0 && strcmp(buf, "a fifo sub") == 0,
           "readdir skips whited-out names (%s)", buf);
    tap_ok(dir_op(t, OP_UNLINK, "/etc/new", NULL) == 0 &&
               stat_at(t, "/etc/new", false, &st) == -ENOENT,
           "unlink an upper-only file");
    tap_ok(dir_op(t, OP_UNLINK, "/etc/hosts", NULL) == 0 &&
               stat_at(t, "/etc/hosts", false, &st) == -ENOENT,
           "unlink a copied-up file hides the lower one too");
    tap_ok(write_file(t, "/data/b", O_CREAT, "B2") == 2 &&
               read_file(t, "/data/b", buf, sizeof(buf)) == 2 && strcmp(buf, "B2") == 0,
           "create over a whiteout");
    tap_ok(dir_op(t, OP_RMDIR, "/data/sub", NULL) == -ENOTEMPTY, "rmdir a non-empty merged dir");
    tap_ok(dir_op(t, OP_UNLINK, "/data/sub", NULL) == -EISDIR, "unlink a directory: EISDIR");
    tap_ok(dir_op(t, OP_RMDIR, "/data/a", NULL) == -ENOTDIR, "rmdir a file: ENOTDIR");
    tap_ok(dir_op(t, OP_RMDIR, "/empty", NULL) == 0 && stat_at(t, "/empty", false, &st) == -ENOENT,
           "rmdir an empty lower directory");

    /* Opaque directories. */
    tap_ok(dir_op(t, OP_UNLINK, "/keep/k", NULL) == 0 && dir_op(t, OP_RMDIR, "/keep", NULL) == 0,
           "empty and remove a lower directory");
    tap_ok(dir_op(t, OP_MKDIR, "/keep", NULL) == 0 && list_dir(t, "/keep", buf, sizeof(buf)) == 0 &&
               buf[0] == '\0',
           "a directory made over a whiteout is opaque (%s)", buf);
    tap_ok(stat_at(t, "/keep/k", false, &st) == -ENOENT, "lookups in it do not reach the lower");

    /* Renames. */
    tap_ok(rename_at(t, "/etc/passwd", "/data/pw", 0) == 0, "rename a lower file");
    tap_ok(stat_at(t, "/data/pw", false, &st) == 0 && dirent_ino(t, "/data", "pw") == st.st_ino,
           "a renamed copied-up file keeps one inode number in stat and readdir");
    tap_ok(read_file(t, "/data/pw", buf, sizeof(buf)) == 11 && strcmp(buf, "root:x:0:0\n") == 0 &&
               stat_at(t, "/etc/passwd", false, &st) == -ENOENT,
           "renamed: contents at the new name, the old name whited out");
    tap_ok(rename_at(t, "/data/pw", "/data/sub/c", 0) == 0 &&
               read_file(t, "/data/sub/c", buf, sizeof(buf)) == 11,
           "rename over a lower file");
    tap_ok(rename_at(t, "/data/sub", "/subdir", 0) == -EXDEV, "rename of a lower dir: EXDEV");
    tap_ok(rename_at(t, "/data/sub/deep", "/deep", 0) == 0 &&
               read_file(t, "/deep/f", buf, sizeof(buf)) == 4,
           "rename of an upper-only dir");
    tap_ok(rename_at(t, "/bin/sh", "/data/a", RENAME_NOREPLACE) == -EEXIST,
           "RENAME_NOREPLACE over a lower file: EEXIST");
    tap_ok(rename_at(t, "/bin/sh", "/data/a", RENAME_EXCHANGE) == 0 &&
               read_file(t, "/data/a", buf, sizeof(buf)) == 10 &&
               read_file(t, "/bin/sh", buf, sizeof(buf)) == 3 && strcmp(buf, "aaa") == 0,
           "RENAME_EXCHANGE of two files");
    ret = rename_at(t, "/deep", "/data", 0);
    tap_ok(ret == -ENOTEMPTY, "rename a dir over a non-empty merged dir: ENOTEMPTY (%ld)", ret);
    tap_ok(dir_op(t, OP_MKDIR, "/etc/e2", NULL) == 0 && rename_at(t, "/deep", "/etc/e2", 0) == 0 &&
               read_file(t, "/etc/e2/f", buf, sizeof(buf)) == 4 &&
               rename_at(t, "/etc/e2", "/deep", 0) == 0,
           "rename a dir over an empty upper dir and back");
    tap_ok(list_dir(t, "/", buf, sizeof(buf)) == 0 &&
               strcmp(buf, "bin data deep etc keep lnk") == 0,
           "root listing after the changes (%s)", buf);

    /* Hard links to lower files: copy-up, then a link. */
    tap_ok(link_at(t, "/lnk", "/lnk2") == 0, "link a lower symlink");
    {
        char target[16] = { 0 };
        struct vfs_path p = { 0 };

        ret = vfs_walk(t, AT_FDCWD, "/lnk2", 0, &p);
        if (ret == 0)
            ret = p.d->inode->ops->readlink(p.d->inode, target, sizeof(target) - 1);
        vfs_path_put(&p);
        tap_ok(ret == 3 && strcmp(target, "etc") == 0, "the copied-up symlink's target (%s)",
               target);
    }
    ret = link_at(t, "/data/sub/c", "/etc/c-link");
    if (ret == 0)
        ret = stat_at(t, "/etc/c-link", false, &st);
    if (ret == 0)
        ret = stat_at(t, "/data/sub/c", false, &st2);
    tap_ok(ret == 0 && st.st_nlink == 2 && st.st_ino == st2.st_ino,
           "hard link: two names, one inode (nlink %lu)", (unsigned long)st.st_nlink);
    tap_ok(write_file(t, "/etc/c-link", O_TRUNC, "via link") == 8 &&
               read_file(t, "/data/sub/c", buf, sizeof(buf)) == 8,
           "a write through one name shows through the other");
    tap_ok(rename_at(t, "/etc/c-link", "/data/sub/c", 0) == 0 &&
               stat_at(t, "/etc/c-link", false, &st) == 0,
           "rename onto another link of the same file does nothing");

    /* An open file keeps working; fstat goes through the overlay. */
    ret = vfs_open(t, AT_FDCWD, "/data/a", O_RDWR, 0, &f);
    tap_ok(ret == 0 && f->ops->fstat(f, &st) == 0 && st.st_dev == ovl->dev,
           "fstat of an open file");
    put_file(f);

    /* The lower layer is unchanged, byte for byte. */
    snapshot(lt, "/", after, sizeof(after));
    tap_ok(strcmp(before, after) == 0, "the lower tree is unchanged");
    if (strcmp(before, after) != 0)
        printf("# before: %s\n# after:  %s\n", before, after);
    tap_ok(read_file(lt, "/etc/passwd", buf, sizeof(buf)) == 11 &&
               read_file(lt, "/bin/sh", buf, sizeof(buf)) == 7,
           "lower files still read their old contents");

    free_task(t);
    put_mount_ns(ons);
    put_super_block(ovl);
    free_task(lt);
    put_mount_ns(lns);
    put_super_block(lower);
    put_super_block(upper);
    return tap_done();
}
