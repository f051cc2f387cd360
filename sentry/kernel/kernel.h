/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry kernel: the kernel object, thread groups, tasks and the run loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <time.h>

#include "common/common.h"
#include "sentry/arch/arch.h"
#include "sentry/platform/platform.h"

struct mm;
struct fd_table;
struct ipc_ns;
struct vfs_fs;
struct mount_ns;
struct ktimer;
struct pid_ns;
struct kernel_mlock;
struct kernel_pids;

/* An intrusive doubly linked list (a head is a node linked to itself). */
struct klist {
    struct klist *prev, *next;
};

static inline void klist_init(struct klist *h)
{
    h->prev = h->next = h;
}

static inline bool klist_empty(const struct klist *h)
{
    return h->next == h;
}

static inline void klist_add_tail(struct klist *h, struct klist *n)
{
    n->prev = h->prev;
    n->next = h;
    h->prev->next = n;
    h->prev = n;
}

static inline void klist_del(struct klist *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}

#define klist_entry(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define klist_for_each(pos, head)      for (pos = (head)->next; pos != (head); pos = pos->next)
#define klist_for_each_safe(pos, tmp, head) \
    for (pos = (head)->next, tmp = pos->next; pos != (head); pos = tmp, tmp = pos->next)

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
#define KERNEL_NSIG     64
#define KERNEL_SIGRTMIN 32
#define SIGBIT(sig)     (1ULL << ((sig)-1))

/* Linux's restart codes: a handler returns them, the signal code turns them into EINTR or a
 * restart. They never reach the app. */
#define ERESTARTSYS           512
#define ERESTARTNOINTR        513
#define ERESTARTNOHAND        514
#define ERESTART_RESTARTBLOCK 516

/* The largest pid the sandbox hands out (Linux's default pid_max). */
#define KERNEL_PID_MAX 4194304

/* The x86-64 kernel's struct sigaction (rt_sigaction ABI), not glibc's. */
struct kernel_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};
#define KSA_NOCLDSTOP 0x00000001ULL
#define KSA_NOCLDWAIT 0x00000002ULL
#define KSA_SIGINFO   0x00000004ULL
#define KSA_RESTART   0x10000000ULL

/* One queued signal. */
struct sigq_entry {
    struct sigq_entry *next;
    siginfo_t info;
};

/* Pending signals: one entry per standard signal, a FIFO of entries per real-time one. */
struct sigpending {
    uint64_t mask; /* signals with at least one entry; read without the lock as a hint */
    struct sigq_entry *head;
};

struct kernel_opts {
    const struct platform_ops *platform; /* Not owned, static. */
    struct platform_opts platform_opts;
    bool strace;          /* print every syscall of the app to stderr */
    const char *hostname; /* copied; "localhost" when NULL */
};

struct thread_group;

/*
 * The sentry's global state. One per sandbox. The kernel mutex `mu` protects
 * the process model: the pid namespace, thread groups and their relations,
 * task lists, signal state (actions, pending sets, masks as others see them),
 * job control, futex queues and timers. It is never held while app code runs
 * or while a file operation may block. Blocking waits sleep on a task's
 * `wake` condition with `mu`.
 */
struct kernel {
    const struct platform_ops *pops; /* Immutable. */
    struct platform *plat;           /* owned */
    bool strace;                     /* Immutable. */
    char hostname[65];
    unsigned int nr_cpus;   /* what the app sees (sched_getaffinity); Immutable */
    struct mount_ns *mntns; /* the init mount namespace (sentry/vfs); owned, NULL without one */

    pthread_mutex_t mu;
    /* The root pid namespace's numbers (the global pids every task has). Protected by `mu`. */
    int next_pid;
    struct pid_ns *root_pidns; /* owned; the first container's namespace */
    struct klist pidns_list;   /* every pid namespace, the root's included (pid_ns.k_node) */
    struct klist tgs;          /* every thread group, zombies included (thread_group.k_node) */
    struct klist tasks;        /* every task not yet gone (task.k_node) */
    int nr_threads;            /* sentry threads still serving a task; `idle` is broadcast at 0 */
    pthread_cond_t idle;
    struct thread_group *init;  /* pid 1; Not owned */
    struct klist futex_waiters; /* struct futex_waiter.node */
    struct klist timers;        /* armed struct ktimer, by deadline */
    pthread_cond_t timer_cond;  /* wakes the timer thread */
    pthread_t timer_thread;
    bool timer_thread_started;
    bool shutting_down;
};

