/* SPDX-License-Identifier: Apache-2.0 */
/* Raw wrappers for Linux syscalls that glibc 2.36 lacks or hides, plus constants old headers miss.
 */
#pragma once

#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/types.h>

/*
 * Every wrapper is a bare syscall(2): it returns what the kernel returns, with
 * -1 and errno on failure, and is async-signal-safe (usable between fork and
 * exec). None of them allocates.
 *
 * <linux/mount.h> is deliberately not included: with glibc 2.36 it clashes with
 * <sys/mount.h>, which already declares the new mount API types and constants.
 */

/* struct clone_args of clone3(2), spelled out so that <linux/sched.h> is not needed. */
struct rt_clone_args {
    uint64_t flags;        /* CLONE_* flags (not CSIGNAL) */
    uint64_t pidfd;        /* where to store the pidfd (CLONE_PIDFD), a pointer */
    uint64_t child_tid;    /* CLONE_CHILD_SETTID target, a pointer */
    uint64_t parent_tid;   /* CLONE_PARENT_SETTID target, a pointer */
    uint64_t exit_signal;  /* signal sent to the parent on exit, usually SIGCHLD */
    uint64_t stack;        /* lowest byte of the child's stack, or 0 */
    uint64_t stack_size;   /* size of the stack, or 0 */
    uint64_t tls;          /* CLONE_SETTLS value */
    uint64_t set_tid;      /* array of pids to request, a pointer (Linux 5.5) */
    uint64_t set_tid_size; /* elements in set_tid */
    uint64_t cgroup;       /* cgroup fd for CLONE_INTO_CGROUP (Linux 5.7) */
};

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

/* seccomp(2) user notification bits newer than the Debian 12 (Linux 6.1) headers. */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SETFD
#define SECCOMP_ADDFD_FLAG_SETFD (1UL << 0)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
/* Linux 6.6: makes the kernel wake the notifying thread on the receiver's CPU. */
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_GET_NOTIF_SIZES
#define SECCOMP_GET_NOTIF_SIZES 3
#endif

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* clone3(2): `size` is sizeof(*args) (or a smaller version size). Returns like fork(2). */
long rt_sys_clone3(struct rt_clone_args *args, size_t size);

int rt_sys_pidfd_open(pid_t pid, unsigned int flags);
int rt_sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags);
int rt_sys_pidfd_getfd(int pidfd, int targetfd, unsigned int flags);

int rt_sys_pivot_root(const char *new_root, const char *put_old);

/* seccomp(2): operation SECCOMP_SET_MODE_FILTER etc.; returns a listener fd with NEW_LISTENER. */
int rt_sys_seccomp(unsigned int op, unsigned int flags, void *args);

/* openat2(2) with `how` of `size` bytes (normally sizeof(struct open_how)). */
int rt_sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size);

int rt_sys_close_range(unsigned int first, unsigned int last, unsigned int flags);

int rt_sys_execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags);

int rt_sys_open_tree(int dirfd, const char *path, unsigned int flags);
int rt_sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path,
                      unsigned int flags);
int rt_sys_mount_setattr(int dirfd, const char *path, unsigned int flags, struct mount_attr *attr,
                         size_t size);
int rt_sys_fsopen(const char *fsname, unsigned int flags);
int rt_sys_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux);
int rt_sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags);

int rt_sys_tgkill(pid_t tgid, pid_t tid, int sig);
/* gettid(2) without glibc's cache concerns (glibc 2.30+ has it, but this is raw). */
pid_t rt_sys_gettid(void);
