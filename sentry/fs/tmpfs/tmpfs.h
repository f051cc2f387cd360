/* SPDX-License-Identifier: Apache-2.0 */
/* tmpfs: a memory file system whose file data lives in sentry-owned memfds. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct super_block;

/* What `mount -t tmpfs -o ...` can say (Linux's shmem options that apply here). */
struct tmpfs_opts {
    uint32_t mode;       /* of the root directory (permission bits) */
    uint32_t uid, gid;   /* owner of the root directory */
    uint64_t size_bytes; /* size=: bytes of file data at most; 0 means no limit */
    uint64_t nr_inodes;  /* nr_inodes=: files at most (the root included); 0 means no limit */
};

/*
 * Creates a tmpfs instance whose root directory has `mode` (permission bits)
 * and owner uid/gid, without limits. Returns the super block (one
 * reference) or NULL on OOM.
 */
struct super_block *tmpfs_new(uint32_t mode, uint32_t uid, uint32_t gid);

/*
 * Creates a tmpfs as `o` says. Writes that would take file data past
 * `size_bytes` (counted in 4 KiB pages of each file's size) write what fits,
 * then fail with ENOSPC; creating a file past `nr_inodes` fails with ENOSPC;
 * statfs reports both limits. Returns the super block (one reference) or
 * NULL on OOM.
 */
struct super_block *tmpfs_new_opts(const struct tmpfs_opts *o);

/*
 * Applies one mount option to `o`: size=N[kmg] or size=N% (of the host's
 * RAM), nr_inodes=N[kmg], mode=OCTAL, uid=N, gid=N. Returns 1 when the
 * option was one of these, 0 when it is not a tmpfs option, -EINVAL when
 * its value is malformed.
 */
int tmpfs_opts_parse(struct tmpfs_opts *o, const char *opt);

/* ---- memfds and seals (F_ADD_SEALS / F_GET_SEALS) ---- */

struct file;
struct vfs_owner;

/* Longest memfd_create name (Linux's MFD_NAME_MAX_LEN: NAME_MAX - strlen("memfd:")). */
#define TMPFS_MEMFD_NAME_MAX 249
/* Every seal Linux knows (F_SEAL_SEAL .. F_SEAL_EXEC). */
#define TMPFS_ALL_SEALS 0x3fU

/*
 * memfd_create's file: a new regular file (mode `mode`, owner `o`) of the
 * sandbox's internal tmpfs, unlinked at once, whose path reads
 * "/memfd:NAME (deleted)", open O_RDWR, starting with `seals`. Its writes,
 * truncations and fallocates honour the seals added later. Returns 0 with
 * `*out` (owned) or -ENOMEM.
 */
long tmpfs_memfd_create(const char *name, unsigned int seals, uint32_t mode,
                        const struct vfs_owner *o, struct file **out);

/* F_GET_SEALS: the seals of a tmpfs regular file, or -EINVAL for any other file. */
long tmpfs_file_get_seals(struct file *f);
/* Whether `f` is a memfd (its writes check the seals). */
bool tmpfs_file_sealable(struct file *f);
/*
 * F_ADD_SEALS (Linux's memfd_add_seals): -EINVAL (not a tmpfs file, unknown
 * seals), -EPERM (not open for writing, or F_SEAL_SEAL set), -EBUSY
 * (F_SEAL_WRITE while `writably_mapped`: the caller looked for shared
 * mappings that may write the file). Returns 0.
 */
long tmpfs_file_add_seals(struct file *f, unsigned int seals, bool writably_mapped);
/* mmap of `f`: -EPERM for a writable shared mapping under F_SEAL_WRITE / FUTURE_WRITE, else 0. */
long tmpfs_file_check_mmap(struct file *f, int prot, int flags);
/* fallocate of `f`: -EPERM when the seals forbid it (a hole, or growth), else 0. */
long tmpfs_file_check_fallocate(struct file *f, int mode, int64_t off, int64_t len);

/*
 * Extended attributes kept in sentry memory: tmpfs's, and those the gofer
 * client keeps for the host's files (names the host may not store). A list
 * holds entries of several files told apart by `key` (tmpfs: one list per
 * inode, key 0; the gofer client: one list, keyed by inode number). The
 * caller serialises access to a list. Returns as the inode_ops xattr ops.
 */
struct mem_xattr;

long mem_xattr_get(const struct mem_xattr *head, uint64_t key, const char *name, void *buf,
                   size_t size);
/* XATTR_CREATE / XATTR_REPLACE in `flags`; copies `value`. */
long mem_xattr_set(struct mem_xattr **head, uint64_t key, const char *name, const void *value,
                   size_t size, int flags);
long mem_xattr_remove(struct mem_xattr **head, uint64_t key, const char *name);
/*
 * Appends the names of `key` to the list of `len` bytes in `buf` (when
 * `size` is not 0, and only what fits in `size`). Returns the new length,
 * which the caller compares with `size` (ERANGE).
 */
size_t mem_xattr_list(const struct mem_xattr *head, uint64_t key, char *buf, size_t size,
                      size_t len);
/* Frees the entries of `key` (every entry with `all`). */
void mem_xattr_forget(struct mem_xattr **head, uint64_t key, bool all);