/*
 * A process: the tasks sharing a pid, signal actions, resource limits, and
 * its place among processes. Everything is protected by k->mu unless noted.
 * It lives in k->tgs from its creation until its parent reaps it.
 */
struct thread_group {
    struct kernel *k;            /* Not owned. */
    int pid;                     /* the sandbox's own pid (tgid): the root namespace's; Immutable */
    struct pid_ns *pidns;        /* the namespace it lives in: a reference; Immutable */
    int ns_pid;                  /* its pid in `pidns` (== pid in the root); Immutable */
    struct ipc_ns *ipcns;        /* its IPC namespace: a reference, NULL: the sandbox's */
    struct thread_group *parent; /* NULL for init; Not owned */
    struct klist children;       /* thread_group.sibling */
    struct klist sibling;
    struct klist k_node;
    struct klist tasks; /* live tasks (task.tg_node) */
    int nr_tasks;
    struct task *leader; /* the task whose tid is `pid`; NULL once it left. Not owned */
    int pgid;
    int sid;
    int exit_signal; /* sent to the parent when the process ends (0: none) */
    struct kernel_sigaction actions[KERNEL_NSIG];
    struct rlimit rlimits[RLIM_NLIMITS];
    struct sigpending pending; /* process-directed signals (kill) */
    unsigned int umask;
    unsigned long personality;
    bool child_subreaper;
    bool reap_self; /* an orphan of a dead namespace init: nobody waits, freed when it dies */
    bool dumpable;
    bool exiting;    /* exit_group or a fatal signal: every task leaves */
    int exit_status; /* a wait(2) status: (code << 8) or the killing signal (| 0x80 core) */
    bool zombie;     /* every task left; waits for its parent's wait */
    bool execing;    /* a task is in execve and waits for the others to leave */
    /* The real uid of its last task: a zombie counts for RLIMIT_NPROC until it is reaped. */
    uint32_t zombie_uid;
    /* Job control: stopped by a stop signal; reports for WUNTRACED / WCONTINUED. */
    bool stopped;
    int stop_sig;
    bool stop_report;
    bool cont_report;
    /* CPU time (ns) of tasks that left, and of reaped children. */
    uint64_t cpu_ns;
    uint64_t children_cpu_ns;
    /* ITIMER_REAL / alarm(2). Not owned (lives in the timer list while armed). */
    struct ktimer *itimer_real;
    /* ITIMER_VIRTUAL / ITIMER_PROF, and the POSIX timers of timer_create(2) (a list through
     * ktimer.next). Owned by timer.c; protected by k->mu. */
    struct ktimer *itimer_virt;
    struct ktimer *itimer_prof;
    struct ktimer *posix_timers;
    int next_timer_id; /* the next timer_create id to try (Linux's cyclic allocation) */
    /* mlock(2) bookkeeping (sched.c): owned, NULL while nothing is locked. k->mu */
    struct kernel_mlock *mlock;
    /* membarrier(2) registrations (MEMBARRIER_CMD_REGISTER_* bits). k->mu */
    unsigned int membarrier_registered;
    /* Its container's pids limit (pids.c): a reference, NULL: none. Set before it runs; k->mu */
    struct kernel_pids *pids;
};

/* The last capability Linux knows (CAP_CHECKPOINT_RESTORE) and the full set. */
#define KERNEL_CAP_LAST_CAP 40
#define KERNEL_CAP_FULL     ((1ULL << (KERNEL_CAP_LAST_CAP + 1)) - 1)
/* Supplementary groups a task may hold (Linux allows 65536; setgroups above this is EINVAL). */
#define KERNEL_NGROUPS_MAX 256

/*
 * A task's credentials (Linux's struct cred): ids, supplementary groups,
 * capability sets (bit n is capability n), securebits (SECBIT_* of
 * <linux/securebits.h>, SECBIT_KEEP_CAPS included). Written only by the task
 * itself with k->mu held; the task reads its own without the lock, others
 * read them with k->mu. Copied on clone; sentry/kernel/cred.c.
 */
