/* SPDX-License-Identifier: Apache-2.0 */
/* File syscalls: the read/write family, fd table operations, fcntl, ioctl, umask. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <linux/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/common.h"
#include "sentry/mm/mm.h"
#include "sentry/fs/anon/inotify.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"
#include "sentry/vfs/locks.h"
#include "sentry/vfs/vfs.h"

/* Linux's MAX_RW_COUNT: one read or write moves at most this much. */
#define MAX_RW_COUNT (INT_MAX & ~(int)(ARCH_PAGE_SIZE - 1))
/* The bounce buffer of one read or write; larger requests return short, as Linux may. */
#define RW_CHUNK (1024 * 1024)
#define MAX_IOV  1024

/*
 * A read into a buffer in user space that the app may not write at all.
 * Linux finds that out only when it copies, so a read with nothing to copy
 * still reports EOF (0), EAGAIN or the file's error; answers those without
 * consuming anything, and EFAULT otherwise.
 */
static long read_nothing(struct file *f, int64_t off)
{
    unsigned int ev;
    char c;
    long n;

    if (f->ops->pread != NULL) {
        /* Seekable: one byte at the position, which does not move. */
        n = f->ops->pread(f, &c, 1, off >= 0 ? off : f->pos);
        return n <= 0 ? n : -EFAULT;
    }
    if (f->ops->poll == NULL)
        return -EFAULT;
    ev = f->ops->poll(f);
    if (!(ev & POLLIN) && (ev & POLLHUP))
        return 0;
    if (!(ev & (POLLIN | POLLERR)) && (f->flags & O_NONBLOCK))
        return -EAGAIN;
    return -EFAULT;
}

/*
 * Reads at most `len` bytes into app memory at `buf`; `off` < 0 means the
 * file position. RW_CHUNK at a time through one bounce buffer: a seekable
 * file fills the whole request like Linux's regular files (a short chunk,
 * EOF, or a failure after some bytes ends it with the count so far); a pipe,
 * socket or tty gives one chunk, as a short read its callers loop on.
 */
static long do_read(struct task *t, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    cleanup_free char *kbuf = NULL;
    size_t chunk;
    long done = 0;

    if (!file_is_readable(f))
        return -EBADF;
    if (off >= 0 ? f->ops->pread == NULL : f->ops->read == NULL)
        return off >= 0 ? -ESPIPE : -EINVAL;
    if (len == 0)
        return 0;
    if (f->ops->pread == NULL && len > RW_CHUNK)
        len = RW_CHUNK;
    /* Read no more than the buffer can take: data a bad buffer cannot hold stays unread. */
    if (buf >= ARCH_TASK_SIZE || len > ARCH_TASK_SIZE - buf)
        return -EFAULT;
    len = mm_writable_prefix(t->mm, buf, len);
    if (len == 0)
        return read_nothing(f, off);
    chunk = len > RW_CHUNK ? RW_CHUNK : len;
    kbuf = malloc(chunk);
    if (kbuf == NULL)
        return -ENOMEM;
    while ((size_t)done < len) {
        size_t want = len - (size_t)done < chunk ? len - (size_t)done : chunk;
        long n, ret;

        g_pipe_current_task = t;
        n = off >= 0 ? f->ops->pread(f, kbuf, want, off + done) : f->ops->read(f, kbuf, want);
        g_pipe_current_task = NULL;
        if (n <= 0) {
            if (done == 0)
                return n;
            break;
        }
        ret = task_copy_out(t, buf + (uint64_t)done, kbuf, (size_t)n);
        if (ret < 0) {
            if (done == 0)
                return ret;
            break;
        }
        done += n;
        if ((size_t)n < want)
            break;
    }
    inotify_file(f, IN_ACCESS);
    return done;
}

/*
 * Writes at most `len` bytes from app memory at `buf`, RW_CHUNK at a time
 * through one bounce buffer. A seekable file takes them all like Linux's
 * regular files (a chunk that comes up short, or fails after some were
 * written, ends it with the count so far); a pipe or socket takes one chunk,
 * a short write its callers loop on.
 */
/*
 * Where pwrite(2) at `off` writes: the end of the file when it was opened
 * O_APPEND (Linux ignores the offset there, a documented bug), else `off`.
 */
static int64_t append_pos(struct file *f, int64_t off)
{
    struct stat st;

    if ((f->flags & O_APPEND) && f->ops->fstat != NULL && f->ops->fstat(f, &st) == 0)
        return st.st_size;
    return off;
}

