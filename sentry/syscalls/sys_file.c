/* SPDX-License-Identifier: Apache-2.0 */
/* File syscalls: read/write family, fd table operations, fcntl, ioctl, stat, and path stubs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"
#include "sentry/vfs/vfs.h"

/* Linux's MAX_RW_COUNT: one read or write moves at most this much. */
#define MAX_RW_COUNT (INT_MAX & ~(int)(ARCH_PAGE_SIZE - 1))
/* The bounce buffer of one read or write; larger requests return short, as Linux may. */
#define RW_CHUNK (1024 * 1024)
#define MAX_IOV  1024

static void put_filep(struct file **f)
{
    put_file(*f);
}
#define cleanup_file_ref __attribute__((cleanup(put_filep)))

/* Reads at most `len` bytes into app memory at `buf`; `off` < 0 means the file position. */
static long do_read(struct task *t, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    cleanup_free char *kbuf = NULL;
    long n, ret;

    if (!file_is_readable(f))
        return -EBADF;
    if (off >= 0 ? f->ops->pread == NULL : f->ops->read == NULL)
        return off >= 0 ? -ESPIPE : -EINVAL;
    if (len == 0)
        return 0;
    if (len > RW_CHUNK)
        len = RW_CHUNK;
    kbuf = malloc(len);
    if (kbuf == NULL)
        return -ENOMEM;
    n = off >= 0 ? f->ops->pread(f, kbuf, len, off) : f->ops->read(f, kbuf, len);
    if (n <= 0)
        return n;
    ret = task_copy_out(t, buf, kbuf, (size_t)n);
    return ret < 0 ? ret : n;
}

/* Writes at most `len` bytes from app memory at `buf`. */
static long do_write(struct task *t, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    cleanup_free char *kbuf = NULL;
    long n;

    if (!file_is_writable(f))
        return -EBADF;
    if (off >= 0 ? f->ops->pwrite == NULL : f->ops->write == NULL)
        return off >= 0 ? -ESPIPE : -EINVAL;
    if (len == 0)
        return 0;
    if (len > RW_CHUNK)
        len = RW_CHUNK;
    kbuf = malloc(len);
    if (kbuf == NULL)
        return -ENOMEM;
    /* Like Linux, write what could be copied before a bad page; EFAULT if nothing. */
    n = task_copy_in_partial(t, kbuf, buf, len);
    if (n < 0)
        return n;
    return off >= 0 ? f->ops->pwrite(f, kbuf, (size_t)n, off) : f->ops->write(f, kbuf, (size_t)n);
}

long sys_read(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    size_t len = a->a[2] > MAX_RW_COUNT ? MAX_RW_COUNT : a->a[2];

    if (f == NULL)
        return -EBADF;
    return do_read(t, f, a->a[1], len, -1);
}

long sys_write(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    size_t len = a->a[2] > MAX_RW_COUNT ? MAX_RW_COUNT : a->a[2];

    if (f == NULL)
        return -EBADF;
    return do_write(t, f, a->a[1], len, -1);
}

long sys_pread64(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    size_t len = a->a[2] > MAX_RW_COUNT ? MAX_RW_COUNT : a->a[2];

    if (f == NULL)
        return -EBADF;
    if ((int64_t)a->a[3] < 0)
        return -EINVAL;
    return do_read(t, f, a->a[1], len, (int64_t)a->a[3]);
}

long sys_pwrite64(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    size_t len = a->a[2] > MAX_RW_COUNT ? MAX_RW_COUNT : a->a[2];

    if (f == NULL)
        return -EBADF;
    if ((int64_t)a->a[3] < 0)
        return -EINVAL;
    return do_write(t, f, a->a[1], len, (int64_t)a->a[3]);
}

/* Copies in and checks an iovec array. Returns the count or -Exxx; `*out` is owned by the caller.
 */