struct kernel_cred {
    uint32_t uid, euid, suid, fsuid;
    uint32_t gid, egid, sgid, fsgid;
    uint32_t ngroups;
    uint32_t groups[KERNEL_NGROUPS_MAX]; /* sorted ascending */
    uint64_t cap_permitted, cap_effective, cap_inheritable, cap_bounding, cap_ambient;
    unsigned int securebits;
};

/*
 * A task's scheduling attributes (sentry/kernel/sched.c): recorded and
 * reported, not enforced (the host schedules the stub threads). Written
 * under k->mu; read by the task itself without it.
 */
struct task_sched {
    int nice;           /* -20..19 */
    int policy;         /* SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR */
    int rt_priority;    /* 1..99 for SCHED_FIFO / SCHED_RR, else 0 */
    bool reset_on_fork; /* SCHED_RESET_ON_FORK */
    int ioprio;         /* ioprio_set(2)'s value; 0: none set (follows nice) */
    /* sched_setaffinity(2)'s CPUs (bit n: CPU n of the sandbox's view); all zero: every CPU. */
    uint64_t affinity[16];
};

/* One app thread, mirrored by one host thread of its stub and served by one sentry thread. */
struct task {
    struct kernel *k;         /* Not owned. */
    struct thread_group *tg;  /* Not owned; changes never */
    struct mm *mm;            /* a reference (mm users) */
    struct fd_table *fdt;     /* a reference */
    struct vfs_fs *fs;        /* root and cwd (sentry/vfs): a reference; NULL without a root */
    struct platform_ctx *ctx; /* owned */
    struct arch_regs regs;    /* the thread's registers while the sentry serves it */
    int tid;                  /* Protected by k->mu (execve of a non-leader changes it) */
    int ns_tid;               /* the tid in tg->pidns (== tid in the root); like `tid` */
    struct klist tg_node;
    struct klist k_node;
    pthread_cond_t wake; /* the task's sleeps in the sentry (with k->mu) */
    /* Blocked signals, bit signo - 1. Written by the task under k->mu. */
    uint64_t sigmask;
    /* The mask to restore after a handler frame (sigsuspend, ppoll), when `has_saved_sigmask`. */
    uint64_t saved_sigmask;
    bool has_saved_sigmask;
    struct sigpending pending; /* thread-directed signals (tgkill, faults). Protected by k->mu */
    /* Set by others (k->mu): leave at the next chance without ending the process. */
    bool killed;
    uint64_t clear_child_tid;
    uint64_t robust_list;
    uint64_t altstack_sp; /* sigaltstack(2) bookkeeping */
    uint64_t altstack_size;
    int altstack_flags;
    char comm[16]; /* prctl(PR_SET_NAME), NUL-terminated */
    int pdeathsig;
    bool no_new_privs;
    struct kernel_cred cred; /* see struct kernel_cred for the locking */
    bool exited;             /* left the run loop; no more syscalls */
    /* Set by handlers that replaced the registers (no return value is written). */
    bool regs_replaced;
    /* The syscall just served returned a restart code (see task_deliver_signals). */
    bool in_syscall;
    /*
     * Running app code (inside the platform's switch), or sleeping in one of
     * the sentry's blocking waits (task_block_locked, pipes, unix sockets,
     * terminals, file locks): /proc shows 'R' or 'S'. Atomic
     */
    bool in_app;
    bool sleeping;
    /* restart_syscall(2): what ERESTART_RESTARTBLOCK resumes. */
    long (*restart_fn)(struct task *t);
    uint64_t restart_args[6];
    /* vfork: the parent waits while `vfork_child` is set; the child points back. k->mu */
    struct task *vfork_parent;
    struct task *vfork_child;
    /* Started on a sentry thread of its own, which frees it at the end. */
    bool own_thread;
    /* exit(2)'s status, the process's if this is its last task. */
    int exit_status;
    struct task_sched sched;
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
 * Runs the init task `t` on the calling thread (the thread that created it)
 * until it leaves, then waits until every task of the sandbox is gone (the
 * death of init kills every other process). Returns init's wait(2) status.
 * The caller frees `t` with kernel_task_free.
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

/* Frees a task that kernel_task_run returned for, or one that never ran. */
void kernel_task_free(struct task *t);

/*
 * Ends the thread group of `t` with wait status `status`: every task of it
 * leaves (the others are interrupted), `t` after the current syscall. Used
 * by exit_group and fatal signals. Takes k->mu; the _locked form needs it.
 */
void task_exit_group(struct task *t, int status);
void thread_group_exit_locked(struct thread_group *tg, int status);

/* exit(2): `t` alone leaves after the current syscall (the process ends with its last task). */
void task_exit_thread(struct task *t, int status);

/*
 * Creates a task as clone(2)/clone3(2) asks (flags, exit signal, stack,
 * parent_tid, child_tid, tls as in struct clone_args) and starts it on a
 * sentry thread of its own. Returns the new tid (in the caller's pid
 * namespace) or -Exxx. With CLONE_VFORK, returns once the child has exec'd
 * or left.
 */
struct kernel_clone_args {
    uint64_t flags;
    int exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t parent_tid;
    uint64_t child_tid;
    uint64_t tls;
};
long kernel_clone(struct task *t, const struct kernel_clone_args *args);

/* The result of kernel_wait: what wait4/waitid copy out. */
struct kernel_wait_result {
    int pid;    /* in the waiter's pid namespace */
    int status; /* wait4's status word */
    int code;   /* waitid's si_code: CLD_EXITED, CLD_KILLED, ... */
    int sig_status;
    uint64_t cpu_ns; /* the child's CPU time, for rusage */
};

/*
 * The common part of wait4 and waitid. `idtype` is P_ALL, P_PID or P_PGID
 * (`id` in the caller's pid namespace; P_PGID 0 is the caller's group),
 * `options` waitid's (WEXITED, WSTOPPED, WCONTINUED, WNOHANG, WNOWAIT,
 * __WCLONE, __WALL, __WNOTHREAD). Returns the pid (0 for WNOHANG with nothing
 * to report), -ECHILD, or -ERESTARTSYS when a signal interrupted the wait.
 */
long kernel_wait(struct task *t, int idtype, int id, int options, struct kernel_wait_result *res);

/*
 * Looks up a process / a task by its pid as the calling task sees it (Linux's
 * find_vpid: the pid namespace of g_kernel_current_task; the root namespace,
 * i.e. global pids, outside a task's thread). NULL when the number names
 * nothing visible there. Needs k->mu.
 */
struct thread_group *kernel_find_tg_locked(struct kernel *k, int pid);
struct task *kernel_find_task_locked(struct kernel *k, int tid);

/* The same with a global pid (the root namespace's numbers: tg->pid, t->tid). Needs k->mu. */
struct thread_group *kernel_find_tg_global_locked(struct kernel *k, int pid);
struct task *kernel_find_task_global_locked(struct kernel *k, int tid);

/* ---- a container's pids limit (pids.c) ---- */

/*
 * Linux's pids cgroup as the sentry enforces it for one container: clone
 * fails with EAGAIN when the container's tasks (threads count), its zombie
 * processes and the clones under way would exceed `max`. A process
 * inherits its creator's; a container's init and exec'd processes get the
 * container's. Everything is protected by k->mu.
 */
struct kernel_pids {
    int refs;      /* the container and its thread groups */
    int64_t max;   /* <= 0: no limit */
    int64_t extra; /* clones past the check and not yet linked */
};

/* A new accounting with limit `max` (<= 0: none), one reference. NULL on ENOMEM. */
struct kernel_pids *kernel_pids_new(int64_t max);
/* Takes / drops a reference (NULL is fine); the last one frees it. Need k->mu. */
struct kernel_pids *get_kernel_pids_locked(struct kernel_pids *p);
void put_kernel_pids_locked(struct kernel_pids *p);
/* What pids.current would say: its live tasks, zombie processes and clones under way. */
int64_t kernel_pids_current_locked(struct kernel *k, const struct kernel_pids *p);
/*
 * Before a clone's host work: counts one more task against `p` (NULL: no
 * limit, nothing counted) or returns -EAGAIN when that would pass its
 * limit. The caller ends the charge with kernel_pids_uncharge_locked once
 * the new task is linked (it counts itself from then on) or the clone failed.
 */
long kernel_pids_charge_locked(struct kernel *k, struct kernel_pids *p);
void kernel_pids_uncharge_locked(struct kernel_pids *p);

/* ---- pid namespaces (kernel.c) ---- */

/* One pid namespace's number of a global pid. */
struct pid_ns_entry {
    int global, nr;
};

/*
 * A pid namespace (Linux's struct pid_namespace). Every task has a global
 * pid, its number in the root namespace (t->tid, tg->pid, and the pgid and
 * sid numbers are global); a task of a child namespace also has a number
 * there (1 for its init). Only children of the root exist (containers with
 * a pid namespace of their own; the app cannot make one: no CLONE_NEWPID).
 * A process sees the processes of its namespace and of its descendants.
 * Everything is protected by k->mu.
 */
struct pid_ns {
    struct kernel *k;      /* Not owned. */
    struct pid_ns *parent; /* NULL for the root; Immutable */
    int refs;              /* thread groups and containers that use it */
    int next_nr;
    struct thread_group *reaper; /* its init (pid 1) once started; Not owned */
    bool dead;                   /* its init died: no new process in it (fork: ENOMEM) */
    /* global <-> number, for a child namespace (the root's numbers are the global ones). An
     * entry stays while its global pid is in use (a task, tgid, pgid or sid), and is dropped
     * when the number or the global pid is handed out again. */
    struct pid_ns_entry *map;
    size_t n_map, cap_map;
    struct klist k_node;
};

/* Creates a child of the root namespace (one reference). NULL on ENOMEM. Needs k->mu. */
struct pid_ns *kernel_pidns_new_locked(struct kernel *k);
/* Takes / drops a reference; the last one frees a child namespace. Need k->mu. */
struct pid_ns *get_pid_ns_locked(struct pid_ns *ns);
void put_pid_ns_locked(struct pid_ns *ns);

/*
 * Hands out a global pid and a number in `ns` for a new task (the same
 * number in the root). Returns the global pid with *nr set, -EAGAIN when
 * none is left, -ENOMEM when the namespace's init died. Needs k->mu.
 */
int kernel_alloc_pid_ns_locked(struct kernel *k, struct pid_ns *ns, int *nr);

/*
 * The number of global pid `global` in `ns`: 0 when not visible there (or
 * global <= 0). In these three a NULL `ns` is the root (a task made without a
 * kernel's namespaces, as unit tests make them).
 */
int pid_ns_nr_locked(const struct pid_ns *ns, int global);
/* The global pid of number `nr` of `ns`: 0 when it names nothing (or nr <= 0). */
int pid_ns_global_locked(const struct pid_ns *ns, int nr);
/* Whether `tg` is visible in `ns` (it lives in it or in a descendant). */
bool pid_ns_sees_locked(const struct pid_ns *ns, const struct thread_group *tg);

/* `t`'s pid namespace (that of its process). */
static inline struct pid_ns *task_pidns(const struct task *t)
{
    return t->tg->pidns;
}

/*
 * Global pid `global` as the calling task sees it (Linux's pid_vnr; the root
 * namespace's number outside a task's thread): 0 when not visible. For file
 * operations (procfs) that get no task. Needs k->mu.
 */
int kernel_pid_vnr_locked(struct kernel *k, int global);

/* pid_vnr: global pid `global` as `t` sees it (0 when not visible). Needs k->mu. */
int task_pid_vnr_locked(const struct task *t, int global);
/* The global pid of number `nr` in `t`'s namespace (0 when none). Needs k->mu. */
int task_pid_from_vnr_locked(const struct task *t, int nr);

/*
 * Sleeps on t->wake with k->mu held until woken, the absolute CLOCK_MONOTONIC
 * `deadline` (NULL: none) passes, or `t` has an unblocked signal pending or
 * must leave. Returns 0 (woken: the caller rechecks its condition),
 * -ETIMEDOUT or -EINTR. Callers loop.
 */
long task_block_locked(struct task *t, const struct timespec *deadline);

/* Marks `t` (may be NULL) as sleeping in a blocking wait, or not, for /proc's state. */
static inline void task_set_sleeping(struct task *t, bool on)
{
    if (t != NULL)
        __atomic_store_n(&t->sleeping, on, __ATOMIC_RELAXED);
}

/* Wakes `t` from task_block_locked and interrupts its app code. Needs k->mu. */
void task_kick_locked(struct task *t);

/* True when `t` has an unblocked signal pending or must leave. Needs k->mu. */
bool task_interrupted_locked(const struct task *t);

/*
 * The same without the lock, for waits outside the process model (pipes,
 * sockets): when true, the wait should end with -ERESTARTSYS (not -EINTR),
 * so that SA_RESTART, job-control stops and ignored signals restart it.
 */
bool task_should_interrupt(const struct task *t);

/* Adds the current time of CLOCK_MONOTONIC to `rel` (relative -> absolute deadline). */
void kernel_deadline_from_now(const struct timespec *rel, struct timespec *abs);

/* CPU time of `t`'s host thread in ns (0 when unknown). */
uint64_t task_cpu_ns(struct task *t);

/* Fails with -EINTR-class codes: the futex calls. `addr` is an app address. */
long kernel_futex_wait(struct task *t, uint64_t addr, uint32_t val, uint32_t bitset, bool shared,
                       const struct timespec *deadline);
/* Wakes up to `n` waiters of the futex at `addr` matching `bitset`. Returns how many. */
long kernel_futex_wake(struct task *t, uint64_t addr, bool shared, int n, uint32_t bitset);
/*
 * FUTEX_REQUEUE / CMP_REQUEUE: wakes `nwake` waiters of `addr`, moves up to
 * `nrequeue` others to `addr2`. With `cmp`, fails with -EAGAIN unless the
 * word at `addr` equals `val`. Returns woken + requeued (Linux's count).
 */
long kernel_futex_requeue(struct task *t, uint64_t addr, uint64_t addr2, bool shared, int nwake,
                          int nrequeue, bool cmp, uint32_t val);
/* Wakes waiters of `addr` for FUTEX_WAKE_OP; `op_result` says whether `addr2`'s get `nwake2`. */
long kernel_futex_wake_op(struct task *t, uint64_t addr, uint64_t addr2, bool shared, int nwake,
                          int nwake2, bool op_result);
/*
 * FUTEX_WAKE_OP's operation (Linux's futex_atomic_op_inuser): FUTEX_OP_SET,
 * ADD, OR, ANDN or XOR (`op`, FUTEX_OP_OPARG_SHIFT already applied) with
 * `oparg` on the word at `addr`, one atomic update against app code; *old
 * gets the previous value. Returns 0, -EFAULT or -ENOSYS (unknown op).
 */
long kernel_futex_atomic_op(struct task *t, uint64_t addr, int op, uint32_t oparg, uint32_t *old);

/*
 * PI futexes (futex.c). The word holds the owner's tid, FUTEX_WAITERS and
 * FUTEX_OWNER_DIED; ownership passes to the first waiter on unlock and on
 * the owner's death (then with FUTEX_OWNER_DIED). Every update of the word
 * is an atomic compare-and-exchange run by the calling app thread
 * (platform ctx_cmpxchg32), so user-space fast paths never lose one.
 * kernel_futex_lock_pi: 0, -EDEADLK, -ESRCH (no such owner), -ETIMEDOUT
 * (absolute monotonic `deadline`), -EAGAIN (`trylock` on a held lock),
 * -ERESTARTNOINTR after a signal. kernel_futex_unlock_pi: 0 or -EPERM (not
 * the owner). kernel_futex_wait_requeue_pi waits on `addr` to be requeued
 * to the PI futex `addr2` and returns 0 owning it, -EAGAIN (woken by a plain
 * wake, or the value differed), -ETIMEDOUT or a restart code.
 * kernel_futex_cmp_requeue_pi gives `addr2` to the first waiter if free and
 * requeues up to `nrequeue` others; returns how many, -EAGAIN (cmp) or
 * -EINVAL (a waiter not waiting with WAIT_REQUEUE_PI for `addr2`).
 */
long kernel_futex_lock_pi(struct task *t, uint64_t addr, bool shared,
                          const struct timespec *deadline, bool trylock);
long kernel_futex_unlock_pi(struct task *t, uint64_t addr, bool shared);
long kernel_futex_wait_requeue_pi(struct task *t, uint64_t addr, uint32_t val, uint64_t addr2,
                                  bool shared, const struct timespec *deadline);
long kernel_futex_cmp_requeue_pi(struct task *t, uint64_t addr, uint64_t addr2, bool shared,
                                 int nrequeue, uint32_t val);

/* struct futex_waitv of futex_waitv(2). */
struct kernel_futex_waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags; /* FUTEX2_SIZE_U32 | FUTEX2_PRIVATE */
    uint32_t reserved;
};
#define KERNEL_FUTEX2_SIZE_U32 0x02
#define KERNEL_FUTEX2_PRIVATE  128

