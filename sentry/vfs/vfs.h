/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal VFS: file descriptions with an ops table, the fd table, host-backed files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct task;
struct file;

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
    /* Frees `priv` when the last reference goes. */
    void (*release)(struct file *f);
};

/* An open file description. Refcounted with get_file/put_file. */
struct file {
    int refs;
    const struct file_ops *ops; /* Immutable. */
    unsigned int flags;         /* O_ACCMODE | O_APPEND | O_NONBLOCK ... (status flags) */
    void *priv;                 /* owned by the ops */
};

/* Allocates a file with one reference. Returns NULL on OOM. */
struct file *file_new(const struct file_ops *ops, unsigned int flags, void *priv);
struct file *get_file(struct file *f);
void put_file(struct file *f);

/* Returns true when the file was opened for reading / writing. */
bool file_is_readable(const struct file *f);
bool file_is_writable(const struct file *f);

/*
 * Wraps host fd `host_fd` (ownership passes to the file, also on failure) as
 * a file with status `flags`. For first light this is how the caller's stdio
 * reaches the app; later the gofer's donated fds use the same file kind.
 * Terminal ioctls are forwarded when the host fd is a tty. Returns NULL on OOM.
 */
struct file *vfs_host_file_new(int host_fd, unsigned int flags);

/* The open files of a task (shared by threads; a fork copies it). Refcounted. */
struct fd_table;

/* Creates an empty table with one reference, or NULL on OOM. */
struct fd_table *fd_table_new(void);
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

/* Closes every fd marked close-on-exec (execve). */
void fd_table_close_on_exec(struct fd_table *fdt);

/* Reads / sets the close-on-exec flag of `fd`. Return 0/1 resp. 0, or -EBADF. */
long fd_table_get_cloexec(struct fd_table *fdt, int fd);
long fd_table_set_cloexec(struct fd_table *fdt, int fd, bool cloexec);
