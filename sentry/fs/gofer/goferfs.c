/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer client: each inode holds a gofer fid; file bytes go through the
 * donated host fds. Extended attributes of the user.* namespace live on the
 * host (through the gofer); the others (trusted.*, which needs CAP_SYS_ADMIN
 * the gofer does not have) live in the sentry for as long as the mount.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/wire.h"
#include "proto/gofer_codec.h"
#include "sentry/fs/gofer/goferfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/vfs/vfs.h"

/* Entries asked for per Getdents request. */
#define DIRENT_BATCH 256

/* Fids closed in one Close request (a released inode's fid waits for the batch). */
#define CLOSE_BATCH 32

/*
 * How long the attributes a Walk returned stand for the file: a getattr
 * right after a lookup (stat(2) of a path) needs no second round trip. Any
 * change the sentry makes through this mount (a create, unlink, rename,
 * setattr, open, xattr change) ends it for every file of the mount, since it
 * may change another inode's link count or size; the host's own changes may
 * go unseen for this long.
 */
#define FRESH_NS 20000000LL

struct gofer_client {
    int sock; /* owned */
    /*
     * Serialises exchanges: tasks on different sentry threads share the
     * connection, and one request's reply must not be read by another.
     */
    pthread_mutex_t mu;
    uint64_t tag; /* last tag sent. Protected by `mu`. */
    bool dead;    /* the connection broke: everything fails with EIO. Protected by `mu`. */
    uint64_t gen; /* bumped by every change made through this mount; atomic */
    uint64_t closing[CLOSE_BATCH]; /* fids released, not yet closed. Protected by `mu`. */
    size_t n_closing;              /* Protected by `mu`. */
    pthread_mutex_t xmu;
    /* Non-user.* attributes of the host's files, keyed by inode number. Protected by `xmu`. */
    struct mem_xattr *xattrs;
};

struct gofer_inode {
    struct gofer_client *c; /* Not owned: the super block's. */
    uint64_t fid;
    int64_t fresh_until; /* CLOCK_MONOTONIC_COARSE ns until which ino->st needs no Stat */
    uint64_t fresh_gen;  /* ... as long as the client's `gen` is still this */
};

static const struct inode_ops g_gofer_ops;

/*
 * One exchange. Returns 0 with `*resp` (free with gofer_response_free) and
 * the donated fd in `*fd` (when the op carries one, else -1), the gofer's
 * errno as -Exxx, or -EIO when the exchange failed (the connection is then
 * dropped for good: the stream is out of step).
 */
static long call_locked(struct gofer_client *c, struct gofer_request *req,
                        struct gofer_response *resp, int *fd)
{
    cleanup_error rt_error_t err = NULL;
    cleanup_free uint8_t *out = NULL;
    cleanup_free uint8_t *in = NULL;
    size_t len = 0, nfds = 0;
    int fds[GOFER_MAX_FDS_PER_REPLY + 1] = { -1, -1 };

    memset(resp, 0, sizeof(*resp));
    if (fd != NULL)
        *fd = -1;
    if (c->dead)
        return -EIO;
    req->tag = ++c->tag;
    if (gofer_request_encode(req, &out, &len, &err) < 0) {
        /* Our own request is bad (a name the codec refuses): not the gofer's fault. */
        int e = rt_error_status(err);

        return -(e > 0 ? e : EINVAL);
    }
    if (rt_frame_send(c->sock, out, len, NULL, 0, &err) < 0 ||
        rt_frame_recv(c->sock, 0, &in, &len, fds, GOFER_MAX_FDS_PER_REPLY + 1, &nfds, &err) <= 0)
        goto broken;
    if (gofer_response_decode(req->op, in, len, fds, nfds, resp, &err) < 0)
        goto broken;
    if (resp->tag != req->tag) {
        gofer_response_free(resp);
        rt_close_fd_array(fds, nfds);
        goto broken;
    }
    if (resp->errnum != 0) {
        int e = resp->errnum;

        gofer_response_free(resp);
        return -e;
    }
    if (nfds > 0) {
        if (fd != NULL)
            *fd = fds[0];
        else
            close(fds[0]);
    }
    return 0;
broken:
    log_warning("sentry: gofer %s: %s; the file system now fails with EIO", gofer_op_name(req->op),
                err != NULL ? rt_error_msg(err) : "reply out of step");
    c->dead = true;
    return -EIO;
}

