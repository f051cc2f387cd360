// SPDX-License-Identifier: Apache-2.0
// One gofer connection: the fid table and a handler per request, each a host call or two.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fdutil.h"
#include "common/wire.h"
#include "gofer/gofer.h"
#include "proto/gofer_codec.h"

/*
 * The rules every handler follows (DESIGN.md section 5):
 * - A fid is an O_PATH descriptor inside a served tree. New fids come only
 *   from Attach (a dup of the mount root) and from one-component lookups
 *   relative to a directory fid with O_NOFOLLOW, so a symlink becomes a fid
 *   of its own and is never followed here; names were checked by the codec
 *   (no '/', not "." or "..").
 * - Real descriptors (Open, Create) and calls that cannot take an O_PATH fd
 *   (chmod, truncate, xattrs) go through the fd's magic link in `fd_dir`,
 *   which names the very inode of the fid: no path is resolved, so nothing
 *   can be swapped in between.
 * - Errors are the errno of the host call, returned as -errno by handlers.
 */

struct fid_entry {
    int fd;        /* O_PATH; -1 when the slot is free */
    uint32_t type; /* S_IFMT bits of the file, fixed when the fid was made */
};

struct conn {
    int sock;
    int root_fd; /* not owned */
    bool readonly;
    const char *fd_dir;
    size_t max_fids;
    struct fid_entry *fids; /* fid N is fids[N - 1] */
    size_t n_slots;         /* slots ever used */
    size_t cap;             /* allocated slots */
    size_t *free_slots;     /* stack of free slot indexes below n_slots */
    size_t n_free;
};

/* ---- the fid table ---- */

static size_t conn_fid_count(const struct conn *c)
{
    return c->n_slots - c->n_free;
}

/* Takes ownership of `fd` (closed on failure). Returns the new fid, or -EMFILE. */
static int64_t fid_add(struct conn *c, int fd, uint32_t type)
{
    size_t slot;

    if (conn_fid_count(c) >= c->max_fids) {
        close(fd);
        return -EMFILE;
    }
    if (c->n_free > 0) {
        slot = c->free_slots[--c->n_free];
    } else {
        if (c->n_slots == c->cap) {
            size_t ncap = c->cap == 0 ? 64 : c->cap * 2;

            if (ncap > c->max_fids)
                ncap = c->max_fids;
            c->fids = xrealloc(c->fids, ncap * sizeof(*c->fids));
            c->free_slots = xrealloc(c->free_slots, ncap * sizeof(*c->free_slots));
            c->cap = ncap;
        }
        slot = c->n_slots++;
    }
    c->fids[slot] = (struct fid_entry){ .fd = fd, .type = type };
    return (int64_t)slot + 1;
}

static struct fid_entry *fid_get(struct conn *c, uint64_t fid)
{
    if (fid == GOFER_FID_NONE || fid > c->n_slots || c->fids[fid - 1].fd < 0)
        return NULL;
    return &c->fids[fid - 1];
}

static void fid_remove(struct conn *c, uint64_t fid)
{
    struct fid_entry *e = fid_get(c, fid);

    if (e == NULL)
        return;
    close(e->fd);
    e->fd = -1;
    c->free_slots[c->n_free++] = (size_t)(fid - 1);
}

static void conn_release(struct conn *c)
{
    for (size_t i = 0; i < c->n_slots; i++) {
        if (c->fids[i].fd >= 0)
            close(c->fids[i].fd);
    }
    free(c->fids);
    free(c->free_slots);
    c->fids = NULL;
    c->free_slots = NULL;
    c->n_slots = c->cap = c->n_free = 0;
}

/* ---- helpers ---- */

static void fd_path(const struct conn *c, int fd, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%d", c->fd_dir, fd);
}

