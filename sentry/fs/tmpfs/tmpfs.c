/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tmpfs: directories in sentry memory, regular files in memfds, symlinks,
 * extended attributes, and the size= / nr_inodes= limits of a mount.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "sentry/fs/pipe/pipe.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/vfs/vfs.h"

struct tmpfs_dirent {
    char *name;          /* owned */
    struct inode *inode; /* owned reference */
    uint64_t off;        /* readdir cookie, increasing in insertion order */
    struct tmpfs_dirent *next;
};

/* A mount's limits and what its files use. */
struct tmpfs_sb {
    pthread_mutex_t mu;
    uint64_t max_bytes;   /* 0: no limit. Immutable. */
    uint64_t max_inodes;  /* 0: no limit. Immutable. */
    uint64_t used_bytes;  /* the sum of every file's `charged`. Protected by `mu`. */
    uint64_t used_inodes; /* Protected by `mu`. */
};

#define TMPFS_PAGE 4096ULL

struct tmpfs_node {
    /* Extended attributes. Protected by the super block's `mu`. */
    struct mem_xattr *xattrs;
    /* Bytes of file data counted against the size limit (page-rounded size). Protected by `mu`. */
    uint64_t charged;
    /* Directories */
    struct tmpfs_dirent *entries; /* insertion order */
    uint64_t next_off;
    uint64_t parent_ino;
    /* Regular files */
    int memfd; /* owned; -1 otherwise */
    /*
     * F_SEAL_* (memfd seals, enforced by the sentry: the host refuses
     * F_ADD_SEALS to it). Every tmpfs file starts with F_SEAL_SEAL, as Linux's
     * shmem files; a memfd_create'd file (`sealable`) may start with none.
     * Protected by the super block's `mu`.
     */
    unsigned int seals;
    bool sealable; /* a memfd: its files check the seals on write */
    /* Symlinks */
    char *target;
    /* FIFOs: the pipe every opener shares. */
    struct pipe *pipe;
};

static const struct inode_ops g_tmpfs_ops;

static struct tmpfs_node *node_of(struct inode *ino)
{
    return ino->priv;
}

static struct tmpfs_sb *tsb_of(struct inode *ino)
{
    return ino->sb->priv;
}

static uint64_t page_round(uint64_t n)
{
    return (n + TMPFS_PAGE - 1) & ~(TMPFS_PAGE - 1);
}

static void now(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
}

static void touch_dir(struct inode *dir)
{
    now(&dir->st.st_mtim);
    dir->st.st_ctim = dir->st.st_mtim;
}

/* Counts one more inode against nr_inodes. Returns 0 or -ENOSPC. */
static long charge_inode(struct tmpfs_sb *ts)
{
    long ret = 0;

    pthread_mutex_lock(&ts->mu);
    if (ts->max_inodes != 0 && ts->used_inodes >= ts->max_inodes)
        ret = -ENOSPC;
    else
        ts->used_inodes++;
    pthread_mutex_unlock(&ts->mu);
    return ret;
}

static void uncharge(struct tmpfs_sb *ts, uint64_t bytes, uint64_t inodes)
{
    pthread_mutex_lock(&ts->mu);
    ts->used_bytes -= bytes;
    ts->used_inodes -= inodes;
    pthread_mutex_unlock(&ts->mu);
}

/* A new inode of `sb` in `*out`. Returns 0, -ENOSPC (nr_inodes) or -ENOMEM. */
static long node_new(struct super_block *sb, uint32_t mode, const struct vfs_owner *o,
                     struct inode **out)
{
    struct tmpfs_node *n;
    struct inode *ino;

    if (charge_inode(sb->priv) < 0)
        return -ENOSPC;
    n = calloc(1, sizeof(*n));
    if (n == NULL) {
        uncharge(sb->priv, 0, 1);
        return -ENOMEM;
    }
    n->memfd = -1;
    n->next_off = 2;
    ino = inode_new(sb, &g_tmpfs_ops, n);
    if (ino == NULL) {
        uncharge(sb->priv, 0, 1);
        free(n);
        return -ENOMEM;
    }
    ino->st.st_ino = sb->next_ino++;
    ino->st.st_mode = mode;
    ino->st.st_uid = o->uid;
    ino->st.st_gid = o->gid;
    ino->st.st_nlink = S_ISDIR(mode) ? 2 : 1;
    now(&ino->st.st_atim);
    ino->st.st_mtim = ino->st.st_atim;
    ino->st.st_ctim = ino->st.st_atim;
    n->seals = F_SEAL_SEAL;
    if (S_ISREG(mode)) {
        n->memfd = memfd_create("tmpfs", MFD_CLOEXEC);
        if (n->memfd < 0) {
            put_inode(ino);
            return -ENOMEM;
        }
    }
    *out = ino;
    return 0;
}

static struct tmpfs_dirent *find(struct inode *dir, const char *name, struct tmpfs_dirent ***pp)
{
    struct tmpfs_dirent **p = &node_of(dir)->entries;