static long call(struct gofer_client *c, struct gofer_request *req, struct gofer_response *resp,
                 int *fd)
{
    long ret;

    pthread_mutex_lock(&c->mu);
    ret = call_locked(c, req, resp, fd);
    pthread_mutex_unlock(&c->mu);
    return ret;
}

static struct gofer_inode *gi(struct inode *ino)
{
    return ino->priv;
}

static struct gofer_client *client_of(struct inode *ino)
{
    return gi(ino)->c;
}

static void stat_from_gofer(struct stat *st, const struct gofer_stat *g)
{
    st->st_ino = g->ino;
    st->st_mode = g->mode;
    st->st_nlink = g->nlink;
    st->st_uid = g->uid;
    st->st_gid = g->gid;
    st->st_rdev = g->rdev;
    st->st_size = g->size;
    st->st_blksize = g->blksize;
    st->st_blocks = g->blocks;
    st->st_atim.tv_sec = g->atime_sec;
    st->st_atim.tv_nsec = g->atime_nsec;
    st->st_mtim.tv_sec = g->mtime_sec;
    st->st_mtim.tv_nsec = g->mtime_nsec;
    st->st_ctim.tv_sec = g->ctime_sec;
    st->st_ctim.tv_nsec = g->ctime_nsec;
}

/* Sends the batched Close. Needs `mu`. */
static void flush_closes_locked(struct gofer_client *c)
{
    struct gofer_request req = { .op = GOFER_OP_CLOSE, .fids = c->closing, .n_fids = c->n_closing };
    struct gofer_response resp;

    if (c->n_closing == 0)
        return;
    if (call_locked(c, &req, &resp, NULL) == 0)
        gofer_response_free(&resp);
    c->n_closing = 0;
}

/*
 * Forgets `fid`. The gofer hears of it with the next CLOSE_BATCH - 1 others:
 * until then it keeps an O_PATH fd, which pins nothing a client could see
 * (unlink and rmdir of the file still work), and it never reuses the number.
 */
static void close_fid(struct gofer_client *c, uint64_t fid)
{
    pthread_mutex_lock(&c->mu);
    c->closing[c->n_closing++] = fid;
    if (c->n_closing == CLOSE_BATCH)
        flush_closes_locked(c);
    pthread_mutex_unlock(&c->mu);
}

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The sentry changes the file (or may, through an open fd): every next getattr asks. */
static void stale(struct inode *ino)
{
    struct gofer_inode *g = ino->priv;

    g->fresh_until = 0;
    __atomic_add_fetch(&g->c->gen, 1, __ATOMIC_RELAXED);
}

static bool is_fresh(struct inode *ino)
{
    struct gofer_inode *g = ino->priv;

    return g->fresh_until != 0 && g->fresh_gen == __atomic_load_n(&g->c->gen, __ATOMIC_RELAXED) &&
           mono_ns() < g->fresh_until;
}

/* Wraps a FID result as a new inode; on OOM the fid is closed. */
static long inode_from_fid(struct super_block *sb, struct gofer_client *c,
                           const struct gofer_response *resp, struct inode **out)
{
    struct gofer_inode *g = calloc(1, sizeof(*g));
    struct inode *ino;

    if (g == NULL) {
        close_fid(c, resp->fid.fid);
        return -ENOMEM;
    }
    g->c = c;
    g->fid = resp->fid.fid;
    ino = inode_new(sb, &g_gofer_ops, g);
    if (ino == NULL) {
        close_fid(c, g->fid);
        free(g);
        return -ENOMEM;
    }
    stat_from_gofer(&ino->st, &resp->fid.stat);
    ino->st.st_dev = sb->dev;
    g->fresh_gen = __atomic_load_n(&c->gen, __ATOMIC_RELAXED);
    g->fresh_until = mono_ns() + FRESH_NS;
    *out = ino;
    return 0;
}

static long fid_call(struct inode *dir, struct gofer_request *req, struct inode **out, int *fd)
{
    struct gofer_response resp;
    long ret = call(client_of(dir), req, &resp, fd);

    if (ret < 0)
        return ret;
    if (out != NULL)
        ret = inode_from_fid(dir->sb, client_of(dir), &resp, out);
    else
        close_fid(client_of(dir), resp.fid.fid);
    gofer_response_free(&resp);
    return ret;
}