static int stat_fd(int fd, struct gofer_stat *out)
{
    struct statx stx;

    if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
        return -errno;
    *out = (struct gofer_stat){
        .dev = makedev(stx.stx_dev_major, stx.stx_dev_minor),
        .ino = stx.stx_ino,
        .mode = stx.stx_mode,
        .nlink = stx.stx_nlink,
        .uid = stx.stx_uid,
        .gid = stx.stx_gid,
        .rdev = makedev(stx.stx_rdev_major, stx.stx_rdev_minor),
        .size = (int64_t)stx.stx_size,
        .blksize = stx.stx_blksize,
        .blocks = (int64_t)stx.stx_blocks,
        .atime_sec = stx.stx_atime.tv_sec,
        .atime_nsec = stx.stx_atime.tv_nsec,
        .mtime_sec = stx.stx_mtime.tv_sec,
        .mtime_nsec = stx.stx_mtime.tv_nsec,
        .ctime_sec = stx.stx_ctime.tv_sec,
        .ctime_nsec = stx.stx_ctime.tv_nsec,
    };
    return 0;
}

/* Makes `fd` (owned, closed on failure) a new fid and fills a FID reply. Returns 0 or -errno. */
static int reply_new_fid(struct conn *c, int fd, struct gofer_response *resp)
{
    struct gofer_stat st;
    int64_t fid;
    int ret;

    ret = stat_fd(fd, &st);
    if (ret < 0) {
        close(fd);
        return ret;
    }
    fid = fid_add(c, fd, st.mode & S_IFMT);
    if (fid < 0)
        return (int)fid;
    resp->kind = GOFER_RESULT_FID;
    resp->fid.fid = (uint64_t)fid;
    resp->fid.stat = st;
    return 0;
}

/* Looks `name` up in `dirfd` without following a symlink: the O_PATH fd or -errno. */
static int lookup(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

    return fd < 0 ? -errno : fd;
}

/* Returns the directory fid `fid`, or NULL with *ret set (EBADF, ENOTDIR). */
static struct fid_entry *get_dir(struct conn *c, uint64_t fid, int *ret)
{
    struct fid_entry *e = fid_get(c, fid);

    if (e == NULL)
        *ret = -EBADF;
    else if (e->type != S_IFDIR)
        *ret = -ENOTDIR;
    return e != NULL && e->type == S_IFDIR ? e : NULL;
}