    for (; *p != NULL; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            if (pp != NULL)
                *pp = p;
            return *p;
        }
    }
    return NULL;
}

/* Adds `ino` (a new reference is taken) under `name`. */
static long add_entry(struct inode *dir, const char *name, struct inode *ino)
{
    struct tmpfs_node *dn = node_of(dir);
    struct tmpfs_dirent *e = calloc(1, sizeof(*e)), **tail;

    if (e == NULL || (e->name = strdup(name)) == NULL) {
        free(e);
        return -ENOMEM;
    }
    e->inode = get_inode(ino);
    e->off = dn->next_off++;
    for (tail = &dn->entries; *tail != NULL; tail = &(*tail)->next)
        ;
    *tail = e;
    if (S_ISDIR(ino->st.st_mode)) {
        dir->st.st_nlink++;
        node_of(ino)->parent_ino = dir->st.st_ino;
    }
    touch_dir(dir);
    return 0;
}

static void remove_entry(struct inode *dir, struct tmpfs_dirent **pp)
{
    struct tmpfs_dirent *e = *pp;

    *pp = e->next;
    if (S_ISDIR(e->inode->st.st_mode))
        dir->st.st_nlink--;
    touch_dir(dir);
    free(e->name);
    put_inode(e->inode);
    free(e);
}

static long tmpfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct tmpfs_dirent *e = find(dir, name, NULL);

    if (e == NULL)
        return -ENOENT;
    *out = get_inode(e->inode);
    return 0;
}

/*
 * Regular files of a tmpfs with a size limit: g_vfs_fd_file_ops with writes
 * that count their pages first. The file keeps its tmpfs inode (under an
 * overlay, file_inode() is the overlay's).
 */
struct tmpfs_file {
    struct vfs_fd_file h; /* first: g_vfs_fd_file_ops reads the fd through it */
    struct inode *ino;    /* owned reference */
};

/*
 * Charges the pages a write of `len` bytes at `off` adds to the file and
 * returns how many of the bytes fit (all, fewer, or -ENOSPC for none).
 */
static long charge_write(struct inode *ino, int64_t off, size_t len)
{
    struct tmpfs_sb *ts = tsb_of(ino);
    struct tmpfs_node *n = node_of(ino);
    uint64_t end = (uint64_t)off + len, want = page_round(end), room;
    long ret = (long)len;

    pthread_mutex_lock(&ts->mu);
    if (want > n->charged) {
        room = ts->max_bytes > ts->used_bytes ? ts->max_bytes - ts->used_bytes : 0;
        if (want - n->charged > room) {
            /* Linux writes what fits in the pages left, then says ENOSPC. */
            uint64_t limit = n->charged + (room & ~(TMPFS_PAGE - 1));

            if ((uint64_t)off >= limit) {
                ret = -ENOSPC;
                goto out;
            }
            ret = (long)(limit - (uint64_t)off);
            want = limit;
        }
        ts->used_bytes += want - n->charged;
        n->charged = want;
    }
out:
    pthread_mutex_unlock(&ts->mu);
    return ret;
}

static long limited_pwrite(struct file *f, const void *buf, size_t len, int64_t off)
{
    long fit = charge_write(((struct tmpfs_file *)f->priv)->ino, off, len);

    if (fit < 0)
        return fit;
    return g_vfs_fd_file_ops.pwrite(f, buf, (size_t)fit, off);
}

static long limited_write(struct file *f, const void *buf, size_t len)
{
    long n;

    if (f->flags & O_APPEND) {
        off_t end = lseek(((struct tmpfs_file *)f->priv)->h.fd, 0, SEEK_END);

        if (end < 0)
            return -errno;
        f->pos = end;
    }
    n = limited_pwrite(f, buf, len, f->pos);
    if (n > 0)
        f->pos += n;
    return n;
}

static void limited_release(struct file *f)
{
    struct tmpfs_file *tf = f->priv;

    close(tf->h.fd);
    put_inode(tf->ino);
    free(tf);
}

/* g_vfs_fd_file_ops with the three ops above (set once: the table is another file's). */
static struct file_ops g_limited_ops;
static pthread_once_t g_limited_once = PTHREAD_ONCE_INIT;

static void init_limited_ops(void)
{
    g_limited_ops = g_vfs_fd_file_ops;
    g_limited_ops.write = limited_write;
    g_limited_ops.pwrite = limited_pwrite;
    g_limited_ops.release = limited_release;
}

/* ---- memfd seals ---- */

static unsigned int seals_of(struct inode *ino)
{
    struct tmpfs_sb *ts = tsb_of(ino);
    unsigned int seals;

    pthread_mutex_lock(&ts->mu);
    seals = node_of(ino)->seals;
    pthread_mutex_unlock(&ts->mu);
    return seals;
}