static long simple_call(struct inode *ino, struct gofer_request *req)
{
    struct gofer_response resp;
    long ret = call(client_of(ino), req, &resp, NULL);

    if (ret == 0)
        gofer_response_free(&resp);
    return ret;
}

/*
 * After a change in `dir` (or to `dir`'s link count): its nlink and times are
 * the gofer's to say, asked for by the next getattr. Mode and owner, which
 * permission checks read from ino->st, do not change this way.
 */
static void touch_dir(struct inode *dir)
{
    stale(dir);
}

static long g_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct gofer_request req = { .op = GOFER_OP_WALK, .fid = gi(dir)->fid, .name = name };

    return fid_call(dir, &req, out, NULL);
}

static long fd_file_new(int fd, unsigned int flags, struct file **out)
{
    struct vfs_fd_file *h = calloc(1, sizeof(*h));

    if (h == NULL) {
        close(fd);
        return -ENOMEM;
    }
    h->fd = fd;
    *out = file_new(&g_vfs_fd_file_ops, flags, h);
    if (*out == NULL) {
        close(fd);
        free(h);
        return -ENOMEM;
    }
    return 0;
}

/* The open flags the gofer should open the host file with. */
static uint32_t host_open_flags(unsigned int flags)
{
    return (flags & (O_ACCMODE | O_DIRECT | O_SYNC | O_DSYNC | O_NOATIME)) | O_CLOEXEC;
}

static long g_create(struct inode *dir, const char *name, uint32_t mode, const struct vfs_owner *o,
                     unsigned int flags, struct inode **out, struct file **fout)
{
    struct gofer_request req = {
        .op = GOFER_OP_CREATE,
        .fid = gi(dir)->fid,
        .name = name,
        .flags = host_open_flags(flags),
        .mode = mode & 07777,
        .uid = o->uid,
        .gid = o->gid,
    };
    int fd = -1;
    long ret = fid_call(dir, &req, out, &fd);

    if (ret < 0)
        return ret;
    touch_dir(dir);
    stale(*out); /* open for writing */
    if (fd < 0) {
        put_inode(*out);
        return -EIO;
    }
    ret = fd_file_new(fd, flags, fout);
    if (ret < 0)
        put_inode(*out);
    return ret;
}

static long g_mkdir(struct inode *dir, const char *name, uint32_t mode, const struct vfs_owner *o)
{
    struct gofer_request req = { .op = GOFER_OP_MKDIR,
                                 .fid = gi(dir)->fid,
                                 .name = name,
                                 .mode = mode & 07777,
                                 .uid = o->uid,
                                 .gid = o->gid };
    long ret = fid_call(dir, &req, NULL, NULL);

    if (ret == 0)
        touch_dir(dir);
    return ret;
}

static long g_mknod(struct inode *dir, const char *name, uint32_t mode, uint64_t rdev,
                    const struct vfs_owner *o)
{
    struct gofer_request req = { .op = GOFER_OP_MKNOD,
                                 .fid = gi(dir)->fid,
                                 .name = name,
                                 .mode = mode,
                                 .rdev = rdev,
                                 .uid = o->uid,
                                 .gid = o->gid };
    long ret = fid_call(dir, &req, NULL, NULL);

    if (ret == 0)
        touch_dir(dir);
    return ret;
}

static long g_symlink(struct inode *dir, const char *name, const char *target,
                      const struct vfs_owner *o)
{
    struct gofer_request req = { .op = GOFER_OP_SYMLINK,
                                 .fid = gi(dir)->fid,
                                 .name = name,
                                 .name2 = target,
                                 .uid = o->uid,
                                 .gid = o->gid };
    long ret = fid_call(dir, &req, NULL, NULL);

    if (ret == 0)
        touch_dir(dir);
    return ret;
}

static long g_link(struct inode *dir, const char *name, struct inode *target)
{
    struct gofer_request req = {
        .op = GOFER_OP_LINK, .fid = gi(dir)->fid, .name = name, .fid2 = gi(target)->fid
    };
    long ret;

    if (target->sb != dir->sb)
        return -EXDEV;
    ret = fid_call(dir, &req, NULL, NULL);
    if (ret == 0) {
        touch_dir(dir);
        touch_dir(target);
    }
    return ret;
}

