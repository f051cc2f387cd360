/* SPDX-License-Identifier: Apache-2.0 */
/* The platform: how app code runs and traps to the sentry. One ops table, several backends. */
#pragma once

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/common.h"
#include "sentry/arch/arch.h"

/*
 * Three objects, all owned by the sentry kernel:
 *  - struct platform: one backend instance per sentry.
 *  - struct platform_as: one app address space (for ptrace: one host "stub"
 *    process whose private memory is the app's memory).
 *  - struct platform_ctx: one app thread's execution context (for ptrace: one
 *    traced host thread of the stub).
 *
 * Threading: every call on a context must come from the host thread that
 * runs it (ptrace: its tracer): the one that created it (as_new) or attached
 * it (ctx_attach). Address-space ops (mmap family, as_read/as_write) may come
 * from any thread running a context of that address space, or from the thread
 * that created it; ctx_interrupt may come from any thread.
 *
 * Tiers: creation functions are host tier (rt_error_t). Everything the kernel
 * calls on behalf of an app syscall is sentry tier and returns -Exxx exactly
 * as Linux would for the same request; host failures are converted here.
 */
struct platform;
struct platform_as;
struct platform_ctx;

/* Options for platform_ops.init. */
struct platform_opts {
    /*
     * Keep each app thread and the sentry thread serving it on one vCPU: a
     * cross-vCPU wake-up costs ~30 us on our VMs against ~3.6 us for a
     * same-core ptrace round trip (reference/platform-bench.md).
     */
    bool pin_cpu;
};

/* A range of the address space the platform itself occupies (stub code, vDSO, vvar). */
struct platform_range {
    uintptr_t start;
    uintptr_t end;
    const char *name; /* Immutable, static storage. */
};

#define PLATFORM_MAX_RANGES 8

/* What an address space looks like before the app maps anything. Immutable. */
struct platform_as_info {
    /* Ranges the app must never map over or unmap. */
    struct platform_range reserved[PLATFORM_MAX_RANGES];
    size_t nr_reserved;
    /* The host vDSO mapped in the stub (0 if none): passed to the app as AT_SYSINFO_EHDR. */
    uintptr_t vdso_base;
};

enum platform_event_kind {
    /* The app executed a syscall instruction; registers hold its number and arguments. */
    PLATFORM_EVENT_SYSCALL = 1,
    /*
     * A host signal reached the app thread (a fault such as SIGSEGV from its
     * own code, or an asynchronous signal such as SIGINT from the terminal).
     * The host signal was swallowed; the kernel decides what the app sees.
     */
    PLATFORM_EVENT_SIGNAL,
    /* The host thread is gone (killed from outside); the context is dead. */
    PLATFORM_EVENT_DEAD,
    /*
     * ctx_interrupt stopped the app thread (or an interrupt sent while the
     * sentry served it arrived late). Nothing happened to the app; the kernel
     * looks at its signals and job control and switches again.
     */
    PLATFORM_EVENT_INTERRUPT,
};

/* What ctx_clone creates. */
enum platform_clone_kind {
    /* A new address space, a copy-on-write copy of the old one (fork). */
    PLATFORM_CLONE_PROCESS = 1,
    /* A new thread in the same address space and host process (pthread_create). */
    PLATFORM_CLONE_THREAD,
    /* A new host process sharing the address space (vfork, CLONE_VM without CLONE_THREAD). */
    PLATFORM_CLONE_VM,
};

struct platform_event {
    enum platform_event_kind kind;
    int signo;      /* PLATFORM_EVENT_SIGNAL, or the killing signal for DEAD */
    siginfo_t info; /* PLATFORM_EVENT_SIGNAL */
};

struct platform_ops {
    const char *name;

    /* Creates the backend. Host tier. */
    int (*init)(const struct platform_opts *opts, struct platform **out, rt_error_t *err);
    /* Destroys the backend; every address space must be released first. */
    void (*fini)(struct platform *p);