/* The file's size now (the memfd's), or -errno. */
static int64_t node_size(struct inode *ino)
{
    struct stat st;

    if (fstat(node_of(ino)->memfd, &st) < 0)
        return -errno;
    return st.st_size;
}

/* Whether F_SEAL_SHRINK / F_SEAL_GROW forbid making the file `size` bytes long. */
static bool seals_forbid_size(struct inode *ino, int64_t size)
{
    unsigned int seals = seals_of(ino);
    int64_t cur;

    if (!(seals & (F_SEAL_SHRINK | F_SEAL_GROW)))
        return false;
    cur = node_size(ino);
    if (cur < 0)
        return false;
    return (size < cur && (seals & F_SEAL_SHRINK)) || (size > cur && (seals & F_SEAL_GROW));
}

/* Linux's shmem_write_begin checks: F_SEAL_WRITE / FUTURE_WRITE, then F_SEAL_GROW past EOF. */
static long seals_check_write(struct inode *ino, int64_t off, size_t len)
{
    unsigned int seals = seals_of(ino);
    int64_t cur;

    if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
        return -EPERM;
    if ((seals & F_SEAL_GROW) && len > 0) {
        cur = node_size(ino);
        if (cur >= 0 && off + (int64_t)len > cur)
            return -EPERM;
    }
    return 0;
}

static long sealed_pwrite(struct file *f, const void *buf, size_t len, int64_t off)
{
    struct inode *ino = ((struct tmpfs_file *)f->priv)->ino;
    long ret = seals_check_write(ino, off, len);

    if (ret < 0)
        return ret;
    if (tsb_of(ino)->max_bytes != 0)
        return limited_pwrite(f, buf, len, off);
    return g_vfs_fd_file_ops.pwrite(f, buf, len, off);
}

static long sealed_write(struct file *f, const void *buf, size_t len)
{
    long n;

    if (f->flags & O_APPEND) {
        off_t end = lseek(((struct tmpfs_file *)f->priv)->h.fd, 0, SEEK_END);

        if (end < 0)
            return -errno;
        f->pos = end;
    }
    n = sealed_pwrite(f, buf, len, f->pos);
    if (n > 0)
        f->pos += n;
    return n;
}

/* g_vfs_fd_file_ops for the files of a memfd: writes check the seals first. */
static struct file_ops g_sealed_ops;
static pthread_once_t g_sealed_once = PTHREAD_ONCE_INIT;

static void init_sealed_ops(void)
{
    g_sealed_ops = g_vfs_fd_file_ops;
    g_sealed_ops.write = sealed_write;
    g_sealed_ops.pwrite = sealed_pwrite;
    g_sealed_ops.release = limited_release;
}

/* The tmpfs inode behind `f` (a regular file of ours), or NULL. */
static struct inode *tmpfs_inode_of(struct file *f)
{
    struct inode *ino = file_inode(f);

    if (ino == NULL || ino->ops != &g_tmpfs_ops || !S_ISREG(ino->st.st_mode))
        return NULL;
    return ino;
}

long tmpfs_file_get_seals(struct file *f)
{
    struct inode *ino = tmpfs_inode_of(f);

    return ino != NULL ? (long)seals_of(ino) : -EINVAL;
}

bool tmpfs_file_sealable(struct file *f)
{
    struct inode *ino = tmpfs_inode_of(f);

    return ino != NULL && node_of(ino)->sealable;
}

long tmpfs_file_add_seals(struct file *f, unsigned int seals, bool writably_mapped)
{
    struct inode *ino = tmpfs_inode_of(f);
    struct tmpfs_sb *ts;
    struct tmpfs_node *n;
    long ret = 0;

    if (ino == NULL)
        return -EINVAL;
    if (!file_is_writable(f))
        return -EPERM;
    if (seals & ~TMPFS_ALL_SEALS)
        return -EINVAL;
    ts = tsb_of(ino);
    n = node_of(ino);
    pthread_mutex_lock(&ts->mu);
    if (n->seals & F_SEAL_SEAL)
        ret = -EPERM;
    else if ((seals & F_SEAL_WRITE) && !(n->seals & F_SEAL_WRITE) && writably_mapped)
        ret = -EBUSY;
    else
        n->seals |= seals;
    pthread_mutex_unlock(&ts->mu);
    return ret;
}

long tmpfs_file_check_mmap(struct file *f, int prot, int flags)
{
    struct inode *ino = tmpfs_inode_of(f);
    int type = flags & MAP_TYPE;

    if (ino == NULL || !(prot & PROT_WRITE) || (type != MAP_SHARED && type != MAP_SHARED_VALIDATE))
        return 0;
    return (seals_of(ino) & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) ? -EPERM : 0;
}

