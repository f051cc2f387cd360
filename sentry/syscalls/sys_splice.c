/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sendfile, splice, copy_file_range and the sync family. Data moves through a
 * sentry buffer with the files' own read/write ops (no zero-copy): a read,
 * then a write of what was read. A short write into a seekable source's
 * position rewinds the source by what was not written, so no bytes are lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "common/common.h"
#include "sentry/fs/anon/inotify.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/syscalls/sys_gaps.h"
#include "sentry/syscalls/sys_vfs.h"

/* Linux's MAX_RW_COUNT: INT_MAX rounded down to a page. */
#define SPLICE_MAX_COUNT (0x7ffff000UL)
#define SPLICE_CHUNK     (64 * 1024)

#define SPLICE_F_NONBLOCK_FLAG 0x02u
#define SPLICE_F_ALL           0x0fu /* MOVE | NONBLOCK | MORE | GIFT */

static bool is_regular(const struct file *f)
{
    struct inode *ino = file_inode(f);

    return ino != NULL && S_ISREG(ino->st.st_mode);
}

static bool is_dir(const struct file *f)
{
    struct inode *ino = file_inode(f);

    return ino != NULL && S_ISDIR(ino->st.st_mode);
}

/* Reads into `buf` at `*off` (advancing it) or at the file position when `off` is NULL. */
static long xfer_read(struct file *f, void *buf, size_t len, int64_t *off)
{
    long n;

    if (off == NULL)
        return f->ops->read(f, buf, len);
    n = f->ops->pread(f, buf, len, *off);
    if (n > 0)
        *off += n;
    return n;
}

static long xfer_write(struct file *f, const void *buf, size_t len, int64_t *off)
{
    long n;

    if (off == NULL)
        return f->ops->write(f, buf, len);
    n = f->ops->pwrite(f, buf, len, *off);
    if (n > 0)
        *off += n;
    return n;
}

/* Gives back `n` bytes read but not written: the source position moves back. */
static void unread(struct file *in, int64_t *in_off, long n)
{
    if (n <= 0)
        return;
    if (in_off != NULL)
        *in_off -= n;
    else if (in->ops->lseek != NULL)
        in->ops->lseek(in, -n, SEEK_CUR);
}

/*
 * Copies at most `len` bytes from `in` to `out`. Regular sources are read
 * until `len` or EOF; other sources (pipes, sockets) once, as Linux's splice.
 * Returns the count moved, or -Exxx when nothing moved.
 */
static long xfer(struct task *t, struct file *in, int64_t *in_off, struct file *out,
                 int64_t *out_off, size_t len)
{
    cleanup_free char *buf = NULL;
    bool once = !is_regular(in);
    size_t done = 0;
    long ret = 0;

    if (len == 0)
        return 0;
    buf = malloc(len < SPLICE_CHUNK ? len : SPLICE_CHUNK);
    if (buf == NULL)
        return -ENOMEM;
    g_pipe_current_task = t;
    while (done < len) {
        size_t chunk = len - done < SPLICE_CHUNK ? len - done : SPLICE_CHUNK;
        long r = xfer_read(in, buf, chunk, in_off);
        long w;

        if (r <= 0) {
            ret = r;
            break;
        }
        w = xfer_write(out, buf, (size_t)r, out_off);
        if (w < 0) {
            unread(in, in_off, r);
            ret = w;
            break;
        }
        done += (size_t)w;
        if (w < r) {
            unread(in, in_off, r - w);
            break;
        }
        if (once || (size_t)r < chunk)
            break;
    }
    g_pipe_current_task = NULL;
    if (done > 0) {
        inotify_file(in, IN_ACCESS);
        inotify_file(out, IN_MODIFY);
    }
    return done > 0 ? (long)done : ret;
}

/* Copies in a loff_t argument (NULL address: none). Returns 0 or -EFAULT. */
static long get_off(struct task *t, uint64_t addr, int64_t *off)
{
    return addr == 0 ? 0 : task_copy_in(t, off, addr, sizeof(*off));
}

static long put_off(struct task *t, uint64_t addr, int64_t off)
{
    return addr == 0 ? 0 : task_copy_out(t, addr, &off, sizeof(off));
}

/* Returns the result of moving `n` bytes after storing the offset (EFAULT wins as Linux). */
static long finish(struct task *t, uint64_t addr, int64_t off, long n)
{
    long ret = put_off(t, addr, off);

    return ret < 0 ? ret : n;
}

long sys_sendfile(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *out = fd_table_get(t->fdt, (int)a->a[0]);
    cleanup_file_ref struct file *in = fd_table_get(t->fdt, (int)a->a[1]);
    size_t len = a->a[3] > SPLICE_MAX_COUNT ? SPLICE_MAX_COUNT : a->a[3];
    int64_t off = 0;
    long ret;

    if (in == NULL || out == NULL)
        return -EBADF;
    if (!file_is_readable(in) || !file_is_writable(out))
        return -EBADF;
    if ((out->flags & O_APPEND) != 0)
        return -EINVAL;
    /* The source must be a file Linux can read pages of: not a pipe or socket. */
    if (pipe_is_pipe(in) || in->ops->pread == NULL)
        return -EINVAL;
    if (out->ops->write == NULL)
        return -EINVAL;
    if (a->a[2] != 0) {
        ret = get_off(t, a->a[2], &off);
        if (ret < 0)
            return ret;
        if (off < 0)
            return -EINVAL;
        ret = xfer(t, in, &off, out, NULL, len);
        return ret < 0 ? ret : finish(t, a->a[2], off, ret);
    }
    return xfer(t, in, NULL, out, NULL, len);
}