    /*
     * Creates an empty address space (only the platform's reserved ranges are
     * mapped) together with its first context, stopped. Host tier. The caller
     * owns both and releases the context first.
     */
    int (*as_new)(struct platform *p, struct platform_as **out_as, struct platform_ctx **out_ctx,
                  rt_error_t *err);
    /*
     * Kills what is left of the address space's host process and frees it.
     * Its contexts are released first (by their own threads).
     */
    void (*as_release)(struct platform_as *as);
    /* Returns the reserved ranges and the vDSO of `as`. Borrowed, lives as long as `as`. */
    const struct platform_as_info *(*as_info)(struct platform_as *as);

    /*
     * The mmap family, applied to the host mapping of `as`. The kernel's mm
     * layer has already validated the request and chosen the address, so
     * these always carry MAP_FIXED semantics and fd is -1 (anonymous) for now.
     * Return 0 (mmap: the address) or -Exxx.
     */
    long (*as_mmap)(struct platform_as *as, uintptr_t addr, size_t len, int prot, int flags);
    /*
     * Maps `len` bytes of host file `host_fd` (borrowed: the host mapping
     * keeps its own reference) from offset `off` at `addr`, MAP_FIXED, with
     * `flags` MAP_SHARED or MAP_PRIVATE: the app then shares the file's pages
     * (writes reach the file, SIGBUS past EOF). Optional: NULL when the
     * backend cannot map sentry fds, and callers then copy the bytes in.
     * Returns 0 or -Exxx (EACCES when the host fd's mode forbids `prot`).
     */
    long (*as_mmap_fd)(struct platform_as *as, uintptr_t addr, size_t len, int prot, int flags,
                       int host_fd, off_t off);
    long (*as_munmap)(struct platform_as *as, uintptr_t addr, size_t len);
    long (*as_mprotect)(struct platform_as *as, uintptr_t addr, size_t len, int prot);
    /* Moves or resizes [old, old+old_len) to [new_addr, new_addr+new_len). */
    long (*as_mremap)(struct platform_as *as, uintptr_t old, size_t old_len, size_t new_len,
                      uintptr_t new_addr);
    long (*as_madvise)(struct platform_as *as, uintptr_t addr, size_t len, int advice);

    /*
     * Copies between sentry memory and app memory without ever dereferencing
     * an app pointer. Like Linux's copy_{from,to}_user, a copy stops at the
     * first page that is unmapped or lacks the needed protection (read for
     * as_read, write for as_write). Return the number of bytes copied (may be
     * short), or -EFAULT when not even the first byte could be copied.
     */
    long (*as_read)(struct platform_as *as, void *dst, uintptr_t src, size_t len);
    long (*as_write)(struct platform_as *as, uintptr_t dst, const void *src, size_t len);