static long copy_in_iov(struct task *t, uint64_t addr, uint64_t cnt, struct iovec **out)
{
    struct iovec *iov;
    size_t total = 0;
    long ret;

    if ((int)cnt < 0 || cnt > MAX_IOV)
        return -EINVAL;
    if (cnt == 0)
        return 0;
    iov = calloc(cnt, sizeof(*iov));
    if (iov == NULL)
        return -ENOMEM;
    ret = task_copy_in(t, iov, addr, cnt * sizeof(*iov));
    if (ret < 0) {
        free(iov);
        return ret;
    }
    for (size_t i = 0; i < cnt; i++) {
        if ((ssize_t)iov[i].iov_len < 0 || iov[i].iov_len > SSIZE_MAX - total) {
            free(iov);
            return -EINVAL;
        }
        total += iov[i].iov_len;
    }
    *out = iov;
    return (long)cnt;
}

static long do_rw_vec(struct task *t, const struct sys_args *a, bool is_write)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    cleanup_free struct iovec *iov = NULL;
    long cnt, done = 0;

    if (f == NULL)
        return -EBADF;
    if (is_write ? !file_is_writable(f) : !file_is_readable(f))
        return -EBADF;
    cnt = copy_in_iov(t, a->a[1], a->a[2], &iov);
    if (cnt <= 0)
        return cnt;
    for (long i = 0; i < cnt; i++) {
        size_t len = iov[i].iov_len;
        long n;

        if (len == 0)
            continue;
        if (len > (size_t)(MAX_RW_COUNT - done))
            len = (size_t)(MAX_RW_COUNT - done);
        n = is_write ? do_write(t, f, (uintptr_t)iov[i].iov_base, len, -1)
                     : do_read(t, f, (uintptr_t)iov[i].iov_base, len, -1);
        if (n < 0)
            return done > 0 ? done : n;
        done += n;
        if ((size_t)n < iov[i].iov_len || done >= MAX_RW_COUNT)
            break;
    }
    return done;
}

long sys_readv(struct task *t, const struct sys_args *a)
{
    return do_rw_vec(t, a, /*is_write=*/false);
}

long sys_writev(struct task *t, const struct sys_args *a)
{
    return do_rw_vec(t, a, /*is_write=*/true);
}

long sys_lseek(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    int whence = (int)a->a[2];

    if (f == NULL)
        return -EBADF;
    if (whence < SEEK_SET || whence > SEEK_HOLE)
        return -EINVAL;
    if (f->ops->lseek == NULL)
        return -ESPIPE;
    return f->ops->lseek(f, (int64_t)a->a[1], whence);
}

long sys_close(struct task *t, const struct sys_args *a)
{
    return fd_table_close(t->fdt, (int)a->a[0]);
}

long sys_dup(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);

    if (f == NULL)
        return -EBADF;
    return fd_table_install(t->fdt, f, 0, /*cloexec=*/false, task_nofile_limit(t));
}

long sys_dup2(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);

    if (f == NULL)
        return -EBADF;
    if ((int)a->a[0] == (int)a->a[1])
        return (int)a->a[1];
    return fd_table_install_at(t->fdt, (int)a->a[1], f, /*cloexec=*/false, task_nofile_limit(t));
}

long sys_dup3(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = NULL;
    int flags = (int)a->a[2];

    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if ((int)a->a[0] == (int)a->a[1])
        return -EINVAL;
    f = fd_table_get(t->fdt, (int)a->a[0]);
    if (f == NULL)
        return -EBADF;
    return fd_table_install_at(t->fdt, (int)a->a[1], f, (flags & O_CLOEXEC) != 0,
                               task_nofile_limit(t));
}

