/* SPDX-License-Identifier: Apache-2.0 */
/* cgroupfs: a read-only cgroup2 view of one container's limits and its pids count. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sentry/fs/proc/kernfs.h"
#include "sentry/fs/sys/sysfs.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

struct cgfs_sb {
    struct cgroupfs_limits l;
};

/* One file of the root: its name and how its contents are made. */
struct cgfs_file {
    const char *name;
    void (*show)(const struct cgroupfs_limits *l, FILE *out);
};

static void out_max(FILE *out, int64_t v)
{
    if (v < 0)
        fprintf(out, "max\n");
    else
        fprintf(out, "%lld\n", (long long)v);
}

static void show_controllers(const struct cgroupfs_limits *l, FILE *out)
{
    (void)l;
    fprintf(out, "cpu memory pids\n");
}

static void show_empty(const struct cgroupfs_limits *l, FILE *out)
{
    (void)l;
    (void)out;
}

static void show_type(const struct cgroupfs_limits *l, FILE *out)
{
    (void)l;
    fprintf(out, "domain\n");
}

/* The processes of the reader's container, as its pid namespace numbers them. */
static void show_procs(const struct cgroupfs_limits *l, FILE *out)
{
    struct task *t = g_kernel_current_task;
    struct klist *pos;

    (void)l;
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->k->mu);
    klist_for_each(pos, &t->k->tgs)
    {
        struct thread_group *tg = klist_entry(pos, struct thread_group, k_node);
        int nr;

        if (tg->zombie || tg->pids != t->tg->pids)
            continue;
        nr = kernel_pid_vnr_locked(t->k, tg->pid);
        if (nr > 0)
            fprintf(out, "%d\n", nr);
    }
    pthread_mutex_unlock(&t->k->mu);
}

static void show_memory_max(const struct cgroupfs_limits *l, FILE *out)
{
    out_max(out, l->memory_max);
}

static void show_swap_max(const struct cgroupfs_limits *l, FILE *out)
{
    out_max(out, l->memory_swap_max);
}

static void show_cpu_max(const struct cgroupfs_limits *l, FILE *out)
{
    long long period = l->cpu_period > 0 ? (long long)l->cpu_period : 100000;

    if (l->cpu_quota > 0)
        fprintf(out, "%lld %lld\n", (long long)l->cpu_quota, period);
    else
        fprintf(out, "max %lld\n", period);
}

static void show_cpu_weight(const struct cgroupfs_limits *l, FILE *out)
{
    fprintf(out, "%llu\n", (unsigned long long)(l->cpu_weight != 0 ? l->cpu_weight : 100));
}

/* The sentry's limit for the reader's container when it has one, else the spec's. */
static void show_pids_max(const struct cgroupfs_limits *l, FILE *out)
{
    struct task *t = g_kernel_current_task;
    int64_t max = l->pids_max;

    if (t != NULL) {
        pthread_mutex_lock(&t->k->mu);
        if (t->tg->pids != NULL)
            max = t->tg->pids->max;
        pthread_mutex_unlock(&t->k->mu);
    }
    out_max(out, max > 0 ? max : -1);
}

static void show_pids_current(const struct cgroupfs_limits *l, FILE *out)
{
    struct task *t = g_kernel_current_task;
    int64_t cur = 0;

    (void)l;
    if (t != NULL) {
        pthread_mutex_lock(&t->k->mu);
        cur = kernel_pids_current_locked(t->k, t->tg->pids);
        pthread_mutex_unlock(&t->k->mu);
    }
    fprintf(out, "%lld\n", (long long)cur);
}

static const struct cgfs_file g_files[] = {
    { "cgroup.controllers", show_controllers },
    { "cgroup.procs", show_procs },
    { "cgroup.subtree_control", show_empty },
    { "cgroup.type", show_type },
    { "cpu.max", show_cpu_max },
    { "cpu.weight", show_cpu_weight },
    { "memory.max", show_memory_max },
    { "memory.swap.max", show_swap_max },
    { "pids.current", show_pids_current },
    { "pids.max", show_pids_max },
};

#define NFILES (sizeof(g_files) / sizeof(g_files[0]))

static const struct inode_ops g_cgfs_inode_ops;

/* ---- the root directory ---- */

struct cgfs_dir_file {
    uint64_t ino;
};