long tmpfs_file_check_fallocate(struct file *f, int mode, int64_t off, int64_t len)
{
    struct inode *ino = tmpfs_inode_of(f);
    unsigned int seals;
    int64_t cur;

    if (ino == NULL)
        return 0;
    seals = seals_of(ino);
    /*
     * Linux's shmem_fallocate: a hole needs the right to write; anything else
     * reaching past EOF is growth, even with FALLOC_FL_KEEP_SIZE.
     */
    if ((mode & FALLOC_FL_PUNCH_HOLE) && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
        return -EPERM;
    if (!(mode & FALLOC_FL_PUNCH_HOLE) && (seals & F_SEAL_GROW)) {
        cur = node_size(ino);
        if (cur >= 0 && off + len > cur)
            return -EPERM;
    }
    return 0;
}

static long open_regular(struct inode *ino, unsigned int flags, struct file **out)
{
    bool limited = tsb_of(ino)->max_bytes != 0;
    bool sealable = node_of(ino)->sealable;
    struct tmpfs_file *tf = calloc(1, sizeof(*tf));
    struct file *f;

    if (tf == NULL)
        return -ENOMEM;
    tf->h.fd = fcntl(node_of(ino)->memfd, F_DUPFD_CLOEXEC, 0);
    if (tf->h.fd < 0) {
        free(tf);
        return -EMFILE;
    }
    if (limited || sealable) {
        pthread_once(&g_limited_once, init_limited_ops);
        pthread_once(&g_sealed_once, init_sealed_ops);
        tf->ino = get_inode(ino);
    }
    /* Without a limit, g_vfs_fd_file_ops frees `tf` by its first member. */
    f = file_new(sealable  ? &g_sealed_ops
                 : limited ? &g_limited_ops
                           : &g_vfs_fd_file_ops,
                 flags, tf);
    if (f == NULL) {
        close(tf->h.fd);
        put_inode(tf->ino);
        free(tf);
        return -ENOMEM;
    }
    *out = f;
    return 0;
}

/* Creates `name` in `dir` with `mode`; the new inode is returned with a reference. */
static long make_node(struct inode *dir, const char *name, uint32_t mode, const struct vfs_owner *o,
                      struct inode **out)
{
    struct inode *ino;
    long ret;

    if (find(dir, name, NULL) != NULL)
        return -EEXIST;
    ret = node_new(dir->sb, mode, o, &ino);
    if (ret < 0)
        return ret;
    ret = add_entry(dir, name, ino);
    if (ret < 0) {
        put_inode(ino);
        return ret;
    }
    *out = ino;
    return 0;
}

static long tmpfs_create(struct inode *dir, const char *name, uint32_t mode,
                         const struct vfs_owner *o, unsigned int flags, struct inode **out,
                         struct file **fout)
{
    struct inode *ino = NULL;
    long ret = make_node(dir, name, mode, o, &ino);

    if (ret < 0)
        return ret;
    ret = open_regular(ino, flags, fout);
    if (ret < 0) {
        struct tmpfs_dirent **pp;

        if (find(dir, name, &pp) != NULL)
            remove_entry(dir, pp);
        put_inode(ino);
        return ret;
    }
    *out = ino;
    return 0;
}

static long tmpfs_mkdir(struct inode *dir, const char *name, uint32_t mode,
                        const struct vfs_owner *o)
{
    struct inode *ino = NULL;
    long ret = make_node(dir, name, S_IFDIR | (mode & 07777), o, &ino);

    put_inode(ino);
    return ret;
}

static long tmpfs_mknod(struct inode *dir, const char *name, uint32_t mode, uint64_t rdev,
                        const struct vfs_owner *o)
{
    struct inode *ino = NULL;
    long ret = make_node(dir, name, mode, o, &ino);

    if (ret == 0)
        ino->st.st_rdev = rdev;
    put_inode(ino);
    return ret;
}

static long tmpfs_symlink(struct inode *dir, const char *name, const char *target,
                          const struct vfs_owner *o)
{
    struct inode *ino = NULL;
    char *copy = strdup(target);
    long ret;

    if (copy == NULL)
        return -ENOMEM;
    ret = make_node(dir, name, S_IFLNK | 0777, o, &ino);
    if (ret < 0) {
        free(copy);
        return ret;
    }
    node_of(ino)->target = copy;
    ino->st.st_size = (off_t)strlen(copy);
    put_inode(ino);
    return 0;
}

static long tmpfs_link(struct inode *dir, const char *name, struct inode *target)
{
    long ret;

    if (target->sb != dir->sb)
        return -EXDEV;
    if (find(dir, name, NULL) != NULL)
        return -EEXIST;
    ret = add_entry(dir, name, target);
    if (ret == 0) {
        target->st.st_nlink++;
        now(&target->st.st_ctim);
    }
    return ret;
}

static long tmpfs_unlink(struct inode *dir, const char *name)
{
    struct tmpfs_dirent **pp = NULL;
    struct tmpfs_dirent *e = find(dir, name, &pp);

    if (e == NULL)
        return -ENOENT;
    if (S_ISDIR(e->inode->st.st_mode))
        return -EISDIR;
    e->inode->st.st_nlink--;
    now(&e->inode->st.st_ctim);
    remove_entry(dir, pp);
    return 0;
}

static long tmpfs_rmdir(struct inode *dir, const char *name)
{
    struct tmpfs_dirent **pp = NULL;
    struct tmpfs_dirent *e = find(dir, name, &pp);

    if (e == NULL)
        return -ENOENT;
    if (!S_ISDIR(e->inode->st.st_mode))
        return -ENOTDIR;
    if (node_of(e->inode)->entries != NULL)
        return -ENOTEMPTY;
    e->inode->st.st_nlink = 0;
    remove_entry(dir, pp);
    return 0;
}

static long tmpfs_rename(struct inode *odir, const char *oname, struct inode *ndir,
                         const char *nname, unsigned int flags)
{
    struct tmpfs_dirent **opp = NULL, **npp = NULL;
    struct tmpfs_dirent *oe = find(odir, oname, &opp);
    struct tmpfs_dirent *ne = find(ndir, nname, &npp);
    struct inode *ino;
    long ret;

    if (oe == NULL)
        return -ENOENT;
    if (oe == ne)
        return 0;
    if (flags & RENAME_EXCHANGE) {
        struct inode *tmp;

        if (ne == NULL)
            return -ENOENT;
        tmp = oe->inode;
        oe->inode = ne->inode;
        ne->inode = tmp;
        if (S_ISDIR(oe->inode->st.st_mode) != S_ISDIR(ne->inode->st.st_mode) && odir != ndir) {
            int d = S_ISDIR(ne->inode->st.st_mode) ? 1 : -1;

            ndir->st.st_nlink += d;
            odir->st.st_nlink -= d;
        }
        if (S_ISDIR(oe->inode->st.st_mode))
            node_of(oe->inode)->parent_ino = odir->st.st_ino;
        if (S_ISDIR(ne->inode->st.st_mode))
            node_of(ne->inode)->parent_ino = ndir->st.st_ino;
        touch_dir(odir);
        touch_dir(ndir);
        return 0;
    }
    if (ne != NULL) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        if (S_ISDIR(oe->inode->st.st_mode) && !S_ISDIR(ne->inode->st.st_mode))
            return -ENOTDIR;
        if (!S_ISDIR(oe->inode->st.st_mode) && S_ISDIR(ne->inode->st.st_mode))
            return -EISDIR;
        if (S_ISDIR(ne->inode->st.st_mode) && node_of(ne->inode)->entries != NULL)
            return -ENOTEMPTY;
    }
    ino = get_inode(oe->inode);
    remove_entry(odir, opp);
    if (ne != NULL) {
        find(ndir, nname, &npp);
        if (S_ISDIR(ne->inode->st.st_mode))
            ne->inode->st.st_nlink = 0;
        else
            ne->inode->st.st_nlink--;
        remove_entry(ndir, npp);
    }
    ret = add_entry(ndir, nname, ino);
    now(&ino->st.st_ctim);
    put_inode(ino);
    return ret;
}

