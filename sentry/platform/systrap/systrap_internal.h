/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations of the systrap platform backend: the stub's memory layout and the ops. */
#pragma once

#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sentry/platform/platform.h"

/*
 * Each address space is one host "stub" process (plus, for vfork-like
 * clones, further processes sharing its memory). Its only memory at start is
 * the shared code page of the platform (handler and start-up code), the vDSO
 * and vvar, and a region of SYSTRAP_NR_SLOTS slots of SYSTRAP_SLOT_SIZE bytes
 * mapped MAP_SHARED (a memfd) in both the sentry and the stub at the same
 * address. The region is sparse: a page of the memfd exists once one side
 * touches it, so an address space costs the pages of the slots its threads
 * use (an idle one: the header and slot 1), however many slots it could
 * hold; a slot's pages are returned when its thread is gone. Layout:
 *  - slot 0 is the header (the ranges the stub unmaps at start-up);
 *  - slot i >= 1 belongs to one app thread: a message page (struct
 *    systrap_msg) followed by the thread's signal stack. The handler finds its
 *    slot by rounding its stack pointer down to SYSTRAP_SLOT_SIZE, and the
 *    signal frame it runs on (registers, siginfo, XSAVE area) is directly
 *    readable and writable by the sentry.
 * Every region lies in one window the platform reserves at init
 * (SYSTRAP_NR_REGIONS regions); every address space reserves the whole
 * window, so a forked stub can map its own new region at the address the
 * sentry chose without meeting app memory there.
 * The region is writable by app code: the sentry reads every value from it
 * once and validates every pointer against the slot before using it.
 */
#define SYSTRAP_SLOT_SIZE (64 * 1024UL)
/* Threads per address space: slot 0 is the header, so one less. Linux has no such limit. */
#define SYSTRAP_NR_SLOTS    16384
#define SYSTRAP_REGION_SIZE (SYSTRAP_NR_SLOTS * SYSTRAP_SLOT_SIZE) /* 1 GiB */
/* Address spaces per sandbox: the window is SYSTRAP_NR_REGIONS GiB of reserved addresses. */
#define SYSTRAP_NR_REGIONS 256
#define SYSTRAP_MAX_GAPS   (PLATFORM_MAX_RANGES + 2)
/* The stub's end of its socket to the sentry (fds for a fork arrive there). */
#define SYSTRAP_SOCK_FD 0

/*
 * The host clone flags of the three kinds of ctx_clone (the filter allows
 * exactly these). Each child clears its slot's tidword when it exits.
 */
#define SYSTRAP_CLONE_PROCESS_FLAGS (SIGCHLD | CLONE_CHILD_CLEARTID)
#define SYSTRAP_CLONE_THREAD_FLAGS                                                      \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
     CLONE_CHILD_CLEARTID)
#define SYSTRAP_CLONE_VM_FLAGS (CLONE_VM | SIGCHLD | CLONE_CHILD_CLEARTID)

/* Values of systrap_msg.state, the futex word both sides wait on. */
enum systrap_state {
    SYSTRAP_RUNNING = 0,      /* app code runs (set by the stub right before rt_sigreturn) */
    SYSTRAP_EVENT = 1,        /* stub: a signal arrived, frame described in the message */
    SYSTRAP_RESUME = 2,       /* sentry: return to the app with the (edited) frame */
    SYSTRAP_SYSCALL = 3,      /* sentry: run msg.sysno(args) from the stub page */
    SYSTRAP_SYSCALL_DONE = 4, /* stub: msg.ret holds the result */
    /*
     * sentry: clone(args[0]) with the child's slot in args[1]; for a new
     * process also the old region (args[2]) to unmap, the new region (args[3])
     * to map from fd args[4] and the new socket, fd args[5] (the parent closes
     * its copies of both after the clone). Answered by
     * SYSCALL_DONE in the parent; the child parks at its first trap.
     */
    SYSTRAP_CLONE = 5,
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
    /* 96: the thread's clear_child_tid word: nonzero while it lives, 0 (+ wake) once gone. */
    uint32_t tidword;
    uint32_t pad2;
    stack_t ss;    /* 104: the new thread's signal stack (sigaltstack argument) */
    uint64_t mask; /* 128: the new thread's host mask until its first trap */
    /* 136: recvmsg of the fds of a fork (new region, new socket), and its control buffer. */
    struct msghdr mh;
    uint64_t control[8]; /* 192 */
    /*
     * 256, 260: set while the stub / the sentry sleeps on the futex, so the
     * other side makes the FUTEX_WAKE only then.
     */
    uint32_t stub_sleeping;
    uint32_t sentry_sleeping;
    uint32_t spin; /* 264: rounds the stub spins on the state before it sleeps */
    uint32_t pad3;
    char name[16]; /* 272: the thread's new host name, for prctl(PR_SET_NAME) */
};

/* The header slot, read by the stub's start-up code. */
struct systrap_header {
    uint64_t nr_gaps;
    struct {
        uint64_t addr;
        uint64_t len;
    } gaps[SYSTRAP_MAX_GAPS];
    /* as_set_cmdline: the prctl(PR_SET_MM_MAP) argument. */
    struct prctl_mm_map mm_map;
};