/* Sets the owner of a new file from a Create/Mkdir/Mknod/Symlink request. */
static int set_owner(int fd, uint32_t uid, uint32_t gid)
{
    if (uid == GOFER_UID_KEEP && gid == GOFER_UID_KEEP)
        return 0;
    if (fchownat(fd, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    return 0;
}

/* After mkdir/mknod/symlink of `name`: the new file's fid, owned as asked. */
static int finish_new_node(struct conn *c, int dirfd, const struct gofer_request *req,
                           struct gofer_response *resp)
{
    int fd = lookup(dirfd, req->name);
    int ret;

    if (fd < 0)
        return fd;
    ret = set_owner(fd, req->uid, req->gid);
    if (ret < 0) {
        close(fd);
        /* Do not leave a file the caller was not allowed to own. */
        unlinkat(dirfd, req->name, req->op == GOFER_OP_MKDIR ? AT_REMOVEDIR : 0);
        return ret;
    }
    return reply_new_fid(c, fd, resp);
}

/* ---- handlers: 0 or -errno; *out_fd gets a descriptor to donate ---- */

static int do_attach(struct conn *c, struct gofer_response *resp)
{
    int fd = fcntl(c->root_fd, F_DUPFD_CLOEXEC, 3);

    if (fd < 0)
        return -errno;
    return reply_new_fid(c, fd, resp);
}

static int do_walk(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);
    int fd;

    if (d == NULL)
        return ret;
    fd = lookup(d->fd, req->name);
    if (fd < 0)
        return fd;
    return reply_new_fid(c, fd, resp);
}

/* Checks that `flags` may open a file of `type` here; may add O_NONBLOCK. */
static int open_flags_for(const struct conn *c, uint32_t type, uint32_t *flags)
{
    uint32_t f = *flags;

    if (c->readonly && ((f & O_ACCMODE) != O_RDONLY || (f & O_TRUNC)))
        return -EROFS;
    switch (type) {
    case S_IFLNK:
        /* The sentry resolves symlinks; opening one is what O_NOFOLLOW gives. */
        return -ELOOP;
    case S_IFCHR:
    case S_IFBLK:
        /* Host devices never reach the sandbox. */
        return -EPERM;
    case S_IFIFO:
        /*
         * A blocking open of a FIFO would park this connection until a peer
         * shows up; the sentry gets a non-blocking description and may clear
         * O_NONBLOCK on its own fd.
         */
        f |= O_NONBLOCK;
        break;
    default:
        break;
    }
    f &= ~(uint32_t)O_NOFOLLOW;
    *flags = f | O_CLOEXEC | O_NOCTTY;
    return 0;
}

static int do_open(struct conn *c, const struct gofer_request *req, struct gofer_response *resp,
                   int *out_fd)
{
    struct fid_entry *e = fid_get(c, req->fid);
    uint32_t flags = req->flags;
    char path[64];
    int fd, ret;

    if (e == NULL)
        return -EBADF;
    ret = open_flags_for(c, e->type, &flags);
    if (ret < 0)
        return ret;
    fd_path(c, e->fd, path, sizeof(path));
    fd = open(path, (int)flags);
    if (fd < 0)
        return -errno;
    ret = stat_fd(fd, &resp->stat);
    if (ret < 0) {
        close(fd);
        return ret;
    }
    resp->kind = GOFER_RESULT_OPEN;
    *out_fd = fd;
    return 0;
}

static int do_create(struct conn *c, const struct gofer_request *req, struct gofer_response *resp,
                     int *out_fd)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);
    cleanup_close int fd = -1;
    char path[64];
    int opath;

    if (d == NULL)
        return ret;
    if (c->readonly)
        return -EROFS;
    /* O_EXCL: the name must not exist, and a dangling symlink there is not followed. */
    fd = openat(d->fd, req->name,
                (int)(req->flags & ~(uint32_t)O_NOFOLLOW) | O_CREAT | O_EXCL | O_NOFOLLOW |
                    O_CLOEXEC | O_NOCTTY,
                (mode_t)req->mode);
    if (fd < 0)
        return -errno;
    ret = set_owner(fd, req->uid, req->gid);
    if (ret < 0) {
        unlinkat(d->fd, req->name, 0);
        return ret;
    }
    /* The fid is the very file we created, not whatever the name means by now. */
    fd_path(c, fd, path, sizeof(path));
    opath = open(path, O_PATH | O_CLOEXEC);
    if (opath < 0)
        return -errno;
    ret = reply_new_fid(c, opath, resp);
    if (ret < 0)
        return ret;
    *out_fd = take_fd(&fd);
    return 0;
}

static int do_mkdir(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);

    if (d == NULL)
        return ret;
    if (c->readonly)
        return -EROFS;
    if (mkdirat(d->fd, req->name, (mode_t)req->mode) < 0)
        return -errno;
    return finish_new_node(c, d->fd, req, resp);
}

static int do_mknod(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);
    uint32_t type = req->mode & S_IFMT;

    if (d == NULL)
        return ret;
    if (c->readonly)
        return -EROFS;
    if (type == S_IFCHR || type == S_IFBLK)
        return -EPERM; /* device nodes never reach the host */
    if (mknodat(d->fd, req->name, (mode_t)(type == 0 ? req->mode | S_IFREG : req->mode), 0) < 0)
        return -errno;
    return finish_new_node(c, d->fd, req, resp);
}

static int do_remove(struct conn *c, const struct gofer_request *req, int flags)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);

    if (d == NULL)
        return ret;
    if (c->readonly)
        return -EROFS;
    if (unlinkat(d->fd, req->name, flags) < 0)
        return -errno;
    return 0;
}

static int do_rename(struct conn *c, const struct gofer_request *req)
{
    int ret = 0;
    struct fid_entry *od = get_dir(c, req->fid, &ret);
    struct fid_entry *nd;

    if (od == NULL)
        return ret;
    nd = get_dir(c, req->fid2, &ret);
    if (nd == NULL)
        return ret;
    if (c->readonly)
        return -EROFS;
    if (renameat2(od->fd, req->name, nd->fd, req->name2, req->flags) < 0)
        return -errno;
    return 0;
}