static long tmpfs_readlink(struct inode *ino, char *buf, size_t size)
{
    const char *t = node_of(ino)->target;
    size_t len;

    if (t == NULL)
        return -EINVAL;
    len = strlen(t);
    if (len > size)
        len = size;
    memcpy(buf, t, len);
    return (long)len;
}

static long tmpfs_getattr(struct inode *ino, struct stat *st)
{
    struct tmpfs_node *n = node_of(ino);

    if (n->memfd >= 0) {
        struct stat h;

        if (fstat(n->memfd, &h) < 0)
            return -errno;
        ino->st.st_size = h.st_size;
        ino->st.st_blocks = h.st_blocks;
        ino->st.st_atim = h.st_atim;
        ino->st.st_mtim = h.st_mtim;
        if (h.st_ctim.tv_sec > ino->st.st_ctim.tv_sec ||
            (h.st_ctim.tv_sec == ino->st.st_ctim.tv_sec &&
             h.st_ctim.tv_nsec > ino->st.st_ctim.tv_nsec))
            ino->st.st_ctim = h.st_ctim;
    } else if (S_ISDIR(ino->st.st_mode)) {
        ino->st.st_size = 4096;
    }
    *st = ino->st;
    return 0;
}

static long tmpfs_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct tmpfs_node *n = node_of(ino);

    if (sa->mask & VFS_ATTR_SIZE) {
        struct tmpfs_sb *ts = tsb_of(ino);

        if (n->memfd < 0)
            return S_ISDIR(ino->st.st_mode) ? -EISDIR : -EINVAL;
        if (seals_forbid_size(ino, sa->size))
            return -EPERM;
        if (ftruncate(n->memfd, sa->size) < 0)
            return -errno;
        /* A file that grows by truncate is sparse: only what it shrinks to is counted. */
        pthread_mutex_lock(&ts->mu);
        if (page_round((uint64_t)sa->size) < n->charged) {
            ts->used_bytes -= n->charged - page_round((uint64_t)sa->size);
            n->charged = page_round((uint64_t)sa->size);
        }
        pthread_mutex_unlock(&ts->mu);
    }
    if (sa->mask & (VFS_ATTR_ATIME | VFS_ATTR_MTIME | VFS_ATTR_ATIME_NOW | VFS_ATTR_MTIME_NOW)) {
        struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };

        if (sa->mask & VFS_ATTR_ATIME_NOW)
            ts[0].tv_nsec = UTIME_NOW;
        else if (sa->mask & VFS_ATTR_ATIME)
            ts[0] = sa->atime;
        if (sa->mask & VFS_ATTR_MTIME_NOW)
            ts[1].tv_nsec = UTIME_NOW;
        else if (sa->mask & VFS_ATTR_MTIME)
            ts[1] = sa->mtime;
        if (n->memfd >= 0) {
            if (futimens(n->memfd, ts) < 0)
                return -errno;
        } else {
            struct timespec t;

            now(&t);
            if (ts[0].tv_nsec != UTIME_OMIT)
                ino->st.st_atim = ts[0].tv_nsec == UTIME_NOW ? t : ts[0];
            if (ts[1].tv_nsec != UTIME_OMIT)
                ino->st.st_mtim = ts[1].tv_nsec == UTIME_NOW ? t : ts[1];
        }
    }
    if (sa->mask & VFS_ATTR_MODE)
        ino->st.st_mode = (ino->st.st_mode & S_IFMT) | (sa->mode & 07777);
    if (sa->mask & VFS_ATTR_UID)
        ino->st.st_uid = sa->uid;
    if (sa->mask & VFS_ATTR_GID)
        ino->st.st_gid = sa->gid;
    now(&ino->st.st_ctim);
    return 0;
}