    /*
     * Frees a context. A host thread that still runs is made to exit (that
     * thread only) and is reaped; for a thread group leader whose other
     * threads live, that waits until they are gone. Called on the context's
     * thread, or on any thread once the context is dead.
     */
    void (*ctx_release)(struct platform_ctx *ctx);
    /*
     * Creates a new app thread from the stopped context `ctx` (called on its
     * thread): see enum platform_clone_kind. For PLATFORM_CLONE_PROCESS
     * `*out_as` receives the new address space (owned by the caller, released
     * after its contexts); otherwise the new context shares ctx's address
     * space and `out_as` is untouched. The new context has the registers of
     * nothing in particular: the kernel sets them before its first switch,
     * which must come from the thread that calls ctx_attach on it. Returns 0
     * or -Exxx (EAGAIN, ENOMEM as clone(2) would).
     */
    long (*ctx_clone)(struct platform_ctx *ctx, enum platform_clone_kind kind,
                      struct platform_as **out_as, struct platform_ctx **out_ctx);
    /*
     * Makes the calling host thread the one that runs `ctx` (a context from
     * ctx_clone). Pins both to one vCPU when the platform pins. Returns 0 or
     * -Exxx; on failure the context is dead and ctx_release frees it.
     */
    long (*ctx_attach)(struct platform_ctx *ctx);
    /*
     * Makes `ctx`, if it runs app code, trap back with PLATFORM_EVENT_INTERRUPT
     * soon. Callable from any thread at any time between ctx_attach (or
     * as_new) and ctx_release; the caller keeps `ctx` alive meanwhile (the
     * kernel calls it under its lock). A spare interrupt is harmless.
     */
    void (*ctx_interrupt)(struct platform_ctx *ctx);
    /*
     * The extended FPU state (XSAVE layout, as PTRACE_GETREGSET NT_X86_XSTATE
     * gives it) of a stopped context, for signal frames. get: copies at most
     * `size` bytes and returns the state's size (may exceed `size`) or -Exxx;
     * set: returns 0 or -Exxx (EINVAL for a malformed state).
     */
    long (*ctx_get_fpstate)(struct platform_ctx *ctx, void *buf, size_t size);
    long (*ctx_set_fpstate)(struct platform_ctx *ctx, const void *buf, size_t size);
    /* CPU time consumed by the context's host thread, in ns, or -Exxx. */
    long (*ctx_cpu_time)(struct platform_ctx *ctx, uint64_t *ns);
    /*
     * The host process (thread group) running `ctx`: the stub's pid as the
     * sentry's pid namespace numbers it, or 0 once the context is dead.
     * Callable from any thread while `ctx` lives. For `ps` (a host tool
     * translates it to the host's pid namespace).
     */
    pid_t (*ctx_host_pid)(struct platform_ctx *ctx);
    /*
     * Names the host thread running `ctx` after its app thread: `name` is the
     * app's comm (copied; cut to 15 bytes), so host tools (ps -o comm, top,
     * docker top) show the app's names rather than the stub's. Callable from
     * any thread while `ctx` lives; the host name changes before the context
     * next runs app code. Best effort: a host failure leaves the old name.
     * Optional (NULL); callers use platform_ctx_set_name.
     */
    void (*ctx_set_name)(struct platform_ctx *ctx, const char *name);
    /*
     * Makes `args` (`len` bytes: the app's argv, NUL-terminated strings, at
     * most PLATFORM_CMDLINE_MAX; copied) the command line of the host
     * process(es) of `as` (/proc/PID/cmdline: the host's ps -ef, docker top's
     * CMD). A fork's address space keeps its parent's. Callable from any
     * thread; applied before a context of `as` next runs app code. Best
     * effort. Optional (NULL); callers use platform_as_set_argv.
     */
    void (*as_set_cmdline)(struct platform_as *as, const char *args, size_t len);
    /* Reads the current registers of a stopped context (used once, to seed a new task). */
    long (*ctx_get_regs)(struct platform_ctx *ctx, struct arch_regs *regs);
    /*
     * Runs the app thread with registers `regs` until it traps, then stores its
     * registers back into `regs` and describes the trap in `*ev`. Returns 0,
     * or -Exxx when the host failed in a way that makes the context unusable.
     */
    long (*ctx_switch)(struct platform_ctx *ctx, struct arch_regs *regs, struct platform_event *ev);
    /*
     * Linux's futex_atomic_cmpxchg_inatomic: one locked compare-and-exchange
     * of the 32-bit app word at `addr` (4-byte aligned), atomic against app
     * code on every CPU: if it holds `old` it becomes `new`. The stopped app
     * thread of `ctx` runs the instruction from the platform's code page with
     * its registers saved and restored (nothing of the app's state changes).
     * Stores the word's previous value in *cur and returns 0, or -EFAULT when
     * the page is unmapped or not writable (like x86, a read-only page faults
     * even when the values differ), or -ESRCH when the context cannot run
     * (dead; callers may fall back to as_read/as_write). Called on the
     * context's thread between switches. Costs about one ctx_switch.
     * Optional (NULL).
     */
    long (*ctx_cmpxchg32)(struct platform_ctx *ctx, uintptr_t addr, uint32_t old, uint32_t new_val,
                          uint32_t *cur);
};

