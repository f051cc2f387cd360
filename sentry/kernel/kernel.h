/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry kernel: the kernel object, thread groups, tasks and the run loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "common/common.h"
#include "sentry/arch/arch.h"
#include "sentry/platform/platform.h"

struct mm;
struct fd_table;
struct vfs_fs;
struct mount_ns;

/* What uname(2) reports: fixed, never the host's. */
#define KERNEL_UNAME_SYSNAME "Linux"
#define KERNEL_UNAME_RELEASE "4.4.0"
#define KERNEL_UNAME_VERSION "#1 SMP Sun Jan 10 15:06:54 PST 2016"
#define KERNEL_UNAME_MACHINE "x86_64"

/*
 * Logs a sentry event at info level into the log file. Without one it is a
 * debug record (stderr with --debug only): the sentry's stderr is the app's.
 */
#define sentry_info(...)            \
    do {                            \
        if (rt_log_fd() >= 0)       \
            log_info(__VA_ARGS__);  \
        else                        \
            log_debug(__VA_ARGS__); \
    } while (0)

/* Signals 1..64; arrays are indexed by signo - 1. */
#define KERNEL_NSIG 64

/* The x86-64 kernel's struct sigaction (rt_sigaction ABI), not glibc's. */
struct kernel_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

struct kernel_opts {
    const struct platform_ops *platform; /* Not owned, static. */
    struct platform_opts platform_opts;
    bool strace;          /* print every syscall of the app to stderr */
    const char *hostname; /* copied; "localhost" when NULL */
};

/* The sentry's global state. One per sandbox. */
struct kernel {
    const struct platform_ops *pops; /* Immutable. */
    struct platform *plat;           /* owned */
    bool strace;                     /* Immutable. */
    char hostname[65];
    int next_pid;
    unsigned int nr_cpus; /* what the app sees (sched_getaffinity); Immutable */
    struct mount_ns *mntns; /* the init mount namespace (sentry/vfs); owned, NULL without one */
};

/* A process: the tasks sharing a pid, signal actions and resource limits. */
struct thread_group {
    int refs;
    int pid; /* the sandbox's own pid (tgid) */
    int ppid;
    int pgid;
    int sid;
    struct kernel_sigaction actions[KERNEL_NSIG];
    struct rlimit rlimits[RLIM_NLIMITS];
    uint64_t pending; /* process-directed pending signals (kill), bit signo - 1 */
    siginfo_t pending_info[KERNEL_NSIG];
    unsigned int umask;
    unsigned long personality;
    bool child_subreaper;
    bool dumpable;
    bool exiting;
    int exit_status; /* a wait(2) status: (code << 8) or the killing signal */
};

/* One app thread, mirrored by one host thread of its stub. */
struct task {
    struct kernel *k; /* Not owned. */
    struct thread_group *tg;
    struct mm *mm;
    struct fd_table *fdt;
    struct vfs_fs *fs; /* root and cwd (sentry/vfs); NULL before a root is mounted */
    struct platform_as *as;   /* owned by the task for now (one task per process) */
    struct platform_ctx *ctx; /* owned */
    struct arch_regs regs;    /* the thread's registers while the sentry serves it */
    int tid;
    uint64_t sigmask; /* blocked signals, bit signo - 1 */
    uint64_t pending; /* thread-directed pending signals (tgkill, faults), bit signo - 1 */
    siginfo_t pending_info[KERNEL_NSIG];
    uint64_t clear_child_tid;
    uint64_t robust_list;
    uint64_t altstack_sp; /* sigaltstack(2) bookkeeping */
    uint64_t altstack_size;
    int altstack_flags;
    char comm[16]; /* prctl(PR_SET_NAME), NUL-terminated */
    int pdeathsig;
    bool no_new_privs;
    bool exited; /* left the run loop; no more syscalls */
    /* Set by handlers that replaced the registers (no return value is written). */
    bool regs_replaced;
};

/* Creates the kernel and its platform. Host tier. */
int kernel_new(const struct kernel_opts *opts, struct kernel **out, rt_error_t *err);
void kernel_free(struct kernel *k);

/* What the first process runs. Strings are borrowed for the call. */
struct kernel_exec_args {
    /* First light: a host path to the executable. The gofer replaces this. */
    const char *host_path;
    char *const *argv;
    char *const *envp;
    /* Host fds for the app's 0, 1, 2 (dup'ed; the caller keeps its own). */
    int stdio[3];
};

/*
 * Creates the init process (pid 1): a new address space, fd table with
 * stdio, and the loaded program. Host tier. Returns the task in `*out`.
 */
int kernel_start_init(struct kernel *k, const struct kernel_exec_args *args, struct task **out,
                      rt_error_t *err);

/*
 * Runs `t` until its thread group exits. Returns its wait(2) status.
 * Must be called on the thread that created the task (ptrace tracer).
 */
int kernel_task_run(struct task *t);

/*
 * Replaces the program of `t` (execve): loads `host_path` into a new address
 * space and, only once that worked, drops the old one, closes close-on-exec
 * fds and resets caught signals. `argv`/`envp` are sentry memory. Returns 0
 * (the registers now start the new program) or -Exxx with `t` unchanged.
 * FIRST LIGHT: the path is a host path; the gofer replaces this.
 */
long kernel_task_exec(struct task *t, const char *host_path, char *const argv[],
                      char *const envp[]);

/* Frees a task that left the run loop, and its address space. */
void kernel_task_free(struct task *t);

/*
 * Ends the thread group of `t` with wait status `status`: the run loop stops
 * after the current syscall. Used by exit_group and fatal signals.
 */
void task_exit_group(struct task *t, int status);

/* Handles a host signal reported for `t` (a fault or an asynchronous signal). */
void task_handle_host_signal(struct task *t, const struct platform_event *ev);

/*
 * Makes `info->si_signo` pending for `t` (a standard signal already pending
 * is not queued twice). Delivery happens before `t` next runs.
 */
void task_send_signal(struct task *t, const siginfo_t *info);

/* Like task_send_signal, directed at the whole process of `t` (kill(2)). */
void task_send_group_signal(struct task *t, const siginfo_t *info);

/* Discards pending instances of `sig` (its action became "ignore"). */
void task_discard_signal(struct task *t, int sig);

/* Returns the pending signals of `t` (its own and its process's). */
uint64_t task_pending_signals(const struct task *t);

/*
 * Like task_send_signal for a signal caused by the current instruction: if
 * it is blocked or ignored, it is unblocked and reset to SIG_DFL (Linux's
 * force_sig_info), so it cannot be lost or loop forever.
 */
void task_force_signal(struct task *t, const siginfo_t *info);

/*
 * Delivers the pending, unblocked signals of `t`: default actions, or a
 * signal frame on the app's stack for a handler. Called by the run loop
 * before it resumes the app.
 */
void task_deliver_signals(struct task *t);

/* rt_sigreturn: restores the context saved in the frame at the app's stack. Returns 0 or -Exxx. */
long task_sigreturn(struct task *t);

/* Returns the RLIMIT_NOFILE soft limit of `t`'s process. */
unsigned long task_nofile_limit(const struct task *t);