/*
 * futex_waitv: waits until one of the `n` futexes (validated, sentry memory)
 * is woken; returns its index, -EAGAIN (a word differed), -ETIMEDOUT
 * (absolute monotonic `deadline`) or -ERESTARTSYS.
 */
long kernel_futex_waitv(struct task *t, const struct kernel_futex_waitv *v, int n,
                        const struct timespec *deadline);

/* Arms ITIMER_REAL of `t`'s process (`value`, `interval` in ns; 0 value disarms) and returns
 * the old setting. alarm(2) and setitimer(2). */
void kernel_itimer_real(struct task *t, uint64_t value, uint64_t interval, uint64_t *old_value,
                        uint64_t *old_interval);

/*
 * setitimer(2) / getitimer(2) for ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF
 * of `t`'s process (values in ns; a 0 value disarms, the interval is kept as
 * Linux does). The CPU-time timers count the process's CPU time (user and
 * system together: the stubs' clocks do not split them). kernel_itimer_set
 * returns the old setting. Both return 0 or -EINVAL (bad `which`) / -ENOMEM.
 */
long kernel_itimer_set(struct task *t, int which, uint64_t value, uint64_t interval,
                       uint64_t *old_value, uint64_t *old_interval);
long kernel_itimer_get(struct task *t, int which, uint64_t *value, uint64_t *interval);

