/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations of the ptrace platform backend (stub creation and the ops table). */
#pragma once

#include <linux/filter.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/user.h>

#include "sentry/platform/platform.h"

/* Ranges the stub unmaps at start-up: everything but its own code page, the vDSO and vvar. */
#define PTRACE_STUB_MAX_GAPS (PLATFORM_MAX_RANGES + 2)

/* The layout of the stub's data page, read by the stub code (see stub.c). */
struct ptrace_stub_data {
    uint64_t nr_gaps;
    struct {
        uint64_t addr;
        uint64_t len;
    } gaps[PTRACE_STUB_MAX_GAPS];
};

struct platform {
    struct platform_opts opts;
    /* The stub code page (RX) and data page (RW), mapped in the sentry and inherited by stubs. */
    uintptr_t code_page;
    uintptr_t data_page;
    /* Address of the `syscall; int3` sequence used for injected syscalls. Immutable. */
    uintptr_t syscall_ip;
    /*
     * Address of the injected clone: the parent traps on an int3 after it,
     * the child waits in a pause(2) loop until a sentry thread seizes it.
     * Immutable.
     */
    uintptr_t clone_ip;
    /* vCPUs new contexts are pinned to, round robin. `next_cpu` is atomic. */
    int cpus[256];
    int nr_cpus;
    unsigned int next_cpu;
    /* The filter every stub installs: kill any syscall not issued from the code page. */
    struct sock_filter filter[16];
    unsigned short filter_len;
    /* Reserved ranges and vDSO shared by every stub (inherited from the sentry). Immutable. */
    struct platform_as_info info;
    /*
     * The sentry's unbound datagram socket that sends host fds (SCM_RIGHTS)
     * to the stubs' sockets for as_mmap_fd; created before boot's seccomp
     * filter, which forbids socket(2). Immutable; -1 when unavailable.
     */
    int fd_sock;
    /* Names the stubs' sockets uniquely (atomic). */
    uint64_t next_sock_id;
};

struct platform_ctx {
    struct platform_as *as; /* Not owned. */
    pid_t tid;              /* host thread id of the traced app thread; Immutable */
    pid_t tgid;             /* host process of `tid` (whose fd table it uses); Immutable */
    /* Traced by its thread (as_new or ctx_attach done): interrupts may be sent. */
    bool attached;
    /* The registers the host thread holds right now, when `host_valid`. */
    struct user_regs_struct host;
    bool host_valid;
    bool dead;
    bool reaped; /* waited for until ECHILD: the tid may be reused */
    /* A host signal that arrived during an injected syscall, reported by the next switch. */
    bool has_pending;
    struct platform_event pending;
    /* The app thread's name, for the host thread (ctx_set_name; applied by ctx_switch). */
    struct platform_name name;
};

struct platform_as {
    struct platform *p; /* Not owned. */
    pid_t pid;          /* host pid of the stub process; Immutable */
    /*
     * The context injected syscalls and memory copies use when the calling
     * thread runs no context of this address space (the stub's first
     * thread). Not owned; NULL once released.
     */
    struct platform_ctx *main;
    /*
     * as_mmap_fd's receiving socket: fd `sock_fd` of host process
     * `sock_tgid`, bound to the abstract address `sock_addr`. A fork child
     * or vfork child inherits the number but must make its own socket (the
     * tgid differs). Protected by the mm's lock (every mmap is under it).
     */
    int sock_fd;
    pid_t sock_tgid;
    struct sockaddr_un sock_addr;
    socklen_t sock_addr_len;
    uint64_t seq; /* the last fd message sent to `sock_fd` */
    /*
     * A command line waiting for the host (as_set_cmdline): a struct
     * ptrace_cmdline, owned; exchanged atomically, so whoever takes it owns it.
     */
    struct ptrace_cmdline *cmd_pending;
};

/* A command line for the stub's /proc/PID/cmdline (as_set_cmdline). */
struct ptrace_cmdline {
    size_t len;
    char buf[];
};

/*
 * The last bytes of the stub's code page (no code there): where a thread's
 * new name is written (PTRACE_POKEDATA, so that stub gets its own copy of
 * the page) for an injected prctl(PR_SET_NAME) when the app's stack cannot
 * take it (see ptrace.c's apply_name).
 */
#define PTRACE_STUB_NAME_SIZE 16

/*
 * as_set_cmdline: the data page's address (unmapped by the stub at start-up,
 * reserved for the platform like the code page) gets a private anonymous
 * page holding the app's argv (Linux reads a command line only from
 * anonymous memory) and, at its end, the prctl(PR_SET_MM_MAP) argument.
 */
#define PTRACE_STUB_CMDLINE_PAGE(p) ((p)->data_page)

/* The host signal ctx_interrupt sends (nothing else uses SIGSTKFLT). */
#define PTRACE_INTERRUPT_SIGNAL SIGSTKFLT

/*
 * Prepares the stub pages and the seccomp filter in the sentry. Host tier.
 * Called once from init.
 */
int ptrace_stub_prepare(struct platform *p, rt_error_t *err);

/*
 * Creates a new stub process traced by the calling thread, stopped at its
 * injection point with an empty address space. Returns its pid. Host tier.
 */
pid_t ptrace_stub_spawn(struct platform *p, rt_error_t *err);

/* The ptrace options every traced stub thread has. */
#define PTRACE_STUB_OPTIONS (PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD)

/*
 * Runs syscall `nr` inside the stub of `as` from the calling thread (see
 * ptrace.c's inject_at). Returns the host result or -errno.
 */
long ptrace_inject(struct platform_as *as, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5);

/* The host process whose fd table ptrace_inject's syscalls use, or -1. */
pid_t ptrace_inject_tgid(struct platform_as *as);

/* Copy between the sentry and the stub of `as`: bytes copied or -EFAULT (as_read/as_write). */
long ptrace_mem_read(struct platform_as *as, void *dst, uintptr_t src, size_t len);
long ptrace_mem_write(struct platform_as *as, uintptr_t dst, const void *src, size_t len);

/* Creates p->fd_sock (or leaves it -1: as_mmap_fd then fails with ENODEV). Called from init. */
void ptrace_fdmap_init(struct platform *p);

/* The as_mmap_fd op (fdmap.c). */
long ptrace_as_mmap_fd(struct platform_as *as, uintptr_t addr, size_t len, int prot, int flags,
                       int host_fd, off_t off);
