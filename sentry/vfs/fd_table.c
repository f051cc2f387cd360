/* SPDX-License-Identifier: Apache-2.0 */
/* The fd table: a growable array of (file, close-on-exec) slots. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/vfs/locks.h"
#include "sentry/vfs/vfs.h"

struct fd_slot {
    struct file *file; /* owned reference, NULL when free */
    bool cloexec;
};

/*
 * Threads (and CLONE_FILES children) share a table from different sentry
 * threads. Files whose last reference a call drops are released after `mu`
 * is let go where that is simple (single slots), since a release may block.
 */
struct fd_table {
    int refs;
    pthread_mutex_t mu;
    struct fd_slot *slots; /* Protected by `mu`. */
    size_t cap;            /* Protected by `mu`. */
};

struct fd_table *fd_table_new(void)
{
    struct fd_table *fdt = calloc(1, sizeof(*fdt));

    if (fdt != NULL) {
        fdt->refs = 1;
        pthread_mutex_init(&fdt->mu, NULL);
    }
    return fdt;
}

struct fd_table *get_fd_table(struct fd_table *fdt)
{
    __atomic_add_fetch(&fdt->refs, 1, __ATOMIC_RELAXED);
    return fdt;
}

void put_fd_table(struct fd_table *fdt)
{
    if (fdt == NULL || __atomic_sub_fetch(&fdt->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (size_t i = 0; i < fdt->cap; i++) {
        if (fdt->slots[i].file != NULL)
            vfs_locks_close(fdt, fdt->slots[i].file);
        put_file(fdt->slots[i].file);
    }
    free(fdt->slots);
    pthread_mutex_destroy(&fdt->mu);
    free(fdt);
}

struct file *fd_table_get(struct fd_table *fdt, int fd)
{
    struct file *f = NULL;

    pthread_mutex_lock(&fdt->mu);
    if (fd >= 0 && (size_t)fd < fdt->cap && fdt->slots[fd].file != NULL)
        f = get_file(fdt->slots[fd].file);
    pthread_mutex_unlock(&fdt->mu);
    return f;
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

    pthread_mutex_lock(&fdt->mu);
    while (fd < fdt->cap && fdt->slots[fd].file != NULL)
        fd++;
    if (fd >= limit || fd > INT32_MAX) {
        ret = -EMFILE;
        goto out;
    }
    ret = grow(fdt, fd + 1);
    if (ret < 0)
        goto out;
    fdt->slots[fd].file = get_file(f);
    fdt->slots[fd].cloexec = cloexec;
    ret = (long)fd;
out:
    pthread_mutex_unlock(&fdt->mu);
    return ret;
}

long fd_table_install_at(struct fd_table *fdt, int fd, struct file *f, bool cloexec,
                         unsigned long limit)
{
    struct file *old;
    long ret;

    if (fd < 0 || (unsigned long)fd >= limit)
        return -EBADF;
    pthread_mutex_lock(&fdt->mu);
    ret = grow(fdt, (size_t)fd + 1);
    if (ret < 0) {
        pthread_mutex_unlock(&fdt->mu);
        return ret;
    }
    old = fdt->slots[fd].file;
    fdt->slots[fd].file = get_file(f);
    fdt->slots[fd].cloexec = cloexec;
    pthread_mutex_unlock(&fdt->mu);
    if (old != NULL) /* dup2 over an open fd closes it: POSIX locks go as on close */
        vfs_locks_close(fdt, old);
    put_file(old);
    return fd;
}

long fd_table_close(struct fd_table *fdt, int fd)
{
    struct file *f;

    pthread_mutex_lock(&fdt->mu);
    if (fd < 0 || (size_t)fd >= fdt->cap || fdt->slots[fd].file == NULL) {
        pthread_mutex_unlock(&fdt->mu);
        return -EBADF;
    }
    f = fdt->slots[fd].file;
    fdt->slots[fd].file = NULL;
    fdt->slots[fd].cloexec = false;
    pthread_mutex_unlock(&fdt->mu);
    vfs_locks_close(fdt, f);
    put_file(f);
    return 0;
}

long fd_table_get_cloexec(struct fd_table *fdt, int fd)
{
    long ret = -EBADF;

    pthread_mutex_lock(&fdt->mu);
    if (fd >= 0 && (size_t)fd < fdt->cap && fdt->slots[fd].file != NULL)
        ret = fdt->slots[fd].cloexec;
    pthread_mutex_unlock(&fdt->mu);
    return ret;
}

long fd_table_set_cloexec(struct fd_table *fdt, int fd, bool cloexec)
{
    long ret = -EBADF;

    pthread_mutex_lock(&fdt->mu);
    if (fd >= 0 && (size_t)fd < fdt->cap && fdt->slots[fd].file != NULL) {
        fdt->slots[fd].cloexec = cloexec;
        ret = 0;
    }
    pthread_mutex_unlock(&fdt->mu);
    return ret;
}

void fd_table_close_on_exec(struct fd_table *fdt)
{
    pthread_mutex_lock(&fdt->mu);
    for (size_t i = 0; i < fdt->cap; i++) {
        if (fdt->slots[i].file != NULL && fdt->slots[i].cloexec) {
            vfs_locks_close(fdt, fdt->slots[i].file);
            put_file(fdt->slots[i].file);
            fdt->slots[i].file = NULL;
            fdt->slots[i].cloexec = false;
        }
    }
    pthread_mutex_unlock(&fdt->mu);
}

struct fd_table *fd_table_copy(struct fd_table *src)
{
    struct fd_table *fdt = fd_table_new();

    if (fdt == NULL)
        return NULL;
    pthread_mutex_lock(&src->mu);
    if (grow(fdt, src->cap) < 0) {
        pthread_mutex_unlock(&src->mu);
        put_fd_table(fdt);
        return NULL;
    }
    for (size_t i = 0; i < src->cap; i++) {
        if (src->slots[i].file != NULL)
            fdt->slots[i].file = get_file(src->slots[i].file);
        fdt->slots[i].cloexec = src->slots[i].cloexec;
    }
    pthread_mutex_unlock(&src->mu);
    return fdt;
}

void fd_table_close_range(struct fd_table *fdt, unsigned int first, unsigned int last,
                          bool cloexec_only)
{
    pthread_mutex_lock(&fdt->mu);
    for (size_t i = first; i < fdt->cap && i <= last; i++) {
        if (fdt->slots[i].file == NULL)
            continue;
        if (cloexec_only) {
            fdt->slots[i].cloexec = true;
        } else {
            struct file *f = fdt->slots[i].file;

            fdt->slots[i].file = NULL;
            fdt->slots[i].cloexec = false;
            vfs_locks_close(fdt, f);
            put_file(f);
        }
    }
    pthread_mutex_unlock(&fdt->mu);
}

int fd_table_max_fd(struct fd_table *fdt)
{
    int ret = 0;

    pthread_mutex_lock(&fdt->mu);
    for (size_t i = fdt->cap; i > 0; i--) {
        if (fdt->slots[i - 1].file != NULL) {
            ret = (int)i;
            break;
        }
    }
    pthread_mutex_unlock(&fdt->mu);
    return ret;
}