/* The status flags F_SETFL may change (Linux's SETFL_MASK). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long sys_fcntl(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    int fd = (int)a->a[0];

    if (f == NULL)
        return -EBADF;
    switch ((int)a->a[1]) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if ((int)a->a[2] < 0 || (unsigned long)(int)a->a[2] >= task_nofile_limit(t))
            return -EINVAL;
        return fd_table_install(t->fdt, f, (int)a->a[2], (int)a->a[1] == F_DUPFD_CLOEXEC,
                                task_nofile_limit(t));
    case F_GETFD:
        return fd_table_get_cloexec(t->fdt, fd) > 0 ? FD_CLOEXEC : 0;
    case F_SETFD:
        return fd_table_set_cloexec(t->fdt, fd, (a->a[2] & FD_CLOEXEC) != 0);
    case F_GETFL:
        return f->flags;
    case F_SETFL:
        /* Kept in the sentry's description: a host fd behind it may be shared with the caller. */
        f->flags = (f->flags & ~(unsigned int)SETFL_MASK) | ((unsigned int)a->a[2] & SETFL_MASK);
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_ioctl(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    unsigned int cmd = (unsigned int)a->a[1];

    if (f == NULL)
        return -EBADF;
    if (cmd == FIOCLEX || cmd == FIONCLEX)
        return fd_table_set_cloexec(t->fdt, (int)a->a[0], cmd == FIOCLEX);
    if (f->ops->ioctl == NULL)
        return -ENOTTY;
    return f->ops->ioctl(f, t, cmd, a->a[2]);
}

static long fstat_file(struct task *t, int fd, struct stat *st)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, fd);

    if (f == NULL)
        return -EBADF;
    memset(st, 0, sizeof(*st));
    if (f->ops->fstat == NULL)
        return 0;
    return f->ops->fstat(f, st);
}

long sys_fstat(struct task *t, const struct sys_args *a)
{
    struct stat st;
    long ret = fstat_file(t, (int)a->a[0], &st);

    if (ret < 0)
        return ret;
    return task_copy_out(t, a->a[1], &st, sizeof(st));
}

/*
 * Copies in a path argument. Returns its length, or -EFAULT, -ENAMETOOLONG,
 * or -ENOENT for an empty path (unless `empty_ok`).
 */
static long copy_in_path(struct task *t, uint64_t addr, char *buf, bool empty_ok)
{
    long n = task_copy_in_string(t, addr, buf, PATH_MAX);

    if (n == 0 && !empty_ok)
        return -ENOENT;
    return n;
}

/*
 * The path walk of the first-light sentry: there is no filesystem yet, so a
 * valid path names nothing. The argument checks Linux does first still apply.
 */
static long path_absent(struct task *t, int dirfd, uint64_t path_addr)
{
    char path[PATH_MAX];
    long n = copy_in_path(t, path_addr, path, /*empty_ok=*/false);

    if (n < 0)
        return n;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        cleanup_file_ref struct file *f = fd_table_get(t->fdt, dirfd);

        if (f == NULL)
            return -EBADF;
        return -ENOTDIR; /* no fd refers to a directory yet */
    }
    return -ENOENT;
}

long sys_newfstatat(struct task *t, const struct sys_args *a)
{
    char path[PATH_MAX];
    int flags = (int)a->a[3];
    struct stat st;
    long ret;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    ret = copy_in_path(t, a->a[1], path, (flags & AT_EMPTY_PATH) != 0);
    if (ret < 0)
        return ret;
    if (ret > 0 || (int)a->a[0] == AT_FDCWD)
        return path_absent(t, (int)a->a[0], a->a[1]);
    ret = fstat_file(t, (int)a->a[0], &st);
    if (ret < 0)
        return ret;
    return task_copy_out(t, a->a[2], &st, sizeof(st));
}

