/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inotify: instances (anonymous files), watches on inodes, and the notify
 * calls the VFS and the file syscalls make when something happens to a file.
 *
 * Watches name an inode by (device, inode number), so every in-memory inode
 * of one file (a gofer file looked up again after its dentry was dropped)
 * shares them. Every notify call returns at once while no watch exists. The
 * notify calls take only inotify's own lock; they may be called with VFS
 * locks held but not with k->mu.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/inotify.h>

struct file;
struct inode;
struct dentry;

/* Linux's fs.inotify defaults. */
#define INOTIFY_MAX_QUEUED_EVENTS  16384
#define INOTIFY_MAX_USER_INSTANCES 128
#define INOTIFY_MAX_USER_WATCHES   8192

/* inotify_init1: a new instance with IN_NONBLOCK in `flags`. NULL on OOM. */
struct file *inotify_file_new(int flags);
/* Returns true when `f` is an inotify instance. */
bool is_inotify_file(const struct file *f);
/* inotify_add_watch on `ino` with IN_* `mask`. Returns the wd or -Exxx. */
long inotify_file_add_watch(struct file *f, struct inode *ino, uint32_t mask);
/* inotify_rm_watch. Returns 0 or -EINVAL. */
long inotify_file_rm_watch(struct file *f, int wd);
/* Writes the /proc/<pid>/fdinfo lines of an instance: one "inotify wd:" line per watch. */
void inotify_file_fdinfo(struct file *f, FILE *out);

/* Something happened to the file behind `f` (IN_OPEN, IN_ACCESS, IN_MODIFY, IN_CLOSE_*). */
void inotify_file(struct file *f, uint32_t mask);
/* The same for a file named by a dentry (IN_ATTRIB, IN_MODIFY from a path). */
void inotify_dentry(struct dentry *d, uint32_t mask);
/* `name` was created in `dir` (a file, node, symlink or link; a directory when `is_dir`). */
void inotify_create(struct inode *dir, const char *name, bool is_dir);
/* `name` (inode `child`) was removed from `dir`: IN_ATTRIB, IN_DELETE, IN_DELETE_SELF. */
void inotify_remove(struct inode *dir, const char *name, struct inode *child);
/* `child` moved from `odir`/`oname` to `ndir`/`nname`: IN_MOVED_FROM/TO (one cookie), IN_MOVE_SELF.
 */
void inotify_move(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
                  struct inode *child);