static int do_link(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);
    struct fid_entry *t;
    char path[64];
    int fd;

    if (d == NULL)
        return ret;
    t = fid_get(c, req->fid2);
    if (t == NULL)
        return -EBADF;
    if (t->type == S_IFDIR)
        return -EPERM; /* what link(2) says for a directory */
    if (c->readonly)
        return -EROFS;
    /*
     * linkat(fd, "", AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; following our
     * own magic link names the same inode without it.
     */
    fd_path(c, t->fd, path, sizeof(path));
    if (linkat(AT_FDCWD, path, d->fd, req->name, AT_SYMLINK_FOLLOW) < 0)
        return -errno;
    fd = lookup(d->fd, req->name);
    if (fd < 0)
        return fd;
    return reply_new_fid(c, fd, resp);
}

static int do_symlink(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);

    if (d == NULL)
        return ret;
    if (c->readonly)
        return -EROFS;
    if (symlinkat(req->name2, d->fd, req->name) < 0)
        return -errno;
    return finish_new_node(c, d->fd, req, resp);
}

static int do_readlink(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    struct fid_entry *e = fid_get(c, req->fid);
    char buf[GOFER_TARGET_MAX + 1];
    ssize_t n;

    if (e == NULL)
        return -EBADF;
    if (e->type != S_IFLNK)
        return -EINVAL;
    n = readlinkat(e->fd, "", buf, sizeof(buf));
    if (n < 0)
        return -errno;
    if ((size_t)n >= sizeof(buf))
        return -ENAMETOOLONG;
    if (n == 0)
        return -EINVAL;
    resp->kind = GOFER_RESULT_READLINK;
    resp->readlink = xstrndup(buf, (size_t)n);
    return 0;
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int do_getdents(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    int ret = 0;
    struct fid_entry *d = get_dir(c, req->fid, &ret);
    cleanup_close int dfd = -1;
    cleanup_free char *buf = NULL;
    const size_t bufsize = 32768;
    struct gofer_dirent *v;
    size_t n = 0;

    if (d == NULL)
        return ret;
    if (req->offset > (uint64_t)INT64_MAX)
        return -EINVAL;
    /* A fresh description each time: the cookie, not a kept position, says where to go on. */
    dfd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    if (req->offset != 0 && lseek(dfd, (off_t)req->offset, SEEK_SET) < 0)
        return -errno;
    buf = xmalloc(bufsize);
    v = xcalloc(req->count + 1, sizeof(*v));
    resp->kind = GOFER_RESULT_GETDENTS;
    resp->dirents.v = v;
    while (n < req->count) {
        long got = getdents64(dfd, buf, bufsize);

        if (got < 0) {
            ret = -errno;
            gofer_response_free(resp);
            return ret;
        }
        if (got == 0)
            break;
        for (long off = 0; off < got && n < req->count;) {
            const struct linux_dirent64 *de = (const void *)(buf + off);

            off += de->d_reclen;
            /* The sentry makes "." and ".." itself: it knows the parent, we must not tell. */
            if (!gofer_name_is_valid(de->d_name))
                continue;
            v[n] = (struct gofer_dirent){
                .ino = de->d_ino,
                .offset = (uint64_t)de->d_off,
                .type = de->d_type,
                .name = xstrdup(de->d_name),
            };
            resp->dirents.n = ++n;
        }
    }
    return 0;
}

static int do_stat(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    struct fid_entry *e = fid_get(c, req->fid);
    int ret;

    if (e == NULL)
        return -EBADF;
    ret = stat_fd(e->fd, &resp->stat);
    if (ret < 0)
        return ret;
    resp->kind = GOFER_RESULT_STAT;
    return 0;
}

static int set_size(const struct conn *c, const struct fid_entry *e, uint64_t size)
{
    char path[64];
    int fd, ret = 0;

    if (e->type == S_IFDIR)
        return -EISDIR;
    if (e->type != S_IFREG)
        return -EINVAL;
    fd_path(c, e->fd, path, sizeof(path));
    fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)size) < 0)
        ret = -errno;
    close(fd);
    return ret;
}

