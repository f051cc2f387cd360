/* SPDX-License-Identifier: Apache-2.0 */
/* devpts: the registry of sentry terminals and the file system that shows them (/dev/pts). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>

#include "sentry/fs/devpts/devpts_internal.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

/* Linux's DEVPTS_SUPER_MAGIC. */
#define DEVPTS_MAGIC 0x1cd1
/* Linux numbers ptys from 0 up to kernel.pty.max (4096 by default). */
#define DEVPTS_MAX      4096
#define DEVPTS_INO_ROOT 1
#define DEVPTS_INO_PTMX 2
#define DEVPTS_INO_BASE 3
/* The group Docker's devpts gives new ptys (gid=5, "tty"). */
#define DEVPTS_GID 5

pthread_mutex_t g_tty_registry_mu = PTHREAD_MUTEX_INITIALIZER;
struct tty *g_tty_registry;

static bool index_taken_locked(int index)
{
    for (struct tty *it = g_tty_registry; it != NULL; it = it->next) {
        if (it->index == index)
            return true;
    }
    return false;
}

struct tty *tty_new(bool console)
{
    struct tty *tty = calloc(1, sizeof(*tty));
    pthread_condattr_t ca;
    int index;

    if (tty == NULL)
        return NULL;
    pthread_mutex_lock(&g_tty_registry_mu);
    /* The console takes a number too: it is /dev/pts/N inside, as runc's console is. */
    for (index = 0; index < DEVPTS_MAX && index_taken_locked(index); index++)
        ;
    if (index == DEVPTS_MAX) {
        pthread_mutex_unlock(&g_tty_registry_mu);
        free(tty);
        return NULL;
    }
    tty->refs = 1;
    tty->index = index;
    tty->console = console;
    tty->locked = !console; /* a new pty is locked until unlockpt */
    tty->mode = 0620;
    tty->gid = DEVPTS_GID;
    pthread_mutex_init(&tty->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&tty->cv, &ca);
    pthread_condattr_destroy(&ca);
    ldisc_init_termios(&tty->tio);
    tty->next = g_tty_registry;
    g_tty_registry = tty;
    pthread_mutex_unlock(&g_tty_registry_mu);
    return tty;
}

struct tty *get_tty(struct tty *tty)
{
    __atomic_add_fetch(&tty->refs, 1, __ATOMIC_ACQ_REL);
    return tty;
}

void put_tty(struct tty *tty)
{
    if (tty == NULL)
        return;
    /* The registry lock makes the last put and tty_find_index's get exclusive. */
    pthread_mutex_lock(&g_tty_registry_mu);
    if (__atomic_sub_fetch(&tty->refs, 1, __ATOMIC_ACQ_REL) > 0) {
        pthread_mutex_unlock(&g_tty_registry_mu);
        return;
    }
    for (struct tty **pp = &g_tty_registry; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == tty) {
            *pp = tty->next;
            break;
        }
    }
    pthread_mutex_unlock(&g_tty_registry_mu);
    pthread_mutex_destroy(&tty->mu);
    pthread_cond_destroy(&tty->cv);
    free(tty);
}

/* A pty shows in devpts while its master is open, the console until it hangs up. Needs the
 * registry lock. */
static bool is_visible_locked(struct tty *tty)
{
    bool v;

    pthread_mutex_lock(&tty->mu);
    v = tty->masters > 0 && !(tty->console && tty->hung_up);
    pthread_mutex_unlock(&tty->mu);
    return v;
}

struct tty *tty_find_index(int index)
{
    struct tty *found = NULL;

    pthread_mutex_lock(&g_tty_registry_mu);
    for (struct tty *it = g_tty_registry; it != NULL; it = it->next) {
        if (it->index == index && is_visible_locked(it)) {
            found = get_tty(it);
            break;
        }
    }
    pthread_mutex_unlock(&g_tty_registry_mu);
    return found;
}

/* ---- the file system ---- */

static const struct inode_ops g_devpts_inode_ops;

static void fill_times(struct stat *st)
{
    clock_gettime(CLOCK_REALTIME, &st->st_mtim);
    st->st_atim = st->st_ctim = st->st_mtim;
}

static struct inode *pts_inode_new(struct super_block *sb, struct tty *tty)
{
    struct inode *ino = inode_new(sb, &g_devpts_inode_ops, tty);

