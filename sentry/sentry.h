/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry as boot sees it: one kernel per sandbox, containers started, signalled and waited. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/*
 * A thin layer over sentry/kernel/kernel.h and sentry/vfs/vfs.h
 * (sentry/kernel/container.c). Boot creates the sentry while it can still
 * read /proc (the ptrace platform locates the vDSO), prepares it once
 * capabilities are dropped and before its seccomp filter (the ptrace stub
 * factory), and then starts containers from control requests.
 *
 * Containers of a pod share the kernel (hostname, IPC); each has its own
 * mount namespace, and its processes are those whose fs context is in it.
 * The first container's init is the sandbox's pid 1 in the root pid
 * namespace: when it dies every process of the sandbox dies (the pod's
 * pause container). A later container's init is pid 1 of a pid namespace of
 * its own, or (share_pid_ns) an ordinary process of the root namespace;
 * either way it has no parent and its death kills the rest of its
 * container. Pids that cross this API are the container's namespace's.
 */
struct sentry;
struct sentry_container;

struct sentry_opts {
    const char *platform; /* "ptrace" when NULL */
    const char *hostname; /* "localhost" when NULL */
    bool strace;          /* every app syscall to stderr */
};

/* Creates the kernel and its platform. Call before pivot_root. Host tier. */
int sentry_new(const struct sentry_opts *opts, struct sentry **out, rt_error_t *err);

/*
 * What must happen after the capability drop and before the seccomp filter:
 * the ptrace platform's stub factory (stubs are forked there, not by the
 * filtered sentry). Host tier.
 */
int sentry_prepare_filter(struct sentry *s, rt_error_t *err);

/* One resource limit of the init process. */
struct sentry_rlimit {
    int resource; /* RLIMIT_* */
    uint64_t soft, hard;
};

/* What a process of a container runs. Everything is borrowed for the call. */
struct sentry_process_args {
    char *const *argv; /* argv[0] without '/' is looked up in envp's PATH inside the root */
    char *const *envp;
    const char *cwd; /* absolute; "/" when NULL */
    int stdio[3];    /* host fds for 0, 1, 2 (dup'ed); -1: left closed */
    /*
     * process.terminal: stdio[0] is a host pty replica whose master the
     * console-socket holder has. The process gets the sentry's console over
     * it (sentry/fs/devpts: the sentry's line discipline and job control) as
     * fds 0-2, controlling its session (it is a session leader) with its
     * group in the foreground. console_rows/cols: the window size (0: the
     * host pty's); a later size change on the master sends SIGWINCH.
     */
    bool console;
    unsigned short console_rows, console_cols;
    const int *preserved; /* host fds that become 3, 4, ... (dup'ed) */
    size_t n_preserved;
    const struct sentry_rlimit *rlimits;
    size_t n_rlimits;
    bool has_umask;
    uint32_t umask;
    /* process.user, process.capabilities (bit n: capability n), noNewPrivileges. */
    uint32_t uid, gid;
    const uint32_t *groups; /* additionalGids */
    size_t n_groups;
    uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient;
    bool no_new_privs;
    /*
     * Called once on the process's own sentry thread when it is gone, with
     * its wait(2) status (for an init: once every process of the container
     * is gone). Not called when the start fails.
     */
    void (*on_exit)(void *arg, int wait_status);
    void *arg;
};

/* A tmpfs the container's tree gets (the spec's `tmpfs` mounts, in order). */
struct sentry_tmpfs_mount {
    const char *destination; /* absolute; created (mode 0755) when missing and the parent allows */
    uint32_t mode;           /* of the tmpfs root; 01777 by default */
    bool readonly, nosuid, nodev, noexec;
    /*
     * The spec's options; the tmpfs ones (size=, nr_inodes=, mode=, uid=,
     * gid=) apply, a malformed one fails the mount (EINVAL). Not owned.
     */
    char *const *options;
    size_t n_options;
    size_t order; /* its index among the spec's mounts: every kind is mounted in this order */
};

/* A bind mount: a tree the gofer serves on a connection of its own (the spec's bind mounts). */
struct sentry_bind_mount {
    const char *destination; /* absolute; created (mode 0755) when missing and the parent allows */
    int gofer_fd;            /* the connection; not taken (the mount uses a duplicate) */
    bool readonly, nosuid, nodev, noexec;
    size_t order; /* as sentry_tmpfs_mount's */
};

/*
 * A mount of one of the sentry's own file systems (the spec's proc, sysfs,
 * devpts, mqueue, cgroup and cgroup2 mounts; the last two are the
 * container's read-only cgroup2 view). Everything is borrowed for the call.
 */
struct sentry_fs_mount {
    const char *type;        /* "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2" */
    const char *destination; /* absolute; created (mode 0755) when missing and the parent allows */
    bool readonly, nosuid, nodev, noexec;
    size_t order; /* as sentry_tmpfs_mount's */
};