/* The kernel's struct sigevent (64 bytes): sigev_value, signo, notify, the SIGEV_THREAD_ID tid. */
struct kernel_sigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid;
    int32_t pad[11];
};

/*
 * POSIX timers of `t`'s process (timer_create(2) and friends; timer.c).
 * `clock` is the app's clock id (REALTIME, MONOTONIC, BOOTTIME, the CPU-time
 * clocks and clock_getcpuclockid ids of the process or its threads); `ev` NULL
 * means SIGEV_SIGNAL with SIGALRM and the timer id as value. Times are ns.
 * All return 0 (or the overrun count) or -Exxx as Linux: -EINVAL for an
 * unknown id or a bad clock / sigevent, -EAGAIN when the process has too many.
 */
long kernel_timer_create(struct task *t, clockid_t clock, const struct kernel_sigevent *ev,
                         int *id);
long kernel_timer_settime(struct task *t, int id, bool abstime, uint64_t value, uint64_t interval,
                          uint64_t *old_value, uint64_t *old_interval);
long kernel_timer_gettime(struct task *t, int id, uint64_t *value, uint64_t *interval);
long kernel_timer_getoverrun(struct task *t, int id);
long kernel_timer_delete(struct task *t, int id);

/* Deletes every POSIX timer of `tg` (execve; the process's end). Needs k->mu. */
void kernel_posix_timers_release_locked(struct thread_group *tg);