/* SPLICE_F_NONBLOCK: a pipe end that is not ready now gives EAGAIN (or 0 at a pipe's EOF). */
static long nonblock_check(struct file *in, struct file *out, bool *eof)
{
    *eof = false;
    if (in != NULL && pipe_is_pipe(in)) {
        unsigned int ev = in->ops->poll(in);

        if ((ev & POLLIN) == 0) {
            if ((ev & POLLHUP) != 0) {
                *eof = true;
                return 0;
            }
            return -EAGAIN;
        }
    }
    if (out != NULL && pipe_is_pipe(out)) {
        unsigned int ev = out->ops->poll(out);

        if ((ev & POLLERR) == 0 && (ev & POLLOUT) == 0)
            return -EAGAIN;
    }
    return 0;
}

long sys_splice(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *in = fd_table_get(t->fdt, (int)a->a[0]);
    cleanup_file_ref struct file *out = fd_table_get(t->fdt, (int)a->a[2]);
    size_t len = a->a[4] > SPLICE_MAX_COUNT ? SPLICE_MAX_COUNT : a->a[4];
    unsigned int flags = (unsigned int)a->a[5];
    int64_t in_off = 0, out_off = 0;
    bool in_pipe, out_pipe, eof;
    long ret;

    if (in == NULL || out == NULL)
        return -EBADF;
    if (!file_is_readable(in) || !file_is_writable(out))
        return -EBADF;
    if ((flags & ~SPLICE_F_ALL) != 0)
        return -EINVAL;
    in_pipe = pipe_is_pipe(in);
    out_pipe = pipe_is_pipe(out);
    if (!in_pipe && !out_pipe)
        return -EINVAL;
    if (in_pipe && out_pipe && in->priv == out->priv)
        return -EINVAL;
    if (a->a[1] != 0) {
        if (in_pipe)
            return -ESPIPE;
        if (in->ops->pread == NULL)
            return -ESPIPE;
        ret = get_off(t, a->a[1], &in_off);
        if (ret < 0)
            return ret;
        if (in_off < 0)
            return -EINVAL;
    }
    if (a->a[3] != 0) {
        if (out_pipe)
            return -ESPIPE;
        if (out->ops->pwrite == NULL)
            return -ESPIPE;
        ret = get_off(t, a->a[3], &out_off);
        if (ret < 0)
            return ret;
        if (out_off < 0)
            return -EINVAL;
    }
    if ((out->flags & O_APPEND) != 0 && !out_pipe)
        return -EINVAL;
    if (in->ops->read == NULL || out->ops->write == NULL)
        return -EINVAL;
    if (len == 0)
        return 0;
    if ((flags & SPLICE_F_NONBLOCK_FLAG) != 0) {
        ret = nonblock_check(in, out, &eof);
        if (ret < 0 || eof)
            return ret;
    }
    ret = xfer(t, in, a->a[1] != 0 ? &in_off : NULL, out, a->a[3] != 0 ? &out_off : NULL, len);
    if (ret < 0)
        return ret;
    if (a->a[1] != 0 && put_off(t, a->a[1], in_off) < 0)
        return -EFAULT;
    if (a->a[3] != 0 && put_off(t, a->a[3], out_off) < 0)
        return -EFAULT;
    return ret;
}

long sys_copy_file_range(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *in = fd_table_get(t->fdt, (int)a->a[0]);
    cleanup_file_ref struct file *out = fd_table_get(t->fdt, (int)a->a[2]);
    size_t len = a->a[4] > SPLICE_MAX_COUNT ? SPLICE_MAX_COUNT : a->a[4];
    int64_t in_off, out_off;
    long ret;

    if (in == NULL || out == NULL)
        return -EBADF;
    if (a->a[5] != 0)
        return -EINVAL;
    /* Linux's generic_file_rw_checks, in its order. */
    if (is_dir(in) || is_dir(out))
        return -EISDIR;
    if (!is_regular(in) || !is_regular(out))
        return -EINVAL;
    if (!file_is_readable(in) || !file_is_writable(out) || (out->flags & O_APPEND) != 0)
        return -EBADF;
    if (in->ops->pread == NULL || out->ops->pwrite == NULL)
        return -EINVAL;
    in_off = in->pos;
    out_off = out->pos;
    if ((ret = get_off(t, a->a[1], &in_off)) < 0 || (ret = get_off(t, a->a[3], &out_off)) < 0)
        return ret;
    if (in_off < 0 || out_off < 0)
        return -EOVERFLOW;
    if (len == 0)
        return 0;
    if (file_inode(in) == file_inode(out) && in_off < out_off + (int64_t)len &&
        out_off < in_off + (int64_t)len)
        return -EINVAL;
    ret = xfer(t, in, &in_off, out, &out_off, len);
    if (ret < 0)
        return ret;
    if (a->a[1] != 0) {
        if (put_off(t, a->a[1], in_off) < 0)
            return -EFAULT;
    } else {
        in->pos = in_off;
    }
    if (a->a[3] != 0) {
        if (put_off(t, a->a[3], out_off) < 0)
            return -EFAULT;
    } else {
        out->pos = out_off;
    }
    return ret;
}