/* Directory files: ".", "..", then the entries in insertion order. */
static long dir_readdir(struct file *f, vfs_filldir_fn fill, void *ctx)
{
    struct inode *dir = file_inode(f);
    struct tmpfs_node *n = node_of(dir);

    if (f->pos == 0) {
        if (!fill(ctx, ".", 1, dir->st.st_ino, 1, DT_DIR))
            return 0;
        f->pos = 1;
    }
    if (f->pos == 1) {
        uint64_t pino = n->parent_ino != 0 ? n->parent_ino : dir->st.st_ino;

        if (!fill(ctx, "..", 2, pino, 2, DT_DIR))
            return 0;
        f->pos = 2;
    }
    for (struct tmpfs_dirent *e = n->entries; e != NULL; e = e->next) {
        if ((int64_t)e->off < f->pos)
            continue;
        if (!fill(ctx, e->name, strlen(e->name), e->inode->st.st_ino, (int64_t)e->off + 1,
                  IFTODT(e->inode->st.st_mode)))
            return 0;
        f->pos = (int64_t)e->off + 1;
    }
    return 0;
}

static long dir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence == SEEK_SET && off >= 0) {
        f->pos = off;
        return off;
    }
    if (whence == SEEK_CUR && f->pos + off >= 0) {
        f->pos += off;
        return f->pos;
    }
    return -EINVAL;
}

static long dir_fstat(struct file *f, struct stat *st)
{
    return vfs_inode_getattr(file_inode(f), st);
}

static const struct file_ops g_tmpfs_dir_file_ops = {
    .name = "tmpfs-dir",
    .lseek = dir_lseek,
    .fstat = dir_fstat,
    .readdir = dir_readdir,
};

static long tmpfs_open(struct inode *ino, unsigned int flags, struct file **out)
{
    struct tmpfs_node *n = node_of(ino);

    if (S_ISREG(ino->st.st_mode))
        return open_regular(ino, flags, out);
    if (S_ISDIR(ino->st.st_mode)) {
        *out = file_new(&g_tmpfs_dir_file_ops, flags, NULL);
        return *out != NULL ? 0 : -ENOMEM;
    }
    if (S_ISFIFO(ino->st.st_mode)) {
        if (n->pipe == NULL && (n->pipe = pipe_new()) == NULL)
            return -ENOMEM;
        return pipe_fifo_open(n->pipe, flags, out);
    }
    return -ENXIO;
}

static long tmpfs_statfs(struct inode *ino, struct statfs *sf)
{
    struct tmpfs_sb *ts = tsb_of(ino);
    uint64_t blocks = 1 << 20, files = 1 << 20;

    memset(sf, 0, sizeof(*sf));
    sf->f_type = TMPFS_MAGIC;
    sf->f_bsize = TMPFS_PAGE;
    sf->f_frsize = TMPFS_PAGE;
    sf->f_namelen = 255;
    pthread_mutex_lock(&ts->mu);
    if (ts->max_bytes != 0)
        blocks = ts->max_bytes / TMPFS_PAGE;
    if (ts->max_inodes != 0)
        files = ts->max_inodes;
    sf->f_blocks = blocks;
    sf->f_bfree = ts->used_bytes / TMPFS_PAGE < blocks ? blocks - ts->used_bytes / TMPFS_PAGE : 0;
    sf->f_bavail = sf->f_bfree;
    sf->f_files = files;
    sf->f_ffree = ts->used_inodes < files ? files - ts->used_inodes : 0;
    pthread_mutex_unlock(&ts->mu);
    return 0;
}