/* The CPU time (ns) of `tg`: its live tasks' and the ones that left. Needs k->mu. */
uint64_t thread_group_cpu_ns_locked(struct thread_group *tg);

/* Gives a new task `child` the scheduling attributes of `parent` (SCHED_RESET_ON_FORK applied). */
void task_sched_fork(struct task *child, const struct task *parent);

/*
 * mlock(2) bookkeeping of `t`'s process (sched.c): nothing is pinned (the
 * host pages the stubs' memory), but what is locked is counted against
 * RLIMIT_MEMLOCK as Linux counts it. `start`/`end` are page aligned.
 * kernel_mlock locks (`lock`) or unlocks [start, end): -ENOMEM when part of
 * it is not mapped or the limit would be passed without CAP_IPC_LOCK,
 * -EPERM when the limit is 0 without CAP_IPC_LOCK. kernel_mlockall takes
 * mlockall's flags (already validated); kernel_munlockall drops everything.
 * Locks do not survive munmap in Linux; here they are only dropped by
 * munlock, munlockall, execve's new image and the process's end.
 */
long kernel_mlock(struct task *t, uint64_t start, uint64_t end, bool lock);
long kernel_mlockall(struct task *t, int flags);
void kernel_munlockall(struct task *t);
/* Bytes locked by `t`'s process (VmLck). */
uint64_t kernel_mlocked_bytes(struct task *t);

