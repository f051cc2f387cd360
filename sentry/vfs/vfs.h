/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's VFS: inodes, dentries, mounts, the path walk, file descriptions and the fd table. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>

struct task;
struct file;
struct inode;
struct dentry;
struct mount;
struct super_block;

/*
 * Locking: the sentry serves one syscall at a time under the kernel's
 * discipline (single-threaded today); nothing below takes a lock of its own.
 * An op that blocks (a pipe read) must not be called with a kernel lock held
 * once one exists.
 */

/* ---- file descriptions ---- */

/* Called by a directory's readdir for each entry; returns false when the caller's buffer is full.
 */
typedef bool (*vfs_filldir_fn)(void *ctx, const char *name, size_t len, uint64_t ino,
                               int64_t next_off, unsigned int type);

/*
 * What a kind of file can do. Buffers are sentry memory: the syscall layer
 * copies to and from the app. Every op returns a count / 0 or -Exxx exactly
 * as Linux would; a NULL op means the file does not support it (the
 * syscall layer picks Linux's errno for that case, e.g. EINVAL or ESPIPE).
 */
struct file_ops {
    const char *name;
    long (*read)(struct file *f, void *buf, size_t len);
    long (*write)(struct file *f, const void *buf, size_t len);
    long (*pread)(struct file *f, void *buf, size_t len, int64_t off);
    long (*pwrite)(struct file *f, const void *buf, size_t len, int64_t off);
    long (*lseek)(struct file *f, int64_t off, int whence);
    /* `arg` is an app address or value; the op copies in/out through `t` itself. */
    long (*ioctl)(struct file *f, struct task *t, unsigned int cmd, uint64_t arg);
    /* Fills `st` (the x86-64 kernel struct stat, which is glibc's on x86-64). */
    long (*fstat)(struct file *f, struct stat *st);
    /* Emits entries from f->pos on, advancing f->pos past each accepted one. */
    long (*readdir)(struct file *f, vfs_filldir_fn fill, void *ctx);
    long (*fsync)(struct file *f, bool datasync);
    /* Returns the readiness bits (POLLIN, POLLOUT, ...) the file has now. */
    unsigned int (*poll)(struct file *f);
    /* Returns the host fd holding the file's bytes (regular files), or -1. Not owned. */
    int (*host_fd)(struct file *f);
    /* Frees `priv` when the last reference goes. */
    void (*release)(struct file *f);
};

/* An open file description. Refcounted with get_file/put_file. */
struct file {
    int refs;
    const struct file_ops *ops; /* Immutable. */
    unsigned int flags;         /* O_ACCMODE | O_APPEND | O_NONBLOCK ... (status flags) */
    int64_t pos;                /* the file position of seekable files */
    struct mount *mnt;          /* owned reference; NULL for anonymous files (stdio, pipes) */
    struct dentry *dentry;      /* owned reference; NULL for anonymous files */
    void *priv;                 /* owned by the ops */
    /* F_SETOWN(_EX)/F_SETSIG: kept and reported back; no SIGIO/SIGURG is sent yet. */
    int owner;      /* pid (> 0), -pgid (< 0) or 0 */
    int owner_type; /* F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP */
    int owner_sig;  /* F_SETSIG's signal; 0: SIGIO */
};

/* Allocates a file with one reference. Returns NULL on OOM. */
struct file *file_new(const struct file_ops *ops, unsigned int flags, void *priv);
struct file *get_file(struct file *f);
void put_file(struct file *f);

/* Returns true when the file was opened for reading / writing. */
bool file_is_readable(const struct file *f);
bool file_is_writable(const struct file *f);

/* Returns the inode behind `f`, or NULL for an anonymous file. Not a new reference. */
struct inode *file_inode(const struct file *f);

/*
 * Wraps host fd `host_fd` (ownership passes to the file, also on failure) as
 * a file with status `flags`: the caller's stdio. The host position is used.
 * Terminal ioctls are forwarded when the host fd is a tty. Returns NULL on OOM.
 */
struct file *vfs_host_file_new(int host_fd, unsigned int flags);