/* ---- extended attributes: any name the syscall layer lets through ---- */

static long tmpfs_getxattr(struct inode *ino, const char *name, void *buf, size_t size)
{
    struct tmpfs_sb *ts = tsb_of(ino);
    long ret;

    pthread_mutex_lock(&ts->mu);
    ret = mem_xattr_get(node_of(ino)->xattrs, 0, name, buf, size);
    pthread_mutex_unlock(&ts->mu);
    return ret;
}

static long tmpfs_setxattr(struct inode *ino, const char *name, const void *value, size_t size,
                           int flags)
{
    struct tmpfs_sb *ts = tsb_of(ino);
    long ret;

    pthread_mutex_lock(&ts->mu);
    ret = mem_xattr_set(&node_of(ino)->xattrs, 0, name, value, size, flags);
    pthread_mutex_unlock(&ts->mu);
    if (ret == 0)
        now(&ino->st.st_ctim);
    return ret;
}

static long tmpfs_listxattr(struct inode *ino, char *buf, size_t size)
{
    struct tmpfs_sb *ts = tsb_of(ino);
    size_t len;

    pthread_mutex_lock(&ts->mu);
    len = mem_xattr_list(node_of(ino)->xattrs, 0, buf, size, 0);
    pthread_mutex_unlock(&ts->mu);
    if (size != 0 && len > size)
        return -ERANGE;
    return (long)len;
}

static long tmpfs_removexattr(struct inode *ino, const char *name)
{
    struct tmpfs_sb *ts = tsb_of(ino);
    long ret;

    pthread_mutex_lock(&ts->mu);
    ret = mem_xattr_remove(&node_of(ino)->xattrs, 0, name);
    pthread_mutex_unlock(&ts->mu);
    if (ret == 0)
        now(&ino->st.st_ctim);
    return ret;
}

static void tmpfs_release(struct inode *ino)
{
    struct tmpfs_node *n = node_of(ino);

    while (n->entries != NULL) {
        struct tmpfs_dirent *e = n->entries;

        n->entries = e->next;
        free(e->name);
        put_inode(e->inode);
        free(e);
    }
    mem_xattr_forget(&n->xattrs, 0, /*all=*/true);
    uncharge(tsb_of(ino), n->charged, 1);
    if (n->memfd >= 0)
        close(n->memfd);
    if (n->pipe != NULL)
        put_pipe(n->pipe);
    free(n->target);
    free(n);
}

static const struct inode_ops g_tmpfs_ops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .mkdir = tmpfs_mkdir,
    .mknod = tmpfs_mknod,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .readlink = tmpfs_readlink,
    .getattr = tmpfs_getattr,
    .setattr = tmpfs_setattr,
    .open = tmpfs_open,
    .statfs = tmpfs_statfs,
    .getxattr = tmpfs_getxattr,
    .setxattr = tmpfs_setxattr,
    .listxattr = tmpfs_listxattr,
    .removexattr = tmpfs_removexattr,
    .release = tmpfs_release,
};

static void tmpfs_sb_release(struct super_block *sb)
{
    struct tmpfs_sb *ts = sb->priv;

    pthread_mutex_destroy(&ts->mu);
    free(ts);
}

struct super_block *tmpfs_new_opts(const struct tmpfs_opts *opts)
{
    struct super_block *sb = super_block_new("tmpfs");
    struct vfs_owner o = { .uid = opts->uid, .gid = opts->gid };
    struct tmpfs_sb *ts = calloc(1, sizeof(*ts));

    if (sb == NULL || ts == NULL) {
        free(ts);
        if (sb != NULL)
            put_super_block(sb);
        return NULL;
    }
    pthread_mutex_init(&ts->mu, NULL);
    /* Linux rounds size= up to whole pages. */
    ts->max_bytes = page_round(opts->size_bytes);
    ts->max_inodes = opts->nr_inodes;
    sb->priv = ts;
    sb->release = tmpfs_sb_release;
    if (node_new(sb, S_IFDIR | (opts->mode & 07777), &o, &sb->root) < 0) {
        put_super_block(sb);
        return NULL;
    }
    return sb;
}

struct super_block *tmpfs_new(uint32_t mode, uint32_t uid, uint32_t gid)
{
    struct tmpfs_opts o = { .mode = mode, .uid = uid, .gid = gid };

    return tmpfs_new_opts(&o);
}