static bool is_user_xattr(const char *name)
{
    return strncmp(name, "user.", 5) == 0;
}

/* Frees the sentry-kept attributes of host inode `ino`. */
static void xattrs_forget(struct gofer_client *c, uint64_t ino)
{
    pthread_mutex_lock(&c->xmu);
    mem_xattr_forget(&c->xattrs, ino, /*all=*/false);
    pthread_mutex_unlock(&c->xmu);
}

/*
 * Before `name` in `dir` goes away: the inode number whose sentry-kept
 * attributes go with it (its last link), or 0. Costs a walk only while
 * there are such attributes.
 */
static uint64_t doomed_ino(struct inode *dir, const char *name)
{
    struct gofer_client *c = client_of(dir);
    struct gofer_request req = { .op = GOFER_OP_WALK, .fid = gi(dir)->fid, .name = name };
    struct gofer_response resp;
    uint64_t ino = 0;
    bool any;

    pthread_mutex_lock(&c->xmu);
    any = c->xattrs != NULL;
    pthread_mutex_unlock(&c->xmu);
    if (!any || call(c, &req, &resp, NULL) < 0)
        return 0;
    if (S_ISDIR(resp.fid.stat.mode) || resp.fid.stat.nlink <= 1)
        ino = resp.fid.stat.ino;
    close_fid(c, resp.fid.fid);
    gofer_response_free(&resp);
    return ino;
}

static long remove_call(struct inode *dir, enum gofer_op op, const char *name)
{
    struct gofer_request req = { .op = op, .fid = gi(dir)->fid, .name = name };
    uint64_t ino = doomed_ino(dir, name);
    long ret = simple_call(dir, &req);

    if (ret == 0) {
        touch_dir(dir);
        if (ino != 0)
            xattrs_forget(client_of(dir), ino);
    }
    return ret;
}

static long g_unlink(struct inode *dir, const char *name)
{
    return remove_call(dir, GOFER_OP_UNLINK, name);
}

static long g_rmdir(struct inode *dir, const char *name)
{
    return remove_call(dir, GOFER_OP_RMDIR, name);
}

static long g_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
                     unsigned int flags)
{
    struct gofer_request req = { .op = GOFER_OP_RENAME,
                                 .fid = gi(odir)->fid,
                                 .name = oname,
                                 .fid2 = gi(ndir)->fid,
                                 .name2 = nname,
                                 .flags = flags };
    uint64_t ino = (flags & RENAME_EXCHANGE) ? 0 : doomed_ino(ndir, nname);
    long ret = simple_call(odir, &req);

    if (ret == 0) {
        touch_dir(odir);
        if (ndir != odir)
            touch_dir(ndir);
        if (ino != 0)
            xattrs_forget(client_of(odir), ino);
    }
    return ret;
}

static long g_readlink(struct inode *ino, char *buf, size_t size)
{
    struct gofer_request req = { .op = GOFER_OP_READLINK, .fid = gi(ino)->fid };
    struct gofer_response resp;
    long ret = call(client_of(ino), &req, &resp, NULL);
    size_t len;

    if (ret < 0)
        return ret;
    len = strlen(resp.readlink);
    if (len > size)
        len = size;
    memcpy(buf, resp.readlink, len);
    gofer_response_free(&resp);
    return (long)len;
}

static long g_getattr(struct inode *ino, struct stat *st)
{
    struct gofer_request req = { .op = GOFER_OP_STAT, .fid = gi(ino)->fid };
    struct gofer_response resp;
    long ret;

    if (is_fresh(ino)) {
        *st = ino->st;
        return 0;
    }
    gi(ino)->fresh_until = 0;
    ret = call(client_of(ino), &req, &resp, NULL);
    if (ret < 0)
        return ret;
    /* The file type of an inode never changes; a gofer claiming otherwise is not believed. */
    if ((resp.stat.mode & S_IFMT) != (ino->st.st_mode & S_IFMT)) {
        gofer_response_free(&resp);
        return -EIO;
    }
    stat_from_gofer(&ino->st, &resp.stat);
    ino->st.st_dev = ino->sb->dev;
    *st = ino->st;
    gofer_response_free(&resp);
    return 0;
}