/*
 * Regular-file ops over a host fd kept in `priv` as a `struct vfs_fd_file`:
 * the sentry keeps the position; reads and writes go straight to the host.
 * Used by the gofer client (donated fds) and tmpfs (memfds).
 */
struct vfs_fd_file {
    int fd; /* owned */
};
extern const struct file_ops g_vfs_fd_file_ops;

/* ---- inodes and file systems ---- */

/* setattr requests (a subset of Linux's ATTR_*). */
#define VFS_ATTR_MODE      1u
#define VFS_ATTR_UID       2u
#define VFS_ATTR_GID       4u
#define VFS_ATTR_SIZE      8u
#define VFS_ATTR_ATIME     16u
#define VFS_ATTR_MTIME     32u
#define VFS_ATTR_ATIME_NOW 64u
#define VFS_ATTR_MTIME_NOW 128u
#define VFS_ATTR_CTIME     256u /* only bumps ctime (chmod/chown/link count changes) */

struct vfs_setattr {
    unsigned int mask;
    uint32_t mode, uid, gid;
    int64_t size;
    struct timespec atime, mtime;
};

/* Who creates a file: the owner the fs gives it. */
struct vfs_owner {
    uint32_t uid, gid;
};

/*
 * What a file system's inodes can do. Names are single valid components
 * (never "." or ".."), checked by the VFS. Every op returns 0 / a count or
 * -Exxx as Linux would; a NULL op means EPERM (or ENOTDIR on non-directories,
 * decided by the VFS). New inodes are returned with one reference.
 */
struct inode_ops {
    long (*lookup)(struct inode *dir, const char *name, struct inode **out);
    /* Creates and opens a regular file (O_CREAT). `*fout` gets the open file. */
    long (*create)(struct inode *dir, const char *name, uint32_t mode, const struct vfs_owner *o,
                   unsigned int flags, struct inode **out, struct file **fout);
    long (*mkdir)(struct inode *dir, const char *name, uint32_t mode, const struct vfs_owner *o);
    long (*mknod)(struct inode *dir, const char *name, uint32_t mode, uint64_t rdev,
                  const struct vfs_owner *o);
    long (*symlink)(struct inode *dir, const char *name, const char *target,
                    const struct vfs_owner *o);
    long (*link)(struct inode *dir, const char *name, struct inode *target);
    long (*unlink)(struct inode *dir, const char *name);
    long (*rmdir)(struct inode *dir, const char *name);
    /* Both directories are on the same super block. `flags` is RENAME_NOREPLACE/EXCHANGE. */
    long (*rename)(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
                   unsigned int flags);
    /* Copies at most `size` bytes of the target (no NUL). Returns the length. */
    long (*readlink)(struct inode *ino, char *buf, size_t size);
    /*
     * Magic links (/proc/<pid>/fd/N): sets `*out` to a new reference to the
     * open file the link stands for, or to NULL for an ordinary symlink
     * (followed through readlink). Following a magic link jumps to the file's
     * dentry; opening one whose file has no path (a pipe) reopens the file
     * itself (vfs_open). Returns 0 or -Exxx (-ENOENT: the fd was closed).
     */
    long (*get_link_file)(struct inode *ino, struct file **out);
    /* Refreshes ino->st from the backing store and copies it to `st`. */
    long (*getattr)(struct inode *ino, struct stat *st);
    long (*setattr)(struct inode *ino, const struct vfs_setattr *sa);
    /* Opens the inode (not O_CREAT). `flags` are the open flags. */
    long (*open)(struct inode *ino, unsigned int flags, struct file **out);
    long (*statfs)(struct inode *ino, struct statfs *sf);
    /*
     * Extended attributes. The syscall layer has checked the name (a known
     * namespace, at most XATTR_NAME_MAX bytes), the value size and the
     * caller's permission. getxattr copies the value into `buf` when `size`
     * is not 0 (-ERANGE when it does not fit) and returns its length;
     * listxattr does the same with every name, each NUL-terminated;
     * setxattr takes XATTR_CREATE / XATTR_REPLACE. NULL ops: the file
     * system keeps no attributes (get and remove find nothing, list is
     * empty, set is EOPNOTSUPP).
     */
    long (*getxattr)(struct inode *ino, const char *name, void *buf, size_t size);
    long (*setxattr)(struct inode *ino, const char *name, const void *value, size_t size,
                     int flags);
    long (*listxattr)(struct inode *ino, char *buf, size_t size);
    long (*removexattr)(struct inode *ino, const char *name);
    /* Frees `priv` when the last reference goes. */
    void (*release)(struct inode *ino);
};

