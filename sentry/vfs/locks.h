/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sentry's file lock manager: flock(2) locks, POSIX record locks and
 * open file description (OFD) locks, kept per file (keyed by its inode) in
 * the sentry alone; the host's fcntl/flock locks are never used.
 */
#ifndef SENTRY_VFS_LOCKS_H
#define SENTRY_VFS_LOCKS_H

#include <stdbool.h>
#include <stdint.h>

struct file;
struct task;

/* The end of a lock that runs to the end of the file (and beyond). */
#define VFS_LOCK_EOF UINT64_MAX

enum vfs_lock_kind {
    VFS_LOCK_POSIX, /* owner: the fd table (Linux's files_struct) */
    VFS_LOCK_OFD,   /* owner: the open file description */
    VFS_LOCK_FLOCK, /* owner: the open file description; whole file */
};

/* One lock request or answer: [start, end] inclusive, type F_RDLCK/F_WRLCK/F_UNLCK. */
struct vfs_lock {
    int type;
    uint64_t start, end;
    int pid; /* the holder's global tgid (POSIX); -1 for OFD and flock locks */
};

/*
 * Sets or clears (F_UNLCK) the lock `lk` of `owner` on `f`'s file. With `wait`,
 * sleeps until no other owner's lock conflicts (-ERESTARTSYS when `t` has a
 * signal to handle; -EDEADLK when a POSIX lock would close a cycle of waiting
 * owners); without it fails with -EAGAIN. Returns 0 or -errno.
 */
long vfs_lock_set(struct task *t, struct file *f, enum vfs_lock_kind kind, void *owner,
                  const struct vfs_lock *lk, bool wait);

/*
 * F_GETLK: fills `lk` with the first lock of another owner that conflicts
 * with it, or sets lk->type to F_UNLCK.
 */
void vfs_lock_get(struct file *f, enum vfs_lock_kind kind, void *owner, struct vfs_lock *lk);

/* A descriptor of `f` in fd table `fdt` is being closed: drops fdt's POSIX locks on the file. */
void vfs_locks_close(void *fdt, struct file *f);

/* The last reference to `f` is going: drops its flock and OFD locks. */
void vfs_locks_file_release(struct file *f);

#endif