/* What a container is made of. */
struct sentry_container_args {
    int root_gofer_fd;  /* the rootfs gofer connection; owned from the call on, even on failure */
    bool root_readonly; /* root.readonly */
    /*
     * --overlay=none: a writable root is the gofer's own, so writes land in
     * the host's rootfs; otherwise a sentry tmpfs takes them.
     */
    bool root_no_overlay;
    /*
     * Mounted over the root in order. Without one at /tmp (/dev/shm), a
     * tmpfs goes there when the directory exists.
     */
    const struct sentry_tmpfs_mount *tmpfs;
    size_t n_tmpfs;
    /* Mounted after the tmpfs mounts, in order; a bind at /tmp (/dev/shm) keeps its tmpfs away. */
    const struct sentry_bind_mount *binds;
    size_t n_binds;
    /*
     * The sentry's own file systems the spec mounts. The tmpfs, bind and
     * these mounts are made in the order of their `order` fields (ties:
     * these, tmpfs, binds). /dev is always the sentry's devfs (a spec's tmpfs
     * there is that); /dev/pts and /proc get a devpts and a proc unless
     * these mount one there.
     */
    const struct sentry_fs_mount *fs_mounts;
    size_t n_fs_mounts;
    /*
     * linux.maskedPaths (a directory gets an empty read-only tmpfs, a file
     * /dev/null bound over it, as runc does) and linux.readonlyPaths (a
     * read-only recursive bind onto itself), applied after every mount; a
     * path that does not exist is skipped. Not owned.
     */
    char *const *masked_paths;
    size_t n_masked_paths;
    char *const *readonly_paths;
    size_t n_readonly_paths;
    /*
     * What the cgroup view shows (linux.resources): memory.max and
     * memory.swap.max in bytes, cpu.max's quota and period in microseconds,
     * cpu.weight from the shares; <= 0: none.
     */
    int64_t memory_limit, memory_swap_limit, cpu_quota;
    uint64_t cpu_period, cpu_shares;
    /*
     * A pod member that joins the sandbox's root pid namespace (the first
     * container's, where every process is visible) instead of getting one of
     * its own with its init as pid 1. Ignored for the first container.
     */
    bool share_pid_ns;
    /*
     * A pod member that keeps the sandbox's IPC namespace (System V objects,
     * POSIX queues): its spec's "ipc" namespace has a path (the pause
     * container's) or is absent; one to create gets a namespace of its own.
     * Ignored for the first container, whose namespace is the sandbox's.
     */
    bool share_ipc_ns;
    /*
     * linux.resources.pids.limit, which the sentry enforces (as gVisor's
     * does): clone fails with EAGAIN once the container's tasks (threads
     * count), zombies included, would pass it. <= 0: no limit.
     */
    int64_t pids_limit;
    struct sentry_process_args init;
};

/*
 * Mounts the container's root (the gofer's, with the tmpfs and bind mounts
 * of `args`), loads its init on a new thread of its own and starts it.
 * Returns once the init runs (0, *out owned by the caller) or failed to
 * start (< 0 with *err; ENOENT/EACCES-class statuses for a missing or
 * unusable executable). Host tier.
 */
int sentry_container_start(struct sentry *s, const struct sentry_container_args *args,
                           struct sentry_container **out, rt_error_t *err);

/* The container's init pid in its pid namespace (1 in a namespace of its own). */
int sentry_container_init_pid(const struct sentry_container *c);

/* A process started in a running container by sentry_container_exec. */
struct sentry_process;

/*
 * Starts a new process in the container (`runsc-c exec`): a new address
 * space and fd table, the container's root, no parent (as runsc's exec'd
 * processes), on a sentry thread of its own. Returns once it runs (0, *out
 * owned by the caller) or could not start (< 0 with *err). Host tier.
 */
int sentry_container_exec(struct sentry_container *c, const struct sentry_process_args *args,
                          struct sentry_process **out, rt_error_t *err);

/* The exec'd process's pid in its container's pid namespace. */
int sentry_process_pid(const struct sentry_process *p);

/* Waits until the process's thread called on_exit, then frees `p`. NULL is fine. */
void sentry_process_free(struct sentry_process *p);

enum sentry_signal_target {
    SENTRY_SIGNAL_INIT,    /* the init process */
    SENTRY_SIGNAL_ALL,     /* every process of the container */
    SENTRY_SIGNAL_PROCESS, /* the process `pid` */
    /* The foreground process group of the init's terminal (the init when it has none). */
    SENTRY_SIGNAL_FOREGROUND,
};

/*
 * Sends `sig` (0: existence check) like kill(2) from outside the sandbox.
 * Thread-safe. Returns 0, or < 0 with *err: ESRCH when no such process
 * lives (SENTRY_SIGNAL_ALL succeeds with none left).
 */
int sentry_container_signal(struct sentry_container *c, enum sentry_signal_target target, int pid,
                            int sig, rt_error_t *err);

/* One process of a container (sentry_container_processes). */
struct sentry_process_info {
    int pid, ppid;
    char comm[16];
    char tty[16]; /* its session's terminal ("pts/0"), "" when none */
    uint64_t cpu_ns;
    /* The host process running it (platform ctx_host_pid: the sandbox's pid namespace), or 0. */
    int host_pid;
};

/*
 * The container's live processes (zombies excluded). *out (*n entries) is
 * owned by the caller (free). Host tier.
 */
int sentry_container_processes(struct sentry_container *c, struct sentry_process_info **out,
                               size_t *n, rt_error_t *err);

/*
 * A new pids limit (`runsc-c update --pids-limit`; <= 0: none). Tasks past
 * a lowered limit stay; only new clones fail. Thread-safe.
 */
void sentry_container_set_pids_limit(struct sentry_container *c, int64_t limit);

/*
 * The container's pids.current as the sentry counts it (live tasks, zombies,
 * clones under way) and its limit (<= 0: none). Thread-safe.
 */
void sentry_container_pids(struct sentry_container *c, uint64_t *current, int64_t *limit);

/*
 * Kills what is left of the container (SIGKILL to all its processes), waits
 * until its thread has called on_exit and frees it. NULL is fine.
 */
void sentry_container_free(struct sentry_container *c);
