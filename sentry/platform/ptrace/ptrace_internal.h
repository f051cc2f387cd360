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
    /* The filter every stub installs: kill any syscall not issued from the code page. */
    struct sock_filter filter[16];
    unsigned short filter_len;
    /* Reserved ranges and vDSO shared by every stub (inherited from the sentry). Immutable. */
    struct platform_as_info info;
};

struct platform_ctx {
    struct platform_as *as; /* Not owned. */
    pid_t tid;              /* host thread id of the traced app thread */
    /* The registers the host thread holds right now, when `host_valid`. */
    struct user_regs_struct host;
    bool host_valid;
    bool dead;
    /* A host signal that arrived during an injected syscall, reported by the next switch. */
    bool has_pending;
    struct platform_event pending;
};

struct platform_as {
    struct platform *p; /* Not owned. */
    pid_t pid;          /* host pid of the stub process */
    /* The context used for injected syscalls (the stub's first thread). Not owned. */
    struct platform_ctx *main;
};

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
