/* SPDX-License-Identifier: Apache-2.0 */
/* Memory syscalls: thin wrappers over sentry/mm, which validates like Linux. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "sentry/arch/arch.h"
#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/mm/mm.h"
#include "sentry/syscalls/syscalls_internal.h"
#include "sentry/vfs/vfs.h"

/* mincore answers in chunks of this many pages (Linux copies out a page of bytes at a time). */
#define MINCORE_CHUNK 4096

long sys_brk(struct task *t, const struct sys_args *a)
{
    return mm_brk(t->mm, a->a[0]);
}

/*
 * mmap of /dev/zero (Linux's mmap_zero): MAP_PRIVATE is anonymous memory,
 * MAP_SHARED shared anonymous memory, after do_mmap's checks of the fd's
 * access mode.
 */
static long mmap_zero(struct task *t, const struct sys_args *a, struct file *f)
{
    int prot = (int)a->a[2], flags = (int)a->a[3];
    int type = flags & MAP_TYPE;

    if (!file_is_readable(f))
        return -EACCES;
    if ((type == MAP_SHARED || type == MAP_SHARED_VALIDATE) && (prot & PROT_WRITE) &&
        !file_is_writable(f))
        return -EACCES;
    if (type == MAP_SHARED_VALIDATE)
        flags = (flags & ~MAP_TYPE) | MAP_SHARED;
    return mm_mmap(t->mm, a->a[0], a->a[1], prot, flags | MAP_ANONYMOUS, -1, 0);
}

long sys_mmap(struct task *t, const struct sys_args *a)
{
    int flags = (int)a->a[3];
    off_t off = (off_t)a->a[5];
    struct file *f;
    long ret;

    if (flags & MAP_ANONYMOUS)
        return mm_mmap(t->mm, a->a[0], a->a[1], (int)a->a[2], flags, (int)a->a[4], off);
    /* Linux checks the offset's alignment before it looks the fd up. */
    if (off & (off_t)(ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    f = fd_table_get(t->fdt, (int)a->a[4]);
    if (f != NULL && (f->flags & O_PATH)) { /* O_PATH fds: EBADF, as Linux's fdget */
        put_file(f);
        return -EBADF;
    }
    if (f == NULL)
        return -EBADF;
    if (devfs_is_zero(f))
        ret = mmap_zero(t, a, f);
    else if ((ret = tmpfs_file_check_mmap(f, (int)a->a[2], flags)) == 0)
        ret = mm_mmap_file(t->mm, a->a[0], a->a[1], (int)a->a[2], flags, f, off);
    put_file(f);
    return ret;
}

long sys_munmap(struct task *t, const struct sys_args *a)
{
    return mm_munmap(t->mm, a->a[0], a->a[1]);
}

long sys_mprotect(struct task *t, const struct sys_args *a)
{
    return mm_mprotect(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_mremap(struct task *t, const struct sys_args *a)
{
    return mm_mremap(t->mm, a->a[0], a->a[1], a->a[2], (int)a->a[3], a->a[4]);
}

long sys_madvise(struct task *t, const struct sys_args *a)
{
    return mm_madvise(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_msync(struct task *t, const struct sys_args *a)
{
    return mm_msync(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_mincore(struct task *t, const struct sys_args *a)
{
    uintptr_t addr = a->a[0], vec = a->a[2];
    size_t len = a->a[1];
    unsigned char *buf;
    long ret = 0;

    if (addr & (ARCH_PAGE_SIZE - 1))
        return -EINVAL;
    if (len > ARCH_TASK_SIZE || addr > ARCH_TASK_SIZE - len)
        return -ENOMEM;
    buf = malloc(MINCORE_CHUNK);
    if (buf == NULL)
        return -ENOMEM;
    while (len > 0) {
        size_t span = len < (size_t)MINCORE_CHUNK * ARCH_PAGE_SIZE
                          ? len
                          : (size_t)MINCORE_CHUNK * ARCH_PAGE_SIZE;
        long pages = mm_mincore(t->mm, addr, span, buf, MINCORE_CHUNK);

        if (pages < 0) {
            ret = pages;
            break;
        }
        ret = task_copy_out(t, vec, buf, (size_t)pages);
        if (ret < 0)
            break;
        addr += span;
        vec += (uintptr_t)pages;
        len -= span;
    }
    free(buf);
    return ret < 0 ? ret : 0;
}