static long g_setattr(struct inode *ino, const struct vfs_setattr *sa)
{
    struct gofer_request req = { .op = GOFER_OP_SETATTR, .fid = gi(ino)->fid };
    struct gofer_response resp;
    long ret;

    stale(ino);
    if (sa->mask & VFS_ATTR_MODE) {
        req.setattr.mask |= GOFER_SETATTR_MODE;
        req.setattr.mode = sa->mode & 07777;
    }
    if (sa->mask & VFS_ATTR_UID) {
        req.setattr.mask |= GOFER_SETATTR_UID;
        req.setattr.uid = sa->uid;
    }
    if (sa->mask & VFS_ATTR_GID) {
        req.setattr.mask |= GOFER_SETATTR_GID;
        req.setattr.gid = sa->gid;
    }
    if (sa->mask & VFS_ATTR_SIZE) {
        req.setattr.mask |= GOFER_SETATTR_SIZE;
        req.setattr.size = (uint64_t)sa->size;
    }
    if (sa->mask & VFS_ATTR_ATIME_NOW) {
        req.setattr.mask |= GOFER_SETATTR_ATIME_NOW;
    } else if (sa->mask & VFS_ATTR_ATIME) {
        req.setattr.mask |= GOFER_SETATTR_ATIME;
        req.setattr.atime_sec = sa->atime.tv_sec;
        req.setattr.atime_nsec = (uint32_t)sa->atime.tv_nsec;
    }
    if (sa->mask & VFS_ATTR_MTIME_NOW) {
        req.setattr.mask |= GOFER_SETATTR_MTIME_NOW;
    } else if (sa->mask & VFS_ATTR_MTIME) {
        req.setattr.mask |= GOFER_SETATTR_MTIME;
        req.setattr.mtime_sec = sa->mtime.tv_sec;
        req.setattr.mtime_nsec = (uint32_t)sa->mtime.tv_nsec;
    }
    if (req.setattr.mask == 0)
        return 0;
    ret = call(client_of(ino), &req, &resp, NULL);
    if (ret < 0)
        return ret;
    if ((resp.stat.mode & S_IFMT) == (ino->st.st_mode & S_IFMT)) {
        stat_from_gofer(&ino->st, &resp.stat);
        ino->st.st_dev = ino->sb->dev;
    }
    gofer_response_free(&resp);
    return 0;
}

/* Directory files: ".", "..", then the gofer's entries; f->pos counts entries. */
struct gofer_dir {
    int64_t index;   /* the f->pos `cookie` continues from */
    uint64_t cookie; /* the gofer's offset after entry `index - 1` */
};

