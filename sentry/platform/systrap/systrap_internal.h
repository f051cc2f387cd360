/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations of the systrap platform backend: the stub's memory layout and the ops. */
#pragma once

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

#include "sentry/platform/platform.h"

/*
 * Each address space is one host "stub" process. Its only memory at start is
 * the shared code page of the platform (handler and start-up code), the vDSO
 * and vvar, and a region of SYSTRAP_NR_SLOTS slots of SYSTRAP_SLOT_SIZE bytes
 * mapped MAP_SHARED in both the sentry and the stub at the same address:
 *  - slot 0 is the header (the ranges the stub unmaps at start-up);
 *  - slot i >= 1 belongs to one app thread: a message page (struct
 *    systrap_msg) followed by the thread's signal stack. The handler finds its
 *    slot by rounding its stack pointer down to SYSTRAP_SLOT_SIZE, and the
 *    signal frame it runs on (registers, siginfo, XSAVE area) is directly
 *    readable and writable by the sentry.
 * The region is writable by app code: the sentry reads every value from it
 * once and validates every pointer against the slot before using it.
 */
#define SYSTRAP_SLOT_SIZE (64 * 1024UL)
#define SYSTRAP_NR_SLOTS  8
#define SYSTRAP_MAX_GAPS  (PLATFORM_MAX_RANGES + 2)

/* Values of systrap_msg.state, the futex word both sides wait on. */
enum systrap_state {
    SYSTRAP_RUNNING = 0,      /* app code runs (set by the stub right before rt_sigreturn) */
    SYSTRAP_EVENT = 1,        /* stub: a signal arrived, frame described in the message */
    SYSTRAP_RESUME = 2,       /* sentry: return to the app with the (edited) frame */
    SYSTRAP_SYSCALL = 3,      /* sentry: run msg.sysno(args) from the stub page */
    SYSTRAP_SYSCALL_DONE = 4, /* stub: msg.ret holds the result */
};

/* The message page at the start of a thread slot. Offsets are used by the stub asm. */
struct systrap_msg {
    uint32_t state;   /* 0: enum systrap_state */
    uint32_t pad;     /* 4 */
    uint64_t signo;   /* 8: stub -> sentry */
    uint64_t info;    /* 16: address of the siginfo in the frame */
    uint64_t uc;      /* 24: address of the ucontext in the frame */
    uint64_t sysno;   /* 32: sentry -> stub */
    uint64_t args[6]; /* 40..80 */
    uint64_t ret;     /* 88: stub -> sentry */
};

/* The header slot, read by the stub's start-up code. */
struct systrap_header {
    uint64_t nr_gaps;
    struct {
        uint64_t addr;
        uint64_t len;
    } gaps[SYSTRAP_MAX_GAPS];
};

struct platform {
    struct platform_opts opts;
    /* The stub code page (RX), mapped in the sentry and inherited by every stub. Immutable. */
    uintptr_t code_page;
    uintptr_t handler_ip; /* the SIGSYS/fault handler */
    uintptr_t start_ip;   /* the start-up code, entered with %rdi = header, %rsp = slot 1 top */
    /* The seccomp filter of every stub. Immutable. */
    struct sock_filter filter[24];
    unsigned short filter_len;
    /* vDSO, vvar and the code page: shared by all stubs. Immutable. */
    struct platform_range common[PLATFORM_MAX_RANGES];
    size_t nr_common;
    uintptr_t vdso_base;
};

struct platform_ctx {
    struct platform_as *as;  /* Not owned. */
    pid_t tid;               /* host thread id */
    struct systrap_msg *msg; /* the thread's slot (shared memory, app-writable) */
    /* Where the current frame lives (validated copies of msg->uc / msg->info), 0 if none. */
    uintptr_t uc;
    uintptr_t info;
    int signo;
    /* fs_base and gs_base the host thread has now. */
    uint64_t fs_base;
    uint64_t gs_base;
    /* Host segment selectors, reported in regs and never taken from the sentry. */
    uint64_t cs, ss;
    bool dead;
};

struct platform_as {
    struct platform *p; /* Not owned. */
    pid_t pid;          /* host pid of the stub process */
    uintptr_t region;   /* SYSTRAP_NR_SLOTS * SYSTRAP_SLOT_SIZE, shared with the stub */
    struct platform_as_info info;
    /* The context used for mm syscalls (the stub's first thread). Not owned. */
    struct platform_ctx *main;
};

/* Prepares the code page and the seccomp filter. Host tier. Called once from init. */
int systrap_stub_prepare(struct platform *p, rt_error_t *err);

/*
 * Maps a new slot region, creates a stub process on it and returns its pid.
 * The stub does not wait for anything: the caller waits for its first
 * SYSTRAP_EVENT in slot 1. Host tier.
 */
pid_t systrap_stub_spawn(struct platform *p, struct platform_as *as, rt_error_t *err);
