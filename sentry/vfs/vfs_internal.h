/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared inside sentry/vfs. */
#pragma once

#include "sentry/vfs/vfs.h"

/* Returns the cached live child `name` of `dir` (a new reference), or NULL. */
struct dentry *vfs_dentry_cached(struct dentry *dir, const char *name);

/* Creates a child dentry of `dir` for `ino` (a reference is taken) and caches it. NULL on OOM. */
struct dentry *vfs_dentry_add(struct dentry *dir, const char *name, struct inode *ino);

/* Returns the mount sitting on (mnt, d) in `ns` (the topmost), or NULL. Not a new reference. */
struct mount *vfs_mount_on(struct mount_ns *ns, const struct mount *mnt, const struct dentry *d);
