/* SPDX-License-Identifier: Apache-2.0 */
/* open, openat, openat2, creat, close_range. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <string.h>

#include "sentry/syscalls/sys_vfs.h"
#include "sentry/syscalls/syscalls_internal.h"

/* The flags open(2) knows (Linux's VALID_OPEN_FLAGS); others are ignored by open, refused by
 * openat2. */
#define VALID_OPEN_FLAGS                                                                   \
    (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | \
     O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | \
     O_PATH | O_SYNC | __O_TMPFILE)

/* The RESOLVE_* flags openat2 knows (Linux's VALID_RESOLVE_FLAGS). */
#define VALID_RESOLVE_FLAGS                                                            \
    (RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | \
     RESOLVE_IN_ROOT | RESOLVE_CACHED)

/* The kernel's O_LARGEFILE (asm-generic/fcntl.h). */
#define KERNEL_O_LARGEFILE 0100000

static long do_open(struct task *t, int dirfd, uint64_t path_addr, unsigned int flags,
                    uint32_t mode, uint64_t resolve)
{
    char path[PATH_MAX];
    cleanup_file_ref struct file *f = NULL;
    long ret;

    /* 64-bit Linux forces O_LARGEFILE (force_o_largefile; not kept with O_PATH) and F_GETFL
     * shows it: the kernel's value, as glibc's O_LARGEFILE is 0 on 64-bit. */
    flags = (flags & VALID_OPEN_FLAGS) | KERNEL_O_LARGEFILE;
    /* Since Linux 6.4 O_CREAT|O_DIRECTORY never creates a regular file: EINVAL. */
    if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
        return -EINVAL;
    if ((flags & __O_TMPFILE) == __O_TMPFILE)
        return -EOPNOTSUPP;
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    ret = sys_copy_in_path(t, path_addr, path, /*empty_ok=*/false);
    if (ret < 0)
        return ret;
    ret = vfs_open_resolve(t, dirfd, path, flags, mode, resolve, &f);
    if (ret < 0)
        return ret;
    return fd_table_install(t->fdt, f, 0, (flags & O_CLOEXEC) != 0, task_nofile_limit(t));
}

long sys_open(struct task *t, const struct sys_args *a)
{
    return do_open(t, AT_FDCWD, a->a[0], (unsigned int)a->a[1], (uint32_t)a->a[2], 0);
}

long sys_openat(struct task *t, const struct sys_args *a)
{
    return do_open(t, (int)a->a[0], a->a[1], (unsigned int)a->a[2], (uint32_t)a->a[3], 0);
}

long sys_creat(struct task *t, const struct sys_args *a)
{
    return do_open(t, AT_FDCWD, a->a[0], O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)a->a[1], 0);
}

long sys_openat2(struct task *t, const struct sys_args *a)
{
    struct open_how how;
    size_t size = a->a[3];
    long ret;

    if (size < 24) /* OPEN_HOW_SIZE_VER0 */
        return -EINVAL;
    if (size > 4096)
        return -E2BIG;
    memset(&how, 0, sizeof(how));
    ret = task_copy_in(t, &how, a->a[2], size < sizeof(how) ? size : sizeof(how));
    if (ret < 0)
        return ret;
    if (size > sizeof(how)) {
        /* Linux: unknown trailing bytes must be zero. */
        for (size_t off = sizeof(how); off < size; off++) {
            char c;

            ret = task_copy_in(t, &c, a->a[2] + off, 1);
            if (ret < 0)
                return ret;
            if (c != 0)
                return -E2BIG;
        }
    }
    if (how.flags & ~(uint64_t)VALID_OPEN_FLAGS)
        return -EINVAL;
    if (how.resolve & ~(uint64_t)VALID_RESOLVE_FLAGS)
        return -EINVAL;
    if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
        return -EINVAL;
    if ((how.flags & O_PATH) &&
        (how.flags & ~(uint64_t)(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)))
        return -EINVAL; /* openat2 is strict where open(2) drops them */
    /* RESOLVE_CACHED: every walk here is as good as cached, but nothing may be created. */
    if ((how.resolve & RESOLVE_CACHED) && (how.flags & (O_CREAT | O_TRUNC | __O_TMPFILE)))
        return -EAGAIN;
    if (!(how.flags & (O_CREAT | __O_TMPFILE)) && how.mode != 0)
        return -EINVAL;
    if (how.mode & ~(uint64_t)07777)
        return -EINVAL;
    return do_open(t, (int)a->a[0], a->a[1], (unsigned int)how.flags, (uint32_t)how.mode,
                   how.resolve);
}

long sys_close_range(struct task *t, const struct sys_args *a)
{
    unsigned int first = (unsigned int)a->a[0], last = (unsigned int)a->a[1];
    unsigned int flags = (unsigned int)a->a[2];

    if (flags & ~(unsigned int)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
        return -EINVAL;
    if (first > last)
        return -EINVAL;
    fd_table_close_range(t->fdt, first, last, (flags & CLOSE_RANGE_CLOEXEC) != 0);
    return 0;
}
