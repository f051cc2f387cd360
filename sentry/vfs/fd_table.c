/* SPDX-License-Identifier: Apache-2.0 */
/* The fd table: a growable array of (file, close-on-exec) slots. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/vfs/vfs.h"

struct fd_slot {
    struct file *file; /* owned reference, NULL when free */
    bool cloexec;
};

struct fd_table {
    int refs;
    struct fd_slot *slots;
    size_t cap;
};

struct fd_table *fd_table_new(void)
{
    struct fd_table *fdt = calloc(1, sizeof(*fdt));

    if (fdt != NULL)
        fdt->refs = 1;
    return fdt;
}

struct fd_table *get_fd_table(struct fd_table *fdt)
{
    fdt->refs++;
    return fdt;
}

void put_fd_table(struct fd_table *fdt)
{
    if (fdt == NULL || --fdt->refs > 0)
        return;
    for (size_t i = 0; i < fdt->cap; i++)
        put_file(fdt->slots[i].file);
    free(fdt->slots);
    free(fdt);
}

struct file *fd_table_get(struct fd_table *fdt, int fd)
{
    if (fd < 0 || (size_t)fd >= fdt->cap || fdt->slots[fd].file == NULL)
        return NULL;
    return get_file(fdt->slots[fd].file);
}

static long grow(struct fd_table *fdt, size_t need)
{
    size_t cap = fdt->cap ? fdt->cap : 16;
    struct fd_slot *s;

    if (need <= fdt->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    s = realloc(fdt->slots, cap * sizeof(*s));
    if (s == NULL)
        return -ENOMEM;
    memset(s + fdt->cap, 0, (cap - fdt->cap) * sizeof(*s));
    fdt->slots = s;
    fdt->cap = cap;
    return 0;
}

long fd_table_install(struct fd_table *fdt, struct file *f, int min_fd, bool cloexec,
                      unsigned long limit)
{
    size_t fd = min_fd < 0 ? 0 : (size_t)min_fd;
    long ret;

    while (fd < fdt->cap && fdt->slots[fd].file != NULL)
        fd++;
    if (fd >= limit || fd > INT32_MAX)
        return -EMFILE;
    ret = grow(fdt, fd + 1);
    if (ret < 0)
        return ret;
    fdt->slots[fd].file = get_file(f);
    fdt->slots[fd].cloexec = cloexec;
    return (long)fd;
}

long fd_table_install_at(struct fd_table *fdt, int fd, struct file *f, bool cloexec,
                         unsigned long limit)
{
    struct file *old;
    long ret;

    if (fd < 0 || (unsigned long)fd >= limit)
        return -EBADF;
    ret = grow(fdt, (size_t)fd + 1);
    if (ret < 0)
        return ret;
    old = fdt->slots[fd].file;
    fdt->slots[fd].file = get_file(f);
    fdt->slots[fd].cloexec = cloexec;
    put_file(old);
    return fd;
}

long fd_table_close(struct fd_table *fdt, int fd)
{
    struct file *f;

    if (fd < 0 || (size_t)fd >= fdt->cap || fdt->slots[fd].file == NULL)
        return -EBADF;
    f = fdt->slots[fd].file;
    fdt->slots[fd].file = NULL;
    fdt->slots[fd].cloexec = false;
    put_file(f);
    return 0;
}

long fd_table_get_cloexec(struct fd_table *fdt, int fd)
{
    if (fd < 0 || (size_t)fd >= fdt->cap || fdt->slots[fd].file == NULL)
        return -EBADF;
    return fdt->slots[fd].cloexec;
}

long fd_table_set_cloexec(struct fd_table *fdt, int fd, bool cloexec)
{
    if (fd < 0 || (size_t)fd >= fdt->cap || fdt->slots[fd].file == NULL)
        return -EBADF;
    fdt->slots[fd].cloexec = cloexec;
    return 0;
}

void fd_table_close_on_exec(struct fd_table *fdt)
{
    for (size_t i = 0; i < fdt->cap; i++) {
        if (fdt->slots[i].file != NULL && fdt->slots[i].cloexec) {
            put_file(fdt->slots[i].file);
            fdt->slots[i].file = NULL;
            fdt->slots[i].cloexec = false;
        }
    }
}

struct fd_table *fd_table_copy(struct fd_table *src)
{
    struct fd_table *fdt = fd_table_new();

    if (fdt == NULL)
        return NULL;
    if (grow(fdt, src->cap) < 0) {
        put_fd_table(fdt);
        return NULL;
    }
    for (size_t i = 0; i < src->cap; i++) {
        if (src->slots[i].file != NULL)
            fdt->slots[i].file = get_file(src->slots[i].file);
        fdt->slots[i].cloexec = src->slots[i].cloexec;
    }
    return fdt;
}

void fd_table_close_range(struct fd_table *fdt, unsigned int first, unsigned int last,
                          bool cloexec_only)
{
    for (size_t i = first; i < fdt->cap && i <= last; i++) {
        if (fdt->slots[i].file == NULL)
            continue;
        if (cloexec_only) {
            fdt->slots[i].cloexec = true;
        } else {
            struct file *f = fdt->slots[i].file;

            fdt->slots[i].file = NULL;
            fdt->slots[i].cloexec = false;
            put_file(f);
        }
    }
}

int fd_table_max_fd(struct fd_table *fdt)
{
    for (size_t i = fdt->cap; i > 0; i--) {
        if (fdt->slots[i - 1].file != NULL)
            return (int)i;
    }
    return 0;
}