static long dir_readdir(struct file *f, vfs_filldir_fn fill, void *ctx)
{
    struct inode *dir = file_inode(f);
    struct gofer_dir *gd = f->priv;

    if (f->pos == 0) {
        if (!fill(ctx, ".", 1, dir->st.st_ino, 1, DT_DIR))
            return 0;
        f->pos = 1;
    }
    if (f->pos == 1) {
        struct dentry *p = f->dentry->parent != NULL ? f->dentry->parent : f->dentry;

        if (!fill(ctx, "..", 2, p->inode->st.st_ino, 2, DT_DIR))
            return 0;
        f->pos = 2;
    }
    if (gd->index != f->pos) {
        /* A seek elsewhere: start over and skip to the entry asked for. */
        gd->index = 2;
        gd->cookie = 0;
    }
    for (;;) {
        struct gofer_request req = { .op = GOFER_OP_GETDENTS,
                                     .fid = gi(dir)->fid,
                                     .offset = gd->cookie,
                                     .count = DIRENT_BATCH };
        struct gofer_response resp;
        long ret = call(client_of(dir), &req, &resp, NULL);

        if (ret < 0)
            return ret;
        if (resp.dirents.n == 0) {
            gofer_response_free(&resp);
            return 0;
        }
        for (size_t i = 0; i < resp.dirents.n; i++) {
            const struct gofer_dirent *e = &resp.dirents.v[i];

            if (gd->index >= f->pos) {
                if (!fill(ctx, e->name, strlen(e->name), e->ino, gd->index + 1, e->type)) {
                    gofer_response_free(&resp);
                    return 0;
                }
                f->pos = gd->index + 1;
            }
            gd->index++;
            gd->cookie = e->offset;
        }
        gofer_response_free(&resp);
    }
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

static void dir_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops g_gofer_dir_ops = {
    .name = "gofer-dir",
    .lseek = dir_lseek,
    .fstat = dir_fstat,
    .readdir = dir_readdir,
    .release = dir_release,
};

static long g_open(struct inode *ino, unsigned int flags, struct file **out)
{
    struct gofer_request req = { .op = GOFER_OP_OPEN, .fid = gi(ino)->fid };
    struct gofer_response resp;
    int fd = -1;
    long ret;

    /* Writes through the host fd change size and times behind our back. */
    stale(ino);
    if (S_ISDIR(ino->st.st_mode)) {
        struct gofer_dir *gd = calloc(1, sizeof(*gd));

        if (gd == NULL)
            return -ENOMEM;
        gd->index = 2;
        *out = file_new(&g_gofer_dir_ops, flags, gd);
        if (*out == NULL) {
            free(gd);
            return -ENOMEM;
        }
        return 0;
    }
    if (!S_ISREG(ino->st.st_mode))
        return -ENXIO; /* FIFOs, sockets and devices of the host are not reachable */
    req.flags = host_open_flags(flags);
    ret = call(client_of(ino), &req, &resp, &fd);
    if (ret < 0)
        return ret;
    gofer_response_free(&resp);
    if (fd < 0)
        return -EIO;
    return fd_file_new(fd, flags, out);
}

static long g_statfs(struct inode *ino, struct statfs *sf)
{
    struct gofer_request req = { .op = GOFER_OP_STATFS, .fid = gi(ino)->fid };
    struct gofer_response resp;
    long ret = call(client_of(ino), &req, &resp, NULL);

    if (ret < 0)
        return ret;
    memset(sf, 0, sizeof(*sf));
    sf->f_type = (long)resp.statfs.type;
    sf->f_bsize = (long)resp.statfs.bsize;
    sf->f_blocks = resp.statfs.blocks;
    sf->f_bfree = resp.statfs.bfree;
    sf->f_bavail = resp.statfs.bavail;
    sf->f_files = resp.statfs.files;
    sf->f_ffree = resp.statfs.ffree;
    sf->f_namelen = (long)resp.statfs.namelen;
    sf->f_frsize = (long)resp.statfs.frsize;
    sf->f_flags = (long)resp.statfs.flags;
    gofer_response_free(&resp);
    return 0;
}

/* ---- extended attributes ---- */

static long g_getxattr(struct inode *ino, const char *name, void *buf, size_t size)
{
    struct gofer_client *c = client_of(ino);
    struct gofer_request req = {
        .op = GOFER_OP_GETXATTR, .fid = gi(ino)->fid, .name = name, .size = (uint32_t)size
    };
    struct gofer_response resp;
    long ret;

    if (!is_user_xattr(name)) {
        pthread_mutex_lock(&c->xmu);
        ret = mem_xattr_get(c->xattrs, (uint64_t)ino->st.st_ino, name, buf, size);
        pthread_mutex_unlock(&c->xmu);
        return ret;
    }
    ret = call(c, &req, &resp, NULL);
    if (ret < 0)
        return ret;
    ret = (long)resp.getxattr.size;
    if (size != 0) {
        /* The codec checked len <= size (the value's length); the gofer must fit our buffer. */
        if (resp.getxattr.len > size || resp.getxattr.len != resp.getxattr.size)
            ret = -EIO;
        else if (resp.getxattr.len > 0)
            memcpy(buf, resp.getxattr.value, resp.getxattr.len);
    }
    gofer_response_free(&resp);
    return ret;
}

static long g_setxattr(struct inode *ino, const char *name, const void *value, size_t size,
                       int flags)
{
    struct gofer_client *c = client_of(ino);
    struct gofer_request req = { .op = GOFER_OP_SETXATTR,
                                 .fid = gi(ino)->fid,
                                 .name = name,
                                 .value = (void *)value,
                                 .value_len = size,
                                 .flags = (uint32_t)flags };
    long ret;

    stale(ino); /* ctime */
    if (is_user_xattr(name))
        return simple_call(ino, &req);
    pthread_mutex_lock(&c->xmu);
    ret = mem_xattr_set(&c->xattrs, (uint64_t)ino->st.st_ino, name, value, size, flags);
    pthread_mutex_unlock(&c->xmu);
    return ret;
}

static long g_listxattr(struct inode *ino, char *buf, size_t size)
{
    struct gofer_client *c = client_of(ino);
    struct gofer_request req = { .op = GOFER_OP_LISTXATTR,
                                 .fid = gi(ino)->fid,
                                 .size = GOFER_XATTR_LIST_MAX };
    struct gofer_response resp;
    size_t len = 0;
    long ret;

    /* Only regular files and directories have user.* attributes (the gofer refuses the rest). */
    if (S_ISREG(ino->st.st_mode) || S_ISDIR(ino->st.st_mode)) {
        ret = call(c, &req, &resp, NULL);
        if (ret < 0)
            return ret;
        for (size_t i = 0; i < resp.listxattr.n; i++) {
            size_t n = strlen(resp.listxattr.names[i]) + 1;

            if (size != 0 && len + n <= size)
                memcpy(buf + len, resp.listxattr.names[i], n);
            len += n;
        }
        gofer_response_free(&resp);
    }
    pthread_mutex_lock(&c->xmu);
    len = mem_xattr_list(c->xattrs, (uint64_t)ino->st.st_ino, buf, size, len);
    pthread_mutex_unlock(&c->xmu);
    if (size != 0 && len > size)
        return -ERANGE;
    return (long)len;
}

static long g_removexattr(struct inode *ino, const char *name)
{
    struct gofer_client *c = client_of(ino);
    struct gofer_request req = { .op = GOFER_OP_REMOVEXATTR, .fid = gi(ino)->fid, .name = name };
    long ret;

    stale(ino); /* ctime */
    if (is_user_xattr(name))
        return simple_call(ino, &req);
    pthread_mutex_lock(&c->xmu);
    ret = mem_xattr_remove(&c->xattrs, (uint64_t)ino->st.st_ino, name);
    pthread_mutex_unlock(&c->xmu);
    return ret;
}

static void g_release(struct inode *ino)
{
    struct gofer_inode *g = gi(ino);

    close_fid(g->c, g->fid);
    free(g);
}

static const struct inode_ops g_gofer_ops = {
    .lookup = g_lookup,
    .create = g_create,
    .mkdir = g_mkdir,
    .mknod = g_mknod,
    .symlink = g_symlink,
    .link = g_link,
    .unlink = g_unlink,
    .rmdir = g_rmdir,
    .rename = g_rename,
    .readlink = g_readlink,
    .getattr = g_getattr,
    .setattr = g_setattr,
    .open = g_open,
    .statfs = g_statfs,
    .getxattr = g_getxattr,
    .setxattr = g_setxattr,
    .listxattr = g_listxattr,
    .removexattr = g_removexattr,
    .release = g_release,
};

static void client_release(struct super_block *sb)
{
    struct gofer_client *c = sb->priv;

    mem_xattr_forget(&c->xattrs, 0, /*all=*/true);
    pthread_mutex_lock(&c->mu);
    flush_closes_locked(c);
    pthread_mutex_unlock(&c->mu);
    close(c->sock);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->xmu);
    free(c);
}

struct super_block *goferfs_new(int sock_fd, int *errnum)
{
    struct gofer_client *c = calloc(1, sizeof(*c));
    struct gofer_request req = { .op = GOFER_OP_ATTACH };
    struct gofer_response resp;
    struct super_block *sb;
    long ret;

    if (c == NULL) {
        close(sock_fd);
        *errnum = ENOMEM;
        return NULL;
    }
    c->sock = sock_fd;
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->xmu, NULL);
    sb = super_block_new("9p");
    if (sb == NULL) {
        close(sock_fd);
        free(c);
        *errnum = ENOMEM;
        return NULL;
    }
    sb->priv = c;
    sb->release = client_release;
    ret = call(c, &req, &resp, NULL);
    if (ret == 0) {
        ret = inode_from_fid(sb, c, &resp, &sb->root);
        gofer_response_free(&resp);
    }
    if (ret == 0 && !S_ISDIR(sb->root->st.st_mode))
        ret = -ENOTDIR;
    if (ret < 0) {
        put_super_block(sb);
        *errnum = (int)-ret;
        return NULL;
    }
    return sb;
}