static long dir_readdir(struct file *f, vfs_filldir_fn fill, void *arg)
{
    /* Entries: ".", "..", then the files; f->pos is the index of the next one. */
    while ((size_t)f->pos < NFILES + 2) {
        int64_t i = f->pos;
        const char *name = i == 0 ? "." : i == 1 ? ".." : g_files[i - 2].name;
        uint64_t ino = i < 2 ? 1 : (uint64_t)i;

        if (!fill(arg, name, strlen(name), ino, i + 1, i < 2 ? 4 /* DT_DIR */ : 8 /* DT_REG */))
            break;
        f->pos = i + 1;
    }
    return 0;
}

static long dir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence == SEEK_SET && off >= 0) {
        f->pos = off;
        return off;
    }
    if (whence == SEEK_CUR && f->pos + off >= 0) {
        f->pos += off;
        return f->pos;
    }
    return -EINVAL;
}

static void dir_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops g_cgfs_dir_ops = {
    .name = "cgroupfs-dir",
    .lseek = dir_lseek,
    .readdir = dir_readdir,
    .release = dir_release,
};

/* The inode of file `idx` (-1: the root). */
static struct inode *node_new(struct super_block *sb, int idx)
{
    struct inode *ino = inode_new(sb, &g_cgfs_inode_ops, (void *)(intptr_t)idx);

    if (ino == NULL)
        return NULL;
    ino->st.st_ino = idx < 0 ? 1 : (ino_t)idx + 2;
    ino->st.st_mode = idx < 0 ? S_IFDIR | 0555 : S_IFREG | 0444;
    ino->st.st_nlink = idx < 0 ? 2 : 1;
    clock_gettime(CLOCK_REALTIME, &ino->st.st_mtim);
    ino->st.st_atim = ino->st.st_ctim = ino->st.st_mtim;
    return ino;
}

static long cgfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
    for (size_t i = 0; i < NFILES; i++) {
        if (strcmp(g_files[i].name, name) == 0) {
            *out = node_new(dir->sb, (int)i);
            return *out == NULL ? -ENOMEM : 0;
        }
    }
    return -ENOENT;
}

static long cgfs_open(struct inode *ino, unsigned int flags, struct file **out)
{
    intptr_t idx = (intptr_t)ino->priv;
    const struct cgfs_sb *s = ino->sb->priv;
    unsigned int fflags = flags & ~(unsigned int)(O_CREAT | O_EXCL | O_TRUNC);
    char *data = NULL;
    size_t len = 0;
    FILE *fp;

    if (idx < 0) {
        struct cgfs_dir_file *d = calloc(1, sizeof(*d));

        if (d == NULL)
            return -ENOMEM;
        if ((flags & O_ACCMODE) != O_RDONLY) {
            free(d);
            return -EISDIR;
        }
        *out = file_new(&g_cgfs_dir_ops, fflags, d);
        if (*out == NULL)
            free(d);
        return *out == NULL ? -ENOMEM : 0;
    }
    fp = open_memstream(&data, &len);
    if (fp == NULL)
        return -ENOMEM;
    g_files[idx].show(&s->l, fp);
    if (fclose(fp) != 0) {
        free(data);
        return -ENOMEM;
    }
    return kfs_snapshot_file_new(data, len, fflags, out);
}

static long cgfs_statfs(struct inode *ino, struct statfs *sf)
{
    (void)ino;
    memset(sf, 0, sizeof(*sf));
    sf->f_type = CGROUP2_SUPER_MAGIC;
    sf->f_bsize = 4096;
    sf->f_frsize = 4096;
    sf->f_namelen = 255;
    return 0;
}

static const struct inode_ops g_cgfs_inode_ops = {
    .lookup = cgfs_lookup,
    .open = cgfs_open,
    .statfs = cgfs_statfs,
};

static void cgfs_sb_release(struct super_block *sb)
{
    free(sb->priv);
}

struct super_block *cgroupfs_new(const struct cgroupfs_limits *l)
{
    struct super_block *sb = super_block_new("cgroup2");
    struct cgfs_sb *s = calloc(1, sizeof(*s));

    if (sb == NULL || s == NULL) {
        free(s);
        if (sb != NULL)
            put_super_block(sb);
        return NULL;
    }
    s->l = *l;
    sb->priv = s;
    sb->release = cgfs_sb_release;
    sb->root = node_new(sb, -1);
    if (sb->root == NULL) {
        put_super_block(sb);
        return NULL;
    }
    return sb;
}