/* Handles a host signal reported for `t` (a fault or an asynchronous signal). */
void task_handle_host_signal(struct task *t, const struct platform_event *ev);

/*
 * Makes `info->si_signo` pending for `t` (a standard signal already pending
 * is not queued twice; real-time ones queue). Delivery happens before `t`
 * next runs; `t` is woken or interrupted. Takes k->mu; the _locked forms
 * need it. SIGCONT and stop signals act on job control when sent.
 */
void task_send_signal(struct task *t, const siginfo_t *info);
void task_send_signal_locked(struct task *t, const siginfo_t *info);

/* Like task_send_signal, directed at a whole process (kill(2)): one of its
 * tasks that does not block the signal is woken to take it. */
void task_send_group_signal(struct task *t, const siginfo_t *info);
void thread_group_send_signal_locked(struct thread_group *tg, const siginfo_t *info);

/*
 * Dequeues the lowest pending signal of `t` in `set` (thread-directed first),
 * copying its info to `info`. Returns the signal or 0. Needs k->mu.
 */
int task_dequeue_signal_locked(struct task *t, uint64_t set, siginfo_t *info);

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

/*
 * Sets the blocked mask of `t` (SIGKILL and SIGSTOP are dropped) and lets a
 * newly unblocked process-directed signal find a taker. Takes k->mu.
 */
