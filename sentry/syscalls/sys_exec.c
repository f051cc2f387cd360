/* SPDX-License-Identifier: Apache-2.0 */
/* execve(2): argument copying and the hand-over to the loader (which handles #! scripts). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/mm/mm.h"
#include "sentry/syscalls/sys_sched.h"
#include "sentry/syscalls/syscalls_internal.h"
#include "sentry/vfs/vfs.h"

/* Linux's limits: one string at most 32 pages, all of them a quarter of the stack limit. */
#define MAX_ARG_STRLEN (32 * 4096)
#define MAX_ARG_TOTAL  (MM_STACK_SIZE / 4)

/* A NULL-terminated vector of strings in sentry memory, with its total size. */
struct str_vec {
    char **v;
    size_t n;
    size_t bytes;
};

static void str_vec_free(struct str_vec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

static long str_vec_push(struct str_vec *sv, const char *s, size_t at)
{
    char **v;
    char *copy;

    if (sv->bytes + strlen(s) + 1 > MAX_ARG_TOTAL)
        return -E2BIG;
    copy = strdup(s);
    v = realloc(sv->v, (sv->n + 2) * sizeof(*v));
    if (copy == NULL || v == NULL) {
        free(copy);
        if (v != NULL)
            sv->v = v;
        return -ENOMEM;
    }
    sv->v = v;
    memmove(&v[at + 1], &v[at], (sv->n - at) * sizeof(*v));
    v[at] = copy;
    sv->n++;
    v[sv->n] = NULL;
    sv->bytes += strlen(s) + 1;
    return 0;
}

/* Copies in an argv/envp array of app pointers (NULL array = empty). */
static long copy_in_strings(struct task *t, uint64_t addr, struct str_vec *sv)
{
    cleanup_free char *buf = malloc(MAX_ARG_STRLEN);
    long ret;

    if (buf == NULL)
        return -ENOMEM;
    sv->v = calloc(1, sizeof(char *));
    if (sv->v == NULL)
        return -ENOMEM;
    if (addr == 0)
        return 0;
    for (size_t i = 0;; i++) {
        uint64_t p;

        ret = task_copy_in(t, &p, addr + i * sizeof(p), sizeof(p));
        if (ret < 0)
            return ret;
        if (p == 0)
            return 0;
        ret = task_copy_in_string(t, p, buf, MAX_ARG_STRLEN);
        if (ret == -ENAMETOOLONG)
            return -E2BIG;
        if (ret < 0)
            return ret;
        ret = str_vec_push(sv, buf, sv->n);
        if (ret < 0)
            return ret;
    }
}

long sys_execve(struct task *t, const struct sys_args *a)
{
    char path[PATH_MAX];
    struct str_vec argv = { 0 }, envp = { 0 };
    long ret;

    ret = task_copy_in_string(t, a->a[0], path, sizeof(path));
    if (ret == 0)
        ret = -ENOENT;
    if (ret < 0)
        return ret;
    ret = copy_in_strings(t, a->a[1], &argv);
    if (ret == 0)
        ret = copy_in_strings(t, a->a[2], &envp);
    /* The loader opens the path through the VFS and follows "#!" interpreters. */
    if (ret == 0)
        ret = kernel_task_exec(t, path, argv.v, envp.v);
    str_vec_free(&argv);
    str_vec_free(&envp);
    if (ret == 0)
        t->regs_replaced = true;
    return ret;
}

/*
 * execveat(2): the file `dirfd` + path names (the fd itself with
 * AT_EMPTY_PATH and ""), run through the same loader as execve by the
 * absolute path the walk found. A file with no path left (unlinked, or a
 * file of no mount) cannot be named that way: -ENOENT.
 */
long sys_execveat(struct task *t, const struct sys_args *a)
{
    int dirfd = (int)a->a[0], flags = (int)a->a[4];
    char path[PATH_MAX];
    cleanup_path struct vfs_path p = { 0 };
    struct str_vec argv = { 0 }, envp = { 0 };
    long ret;

    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    ret = task_copy_in_string(t, a->a[1], path, sizeof(path));
    if (ret < 0)
        return ret;
    if (ret == 0 && !(flags & AT_EMPTY_PATH))
        return -ENOENT;
    ret = vfs_walk(t, dirfd, path,
                   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW) |
                       ((flags & AT_EMPTY_PATH) ? VFS_WALK_EMPTY_PATH : 0),
                   &p);
    if (ret < 0)
        return ret;
    /* AT_SYMLINK_NOFOLLOW: a final symlink is ELOOP, as for O_NOFOLLOW. */
    if (S_ISLNK(p.d->inode->st.st_mode))
        return -ELOOP;
    if (p.d->dead || t->fs == NULL)
        return -ENOENT;
    ret = vfs_path_name(&t->fs->root, &p, path, sizeof(path));
    if (ret < 0)
        return ret;
    ret = copy_in_strings(t, a->a[2], &argv);
    if (ret == 0)
        ret = copy_in_strings(t, a->a[3], &envp);
    if (ret == 0)
        ret = kernel_task_exec(t, path, argv.v, envp.v);
    str_vec_free(&argv);
    str_vec_free(&envp);
    if (ret == 0)
        t->regs_replaced = true;
    return ret;
}
