/* SPDX-License-Identifier: Apache-2.0 */
/* Regular files whose bytes live in a host fd (gofer-donated fds, tmpfs memfds). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "sentry/vfs/vfs.h"

static int fd_of(struct file *f)
{
    return ((struct vfs_fd_file *)f->priv)->fd;
}

static long fd_pread(struct file *f, void *buf, size_t len, int64_t off)
{
    ssize_t n;

    do {
        n = pread(fd_of(f), buf, len, off);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static long fd_pwrite(struct file *f, const void *buf, size_t len, int64_t off)
{
    ssize_t n;

    do {
        n = pwrite(fd_of(f), buf, len, off);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static long fd_read(struct file *f, void *buf, size_t len)
{
    long n = fd_pread(f, buf, len, f->pos);

    if (n > 0)
        f->pos += n;
    return n;
}

static long fd_write(struct file *f, const void *buf, size_t len)
{
    long n;

    if (f->flags & O_APPEND) {
        off_t end = lseek(fd_of(f), 0, SEEK_END);

        if (end < 0)
            return -errno;
        f->pos = end;
    }
    n = fd_pwrite(f, buf, len, f->pos);
    if (n > 0)
        f->pos += n;
    return n;
}

static long fd_lseek(struct file *f, int64_t off, int whence)
{
    int64_t base;

    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = f->pos;
        break;
    case SEEK_END: {
        off_t end = lseek(fd_of(f), 0, SEEK_END);

        if (end < 0)
            return -errno;
        base = end;
        break;
    }
    case SEEK_DATA:
    case SEEK_HOLE: {
        off_t r = lseek(fd_of(f), off, whence);

        if (r < 0)
            return -errno;
        f->pos = r;
        return r;
    }
    default:
        return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = base + off;
    return f->pos;
}

static long fd_fstat(struct file *f, struct stat *st)
{
    return vfs_inode_getattr(f->dentry->inode, st);
}

static long fd_fsync(struct file *f, bool datasync)
{
    int r = datasync ? fdatasync(fd_of(f)) : fsync(fd_of(f));

    return r < 0 ? -errno : 0;
}

static int fd_host_fd(struct file *f)
{
    return fd_of(f);
}

static unsigned int fd_poll(struct file *f)
{
    (void)f;
    return 0x1 | 0x4; /* POLLIN | POLLOUT: regular files are always ready */
}

static void fd_release(struct file *f)
{
    struct vfs_fd_file *h = f->priv;

    close(h->fd);
    free(h);
}

const struct file_ops g_vfs_fd_file_ops = {
    .name = "regular",
    .read = fd_read,
    .write = fd_write,
    .pread = fd_pread,
    .pwrite = fd_pwrite,
    .lseek = fd_lseek,
    .fstat = fd_fstat,
    .fsync = fd_fsync,
    .poll = fd_poll,
    .host_fd = fd_host_fd,
    .release = fd_release,
};