    if (ino == NULL)
        return NULL;
    ino->st.st_ino = DEVPTS_INO_BASE + (uint64_t)tty->index;
    pthread_mutex_lock(&tty->mu);
    ino->st.st_mode = S_IFCHR | tty->mode;
    ino->st.st_uid = tty->uid;
    ino->st.st_gid = tty->gid;
    pthread_mutex_unlock(&tty->mu);
    ino->st.st_nlink = 1;
    ino->st.st_rdev = makedev(136 + tty->index / 256, tty->index % 256);
    ino->st.st_blksize = 1024;
    fill_times(&ino->st);
    return ino;
}

static long devpts_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct inode *ino;
    struct tty *tty;
    char *end;
    long index;

    if (dir->st.st_ino != DEVPTS_INO_ROOT)
        return -ENOTDIR;
    if (strcmp(name, "ptmx") == 0) {
        ino = inode_new(dir->sb, &g_devpts_inode_ops, NULL);
        if (ino == NULL)
            return -ENOMEM;
        ino->st.st_ino = DEVPTS_INO_PTMX;
        ino->st.st_mode = S_IFCHR | 0666;
        ino->st.st_nlink = 1;
        ino->st.st_rdev = makedev(5, 2);
        ino->st.st_blksize = 1024;
        fill_times(&ino->st);
        *out = ino;
        return 0;
    }
    index = strtol(name, &end, 10);
    if (*name < '0' || *name > '9' || *end != '\0' || index < 0 || index >= DEVPTS_MAX ||
        (name[0] == '0' && name[1] != '\0'))
        return -ENOENT;
    tty = tty_find_index((int)index);
    if (tty == NULL)
        return -ENOENT;
    ino = pts_inode_new(dir->sb, tty);
    if (ino == NULL) {
        put_tty(tty);
        return -ENOMEM;
    }
    *out = ino;
    return 0;
}

static long devpts_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct tty *tty = ino->priv;

    if (sa->mask & VFS_ATTR_SIZE)
        return -EINVAL;
    if (sa->mask & VFS_ATTR_MODE)
        ino->st.st_mode = (ino->st.st_mode & S_IFMT) | (sa->mode & 07777);
    if (sa->mask & VFS_ATTR_UID)
        ino->st.st_uid = sa->uid;
    if (sa->mask & VFS_ATTR_GID)
        ino->st.st_gid = sa->gid;
    if (sa->mask & (VFS_ATTR_ATIME | VFS_ATTR_ATIME_NOW))
        ino->st.st_atim = sa->atime;
    if (sa->mask & (VFS_ATTR_MTIME | VFS_ATTR_MTIME_NOW))
        ino->st.st_mtim = sa->mtime;
    clock_gettime(CLOCK_REALTIME, &ino->st.st_ctim);
    if (tty != NULL) {
        pthread_mutex_lock(&tty->mu);
        tty->mode = ino->st.st_mode & 07777;
        tty->uid = ino->st.st_uid;
        tty->gid = ino->st.st_gid;
        pthread_mutex_unlock(&tty->mu);
    }
    return 0;
}

/* ---- the root directory ---- */

static bool emit(struct file *f, vfs_filldir_fn fill, void *ctx, int64_t *idx, const char *name,
                 uint64_t ino, unsigned int type)
{
    int64_t i = (*idx)++;

    if (i < f->pos)
        return true;
    if (!fill(ctx, name, strlen(name), ino, i + 1, type))
        return false;
    f->pos = i + 1;
    return true;
}

static long root_readdir(struct file *f, vfs_filldir_fn fill, void *ctx)
{
    int indexes[64];
    int64_t idx = 0;
    size_t n = 0;
    char name[16];

    if (!emit(f, fill, ctx, &idx, ".", DEVPTS_INO_ROOT, DT_DIR) ||
        !emit(f, fill, ctx, &idx, "..", DEVPTS_INO_ROOT, DT_DIR) ||
        !emit(f, fill, ctx, &idx, "ptmx", DEVPTS_INO_PTMX, DT_CHR))
        return 0;
    /* Ascending pts numbers, in batches so that no lock is held while filling. */
    for (int from = 0;;) {
        n = 0;
        pthread_mutex_lock(&g_tty_registry_mu);
        for (int i = from; i < DEVPTS_MAX && n < sizeof(indexes) / sizeof(indexes[0]); i++) {
            for (struct tty *it = g_tty_registry; it != NULL; it = it->next) {
                if (it->index == i && is_visible_locked(it)) {
                    indexes[n++] = i;
                    break;
                }
            }
        }
        pthread_mutex_unlock(&g_tty_registry_mu);
        for (size_t j = 0; j < n; j++) {
            snprintf(name, sizeof(name), "%d", indexes[j]);
            if (!emit(f, fill, ctx, &idx, name, DEVPTS_INO_BASE + (uint64_t)indexes[j], DT_CHR))
                return 0;
        }
        if (n < sizeof(indexes) / sizeof(indexes[0]))
            return 0;
        from = indexes[n - 1] + 1;
    }
}