struct inode {
    int refs;
    const struct inode_ops *ops; /* Immutable. */
    struct super_block *sb;      /* Not owned (the super block outlives its inodes). */
    /* The attributes the VFS checks permissions against, kept current by the fs. */
    struct stat st;
    void *priv; /* owned by the ops */
};

/* Allocates an inode with one reference; the caller fills `st`. Returns NULL on OOM. */
struct inode *inode_new(struct super_block *sb, const struct inode_ops *ops, void *priv);
struct inode *get_inode(struct inode *ino);
void put_inode(struct inode *ino);

/* One mounted instance of a file system. */
struct super_block {
    int refs;
    const char *fs_name; /* "tmpfs", "9p" ... Static storage. */
    uint64_t dev;        /* st_dev of its files; Immutable */
    struct inode *root;  /* owned */
    uint64_t next_ino;   /* for file systems that number their own inodes */
    void *priv;          /* owned by the file system */
    void (*release)(struct super_block *sb);
};

/* Allocates a super block with a fresh device number. Returns NULL on OOM. */
struct super_block *super_block_new(const char *fs_name);
struct super_block *get_super_block(struct super_block *sb);
void put_super_block(struct super_block *sb);

/* ---- dentries, mounts, paths ---- */

/*
 * A name in the tree. A dentry is cached in its parent's child list for as
 * long as someone holds it, so that two walks to a mount point or an open
 * directory meet the same object.
 */
struct dentry {
    int refs;
    struct dentry *parent;                     /* owned reference; NULL for a file system root */
    char *name;                                /* owned; "/" for a root */
    struct inode *inode;                       /* owned reference */
    struct dentry *first_child, *next_sibling; /* weak: the child unlinks itself when freed */
    int mounts;                                /* how many mounts sit on this dentry */
    bool dead; /* removed from the tree (unlink, rmdir, rename over) */
};

struct dentry *dentry_new_root(struct inode *ino); /* takes a reference on `ino` */
struct dentry *get_dentry(struct dentry *d);
void put_dentry(struct dentry *d);

#define VFS_MNT_RDONLY 1u
#define VFS_MNT_NOSUID 2u
#define VFS_MNT_NODEV  4u
#define VFS_MNT_NOEXEC 8u
/* umount2(MNT_EXPIRE) marked it: the next MNT_EXPIRE unmounts it (sys_mount.c). */
#define VFS_MNT_EXPIRY_MARK 16u

struct mount {
    int refs;
    struct mount *parent;      /* owned; NULL for the root mount */
    struct dentry *mountpoint; /* owned; in `parent` */
    struct dentry *root;       /* owned */
    struct super_block *sb;    /* owned */
    unsigned int flags;        /* VFS_MNT_* */
    struct mount *next;        /* the namespace's list */
};

struct mount *get_mount(struct mount *m);
void put_mount(struct mount *m);

/* A mount namespace: its root mount and every mount in it. Refcounted. */
struct mount_ns {
    int refs;
    struct mount *root;
    struct mount *list; /* owned references */
    char *init_cwd;     /* owned; where the first task starts (vfs_task_fs_init), or NULL */
    /*
     * The namespace this one was copied from (unshare/clone CLONE_NEWNS),
     * transitively: the container's. NULL for an original. Not owned (the
     * container keeps the original). Immutable.
     */
    struct mount_ns *origin;
};

/* Creates a namespace whose root mount is `sb` (a new reference is taken). NULL on OOM. */
struct mount_ns *mount_ns_new(struct super_block *sb, unsigned int flags);
struct mount_ns *get_mount_ns(struct mount_ns *ns);
void put_mount_ns(struct mount_ns *ns);

