/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared inside sentry/fs/overlay: nodes, the upper-side tables, copy-up, readdir. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sentry/vfs/vfs.h"

/* listxattr's and getxattr's largest answers (XATTR_LIST_MAX, XATTR_SIZE_MAX). */
#define OVL_XATTR_LIST_MAX 65536
#define OVL_XATTR_SIZE_MAX 65536

/* st_ino of files that exist only in the upper layer: the upper inode number plus this. */
#define OVL_UPPER_INO_BASE (1ULL << 47)

/*
 * What the overlay remembers about one upper inode: the inode number of the
 * lower file it was copied up from (kept, without holding that file open), and for directories
 * whether they are opaque and which lower names they hide.
 */
struct ovl_uinfo {
    struct inode *upper; /* owned reference */
    uint64_t origin_ino; /* st_ino of the lower file it was copied up from (has_origin) */
    bool has_origin;
    bool opaque;
    char **whiteouts; /* owned names */
    size_t nwhiteouts, cap;
    struct ovl_uinfo *next;
};

struct ovl_sb {
    struct super_block *lower, *upper; /* owned */
    struct ovl_uinfo *infos;           /* owned list */
};

/*
 * An overlay inode: one path of the merged tree. Copy-up fills `upper` in
 * place, so every dentry and open file of the path sees it.
 */
struct ovl_node {
    struct inode *upper;  /* owned reference or NULL (not copied up yet) */
    struct inode *lower;  /* owned reference or NULL (upper only) */
    struct inode *parent; /* owned reference to the overlay parent; NULL for the root */
    char *name;           /* owned; the name in `parent` (for copy-up) */
};

static inline struct ovl_node *ovl_node_of(struct inode *ino)
{
    return ino->priv;
}

static inline struct ovl_sb *ovl_sb_of(struct inode *ino)
{
    return ino->sb->priv;
}

/* Returns the info of `upper`, or NULL. */
struct ovl_uinfo *ovl_uinfo_find(struct ovl_sb *o, const struct inode *upper);
/* Returns whether upper directory `udir` hides lower name `name`. */
bool ovl_is_whiteout(struct ovl_sb *o, const struct inode *udir, const char *name);

/* The inode number the overlay shows for a file with these layers. */
uint64_t ovl_ino(struct ovl_sb *o, const struct inode *upper, const struct inode *lower);

/* One directory entry of a layer. */
struct ovl_dirent {
    char *name; /* owned */
    uint64_t ino;
    unsigned int type; /* DT_* */
};

struct ovl_dirents {
    struct ovl_dirent *v;
    size_t n, cap;
};

/* Lists layer directory `dir` (without "." and ".."). Returns 0 or -Exxx; free with _free. */
long ovl_list_layer_dir(struct inode *dir, struct ovl_dirents *out);
void ovl_dirents_free(struct ovl_dirents *d);
/* Returns the entry named `name`, or NULL. */
const struct ovl_dirent *ovl_dirents_find(const struct ovl_dirents *d, const char *name);

/* Lists the merged directory `dir` (an overlay inode). Returns 0 or -Exxx. */
long ovl_list_merged(struct inode *dir, struct ovl_dirents *out);

/* Opens overlay directory `dir`. */
long ovl_dir_open(struct inode *dir, unsigned int flags, struct file **out);