struct platform {
    struct platform_opts opts;
    /* The stub code page (RX), mapped in the sentry and inherited by every stub. Immutable. */
    uintptr_t code_page;
    uintptr_t handler_ip; /* the SIGSYS/fault handler */
    uintptr_t start_ip;   /* the start-up code, entered with %rdi = header, %rsp = slot 1 top */
    /* The seccomp filter of every stub. Immutable. */
    struct sock_filter filter[64];
    unsigned short filter_len;
    /* vDSO, vvar and the code page: shared by all stubs. Immutable. */
    struct platform_range common[PLATFORM_MAX_RANGES];
    size_t nr_common;
    uintptr_t vdso_base;
    int nr_cpus; /* Immutable */
    /* The vCPUs the sentry may run on (Immutable), and the next one ctx_attach takes (atomic). */
    int allowed[256];
    int nr_allowed;
    unsigned int next_cpu;
    /* Contexts being run by a sentry thread (see choose_mode). Atomic. */
    int active;
    /* The window of all regions (PROT_NONE where unused). Immutable. */
    uintptr_t window;
    /* Which regions of the window are in use. Protected by mu. */
    pthread_mutex_t mu;
    uint64_t used[SYSTRAP_NR_REGIONS / 64];
};

/* One host process of stubs: shared by the contexts of its threads. */
struct systrap_proc {
    pid_t pid;
    int pidfd;      /* for liveness, signals; -1 if pidfd_open failed */
    bool child;     /* a child of the sentry (reaped by as_release) */
    int refs;       /* contexts (and the address space) using it; atomic */
    int nr_threads; /* live host threads; atomic */
};

struct platform_ctx {
    struct platform_as *as;    /* Not owned. */
    struct systrap_proc *proc; /* the host process of the thread; a reference */
    pid_t tid;                 /* host thread id */
    struct systrap_msg *msg;   /* the thread's slot (shared memory, app-writable) */
    unsigned int slot;         /* index of the slot in the region */
    /* Where the current frame lives (validated copies of msg->uc / msg->info), 0 if none. */
    uintptr_t uc;
    uintptr_t info;
    int signo;
    /* fs_base and gs_base the host thread has now. */
    uint64_t fs_base;
    uint64_t gs_base;
    bool dead;
    int cpu;      /* the vCPU of the sentry thread running it, -1 if unpinned */
    bool fast;    /* stub thread on the next vCPU, both sides spin (choose_mode) */
    bool counted; /* counted in platform.active */
    /* The app thread's name, for the host thread (ctx_set_name; applied by ctx_switch). */
    struct platform_name name;
};

struct platform_as {
    struct platform *p;        /* Not owned. */
    pid_t pid;                 /* host pid of the stub process */
    struct systrap_proc *proc; /* the stub process; a reference */
    uintptr_t region;          /* SYSTRAP_REGION_SIZE, shared with the stub */
    int sock;                  /* the sentry's end of the stub's socket */
    /* The caller's (as_new, ctx_clone) and one per context; the last frees it. Atomic. */
    int refs;
    pthread_mutex_t fd_mu; /* serialises fd passing over `sock` (send and the stub's recv) */
    /*
     * The command line of the stub process (as_set_cmdline; a fork copies
     * it), and whether the host has yet to see it. Protected by cmd_mu;
     * cmd_pending is also read atomically without it.
     */
    pthread_mutex_t cmd_mu;
    char *cmd;
    size_t cmd_len;
    bool cmd_pending;
    /* Where the host command line points in the app's stack (0: the stub's own page). */
    uintptr_t arg_start;
    bool from_factory; /* the stub came from the factory (not a child of the sentry) */
    struct platform_as_info info;
    /* Slots in use (bit i: slot i; slot 0 is the header). Atomic. */
    uint64_t slots[SYSTRAP_NR_SLOTS / 64];
    /* The context used for mm syscalls from other threads (the stub's first thread). Not owned. */
    struct platform_ctx *main;
};

/* Prepares the code page, the region window and the seccomp filter. Host tier. */
int systrap_stub_prepare(struct platform *p, rt_error_t *err);
/* Undoes systrap_stub_prepare. */
void systrap_stub_unprepare(struct platform *p);

/*
 * Takes a free region of the window and maps a new memfd there (returned in
 * *memfd, owned by the caller). Returns 0 or -errno.
 */
long systrap_region_alloc(struct platform *p, uintptr_t *region, int *memfd);
/* Returns a region to the window. */
void systrap_region_free(struct platform *p, uintptr_t region);

/*
 * Maps a new slot region, creates a stub process on it and returns its pid.
 * The stub does not wait for anything: the caller waits for its first
 * SYSTRAP_EVENT in slot 1. Host tier.
 */
pid_t systrap_stub_spawn(struct platform *p, struct platform_as *as, rt_error_t *err);

/*
 * Becomes a stub on `region` (already mapped): signal set-up, the socket
 * `sock` moved to SYSTRAP_SOCK_FD, every other fd closed, the filter, and
 * the start-up code. Dies with the thread `parent` that forked it. Only raw
 * syscalls, no allocation, no return.
 */
void __attribute__((noreturn))
systrap_stub_child(struct platform *p, uintptr_t region, pid_t parent, int sock);

/* The host mask of a new stub thread until its first trap parks it in the handler. */
uint64_t systrap_start_mask(void);