static int do_setattr(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    struct fid_entry *e = fid_get(c, req->fid);
    uint32_t m = req->setattr.mask;
    char path[64];
    int ret;

    if (e == NULL)
        return -EBADF;
    if (c->readonly && m != 0)
        return -EROFS;
    /* Owner first: chown clears set-id bits, and an explicit mode must win. */
    if (m & (GOFER_SETATTR_UID | GOFER_SETATTR_GID)) {
        uid_t uid = (m & GOFER_SETATTR_UID) ? (uid_t)req->setattr.uid : (uid_t)-1;
        gid_t gid = (m & GOFER_SETATTR_GID) ? (gid_t)req->setattr.gid : (gid_t)-1;

        if (fchownat(e->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
    }
    if (m & GOFER_SETATTR_MODE) {
        /* Linux cannot chmod a symlink itself (fchmodat AT_SYMLINK_NOFOLLOW says the same). */
        if (e->type == S_IFLNK)
            return -EOPNOTSUPP;
        fd_path(c, e->fd, path, sizeof(path));
        if (fchmodat(AT_FDCWD, path, (mode_t)req->setattr.mode, 0) < 0)
            return -errno;
    }
    if (m & GOFER_SETATTR_SIZE) {
        ret = set_size(c, e, req->setattr.size);
        if (ret < 0)
            return ret;
    }
    if (m & (GOFER_SETATTR_ATIME | GOFER_SETATTR_MTIME | GOFER_SETATTR_ATIME_NOW |
             GOFER_SETATTR_MTIME_NOW)) {
        struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };

        if (m & GOFER_SETATTR_ATIME)
            ts[0] = (struct timespec){ req->setattr.atime_sec, req->setattr.atime_nsec };
        else if (m & GOFER_SETATTR_ATIME_NOW)
            ts[0].tv_nsec = UTIME_NOW;
        if (m & GOFER_SETATTR_MTIME)
            ts[1] = (struct timespec){ req->setattr.mtime_sec, req->setattr.mtime_nsec };
        else if (m & GOFER_SETATTR_MTIME_NOW)
            ts[1].tv_nsec = UTIME_NOW;
        if (utimensat(e->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
    }
    return do_stat(c, req, resp);
}

static int do_statfs(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    struct fid_entry *e = fid_get(c, req->fid);
    struct statfs s;

    if (e == NULL)
        return -EBADF;
    if (fstatfs(e->fd, &s) < 0)
        return -errno;
    resp->kind = GOFER_RESULT_STATFS;
    resp->statfs = (struct gofer_statfs){
        .type = (uint64_t)s.f_type,
        .bsize = (uint64_t)s.f_bsize,
        .blocks = s.f_blocks,
        .bfree = s.f_bfree,
        .bavail = s.f_bavail,
        .files = s.f_files,
        .ffree = s.f_ffree,
        .namelen = (uint64_t)s.f_namelen,
        .frsize = (uint64_t)s.f_frsize,
        .flags = (uint64_t)s.f_flags,
    };
    return 0;
}

/*
 * Extended attributes. Only the user.* namespace reaches the host (trusted.*
 * needs CAP_SYS_ADMIN, security.* is the host's LSM's, system.* its ACLs:
 * none of that is the sandbox's to read or change), and only on regular files
 * and directories, as Linux allows user.* nowhere else. The calls take a
 * path: the fid's magic link, which names exactly the fid's inode.
 */
static bool is_user_xattr(const char *name)
{
    return strncmp(name, "user.", 5) == 0;
}

/* The fid of an xattr request and its magic link, or -errno (what Linux says otherwise). */
static int xattr_target(struct conn *c, const struct gofer_request *req, bool write, char *path,
                        size_t size)
{
    struct fid_entry *e = fid_get(c, req->fid);

    if (e == NULL)
        return -EBADF;
    if (req->op != GOFER_OP_LISTXATTR && !is_user_xattr(req->name))
        return -EOPNOTSUPP;
    if (e->type != S_IFREG && e->type != S_IFDIR)
        return write ? -EPERM : -ENODATA;
    if (write && c->readonly)
        return -EROFS;
    fd_path(c, e->fd, path, size);
    return 0;
}

static int do_getxattr(struct conn *c, const struct gofer_request *req, struct gofer_response *resp)
{
    cleanup_free uint8_t *buf = NULL;
    char path[64];
    ssize_t n;
    int ret = xattr_target(c, req, /*write=*/false, path, sizeof(path));

    if (ret < 0)
        return ret;
    if (req->size > 0)
        buf = xmalloc(req->size);
    n = getxattr(path, req->name, buf, req->size);
    if (n < 0)
        return -errno;
    if (n > GOFER_XATTR_SIZE_MAX)
        return -E2BIG;
    resp->kind = GOFER_RESULT_GETXATTR;
    resp->getxattr.size = (uint32_t)n;
    if (req->size > 0) {
        resp->getxattr.len = (size_t)n;
        resp->getxattr.value = steal_pointer(&buf);
    }
    return 0;
}

static int do_setxattr(struct conn *c, const struct gofer_request *req)
{
    char path[64];
    int ret = xattr_target(c, req, /*write=*/true, path, sizeof(path));

    if (ret < 0)
        return ret;
    if (setxattr(path, req->name, req->value, req->value_len, (int)req->flags) < 0)
        return -errno;
    return 0;
}

static int do_removexattr(struct conn *c, const struct gofer_request *req)
{
    char path[64];
    int ret = xattr_target(c, req, /*write=*/true, path, sizeof(path));

    if (ret < 0)
        return ret;
    if (removexattr(path, req->name) < 0)
        return -errno;
    return 0;
}

/* The user.* names only; `size` counts just those, as the sandbox's listxattr(2) would. */
static int do_listxattr(struct conn *c, const struct gofer_request *req,
                        struct gofer_response *resp)
{
    cleanup_free char *buf = NULL;
    char path[64];
    size_t count = 0, len = 0;
    ssize_t n;
    int ret = xattr_target(c, req, /*write=*/false, path, sizeof(path));

    resp->kind = GOFER_RESULT_LISTXATTR;
    if (ret == -ENODATA)
        return 0; /* no user.* attributes on other kinds of files */
    if (ret < 0)
        return ret;
    buf = xmalloc(GOFER_XATTR_LIST_MAX);
    n = listxattr(path, buf, GOFER_XATTR_LIST_MAX);
    if (n < 0)
        return errno == ERANGE ? -E2BIG : -errno;
    resp->listxattr.names = xcalloc((size_t)n / 2 + 1, sizeof(char *));
    for (ssize_t i = 0; i < n;) {
        size_t l = strnlen(buf + i, (size_t)(n - i));

        if (l > 0 && l <= GOFER_XATTR_NAME_MAX && is_user_xattr(buf + i)) {
            resp->listxattr.names[count++] = xstrndup(buf + i, l);
            len += l + 1;
        }
        i += (ssize_t)l + 1;
    }
    resp->listxattr.n = count;
    resp->listxattr.size = (uint32_t)len;
    if (req->size != 0 && len > req->size)
        return -ERANGE; /* the caller frees what the reply holds */
    if (req->size == 0) {
        /* The length alone was asked for. */
        for (size_t i = 0; i < count; i++)
            free(resp->listxattr.names[i]);
        resp->listxattr.n = 0;
    }
    return 0;
}

static int dispatch(struct conn *c, const struct gofer_request *req, struct gofer_response *resp,
                    int *out_fd)
{
    switch (req->op) {
    case GOFER_OP_ATTACH:
        return do_attach(c, resp);
    case GOFER_OP_WALK:
        return do_walk(c, req, resp);
    case GOFER_OP_OPEN:
        return do_open(c, req, resp, out_fd);
    case GOFER_OP_CREATE:
        return do_create(c, req, resp, out_fd);
    case GOFER_OP_MKDIR:
        return do_mkdir(c, req, resp);
    case GOFER_OP_MKNOD:
        return do_mknod(c, req, resp);
    case GOFER_OP_UNLINK:
        return do_remove(c, req, 0);
    case GOFER_OP_RMDIR:
        return do_remove(c, req, AT_REMOVEDIR);
    case GOFER_OP_RENAME:
        return do_rename(c, req);
    case GOFER_OP_LINK:
        return do_link(c, req, resp);
    case GOFER_OP_SYMLINK:
        return do_symlink(c, req, resp);
    case GOFER_OP_READLINK:
        return do_readlink(c, req, resp);
    case GOFER_OP_GETDENTS:
        return do_getdents(c, req, resp);
    case GOFER_OP_STAT:
        return do_stat(c, req, resp);
    case GOFER_OP_SETATTR:
        return do_setattr(c, req, resp);
    case GOFER_OP_STATFS:
        return do_statfs(c, req, resp);
    case GOFER_OP_GETXATTR:
        return do_getxattr(c, req, resp);
    case GOFER_OP_SETXATTR:
        return do_setxattr(c, req);
    case GOFER_OP_LISTXATTR:
        return do_listxattr(c, req, resp);
    case GOFER_OP_REMOVEXATTR:
        return do_removexattr(c, req);
    case GOFER_OP_CLOSE:
        for (size_t i = 0; i < req->n_fids; i++)
            fid_remove(c, req->fids[i]);
        return 0;
    default:
        return -ENOSYS;
    }
}

/* Answers one frame. Returns 0, or < 0 with *err when the reply could not be sent. */
static int serve_one(struct conn *c, const uint8_t *buf, size_t len, int *fds, size_t nfds,
                     rt_error_t *err)
{
    cleanup_error rt_error_t derr = NULL;
    struct gofer_request req;
    struct gofer_response resp = { 0 };
    cleanup_free uint8_t *out = NULL;
    cleanup_close int fd = -1;
    size_t out_len = 0;
    enum gofer_op op = GOFER_OP_ATTACH;
    int ret;

    if (gofer_request_decode(buf, len, fds, nfds, &req, &derr) < 0) {
        log_debug("gofer: refused a request: %s", rt_error_msg(derr));
        gofer_response_set_error(&resp, req.tag, rt_error_status(derr));
    } else {
        op = req.op;
        resp.tag = req.tag;
        ret = dispatch(c, &req, &resp, &fd);
        if (ret < 0) {
            gofer_response_set_error(&resp, req.tag, -ret);
            if (fd >= 0) {
                close(fd);
                fd = -1;
            }
        }
        gofer_request_free(&req);
    }
    ret = gofer_response_encode(op, &resp, &out, &out_len, err);
    gofer_response_free(&resp);
    if (ret < 0)
        return -1;
    return rt_frame_send(c->sock, out, out_len, &fd, fd >= 0 ? 1 : 0, err);
}

int gofer_conn_serve(const struct gofer_conn_config *cfg, rt_error_t *err)
{
    struct conn c = {
        .sock = cfg->sock_fd,
        .root_fd = cfg->root_fd,
        .readonly = cfg->readonly,
        .fd_dir = cfg->fd_dir,
        .max_fids = cfg->max_fids != 0 ? cfg->max_fids : GOFER_MAX_FIDS_DEFAULT,
    };
    int ret;

    for (;;) {
        uint8_t *buf = NULL;
        size_t len = 0, nfds = 0;
        int fds[8];

        ret = rt_frame_recv(c.sock, GOFER_REQUEST_FRAME_MAX, &buf, &len, fds, ARRAY_SIZE(fds),
                            &nfds, err);
        if (ret <= 0)
            break;
        ret = serve_one(&c, buf, len, fds, nfds, err);
        free(buf);
        if (ret < 0)
            break;
    }
    conn_release(&c);
    close(c.sock);
    if (ret < 0)
        return rt_error_wrap(err, "serving a gofer connection");
    return 0;
}