/* A (mount, dentry) pair; both references owned by whoever holds the path. */
struct vfs_path {
    struct mount *mnt;
    struct dentry *d;
};

void vfs_path_get(struct vfs_path *p);
void vfs_path_put(struct vfs_path *p); /* drops both references and clears `p` */
/* Sets `dst` to new references of `src`. */
void vfs_path_copy(struct vfs_path *dst, const struct vfs_path *src);
#define cleanup_path __attribute__((cleanup(vfs_path_put)))

/*
 * Mounts `sb` on the directory at `at` in `ns`. Returns 0, -ENOTDIR or -ENOMEM.
 */
long vfs_mount(struct mount_ns *ns, const struct vfs_path *at, struct super_block *sb,
               unsigned int flags);

/*
 * Changing a namespace (mount_ops.c; mount(2), umount2(2), pivot_root(2)).
 * The caller holds references to the paths it passes. Mount flags are VFS_MNT_*.
 */

/* Whether `m` is in the list of `ns` (not unmounted, not another namespace's). */
bool vfs_mount_is_attached(const struct mount_ns *ns, const struct mount *m);
/* Replaces `p` with the root of the topmost mount stacked on it, if any. */
void vfs_path_follow_mounts(struct mount_ns *ns, struct vfs_path *p);
/* Whether `p` is `from` or below it, across mounts (Linux's is_path_reachable). */
bool vfs_path_is_reachable(const struct vfs_path *p, const struct vfs_path *from);
/*
 * Mounts a new mount of `sb` (a reference is taken) on `at` (a directory on a
 * directory, a file on a file). Returns 0, -ENOTDIR or -ENOMEM.
 */
long vfs_mount_new_at(struct mount_ns *ns, const struct vfs_path *at, struct super_block *sb,
                      unsigned int flags);
/*
 * Bind mount: a mount of src's file system rooted at src's dentry, on `at`;
 * with `recursive` (MS_REC) the mounts below `src` are copied onto it.
 * Returns 0, -ENOTDIR (a directory on a non-directory or the reverse),
 * -EINVAL (a mount not in `ns`) or -ENOMEM.
 */
long vfs_mount_bind(struct mount_ns *ns, const struct vfs_path *at, const struct vfs_path *src,
                    unsigned int flags, bool recursive);
/*
 * Unmounts `m` and everything mounted below it. Without `lazy`
 * (MNT_DETACH), -EBUSY when something is mounted on it or it has more
 * users than the list and `holders` references the caller has. -EINVAL
 * for the namespace's root or a mount not in `ns`. Users keep a detached
 * mount alive.
 */
long vfs_umount(struct mount_ns *ns, struct mount *m, bool lazy, int holders);
/* Whether `m` has a submount or users beyond the list and `holders` references (EBUSY). */
bool vfs_mount_is_busy(const struct mount_ns *ns, const struct mount *m, int holders);
/* MS_MOVE: hangs `m` on `at`. Returns 0, -EINVAL, -ENOTDIR, -ELOOP (at is below m). */
long vfs_mount_move(struct mount_ns *ns, struct mount *m, const struct vfs_path *at);
/*
 * pivot_root(2) for a task whose root is `root`: the mount of `new_root`
 * becomes the namespace's root, the root's mount goes on `put_old`.
 * Returns 0, -EBUSY, -EINVAL, -ENOENT with Linux's rules; the caller moves
 * the roots and working directories that were at `root` (chroot_fs_refs).
 */
long vfs_pivot_root(struct mount_ns *ns, const struct vfs_path *root,
                    const struct vfs_path *new_root, const struct vfs_path *put_old);

/* The root, working directory and mount namespace of a task (CLONE_FS shares it). */
struct vfs_fs {
    int refs;
    struct mount_ns *ns;  /* owned */
    struct vfs_path root; /* owned */
    struct vfs_path cwd;  /* owned */
};