void task_set_sigmask(struct task *t, uint64_t mask);

/*
 * The task the calling sentry thread serves (every task runs on a sentry
 * thread of its own), or NULL outside a task's thread. For file ops that
 * get no task (procfs's /proc/self, /dev/tty). Not a reference.
 */
extern __thread struct task *g_kernel_current_task;

/* Returns the RLIMIT_NOFILE soft limit of `t`'s process. */
unsigned long task_nofile_limit(const struct task *t);

/* ---- credentials (cred.c) ---- */

/* Fills `c` with the sandbox's root: ids 0, no groups, every capability but inheritable/ambient. */
void kernel_cred_init_root(struct kernel_cred *c);

/* Copies `n` (<= KERNEL_NGROUPS_MAX) supplementary groups into `c`, sorted. */
void kernel_cred_set_groups(struct kernel_cred *c, const uint32_t *groups, size_t n);

/* Whether `c` has capability `cap` in its effective set. */
bool kernel_cred_capable(const struct kernel_cred *c, int cap);

/* Whether `t` has capability `cap` in its effective set (t's own view: call from t's thread). */
bool task_capable(const struct task *t, int cap);

/*
 * The credential change of a successful execve: saved and fs ids follow the
 * effective ones; root (uid or euid 0, unless SECBIT_NOROOT) gets permitted =
 * inheritable | bounding (and effective = permitted when euid is 0); others
 * keep only their ambient set. Set-user-ID and set-group-ID bits and file
 * capabilities are ignored (as on a nosuid mount). SECBIT_KEEP_CAPS is
 * cleared. Takes k->mu.
 */
void kernel_task_cred_exec(struct task *t);

/*
 * Whether `sender` may send signal `sig` to `target` (Linux's
 * kill_ok_by_cred + the SIGCONT-in-session rule): a matching real or
 * effective uid with the target's real or saved uid, or CAP_KILL. Needs k->mu.
 */
bool kernel_may_signal_locked(const struct task *sender, const struct task *target, int sig);
/* The same for a process (kill(2)): checked against its leader, or any live task of it. */
bool kernel_may_signal_tg_locked(const struct task *sender, const struct thread_group *tg, int sig);

/* What an OCI process asks for (process.user, process.capabilities, noNewPrivileges). */
struct kernel_creds_spec {
    uint32_t uid, gid;
    const uint32_t *groups; /* additionalGids; borrowed for the call */
    size_t ngroups;
    /* Capability sets as masks (bit n: capability n); bounding limits the others' future. */
    uint64_t bounding, effective, inheritable, permitted, ambient;
    bool no_new_privs;
};

/*
 * Gives a task that has not run yet (a container's init or an exec'd
 * process) the credentials `s` describes: all four uids = s->uid, all gids =
 * s->gid, the groups, and the capability sets as given (ambient is kept to
 * permitted & inheritable as Linux requires). Returns 0 or -EINVAL (too many
 * groups). Takes k->mu.
 */
long kernel_task_set_creds(struct task *t, const struct kernel_creds_spec *s);