static long root_lseek(struct file *f, int64_t off, int whence)
{
    if (whence == SEEK_SET && off >= 0)
        return f->pos = off;
    if (whence == SEEK_CUR && f->pos + off >= 0)
        return f->pos += off;
    return -EINVAL;
}

static const struct file_ops g_devpts_dir_ops = {
    .name = "devpts-dir",
    .lseek = root_lseek,
    .readdir = root_readdir,
};

static long devpts_open(struct inode *ino, unsigned int flags, struct file **out)
{
    struct task *t = g_kernel_current_task;
    struct tty *tty;

    if (ino->st.st_ino == DEVPTS_INO_ROOT) {
        if ((flags & O_ACCMODE) != O_RDONLY)
            return -EISDIR;
        *out = file_new(&g_devpts_dir_ops, flags & ~(unsigned int)(O_CREAT | O_EXCL), NULL);
        return *out == NULL ? -ENOMEM : 0;
    }
    if (ino->st.st_ino != DEVPTS_INO_PTMX)
        return tty_replica_open(ino->priv, flags, out);
    /* Every open of ptmx is a new pair, owned by the opener. */
    tty = tty_new(/*console=*/false);
    if (tty == NULL)
        return -ENOSPC;
    if (t != NULL) {
        struct vfs_cred c;

        vfs_task_cred(t, &c);
        tty->uid = c.fsuid;
        tty->k = t->k;
    }
    *out = tty_file_new(tty, /*master=*/true, flags);
    put_tty(tty);
    return *out == NULL ? -ENOMEM : 0;
}

static long devpts_statfs(struct inode *ino, struct statfs *sf)
{
    (void)ino;
    memset(sf, 0, sizeof(*sf));
    sf->f_type = DEVPTS_MAGIC;
    sf->f_bsize = 4096;
    sf->f_namelen = 255;
    sf->f_frsize = 4096;
    return 0;
}

static void devpts_release(struct inode *ino)
{
    put_tty(ino->priv);
}

static const struct inode_ops g_devpts_inode_ops = {
    .lookup = devpts_lookup,
    .setattr = devpts_setattr,
    .open = devpts_open,
    .statfs = devpts_statfs,
    .release = devpts_release,
};

struct super_block *devpts_new(void)
{
    struct super_block *sb = super_block_new("devpts");
    struct inode *root;

    if (sb == NULL)
        return NULL;
    root = inode_new(sb, &g_devpts_inode_ops, NULL);
    if (root == NULL) {
        put_super_block(sb);
        return NULL;
    }
    root->st.st_ino = DEVPTS_INO_ROOT;
    root->st.st_mode = S_IFDIR | 0755;
    root->st.st_nlink = 2;
    root->st.st_blksize = 4096;
    fill_times(&root->st);
    sb->root = root;
    return sb;
}

long devpts_open_peer(struct file *f, struct task *t, unsigned int flags)
{
    struct tty *tty = f->priv;
    struct vfs_path dir, child = { 0 };
    struct file *peer = NULL;
    char name[16];
    long ret;

    if (flags & ~(unsigned int)(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    if (f->mnt == NULL || f->dentry == NULL || f->dentry->parent == NULL || tty->index < 0)
        return -EINVAL;
    dir.mnt = f->mnt;
    dir.d = f->dentry->parent;
    snprintf(name, sizeof(name), "%d", tty->index);
    ret = vfs_lookup_child(&dir, name, &child);
    if (ret < 0)
        return ret == -ENOENT ? -EIO : ret;
    ret = vfs_open_path(&child, flags & ~(unsigned int)O_CLOEXEC, &peer);
    vfs_path_put(&child);
    if (ret < 0)
        return ret;
    ret = fd_table_install(t->fdt, peer, 0, flags & O_CLOEXEC, task_nofile_limit(t));
    put_file(peer);
    return ret;
}