static long do_write(struct task *t, struct file *f, uint64_t buf, size_t len, int64_t off)
{
    cleanup_free char *kbuf = NULL;
    size_t chunk = len > RW_CHUNK ? RW_CHUNK : len;
    long done = 0;

    if (!file_is_writable(f))
        return -EBADF;
    if (off >= 0 ? f->ops->pwrite == NULL : f->ops->write == NULL)
        return off >= 0 ? -ESPIPE : -EINVAL;
    if (len == 0)
        return 0;
    if (f->ops->pread == NULL)
        len = chunk;
    kbuf = malloc(chunk);
    if (kbuf == NULL)
        return -ENOMEM;
    while ((size_t)done < len) {
        size_t want = len - (size_t)done < chunk ? len - (size_t)done : chunk;
        long got, n;

        /* Like Linux, write what could be copied before a bad page; EFAULT if nothing. */
        got = task_copy_in_partial(t, kbuf, buf + (uint64_t)done, want);
        if (got < 0)
            break;
        g_pipe_current_task = t;
        n = off >= 0 ? f->ops->pwrite(f, kbuf, (size_t)got, append_pos(f, off + done))
                     : f->ops->write(f, kbuf, (size_t)got);
        g_pipe_current_task = NULL;
        if (n <= 0) {
            if (done == 0)
                return n;
            break;
        }
        done += n;
        if (n < got || (size_t)got < want)
            break;
    }
    if (done == 0)
        return -EFAULT;
    inotify_file(f, IN_MODIFY);
    return done;
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

static long do_rw_vec(struct task *t, const struct sys_args *a, bool is_write, int64_t off)
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
        n = is_write ? do_write(t, f, (uintptr_t)iov[i].iov_base, len, off)
                     : do_read(t, f, (uintptr_t)iov[i].iov_base, len, off);
        if (n < 0)
            return done > 0 ? done : n;
        done += n;
        if (off >= 0)
            off += n;
        if ((size_t)n < iov[i].iov_len || done >= MAX_RW_COUNT)
            break;
    }
    return done;
}

long sys_readv(struct task *t, const struct sys_args *a)
{
    return do_rw_vec(t, a, /*is_write=*/false, -1);
}

long sys_writev(struct task *t, const struct sys_args *a)
{
    return do_rw_vec(t, a, /*is_write=*/true, -1);
}

/* preadv/pwritev(2) and the v2 forms: offset -1 (v2 only) means the file position. */
static long do_prw_vec(struct task *t, const struct sys_args *a, bool is_write, bool v2)
{
    int64_t off = (int64_t)a->a[3];

    if (v2 && (a->a[5] & ~(uint64_t)0x1f))
        return -EOPNOTSUPP; /* RWF_* beyond the known ones */
    if (off == -1 && v2)
        return do_rw_vec(t, a, is_write, -1);
    if (off < 0)
        return -EINVAL;
    {
        cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);

        if (f == NULL)
            return -EBADF;
        if (is_write ? f->ops->pwrite == NULL : f->ops->pread == NULL)
            return -ESPIPE;
    }
    return do_rw_vec(t, a, is_write, off);
}

long sys_preadv(struct task *t, const struct sys_args *a)
{
    return do_prw_vec(t, a, /*is_write=*/false, /*v2=*/false);
}

long sys_pwritev(struct task *t, const struct sys_args *a)
{
    return do_prw_vec(t, a, /*is_write=*/true, /*v2=*/false);
}

long sys_preadv2(struct task *t, const struct sys_args *a)
{
    return do_prw_vec(t, a, /*is_write=*/false, /*v2=*/true);
}

long sys_pwritev2(struct task *t, const struct sys_args *a)
{
    return do_prw_vec(t, a, /*is_write=*/true, /*v2=*/true);
}

