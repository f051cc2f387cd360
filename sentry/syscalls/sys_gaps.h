/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers of sys_splice.c (data movement between files, the sync family), sys_pidfd.c,
 * sys_xattr.c and sys_inotify.c. */
#pragma once

#include "sentry/kernel/kernel.h"
#include "sentry/syscalls/syscalls.h"

/* sys_splice.c */
long sys_sendfile(struct task *t, const struct sys_args *a);
long sys_splice(struct task *t, const struct sys_args *a);
long sys_copy_file_range(struct task *t, const struct sys_args *a);
long sys_sync(struct task *t, const struct sys_args *a);
long sys_syncfs(struct task *t, const struct sys_args *a);
long sys_sync_file_range(struct task *t, const struct sys_args *a);
long sys_vmsplice(struct task *t, const struct sys_args *a);

/* sys_pidfd.c */
long sys_pidfd_open(struct task *t, const struct sys_args *a);
long sys_pidfd_send_signal(struct task *t, const struct sys_args *a);
long sys_pidfd_getfd(struct task *t, const struct sys_args *a);
/*
 * A new close-on-exec pidfd of `t` for the process `pid` (as pidfd_open
 * names it; `flags` O_NONBLOCK or 0): the fd, -ESRCH, -EMFILE or -ENOMEM.
 */
long pidfd_install(struct task *t, int pid, unsigned int flags);

struct file;
/*
 * Returns the pid a pidfd names (for waitid's P_PIDFD), or -EBADF when `f` is
 * not a pidfd. The pidfd's O_NONBLOCK (PIDFD_NONBLOCK) is in f->flags.
 */
long pidfd_file_pid(const struct file *f);
/*
 * waitid(P_PIDFD, fd): the pid the pidfd `fd` of `t` names, and in
 * `*nonblock` whether it is PIDFD_NONBLOCK. Returns the pid or -EBADF.
 */
long pidfd_wait_pid(struct task *t, int fd, bool *nonblock);

/* sys_xattr.c */
long sys_setxattr(struct task *t, const struct sys_args *a);
long sys_lsetxattr(struct task *t, const struct sys_args *a);
long sys_fsetxattr(struct task *t, const struct sys_args *a);
long sys_getxattr(struct task *t, const struct sys_args *a);
long sys_lgetxattr(struct task *t, const struct sys_args *a);
long sys_fgetxattr(struct task *t, const struct sys_args *a);
long sys_listxattr(struct task *t, const struct sys_args *a);
long sys_llistxattr(struct task *t, const struct sys_args *a);
long sys_flistxattr(struct task *t, const struct sys_args *a);
long sys_removexattr(struct task *t, const struct sys_args *a);
long sys_lremovexattr(struct task *t, const struct sys_args *a);
long sys_fremovexattr(struct task *t, const struct sys_args *a);

/* sys_inotify.c */
long sys_inotify_init(struct task *t, const struct sys_args *a);
long sys_inotify_init1(struct task *t, const struct sys_args *a);
long sys_inotify_add_watch(struct task *t, const struct sys_args *a);
long sys_inotify_rm_watch(struct task *t, const struct sys_args *a);
