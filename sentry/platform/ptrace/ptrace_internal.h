/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations of the ptrace platform backend (stub creation and the ops table). */
#pragma once

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>
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
};

struct platform_ctx {
    struct platform_as *as; /* Not owned. */
    pid_t tid;              /* host thread id of the traced app thread; Immutable */
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
};

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
