/* SPDX-License-Identifier: Apache-2.0 */
/* Files backed by a host fd the sentry owns: the caller's stdio for now, gofer fds later. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

/* sizeof(struct termios) of the kernel ABI (asm/termbits.h), not glibc's larger one. */
#define KERNEL_TERMIOS_SIZE 36

struct host_file {
    int fd;      /* owned */
    bool is_tty; /* decided once, at creation */
};

static int host_fd(struct file *f)
{
    return ((struct host_file *)f->priv)->fd;
}

static long host_read(struct file *f, void *buf, size_t len)
{
    ssize_t n;

    do {
        n = read(host_fd(f), buf, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static long host_write(struct file *f, const void *buf, size_t len)
{
    ssize_t n;

    do {
        n = write(host_fd(f), buf, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static long host_pread(struct file *f, void *buf, size_t len, int64_t off)
{
    ssize_t n = pread(host_fd(f), buf, len, off);

    return n < 0 ? -errno : n;
}

static long host_pwrite(struct file *f, const void *buf, size_t len, int64_t off)
{
    ssize_t n = pwrite(host_fd(f), buf, len, off);

    return n < 0 ? -errno : n;
}

static long host_lseek(struct file *f, int64_t off, int whence)
{
    off_t r = lseek(host_fd(f), off, whence);

    return r < 0 ? -errno : (long)r;
}

/* Forwards an ioctl whose argument is a fixed-size struct, copying it in and/or out. */
static long forward_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg,
                          size_t size, bool in, bool out)
{
    char buf[64];
    long ret;

    if (in && (ret = task_copy_in(t, buf, arg, size)) < 0)
        return ret;
    if (ioctl(host_fd(f), cmd, buf) < 0)
        return -errno;
    if (out && (ret = task_copy_out(t, arg, buf, size)) < 0)
        return ret;
    return 0;
}

static long host_ioctl(struct file *f, struct task *t, unsigned int cmd, uint64_t arg)
{
    struct host_file *h = f->priv;
    int pgrp;

    switch (cmd) {
    case FIONBIO: {
        int on;
        long ret = task_copy_in(t, &on, arg, sizeof(on));

        if (ret < 0)
            return ret;
        /* Kept in the sentry's description only: the host fd is shared with the caller. */
        if (on)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~(unsigned int)O_NONBLOCK;
        return 0;
    }
    case FIOCLEX:
    case FIONCLEX:
        return -EINVAL; /* handled on the fd table by sys_ioctl */
    default:
        break;
    }
    if (!h->is_tty)
        return -ENOTTY;
    switch (cmd) {
    case TCGETS:
        return forward_ioctl(f, t, cmd, arg, KERNEL_TERMIOS_SIZE, false, true);
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return forward_ioctl(f, t, cmd, arg, KERNEL_TERMIOS_SIZE, true, false);
    case TIOCGWINSZ:
        return forward_ioctl(f, t, cmd, arg, sizeof(struct winsize), false, true);
    case TIOCSWINSZ:
        return forward_ioctl(f, t, cmd, arg, sizeof(struct winsize), true, false);
    case TIOCGPGRP:
        /*
         * The host process group means nothing inside: the terminal's
         * foreground group is the app's own (first light: its only group).
         */
        pgrp = t->tg->pgid;
        return task_copy_out(t, arg, &pgrp, sizeof(pgrp));
    case TIOCSPGRP: {
        long ret = task_copy_in(t, &pgrp, arg, sizeof(pgrp));

        if (ret < 0)
            return ret;
        return pgrp == t->tg->pgid ? 0 : -EPERM;
    }
    default:
        return -ENOTTY;
    }
}

static long host_fstat(struct file *f, struct stat *st)
{
    struct stat hst;

    if (fstat(host_fd(f), &hst) < 0)
        return -errno;
    /* Show the file's type, mode, size and times, not the host's identities. */
    memset(st, 0, sizeof(*st));
    st->st_dev = 0x1;
    st->st_ino = (ino_t)host_fd(f) + 1;
    st->st_mode = hst.st_mode;
    st->st_nlink = 1;
    st->st_rdev = hst.st_rdev;
    st->st_size = S_ISREG(hst.st_mode) ? hst.st_size : 0;
    st->st_blksize = hst.st_blksize;
    st->st_blocks = hst.st_blocks;
    st->st_atim = hst.st_atim;
    st->st_mtim = hst.st_mtim;
    st->st_ctim = hst.st_ctim;
    return 0;
}

static void host_release(struct file *f)
{
    struct host_file *h = f->priv;

    close(h->fd);
    free(h);
}

static const struct file_ops g_host_file_ops = {
    .name = "host",
    .read = host_read,
    .write = host_write,
    .pread = host_pread,
    .pwrite = host_pwrite,
    .lseek = host_lseek,
    .ioctl = host_ioctl,
    .fstat = host_fstat,
    .release = host_release,
};

struct file *vfs_host_file_new(int fd, unsigned int flags)
{
    struct host_file *h = calloc(1, sizeof(*h));
    struct file *f;

    if (h == NULL) {
        close(fd);
        return NULL;
    }
    h->fd = fd;
    h->is_tty = isatty(fd);
    f = file_new(&g_host_file_ops, flags, h);
    if (f == NULL) {
        close(fd);
        free(h);
    }
    return f;
}
