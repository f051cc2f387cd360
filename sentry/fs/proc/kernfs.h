/* SPDX-License-Identifier: Apache-2.0 */
/* kernfs: synthesized file systems (procfs, devfs) built from tables of entries. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "sentry/vfs/vfs.h"

struct kfs_entry;

/* The context of a node: which process / fd it describes (0 / -1 when none). */
struct kfs_ctx {
    int pid; /* a process (thread group) */
    int tid; /* a task of it (task/<tid>/), 0 for the process as a whole */
    int fd;
};

/* Writes the contents of a regular file to `out`. Returns 0 or -Exxx. */
typedef long (*kfs_show_fn)(const struct kfs_ctx *c, FILE *out);
/* Writes a symlink's target (NUL-terminated) into `buf`. Returns 0 or -Exxx. */
typedef long (*kfs_link_fn)(const struct kfs_ctx *c, char *buf, size_t size);
/* Emits one directory entry; returns false when the reader's buffer is full. */
typedef bool (*kfs_emit_fn)(void *arg, const char *name, unsigned int d_type);

/* A directory whose entries are computed (the pid list, fd/, task/). */
struct kfs_dyn_dir {
    /* Emits the entries after the static ones. Returns 0 or -Exxx. */
    long (*list)(const struct kfs_ctx *c, kfs_emit_fn emit, void *arg);
    /*
     * Resolves `name`: fills `*entry` (the kind of node) and `*child` (its
     * context). Returns 0 or -ENOENT.
     */
    long (*lookup)(const struct kfs_ctx *c, const char *name, const struct kfs_entry **entry,
                   struct kfs_ctx *child);
};

/* One node kind: a name in a table, or the template of a dynamic child. */
struct kfs_entry {
    const char *name;
    uint32_t mode;                    /* S_IFDIR | 0555, S_IFREG | 0444, S_IFLNK | 0777 ... */
    const struct kfs_entry *children; /* directories: a table ending with a NULL name */
    const struct kfs_dyn_dir *dyn;    /* directories: computed entries, or NULL */
    kfs_show_fn show;                 /* regular files */
    kfs_link_fn link;                 /* symlinks */
    const struct file_ops *fops;      /* character devices: what open gives */
    dev_t rdev;                       /* character devices */
    /* Magic links: a new reference to the open file the link stands for, or -Exxx. */
    long (*link_file)(const struct kfs_ctx *c, struct file **out);
    /* /proc/sys files refuse opening for writing (EACCES) even with DAC override. */
    bool sysctl;
    /* Optional open for devices (/dev/tty's ENXIO). Returns 0 or -Exxx. */
    long (*open)(const struct kfs_entry *e, unsigned int flags, struct file **out);
};

/*
 * Creates a kernfs instance named `fs_name` (static storage) whose root is
 * `root` (a directory entry). Returns the super block or NULL on OOM.
 */
struct super_block *kfs_new(const char *fs_name, uint64_t magic, const struct kfs_entry *root);

/*
 * A read-only file over a snapshot `data` of `len` bytes (owned from the
 * call on, even on failure; made with open_memstream at open, as kernfs's
 * own files): read, pread, lseek and poll; no write. Returns 0 with *out, or
 * -ENOMEM. For other sentry file systems with generated files (cgroupfs).
 */
long kfs_snapshot_file_new(char *data, size_t len, unsigned int flags, struct file **out);

/* Returns the context of a kernfs inode. */
const struct kfs_ctx *kfs_inode_ctx(const struct inode *ino);