/* Parses N[kKmMgG] (memparse). Returns 0 or -EINVAL. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!isdigit((unsigned char)*s))
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0)
        return -EINVAL;
    switch (*end) {
    case 'g':
    case 'G':
        v <<= 10;
        /* fallthrough */
    case 'm':
    case 'M':
        v <<= 10;
        /* fallthrough */
    case 'k':
    case 'K':
        v <<= 10;
        end++;
        break;
    default:
        break;
    }
    if (*end != '\0')
        return -EINVAL;
    *out = v;
    return 0;
}

int tmpfs_opts_parse(struct tmpfs_opts *o, const char *opt)
{
    const char *eq = strchr(opt, '=');
    const char *v = eq != NULL ? eq + 1 : NULL;
    size_t klen = eq != NULL ? (size_t)(eq - opt) : strlen(opt);
    char *end;

    if (v == NULL)
        return 0;
    if (klen == 4 && strncmp(opt, "size", 4) == 0) {
        size_t n = strlen(v);

        if (n > 1 && v[n - 1] == '%') {
            struct sysinfo si;
            unsigned long pct = strtoul(v, &end, 10);

            if (end != v + n - 1 || sysinfo(&si) < 0)
                return -EINVAL;
            o->size_bytes = (uint64_t)si.totalram * si.mem_unit / 100 * pct;
            return 1;
        }
        return parse_size(v, &o->size_bytes) < 0 ? -EINVAL : 1;
    }
    if (klen == 9 && strncmp(opt, "nr_inodes", 9) == 0)
        return parse_size(v, &o->nr_inodes) < 0 ? -EINVAL : 1;
    if (klen == 4 && strncmp(opt, "mode", 4) == 0) {
        unsigned long m = strtoul(v, &end, 8);

        if (*v == '\0' || *end != '\0' || m > 07777)
            return -EINVAL;
        o->mode = (uint32_t)m;
        return 1;
    }
    if ((klen == 3 && strncmp(opt, "uid", 3) == 0) || (klen == 3 && strncmp(opt, "gid", 3) == 0)) {
        unsigned long id = strtoul(v, &end, 10);

        if (*v == '\0' || *end != '\0' || id > UINT32_MAX - 1)
            return -EINVAL;
        if (opt[0] == 'u')
            o->uid = (uint32_t)id;
        else
            o->gid = (uint32_t)id;
        return 1;
    }
    return 0;
}

/* ---- memfd_create ---- */

/* The internal tmpfs memfds live in (Linux's shm_mnt), made on first use. */
static pthread_once_t g_memfd_once = PTHREAD_ONCE_INIT;
static struct mount_ns *g_memfd_ns; /* its root mount is the memfd tmpfs; never freed */
static pthread_mutex_t g_memfd_mu = PTHREAD_MUTEX_INITIALIZER; /* one creation at a time */

static void memfd_init(void)
{
    struct super_block *sb = tmpfs_new(01777, 0, 0);

    if (sb == NULL)
        return;
    g_memfd_ns = mount_ns_new(sb, 0);
    put_super_block(sb);
}

long tmpfs_memfd_create(const char *name, unsigned int seals, uint32_t mode,
                        const struct vfs_owner *o, struct file **out)
{
    struct vfs_path root, p = { 0 };
    struct inode *dir, *ino = NULL;
    struct file *f = NULL;
    char dname[sizeof("memfd:") + TMPFS_MEMFD_NAME_MAX];
    long ret;

    pthread_once(&g_memfd_once, memfd_init);
    if (g_memfd_ns == NULL)
        return -ENOMEM;
    snprintf(dname, sizeof(dname), "memfd:%s", name);
    root.mnt = g_memfd_ns->root;
    root.d = g_memfd_ns->root->root;
    dir = root.d->inode;
    ret = node_new(dir->sb, S_IFREG | (mode & 07777), o, &ino);
    if (ret < 0)
        return ret;
    node_of(ino)->seals = seals;
    node_of(ino)->sealable = true;
    ret = open_regular(ino, O_RDWR | O_LARGEFILE, &f);
    if (ret < 0) {
        put_inode(ino);
        return ret;
    }
    /*
     * The file's name: a dentry "memfd:NAME" below the root of the memfd
     * mount, removed at once ("/memfd:NAME (deleted)" in /proc/<pid>/fd). A
     * name the walk refuses (one with '/') leaves the file without a path.
     */
    pthread_mutex_lock(&g_memfd_mu);
    if (add_entry(dir, dname, ino) == 0) {
        struct tmpfs_dirent **pp = NULL;

        if (vfs_lookup_child(&root, dname, &p) < 0)
            p = (struct vfs_path){ 0 };
        if (find(dir, dname, &pp) != NULL)
            remove_entry(dir, pp);
        vfs_dentry_forget(root.d, dname);
    }
    pthread_mutex_unlock(&g_memfd_mu);
    ino->st.st_nlink = 0;
    if (p.d != NULL) {
        f->mnt = get_mount(p.mnt);
        f->dentry = get_dentry(p.d);
        vfs_path_put(&p);
    }
    put_inode(ino);
    *out = f;
    return 0;
}