long sys_statx(struct task *t, const struct sys_args *a)
{
    char path[PATH_MAX];
    int flags = (int)a->a[2];
    unsigned int mask = (unsigned int)a->a[3];
    struct statx sx;
    struct stat st;
    long ret;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return -EINVAL;
    if (mask & STATX__RESERVED)
        return -EINVAL;
    ret = copy_in_path(t, a->a[1], path, (flags & AT_EMPTY_PATH) != 0);
    if (ret < 0)
        return ret;
    if (ret > 0 || (int)a->a[0] == AT_FDCWD)
        return path_absent(t, (int)a->a[0], a->a[1]);
    ret = fstat_file(t, (int)a->a[0], &st);
    if (ret < 0)
        return ret;
    memset(&sx, 0, sizeof(sx));
    sx.stx_mask = STATX_BASIC_STATS;
    sx.stx_blksize = (uint32_t)st.st_blksize;
    sx.stx_nlink = (uint32_t)st.st_nlink;
    sx.stx_uid = st.st_uid;
    sx.stx_gid = st.st_gid;
    sx.stx_mode = (uint16_t)st.st_mode;
    sx.stx_ino = st.st_ino;
    sx.stx_size = (uint64_t)st.st_size;
    sx.stx_blocks = (uint64_t)st.st_blocks;
    sx.stx_atime.tv_sec = st.st_atim.tv_sec;
    sx.stx_atime.tv_nsec = (uint32_t)st.st_atim.tv_nsec;
    sx.stx_mtime.tv_sec = st.st_mtim.tv_sec;
    sx.stx_mtime.tv_nsec = (uint32_t)st.st_mtim.tv_nsec;
    sx.stx_ctime.tv_sec = st.st_ctim.tv_sec;
    sx.stx_ctime.tv_nsec = (uint32_t)st.st_ctim.tv_nsec;
    sx.stx_rdev_major = major(st.st_rdev);
    sx.stx_rdev_minor = minor(st.st_rdev);
    sx.stx_dev_major = major(st.st_dev);
    sx.stx_dev_minor = minor(st.st_dev);
    return task_copy_out(t, a->a[4], &sx, sizeof(sx));
}

long sys_open(struct task *t, const struct sys_args *a)
{
    return path_absent(t, AT_FDCWD, a->a[0]);
}

long sys_openat(struct task *t, const struct sys_args *a)
{
    return path_absent(t, (int)a->a[0], a->a[1]);
}

long sys_stat(struct task *t, const struct sys_args *a)
{
    return path_absent(t, AT_FDCWD, a->a[0]);
}

long sys_lstat(struct task *t, const struct sys_args *a)
{
    return path_absent(t, AT_FDCWD, a->a[0]);
}

long sys_access(struct task *t, const struct sys_args *a)
{
    if (a->a[1] & ~(uint64_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    return path_absent(t, AT_FDCWD, a->a[0]);
}

long sys_faccessat(struct task *t, const struct sys_args *a)
{
    if (a->a[2] & ~(uint64_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    return path_absent(t, (int)a->a[0], a->a[1]);
}

long sys_faccessat2(struct task *t, const struct sys_args *a)
{
    if (a->a[2] & ~(uint64_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (a->a[3] & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    return path_absent(t, (int)a->a[0], a->a[1]);
}

long sys_readlink(struct task *t, const struct sys_args *a)
{
    if ((int)a->a[2] <= 0)
        return -EINVAL;
    return path_absent(t, AT_FDCWD, a->a[0]);
}

long sys_readlinkat(struct task *t, const struct sys_args *a)
{
    if ((int)a->a[3] <= 0)
        return -EINVAL;
    return path_absent(t, (int)a->a[0], a->a[1]);
}

long sys_getcwd(struct task *t, const struct sys_args *a)
{
    static const char cwd[] = "/";
    long ret;

    if (a->a[1] < sizeof(cwd))
        return -ERANGE;
    ret = task_copy_out(t, a->a[0], cwd, sizeof(cwd));
    return ret < 0 ? ret : (long)sizeof(cwd);
}

long sys_umask(struct task *t, const struct sys_args *a)
{
    unsigned int old = t->tg->umask;

    t->tg->umask = (unsigned int)a->a[0] & 0777;
    return old;
}
