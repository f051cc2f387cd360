/* SPDX-License-Identifier: Apache-2.0 */
/* devfs: character devices implemented in the sentry and the usual links of /dev. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/devpts/devpts.h"
#include "sentry/fs/proc/kernfs.h"
#include "sentry/kernel/kernel.h"

/* Linux's TMPFS_MAGIC: devtmpfs reports it. */
#define DEVFS_MAGIC 0x01021994

static long dev_null_read(struct file *f, void *buf, size_t len)
{
    (void)f;
    (void)buf;
    (void)len;
    return 0;
}

static long dev_null_pread(struct file *f, void *buf, size_t len, int64_t off)
{
    (void)off;
    return dev_null_read(f, buf, len);
}

static long dev_sink_write(struct file *f, const void *buf, size_t len)
{
    (void)f;
    (void)buf;
    return (long)len;
}

static long dev_sink_pwrite(struct file *f, const void *buf, size_t len, int64_t off)
{
    (void)off;
    return dev_sink_write(f, buf, len);
}

static long dev_zero_read(struct file *f, void *buf, size_t len)
{
    (void)f;
    memset(buf, 0, len);
    return (long)len;
}

static long dev_zero_pread(struct file *f, void *buf, size_t len, int64_t off)
{
    (void)off;
    return dev_zero_read(f, buf, len);
}

static long dev_full_write(struct file *f, const void *buf, size_t len)
{
    (void)f;
    (void)buf;
    (void)len;
    return -ENOSPC;
}

static long dev_full_pwrite(struct file *f, const void *buf, size_t len, int64_t off)
{
    (void)off;
    return dev_full_write(f, buf, len);
}

static long dev_random_read(struct file *f, void *buf, size_t len)
{
    size_t done = 0;

    (void)f;
    while (done < len) {
        ssize_t n = getrandom((char *)buf + done, len - done, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return done > 0 ? (long)done : -errno;
        }
        done += (size_t)n;
    }
    return (long)done;
}

static long dev_random_pread(struct file *f, void *buf, size_t len, int64_t off)
{
    (void)off;
    return dev_random_read(f, buf, len);
}

/* Seeking a device with nothing to seek succeeds and leaves the position at 0. */
static long dev_lseek(struct file *f, int64_t off, int whence)
{
    (void)f;
    (void)off;
    (void)whence;
    return 0;
}

static unsigned int dev_poll(struct file *f)
{
    (void)f;
    return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static const struct file_ops g_null_ops = {
    .name = "null",
    .read = dev_null_read,
    .pread = dev_null_pread,
    .write = dev_sink_write,
    .pwrite = dev_sink_pwrite,
    .lseek = dev_lseek,
    .poll = dev_poll,
};

static const struct file_ops g_zero_ops = {
    .name = "zero",
    .read = dev_zero_read,
    .pread = dev_zero_pread,
    .write = dev_sink_write,
    .pwrite = dev_sink_pwrite,
    .lseek = dev_lseek,
    .poll = dev_poll,
};

bool devfs_is_zero(const struct file *f)
{
    return f->ops == &g_zero_ops;
}

static const struct file_ops g_full_ops = {
    .name = "full",
    .read = dev_zero_read,
    .pread = dev_zero_pread,
    .write = dev_full_write,
    .pwrite = dev_full_pwrite,
    .lseek = dev_lseek,
    .poll = dev_poll,
};

/* Writes to the random devices mix into the pool on Linux; here they are accepted. */
static const struct file_ops g_random_ops = {
    .name = "random",
    .read = dev_random_read,
    .pread = dev_random_pread,
    .write = dev_sink_write,
    .pwrite = dev_sink_pwrite,
    .lseek = dev_lseek,
    .poll = dev_poll,
};

/* /dev/tty: the controlling terminal of the opener's session (ENXIO without one). */
static long tty_open(const struct kfs_entry *e, unsigned int flags, struct file **out)
{
    (void)e;
    return devpts_open_ctty(g_kernel_current_task, flags, out);
}

static long link_to(const char *target, char *buf, size_t size)
{
    size_t n = strlen(target);

    if (n + 1 > size)
        return -ENAMETOOLONG;
    memcpy(buf, target, n + 1);
    return 0;
}

static long link_fd(const struct kfs_ctx *c, char *buf, size_t size)
{
    (void)c;
    return link_to("/proc/self/fd", buf, size);
}

static long link_stdin(const struct kfs_ctx *c, char *buf, size_t size)
{
    (void)c;
    return link_to("/proc/self/fd/0", buf, size);
}

static long link_stdout(const struct kfs_ctx *c, char *buf, size_t size)
{
    (void)c;
    return link_to("/proc/self/fd/1", buf, size);
}

static long link_stderr(const struct kfs_ctx *c, char *buf, size_t size)
{
    (void)c;
    return link_to("/proc/self/fd/2", buf, size);
}

static long link_ptmx(const struct kfs_ctx *c, char *buf, size_t size)
{
    (void)c;
    return link_to("pts/ptmx", buf, size);
}

static const struct kfs_entry g_empty[] = { { .name = NULL } };

/* Linux's encoding of small device numbers (makedev is not a constant expression). */
#define DEVNO(maj, min) ((dev_t)(((maj) << 8) | (min)))

#define CHR(n, ops, maj, min)                                                            \
    {                                                                                    \
        .name = (n), .mode = S_IFCHR | 0666, .fops = &(ops), .rdev = DEVNO((maj), (min)) \
    }
#define LNK(n, fn)                                        \
    {                                                     \
        .name = (n), .mode = S_IFLNK | 0777, .link = (fn) \
    }

static const struct kfs_entry g_dev_entries[] = {
    CHR("null", g_null_ops, 1, 3),
    CHR("zero", g_zero_ops, 1, 5),
    CHR("full", g_full_ops, 1, 7),
    CHR("random", g_random_ops, 1, 8),
    CHR("urandom", g_random_ops, 1, 9),
    { .name = "tty", .mode = S_IFCHR | 0666, .rdev = DEVNO(5, 0), .open = tty_open },
    LNK("fd", link_fd),
    LNK("stdin", link_stdin),
    LNK("stdout", link_stdout),
    LNK("stderr", link_stderr),
    LNK("ptmx", link_ptmx),
    { .name = "shm", .mode = S_IFDIR | 01777, .children = g_empty },
    { .name = "pts", .mode = S_IFDIR | 0755, .children = g_empty },
    { .name = "mqueue", .mode = S_IFDIR | 01777, .children = g_empty },
    { .name = NULL },
};

static const struct kfs_entry g_dev_root = {
    .name = "/",
    .mode = S_IFDIR | 0755,
    .children = g_dev_entries,
};

struct super_block *devfs_new(void)
{
    return kfs_new("devtmpfs", DEVFS_MAGIC, &g_dev_root);
}