/* Creates a context at the root of `ns` (root = cwd = /). NULL on OOM. */
struct vfs_fs *vfs_fs_new(struct mount_ns *ns);
/* Copies `fs` (fork without CLONE_FS). NULL on OOM. */
struct vfs_fs *vfs_fs_copy(const struct vfs_fs *fs);
struct vfs_fs *get_vfs_fs(struct vfs_fs *fs);
void put_vfs_fs(struct vfs_fs *fs);
/*
 * Gives `fs` (used by no one else yet) a copy of its mount namespace with
 * its root and cwd moved into it (CLONE_NEWNS). Returns 0 or -ENOMEM.
 */
long vfs_fs_unshare_ns(struct vfs_fs *fs);

/* ---- credentials and permissions ---- */

struct vfs_cred {
    uint32_t fsuid, fsgid;
    const uint32_t *groups; /* Not owned. */
    size_t ngroups;
    bool cap_dac_override, cap_dac_read_search, cap_fowner, cap_chown, cap_fsetid, cap_mknod;
};

/* The credentials file operations of `t` are checked against. */
void vfs_task_cred(const struct task *t, struct vfs_cred *c);
/* The same with the real uid/gid and their capabilities, for access(2) without AT_EACCESS. */
void vfs_task_access_cred(const struct task *t, struct vfs_cred *c);

#define VFS_MAY_EXEC  1
#define VFS_MAY_WRITE 2
#define VFS_MAY_READ  4

/* Linux's generic_permission: 0 or -EACCES. */
long vfs_permission(const struct vfs_cred *c, const struct inode *ino, int mask);
/* Whether `c` owns `ino` or has CAP_FOWNER (inode_owner_or_capable). */
bool vfs_is_owner(const struct vfs_cred *c, const struct inode *ino);

/* ---- the path walk ---- */

#define VFS_WALK_FOLLOW     1u /* follow a final symlink */
#define VFS_WALK_DIRECTORY  2u /* the result must be a directory (ENOTDIR) */
#define VFS_WALK_EMPTY_PATH 4u /* "" means dirfd itself (AT_EMPTY_PATH) */

/* Linux follows at most this many symlinks in one walk (MAXSYMLINKS). */
#define VFS_MAX_SYMLINKS 40

/*
 * Resolves `path` relative to `dirfd` (AT_FDCWD: the cwd) in `t`'s fs
 * context: one component at a time, symlinks (40 at most, then ELOOP), ".."
 * clamped at the task's root, mounts crossed. Returns 0 with `*out` set
 * (owned by the caller) or -ENOENT, -ENOTDIR, -EACCES, -ELOOP,
 * -ENAMETOOLONG, -EBADF, -EIO ...
 */
long vfs_walk(struct task *t, int dirfd, const char *path, unsigned int flags,
              struct vfs_path *out);

/* What the last component of a parent walk is. */
enum vfs_last_type {
    VFS_LAST_NORM,   /* a name in `name` */
    VFS_LAST_ROOT,   /* the path was "/" */
    VFS_LAST_DOT,    /* "." */
    VFS_LAST_DOTDOT, /* ".." */
};

struct vfs_parent {
    struct vfs_path dir; /* owned: the directory that holds the last component */
    char name[256];      /* the last component (VFS_LAST_NORM) */
    enum vfs_last_type type;
    bool trailing_slash; /* the path ended in '/' */
};

/* Resolves all but the last component of `path`. Returns 0 (free with vfs_parent_put) or -Exxx. */
long vfs_walk_parent(struct task *t, int dirfd, const char *path, struct vfs_parent *out);
void vfs_parent_put(struct vfs_parent *p);

/*
 * Looks `name` up in directory `dir` (no permission check), crossing mounts.
 * Returns 0 with `*out` owned by the caller, or -ENOENT ...
 */
long vfs_lookup_child(const struct vfs_path *dir, const char *name, struct vfs_path *out);

/* Writes the path of `p` as seen from `root` into buf. Returns its length or -ENAMETOOLONG. */
long vfs_path_name(const struct vfs_path *root, const struct vfs_path *p, char *buf, size_t size);

/* Removes `name` from the dentry cache of `dir` (after an unlink, rmdir or rename over it). */
void vfs_dentry_forget(struct dentry *dir, const char *name);

/*
 * Opens `path` like openat(2) (`flags` the open flags, `mode` before umask).
 * Returns 0 with `*out` (owned) or -Exxx.
 */