/*
 * Calls ops->ctx_set_name when the backend has it and `ctx` is not NULL: the
 * kernel's hook wherever an app thread's comm changes (execve, prctl
 * PR_SET_NAME, a new process).
 */
static inline void platform_ctx_set_name(const struct platform_ops *ops, struct platform_ctx *ctx,
                                         const char *name)
{
    if (ops->ctx_set_name != NULL && ctx != NULL)
        ops->ctx_set_name(ctx, name);
}

/* The longest command line as_set_cmdline keeps (longer ones are cut). */
#define PLATFORM_CMDLINE_MAX 2048

/*
 * Calls ops->as_set_cmdline with `argv` (a NULL-terminated vector) joined as
 * /proc/PID/cmdline shows it, cut to PLATFORM_CMDLINE_MAX bytes. Does nothing
 * when the backend lacks the op or `as` is NULL: the kernel's hook after an
 * execve loaded its image.
 */
void platform_as_set_argv(const struct platform_ops *ops, struct platform_as *as,
                          char *const argv[]);

/*
 * Finds the command line `args` (`len` bytes, as platform_as_set_argv builds
 * it) where a new image's initial stack keeps it: `sp` (the entry's stack
 * pointer) points at argc, argv[0] follows, and the loader packs the strings
 * as Linux does. Reads the memory of host thread `tid` (process_vm_readv).
 * Returns argv[0]'s address when argc and the bytes there match, else 0
 * (a signal frame on the stack, the app changed them, a cut command line).
 */
uintptr_t platform_find_argv(pid_t tid, uintptr_t sp, const char *args, size_t len);

/* A host thread name waiting to be applied by its context's thread (ctx_set_name). */
struct platform_name {
    char name[16]; /* Protected by a lock in platform.c */
    bool pending;  /* Atomic */
};

/* Records `name` (cut to 15 bytes) as pending. Callable from any thread. */
void platform_name_set(struct platform_name *n, const char *name);
/*
 * Takes the pending name into `out` (NUL-terminated) and returns true, or
 * returns false when none is pending (one atomic load).
 */
bool platform_name_take(struct platform_name *n, char out[16]);

/* Returns the backend called `name` ("ptrace"), or NULL. */
const struct platform_ops *platform_lookup(const char *name);

/*
 * Appends the sentry's own vDSO and vvar mappings (from /proc/self/maps; stubs
 * inherit them at the same addresses) to `ranges`, which holds `*n` entries
 * and may grow to `max`, and sets `*vdso_base` to the vDSO's start. Host
 * tier: returns 0 or < 0 with *err.
 */
/*
 * The first steps of a stub factory process (ptrace/factory.c,
 * systrap/factory.c), forked before the sandbox's seccomp filter: it dies
 * with its parent `parent`, is named `name`, ignores SIGCHLD (the host reaps
 * its stubs) and SIGPIPE, is not dumpable (the sentry may trace stubs, never
 * the factory), installs a filter that forbids exec, ptrace and
 * process_vm_* (inherited by every stub), and keeps only `sock` and stderr
 * open. Runs in the forked child; exits it with status 1 on failure.
 *
 * `deny` is the seccomp action of those calls. Stacked filters all run and
 * the strictest action wins, so a stub whose own filter traps app syscalls
 * (systrap) needs SECCOMP_RET_TRAP here: with SECCOMP_RET_KILL_PROCESS an
 * app's execve would kill its stub instead of reaching the sentry. In the
 * factory, which has no SIGSYS handler, a trap kills all the same. ptrace
 * stubs never run an app syscall on the host (PTRACE_SYSEMU stops before
 * seccomp), so their factory kills (SECCOMP_RET_KILL_PROCESS).
 */
void platform_factory_enter(int sock, pid_t parent, const char *name, uint32_t deny);

int platform_find_vdso(struct platform_range *ranges, size_t *n, size_t max, uintptr_t *vdso_base,
                       rt_error_t *err);

/* The ptrace backend (sentry/platform/ptrace/). */
extern const struct platform_ops g_platform_ptrace_ops;