long sys_lseek(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    int whence = (int)a->a[2];

    if (f == NULL || (f->flags & O_PATH)) /* O_PATH fds: EBADF, as Linux's fdget */
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

/*
 * F_SETOWN/F_GETOWN, their _EX forms and F_SETSIG/F_GETSIG: the owner and
 * signal are kept in the file and read back as Linux does (F_GETOWN of a
 * process group is negative). The owner is not checked to exist and no
 * SIGIO/SIGURG is sent yet: programs that set them up (nginx's channels) run.
 */
static long fcntl_owner(struct task *t, struct file *f, int cmd, uint64_t arg)
{
    struct f_owner_ex ex;
    long ret;

    switch (cmd) {
    case F_SETOWN:
        if ((int)arg == INT_MIN)
            return -EINVAL;
        f->owner = (int)arg;
        f->owner_type = (int)arg < 0 ? F_OWNER_PGRP : F_OWNER_PID;
        return 0;
    case F_GETOWN:
        return f->owner;
    case F_SETOWN_EX:
        ret = task_copy_in(t, &ex, arg, sizeof(ex));
        if (ret < 0)
            return ret;
        if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID && ex.type != F_OWNER_PGRP)
            return -EINVAL;
        if (ex.pid < 0)
            return -ESRCH;
        f->owner = ex.type == F_OWNER_PGRP ? -ex.pid : ex.pid;
        f->owner_type = ex.type;
        return 0;
    case F_GETOWN_EX:
        ex.type = f->owner_type;
        ex.pid = f->owner < 0 ? -f->owner : f->owner;
        return task_copy_out(t, arg, &ex, sizeof(ex));
    case F_SETSIG:
        if (arg > _NSIG)
            return -EINVAL;
        f->owner_sig = (int)arg;
        return 0;
    default: /* F_GETSIG */
        return f->owner_sig;
    }
}

/*
 * struct flock -> an inclusive byte range, as Linux's flock_to_posix_lock:
 * l_whence relative to 0, the file position or its size; a negative l_len
 * locks the bytes before l_start; l_len 0 runs to the end of the file.
 */
static long flock_to_range(struct file *f, const struct flock *fl, struct vfs_lock *lk)
{
    int64_t base, start;

    switch (fl->l_whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = f->pos;
        break;
    case SEEK_END: {
        struct stat st;
        long ret = f->ops->fstat != NULL ? f->ops->fstat(f, &st) : -EINVAL;

        if (ret < 0)
            return ret;
        base = st.st_size;
        break;
    }
    default:
        return -EINVAL;
    }
    if (__builtin_add_overflow(base, (int64_t)fl->l_start, &start) || start < 0)
        return -EINVAL;
    if (fl->l_len > 0) {
        int64_t end;

        if (__builtin_add_overflow(start, (int64_t)fl->l_len - 1, &end))
            return -EOVERFLOW;
        lk->start = (uint64_t)start;
        lk->end = (uint64_t)end;
    } else if (fl->l_len < 0) {
        lk->end = (uint64_t)start - 1;
        start += fl->l_len;
        if (start < 0)
            return -EINVAL;
        lk->start = (uint64_t)start;
    } else {
        lk->start = (uint64_t)start;
        lk->end = VFS_LOCK_EOF;
    }
    if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
        return -EINVAL;
    lk->type = fl->l_type;
    return 0;
}

/*
 * F_GETLK/F_SETLK/F_SETLKW and their F_OFD_ forms: POSIX locks belong to the
 * fd table (dropped when any of its fds of the file closes), OFD locks to the
 * open file description; both are held by the sentry's lock manager.
 */