long vfs_open(struct task *t, int dirfd, const char *path, unsigned int flags, uint32_t mode,
              struct file **out);
/*
 * vfs_open with openat2's RESOLVE_* flags (`resolve`): RESOLVE_BENEATH,
 * RESOLVE_IN_ROOT (dirfd as "/"), RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS,
 * RESOLVE_NO_XDEV; the caller has validated them.
 */
long vfs_open_resolve(struct task *t, int dirfd, const char *path, unsigned int flags,
                      uint32_t mode, uint64_t resolve, struct file **out);

/* Opens the inode of `p` with `flags` (permission checks done by the caller). */
long vfs_open_path(const struct vfs_path *p, unsigned int flags, struct file **out);

/*
 * Opens the executable at `path` for execve: it must be a regular file with
 * execute permission on a mount without noexec. Returns 0 with `*out` (an
 * open file with a host fd, owned) or -ENOENT, -EACCES, -ENOEXEC ...
 */
long vfs_open_exec(struct task *t, const char *path, struct file **out);

/* Returns the host fd holding the bytes of `f` (regular files), or -1. Not owned. */
int vfs_file_host_fd(struct file *f);

/* Fills `st` for `p`: the inode's attributes with the super block's device. */
long vfs_getattr(const struct vfs_path *p, struct stat *st);
long vfs_inode_getattr(struct inode *ino, struct stat *st);

/* ---- the fd table ---- */

/* The open files of a task (shared by threads; a fork copies it). Refcounted. */
struct fd_table;

/* Creates an empty table with one reference, or NULL on OOM. */
struct fd_table *fd_table_new(void);
/* Copies a table (fork without CLONE_FILES): new references to the same files. NULL on OOM. */
struct fd_table *fd_table_copy(struct fd_table *fdt);
struct fd_table *get_fd_table(struct fd_table *fdt);
void put_fd_table(struct fd_table *fdt);

/* Returns a new reference to the file at `fd`, or NULL (EBADF). */
struct file *fd_table_get(struct fd_table *fdt, int fd);

/*
 * Installs `f` (a new reference is taken) at the lowest free fd >= `min_fd`
 * below `limit` (RLIMIT_NOFILE). Returns the fd or -EMFILE / -ENOMEM.
 */
long fd_table_install(struct fd_table *fdt, struct file *f, int min_fd, bool cloexec,
                      unsigned long limit);

/* Installs `f` at exactly `fd`, closing what was there (dup2 semantics). Returns fd or -Exxx. */
long fd_table_install_at(struct fd_table *fdt, int fd, struct file *f, bool cloexec,
                         unsigned long limit);

/* Closes `fd`. Returns 0 or -EBADF. */
long fd_table_close(struct fd_table *fdt, int fd);

/* close_range(2) on [first, last]: closes, or with `cloexec_only` marks close-on-exec. */
void fd_table_close_range(struct fd_table *fdt, unsigned int first, unsigned int last,
                          bool cloexec_only);

/* Closes every fd marked close-on-exec (execve). */
void fd_table_close_on_exec(struct fd_table *fdt);

/* Reads / sets the close-on-exec flag of `fd`. Return 0/1 resp. 0, or -EBADF. */
long fd_table_get_cloexec(struct fd_table *fdt, int fd);
long fd_table_set_cloexec(struct fd_table *fdt, int fd, bool cloexec);

/* Returns the highest fd in use + 1 (0 for an empty table). */
int fd_table_max_fd(struct fd_table *fdt);

/* ---- setting up a sandbox's tree ---- */

/*
 * Mounts `sb` (a new reference is taken) on the directory `path` (absolute,
 * walked from the root of `ns` without permission checks). Returns 0 or -Exxx.
 */
long vfs_mount_at(struct mount_ns *ns, const char *path, struct super_block *sb,
                  unsigned int flags);

/*
 * Gives `t` its fs context when it has none: root and cwd at the root of
 * the kernel's mount namespace, then cwd at the namespace's init_cwd when
 * that is a directory there. Returns 0, or -ENOMEM; 0 without a namespace.
 */
long vfs_task_fs_init(struct task *t);