/*
 * sync(2): the sentry caches no file data (tmpfs lives in memfds, gofer files
 * are host fds written through), so there is nothing to write back from here.
 */
long sys_sync(struct task *t, const struct sys_args *a)
{
    (void)t;
    (void)a;
    return 0;
}

long sys_syncfs(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);

    if (f == NULL)
        return -EBADF;
    return 0;
}

#define SYNC_FILE_RANGE_ALL 7u /* WAIT_BEFORE | WRITE | WAIT_AFTER */

long sys_sync_file_range(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    int64_t off = (int64_t)a->a[1], nbytes = (int64_t)a->a[2];
    struct inode *ino;

    if ((a->a[3] & ~(uint64_t)SYNC_FILE_RANGE_ALL) != 0)
        return -EINVAL;
    if (off < 0 || nbytes < 0 || off + nbytes < off)
        return -EINVAL;
    if (f == NULL)
        return -EBADF;
    ino = file_inode(f);
    if (ino == NULL || !(S_ISREG(ino->st.st_mode) || S_ISDIR(ino->st.st_mode) ||
                         S_ISBLK(ino->st.st_mode) || S_ISLNK(ino->st.st_mode)))
        return -ESPIPE;
    if ((a->a[3] & 2u /* SYNC_FILE_RANGE_WRITE */) != 0 && f->ops->fsync != NULL)
        return f->ops->fsync(f, /*datasync=*/true);
    return 0;
}

#define VMSPLICE_MAX_IOV 1024                    /* UIO_MAXIOV */
#define VMSPLICE_MAX     ((size_t)PIPE_MAX_SIZE) /* bytes moved by one call, at most */

/*
 * vmsplice(2) as a copy: app iovecs into a pipe's write end (writev), or a
 * pipe's read end into app iovecs (one read, as readv). Pages are never gifted.
 */
long sys_vmsplice(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    cleanup_free struct iovec *iov = NULL;
    cleanup_free char *buf = NULL;
    unsigned long cnt = a->a[2];
    unsigned int flags = (unsigned int)a->a[3];
    size_t total = 0, done = 0;
    bool writing, eof;
    long n, ret;

    if ((flags & ~SPLICE_F_ALL) != 0)
        return -EINVAL;
    if (f == NULL || !pipe_is_pipe(f))
        return -EBADF;
    writing = file_is_writable(f);
    if (!writing && !file_is_readable(f))
        return -EBADF;
    if (cnt > VMSPLICE_MAX_IOV)
        return -EINVAL;
    if (cnt == 0)
        return 0;
    iov = calloc(cnt, sizeof(*iov));
    if (iov == NULL)
        return -ENOMEM;
    if (task_copy_in(t, iov, a->a[1], cnt * sizeof(*iov)) < 0)
        return -EFAULT;
    for (unsigned long i = 0; i < cnt; i++) {
        if ((ssize_t)iov[i].iov_len < 0)
            return -EINVAL;
        if (total + iov[i].iov_len > VMSPLICE_MAX)
            iov[i].iov_len = VMSPLICE_MAX - total;
        total += iov[i].iov_len;
    }
    if (total == 0)
        return 0;
    if ((flags & SPLICE_F_NONBLOCK_FLAG) != 0) {
        ret = nonblock_check(writing ? NULL : f, writing ? f : NULL, &eof);
        if (ret < 0 || eof)
            return ret;
    }
    buf = malloc(total);
    if (buf == NULL)
        return -ENOMEM;
    if (writing) {
        for (unsigned long i = 0; i < cnt; i++) {
            if (task_copy_in(t, buf + done, (uint64_t)(uintptr_t)iov[i].iov_base, iov[i].iov_len) <
                0)
                return -EFAULT;
            done += iov[i].iov_len;
        }
        g_pipe_current_task = t;
        n = f->ops->write(f, buf, total);
        g_pipe_current_task = NULL;
        return n;
    }
    g_pipe_current_task = t;
    n = f->ops->read(f, buf, total);
    g_pipe_current_task = NULL;
    if (n <= 0)
        return n;
    for (unsigned long i = 0; i < cnt && done < (size_t)n; i++) {
        size_t k = iov[i].iov_len < (size_t)n - done ? iov[i].iov_len : (size_t)n - done;

        if (task_copy_out(t, (uint64_t)(uintptr_t)iov[i].iov_base, buf + done, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += k;
    }
    return n;
}