static long fcntl_lock(struct task *t, struct file *f, int cmd, uint64_t arg)
{
    bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    enum vfs_lock_kind kind = ofd ? VFS_LOCK_OFD : VFS_LOCK_POSIX;
    void *owner = ofd ? (void *)f : (void *)t->fdt;
    struct vfs_lock lk = { .pid = t->tg->pid };
    struct flock fl;
    long ret;

    if (f->flags & O_PATH)
        return -EBADF;
    ret = task_copy_in(t, &fl, arg, sizeof(fl));
    if (ret < 0)
        return ret;
    if (ofd && fl.l_pid != 0)
        return -EINVAL;
    ret = flock_to_range(f, &fl, &lk);
    if (ret < 0)
        return ret;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
        if (lk.type == F_UNLCK)
            return -EINVAL;
        vfs_lock_get(f, kind, owner, &lk);
        fl.l_type = (short)lk.type;
        if (lk.type != F_UNLCK) {
            if (lk.pid > 0) {
                pthread_mutex_lock(&t->k->mu);
                fl.l_pid = task_pid_vnr_locked(t, lk.pid);
                pthread_mutex_unlock(&t->k->mu);
            } else {
                fl.l_pid = lk.pid;
            }
            fl.l_whence = SEEK_SET;
            fl.l_start = (off_t)lk.start;
            fl.l_len = lk.end == VFS_LOCK_EOF ? 0 : (off_t)(lk.end - lk.start + 1);
        }
        return task_copy_out(t, arg, &fl, sizeof(fl));
    }
    if ((lk.type == F_RDLCK && !file_is_readable(f)) ||
        (lk.type == F_WRLCK && !file_is_writable(f)))
        return -EBADF;
    if (ofd)
        lk.pid = -1;
    return vfs_lock_set(t, f, kind, owner, &lk, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

/* flock(2): whole-file locks of the open file description (LOCK_MAND is ignored, as Linux). */
long sys_flock(struct task *t, const struct sys_args *a)
{
    unsigned int cmd = (unsigned int)a->a[1];
    struct vfs_lock lk = { .start = 0, .end = VFS_LOCK_EOF, .pid = -1 };
    cleanup_file_ref struct file *f = NULL;

    if (cmd & 32) /* LOCK_MAND: since Linux 5.17 a warning and success */
        return 0;
    switch (cmd & ~(unsigned int)LOCK_NB) {
    case LOCK_SH:
        lk.type = F_RDLCK;
        break;
    case LOCK_EX:
        lk.type = F_WRLCK;
        break;
    case LOCK_UN:
        lk.type = F_UNLCK;
        break;
    default:
        return -EINVAL;
    }
    f = fd_table_get(t->fdt, (int)a->a[0]);
    if (f == NULL || (f->flags & O_PATH))
        return -EBADF;
    return vfs_lock_set(t, f, VFS_LOCK_FLOCK, f, &lk, !(cmd & LOCK_NB));
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
    case F_GETPIPE_SZ:
        return pipe_is_pipe(f) ? pipe_get_size(f) : -EBADF;
    case F_SETPIPE_SZ:
        return pipe_is_pipe(f) ? pipe_set_size(f, a->a[2]) : -EBADF;
    case F_SETOWN:
    case F_GETOWN:
    case F_SETOWN_EX:
    case F_GETOWN_EX:
    case F_SETSIG:
    case F_GETSIG:
        return fcntl_owner(t, f, (int)a->a[1], a->a[2]);
    case F_ADD_SEALS:
    case F_GET_SEALS:
        return sys_memfd_fcntl_seals(t, f, (int)a->a[1], a->a[2]);
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return fcntl_lock(t, f, (int)a->a[1], a->a[2]);
    default:
        return -EINVAL;
    }
}

long sys_ioctl(struct task *t, const struct sys_args *a)
{
    cleanup_file_ref struct file *f = fd_table_get(t->fdt, (int)a->a[0]);
    unsigned int cmd = (unsigned int)a->a[1];

    if (f == NULL || (f->flags & O_PATH)) /* O_PATH fds: EBADF, as Linux's fdget */
        return -EBADF;
    if (cmd == FIOCLEX || cmd == FIONCLEX)
        return fd_table_set_cloexec(t->fdt, (int)a->a[0], cmd == FIOCLEX);
    if (cmd == FIOASYNC) { /* O_ASYNC as F_SETFL sets it (no SIGIO is sent yet) */
        int on;
        long ret = task_copy_in(t, &on, a->a[2], sizeof(on));

        if (ret < 0)
            return ret;
        f->flags = on ? f->flags | O_ASYNC : f->flags & ~(unsigned int)O_ASYNC;
        return 0;
    }
    if (f->ops->ioctl == NULL) {
        struct inode *ino = file_inode(f);

        if (cmd == FIONBIO) {
            int on;
            long ret = task_copy_in(t, &on, a->a[2], sizeof(on));

            if (ret < 0)
                return ret;
            f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(unsigned int)O_NONBLOCK;
            return 0;
        }
        if (cmd == FIONREAD && ino != NULL && S_ISREG(ino->st.st_mode)) {
            struct stat st;
            long ret = vfs_inode_getattr(ino, &st);
            int n;

            if (ret < 0)
                return ret;
            n = st.st_size > f->pos ? (int)(st.st_size - f->pos) : 0;
            return task_copy_out(t, a->a[2], &n, sizeof(n));
        }
        return -ENOTTY;
    }
    return f->ops->ioctl(f, t, cmd, a->a[2]);
}

long sys_umask(struct task *t, const struct sys_args *a)
{
    unsigned int old = t->tg->umask;

    t->tg->umask = (unsigned int)a->a[0] & 0777;
    return old;
}
